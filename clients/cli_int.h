/* SPDX-License-Identifier: Apache-2.0
 *
 * The `cairn` command line: one entry point per subcommand (cairn_main.c holds the table) and
 * the helpers they share: registry connection options (URL, auth, TLS, serdes keys), the
 * registry request helper over libcairn-serdes, path escaping and file reading.
 * Exit codes: 0 success, 1 usage, configuration, network or registry error, 2 a schema does not
 * parse, 100 incompatible (cairn check) or invalid (cairn validate).
 */
#ifndef CLI_INT_H
#define CLI_INT_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cairn/serdes.h>
#include "common/cn_buf.h"
#include "common/cn_err.h"

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_USAGE = 1,
    CLI_EXIT_INVALID_SCHEMA = 2,
    CLI_EXIT_INCOMPATIBLE = 100,
};

#define CLI_MAX_FILE  (16u * 1024 * 1024)
#define CLI_MAX_PROPS 64

/** A subcommand: argv[0] is the subcommand name. */
typedef int (*cli_cmd_fn)(int argc, char **argv);

int cli_check_main(int argc, char **argv);
int cli_schema_main(int argc, char **argv);
int cli_config_main(int argc, char **argv);
int cli_mode_main(int argc, char **argv);
int cli_produce_main(int argc, char **argv);
int cli_consume_main(int argc, char **argv);
int cli_topic_main(int argc, char **argv);
int cli_validate_main(int argc, char **argv);

/** @brief Read a whole file (at most limit bytes; "-" is stdin) into a malloc'ed NUL-terminated
 *  buffer. */
cn_err_t cli_read_file(const char *path, size_t limit, char **out, size_t *len_out,
                       cn_error_t *err);

/* ---- registry connection options, shared by every registry command ---- */

/** Long option codes of the shared registry flags (getopt_long values, above any char). */
enum {
    CLI_OPT_REGISTRY = 0x1000,
    CLI_OPT_USER,
    CLI_OPT_TOKEN,
    CLI_OPT_CA,
    CLI_OPT_CERT,
    CLI_OPT_KEY,
    CLI_OPT_KEY_PASSWORD,
    CLI_OPT_INSECURE,
    CLI_OPT_SERDES_PROP,
};

/** The struct option rows for the flags above (put them first in a command's table). */
#define CLI_REG_LONGOPTS                                                                           \
    {"registry", required_argument, NULL, CLI_OPT_REGISTRY},                                       \
        {"user", required_argument, NULL, CLI_OPT_USER},                                           \
        {"bearer-token", required_argument, NULL, CLI_OPT_TOKEN},                                  \
        {"ca-file", required_argument, NULL, CLI_OPT_CA},                                          \
        {"cert-file", required_argument, NULL, CLI_OPT_CERT},                                      \
        {"key-file", required_argument, NULL, CLI_OPT_KEY},                                        \
        {"key-password", required_argument, NULL, CLI_OPT_KEY_PASSWORD},                           \
        {"insecure", no_argument, NULL, CLI_OPT_INSECURE}, {                                       \
        "registry-property", required_argument, NULL, CLI_OPT_SERDES_PROP                          \
    }

/** Usage text of the shared registry flags. */
#define CLI_REG_USAGE                                                                              \
    "registry options (environment variables in brackets):\n"                                      \
    "  --registry URL[,URL...]  registry base URLs [CAIRN_REGISTRY_URL]\n"                         \
    "  --user USER:PASSWORD     basic auth [CAIRN_REGISTRY_USER_INFO]\n"                           \
    "  --bearer-token TOKEN     bearer auth [CAIRN_REGISTRY_BEARER_TOKEN]\n"                       \
    "  --ca-file FILE           CA certificates (PEM) [CAIRN_REGISTRY_CA_FILE]\n"                  \
    "  --cert-file FILE         client certificate (PEM) for mTLS\n"                               \
    "  --key-file FILE          client key (PEM); --key-password PASSWORD\n"                       \
    "  --insecure               skip TLS certificate and host verification\n"                      \
    "  --registry-property K=V  any libcairn-serdes key (docs/serdes.md), repeatable\n"

typedef struct cli_reg_opts {
    const char *url, *user, *token, *ca, *cert, *key, *key_password;
    bool insecure;
    const char *props[CLI_MAX_PROPS]; /* "key=value" */
    size_t n_props;
} cli_reg_opts_t;

/** @brief Handle one shared flag (c is a CLI_OPT_* code). Returns 1 if c is not one of them,
 *  0 when handled, -1 on a usage error (printed, prefixed with cmd). */
int cli_reg_opt(cli_reg_opts_t *o, const char *cmd, int c, const char *arg);
/** @brief True when a registry URL is given by flag or environment. */
bool cli_reg_configured(const cli_reg_opts_t *o);
/** @brief A serdes handle for the options (environment fallbacks applied); prints and returns
 *  NULL on error. */
cairn_serdes_t *cli_reg_connect(const cli_reg_opts_t *o, const char *cmd);

/** @brief One registry request: body (borrowed) may be NULL; *out gets the parsed JSON answer
 *  (a string for non-JSON text). Errors fill err (http_status/error_code for registry
 *  answers). */
cairn_err_t cli_reg_call(cairn_serdes_t *sd, const char *method, const char *path,
                         const json_t *body, json_t **out, cairn_error_t *err);
/** @brief Print a registry error for cmd on stderr. Returns CLI_EXIT_USAGE. */
int cli_reg_fail(const char *cmd, const cairn_error_t *err);

/** @brief Append segment percent-encoded (RFC 3986 unreserved characters kept). */
cn_err_t cli_escape(cn_buf_t *out, const char *segment);

/** @brief Append the reference NAME=SUBJECT:VERSION (the last ':' splits) to refs as
 *  {"name","subject","version"}; false (printed, prefixed with cmd) when malformed. */
bool cli_reference_add(json_t *refs, const char *cmd, const char *arg);
/** @brief Parse a decimal integer in [min, max]. */
bool cli_parse_long(const char *s, long min, long max, long *out);
/** @brief Print a JSON value compactly with a newline. */
void cli_print_json(FILE *f, const json_t *v);
/** @brief Print a usage error "cmd: msg[: arg]" and return CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *msg, const char *arg);
/** @brief The first DIR/path that is readable among the -I directories dirs (a JSON array of
 *  strings), as protoc searches its import path; malloc'd, or NULL (cli_proto_refs.c). */
char *cli_proto_find(const json_t *dirs, const char *path);
/** @brief Register, depth first, every file a .proto imports (found in the -I directories
 *  dirs, subject = import path, built-in well-known imports skipped) and append the file's
 *  direct imports to refs_out as {"name","subject","version"} (cli_proto_refs.c). 0 or an exit
 *  code (error printed). */
int cli_proto_register_imports(cairn_serdes_t *sd, const char *cmd, const json_t *dirs,
                               const char *file, json_t *refs_out);

/** A command's handler of one parsed option (getopt's c and optarg): 0, or an exit code. */
typedef int (*cli_opt_fn)(void *args, int c, const char *arg);
/** @brief getopt_long over argv (argv[0] is the command or verb) with opts, handing each option
 *  to fn(args, ...). @returns 0 with *help set on --help / -h, or *first_pos the index of the
 *  first positional argument; a usage exit code for an unknown or incomplete option, or fn's. */
int cli_getopt(const char *cmd, int argc, char **argv, const struct option *opts, cli_opt_fn fn,
               void *args, bool *help, int *first_pos);

#endif
