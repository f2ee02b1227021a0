/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal to `cairn check`: the jobs (one subject and its new schema file, from flags or a
 * manifest), the results with their violations, and the three parts that share them:
 * cli_check.c (arguments, manifest, offline checks), cli_check_online.c (checks against a
 * running registry) and cli_report.c (text, json, junit and github output).
 */
#ifndef CLI_CHECK_H
#define CLI_CHECK_H

#include "clients/cli.h"
#include "compat/compat.h"

typedef enum chk_status {
    CHK_COMPATIBLE = 0,
    CHK_INCOMPATIBLE,
    CHK_PARSE_ERROR, /* a schema does not parse (local parser or registry 42201) */
    CHK_ERROR        /* I/O, network or registry error */
} chk_status_t;

/** One subject to check. Strings are owned (freed by chk_job_fini). */
typedef struct chk_job {
    char *subject;
    char *file;     /* the new schema */
    char *type;     /* AVRO, PROTOBUF, JSON */
    char *level;    /* NULL: --level (offline) or the registry's level (online) */
    char **against; /* offline previous versions, oldest first (directories expanded) */
    size_t n_against;
    json_t *refs; /* references: {"name","subject","version"} (online) or {"name","file"} */
} chk_job_t;

typedef struct chk_violation {
    char *rule;    /* e.g. READER_FIELD_MISSING_DEFAULT_VALUE, NEW_SUBJECT, PARSE_ERROR */
    int version;   /* the compared version, 0 when unknown */
    char *path;    /* JSON pointer in the schema, or NULL */
    char *message; /* human readable */
    char *against; /* file of the compared version (offline) or NULL */
} chk_violation_t;

typedef struct chk_result {
    const chk_job_t *job; /* borrowed */
    chk_status_t status;
    char level[32];
    compat_policy_t policy; /* of local checks (--compatibility-policy); STRICT by default */
    bool new_subject;
    size_t compared; /* previous versions known */
    chk_violation_t *v;
    size_t nv;
    json_t *messages; /* Confluent's message list (owned), or NULL */
} chk_result_t;

typedef enum chk_format { CHK_TEXT, CHK_JSON, CHK_JUNIT, CHK_GITHUB } chk_format_t;

typedef struct chk_opts {
    compat_level_t level;
    bool level_given;
    bool fail_on_new;
    bool latest_only;
    bool normalize;
    compat_policy_t policy;
    chk_format_t format;
    cli_reg_opts_t reg;
} chk_opts_t;

/** @brief Add a violation (strings copied; path, against may be NULL). */
void chk_add(chk_result_t *r, const char *rule, int version, const char *path, const char *message,
             const char *against);
void chk_result_fini(chk_result_t *r);

/** Offline references: files parsed on demand by a compat resolver (cli_check_refs.c). */
typedef struct chk_refset chk_refset_t;
/** @brief From a job's {"name","file"} array (borrowed: must outlive the set); NULL with msg. */
chk_refset_t *chk_refset_new(compat_type_t type, const json_t *refs, char *msg, size_t cap);
/** @brief Point po at the set's references and resolver. */
void chk_refset_opts(chk_refset_t *rs, compat_parse_opts_t *po);
void chk_refset_free(chk_refset_t *rs);
/** @brief Protobuf: add to refs a {"name","file","imports"} entry for every file that files
 *  import, found in the -I directories dirs (strings) as protoc does, transitively (built-in
 *  well-known imports excepted). 0, or -1 with msg. */
int chk_proto_imports(json_t *refs, const json_t *dirs, char *const *files, size_t nfiles,
                      char *msg, size_t cap);

/** @brief Check a schema text against history texts (oldest first) locally at level, every
 *  schema parsed with po (type and references). */
void chk_local(chk_result_t *r, const compat_parse_opts_t *po, compat_level_t level,
               const char *text, char *const *history, const int *versions, char *const *names,
               size_t n);
/** @brief Online check of job against the registry sd. */
void chk_online(const chk_opts_t *o, cairn_serdes_t *sd, chk_result_t *r);
/** @brief Write the results in the format to f. */
void chk_report(FILE *f, chk_format_t format, const chk_result_t *rs, size_t n);

#endif
