/* SPDX-License-Identifier: Apache-2.0
 *
 * Helpers shared by the `cairn` subcommands: reading input files with a size limit, the shared
 * registry flags (URL, auth, TLS, any serdes key) with their environment fallbacks, registry
 * requests through libcairn-serdes (cairn_registry_request) with JSON in and out, path
 * escaping, number parsing and error printing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/cli_int.h"

cn_err_t cli_read_file(const char *path, size_t limit, char **out, size_t *len_out,
                       cn_error_t *err) {
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    cn_err_t rc = CN_OK;
    if (!f)
        return cn_error_set(err, CN_ERR_IO, "%s: %s", path, strerror(errno));
    for (;;) {
        if (len + 4096 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (len > limit) {
            rc = cn_error_set(err, CN_ERR_TOO_LARGE, "%s: larger than %zu bytes", path, limit);
            break;
        }
        if (n == 0) {
            if (ferror(f))
                rc = cn_error_set(err, CN_ERR_IO, "%s: read error", path);
            break;
        }
    }
    if (!is_stdin)
        fclose(f);
    if (rc != CN_OK) {
        free(buf);
        return rc;
    }
    buf[len] = 0;
    *out = buf;
    if (len_out)
        *len_out = len;
    return CN_OK;
}

int cli_getopt(const char *cmd, int argc, char **argv, const struct option *opts, cli_opt_fn fn,
               void *args, bool *help, int *first_pos) {
    int c, rc;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "hI:", opts, NULL)) != -1) { /* -I: cairn check */
        if (c == 'h') {
            *help = true;
            return 0;
        }
        if (c == '?')
            return cli_usage_error(cmd, "unknown or incomplete option", argv[optind - 1]);
        if ((rc = fn(args, c, optarg)) != 0)
            return rc;
    }
    *first_pos = optind;
    return 0;
}

int cli_usage_error(const char *cmd, const char *msg, const char *arg) {
    fprintf(stderr, "%s: %s%s%s\n", cmd, msg, arg ? ": " : "", arg ? arg : "");
    fprintf(stderr, "(`%s --help` prints the usage)\n", cmd);
    return CLI_EXIT_USAGE;
}

bool cli_parse_long(const char *s, long min, long max, long *out) {
    char *end;
    long v;
    if (!s || !*s)
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool cli_reference_add(json_t *refs, const char *cmd, const char *arg) {
    const char *eq = strchr(arg, '='), *colon = strrchr(arg, ':');
    char name[1024], subject[1024];
    long version;
    if (!eq || eq == arg || !colon || colon < eq + 2 ||
        !cli_parse_long(colon + 1, 1, INT32_MAX, &version) || (size_t)(eq - arg) >= sizeof(name) ||
        (size_t)(colon - eq - 1) >= sizeof(subject)) {
        cli_usage_error(cmd, "--reference wants NAME=SUBJECT:VERSION", arg);
        return false;
    }
    snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
    snprintf(subject, sizeof(subject), "%.*s", (int)(colon - eq - 1), eq + 1);
    return json_array_append_new(refs, json_pack("{s:s,s:s,s:i}", "name", name, "subject", subject,
                                                 "version", (int)version)) == 0;
}

void cli_print_json(FILE *f, const json_t *v) {
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s)
        fprintf(f, "%s\n", s);
    free(s);
}

/* ---- registry options ---- */

int cli_reg_opt(cli_reg_opts_t *o, const char *cmd, int c, const char *arg) {
    switch (c) {
    case CLI_OPT_REGISTRY:
        o->url = arg;
        return 0;
    case CLI_OPT_USER:
        o->user = arg;
        return 0;
    case CLI_OPT_TOKEN:
        o->token = arg;
        return 0;
    case CLI_OPT_CA:
        o->ca = arg;
        return 0;
    case CLI_OPT_CERT:
        o->cert = arg;
        return 0;
    case CLI_OPT_KEY:
        o->key = arg;
        return 0;
    case CLI_OPT_KEY_PASSWORD:
        o->key_password = arg;
        return 0;
    case CLI_OPT_INSECURE:
        o->insecure = true;
        return 0;
    case CLI_OPT_SERDES_PROP:
        if (o->n_props >= CLI_MAX_PROPS || !strchr(arg, '=')) {
            cli_usage_error(cmd, "--registry-property wants KEY=VALUE (at most 64)", arg);
            return -1;
        }
        o->props[o->n_props++] = arg;
        return 0;
    default:
        return 1;
    }
}

static const char *env_or(const char *v, const char *name) {
    const char *e;
    if (v)
        return v;
    e = getenv(name);
    return e && *e ? e : NULL;
}

bool cli_reg_configured(const cli_reg_opts_t *o) {
    return env_or(o->url, "CAIRN_REGISTRY_URL") != NULL;
}

static bool conf_put(cairn_conf_t *conf, const char *cmd, const char *key, const char *value) {
    cairn_error_t err;
    if (!value)
        return true;
    if (cairn_conf_set(conf, key, value, &err) == CAIRN_OK)
        return true;
    fprintf(stderr, "%s: %s\n", cmd, err.msg);
    return false;
}

static bool conf_put_kv(cairn_conf_t *conf, const char *cmd, const char *kv) {
    const char *eq = strchr(kv, '=');
    char key[256];
    if (!eq || (size_t)(eq - kv) >= sizeof(key)) {
        fprintf(stderr, "%s: bad KEY=VALUE: %s\n", cmd, kv);
        return false;
    }
    memcpy(key, kv, (size_t)(eq - kv));
    key[eq - kv] = 0;
    return conf_put(conf, cmd, key, eq + 1);
}

static bool conf_fill(cairn_conf_t *conf, const cli_reg_opts_t *o, const char *cmd) {
    const char *url = env_or(o->url, "CAIRN_REGISTRY_URL");
    bool ok = true;
    if (!url) {
        fprintf(stderr, "%s: no registry: give --registry URL or set CAIRN_REGISTRY_URL\n", cmd);
        return false;
    }
    ok = ok && conf_put(conf, cmd, "schema.registry.url", url);
    /* A command line fails fast: one retry after 200 ms unless the user asks otherwise. */
    ok = ok && conf_put(conf, cmd, "max.retries", "1");
    ok = ok && conf_put(conf, cmd, "retries.wait.ms", "200");
    ok = ok &&
         conf_put(conf, cmd, "basic.auth.user.info", env_or(o->user, "CAIRN_REGISTRY_USER_INFO"));
    ok = ok &&
         conf_put(conf, cmd, "bearer.auth.token", env_or(o->token, "CAIRN_REGISTRY_BEARER_TOKEN"));
    ok = ok && conf_put(conf, cmd, "ssl.ca.location", env_or(o->ca, "CAIRN_REGISTRY_CA_FILE"));
    ok = ok && conf_put(conf, cmd, "ssl.certificate.location", o->cert);
    ok = ok && conf_put(conf, cmd, "ssl.key.location", o->key);
    ok = ok && conf_put(conf, cmd, "ssl.key.password", o->key_password);
    if (o->insecure) {
        ok = ok && conf_put(conf, cmd, "enable.ssl.certificate.verification", "false");
        ok = ok && conf_put(conf, cmd, "ssl.endpoint.identification.algorithm", "none");
    }
    for (size_t i = 0; ok && i < o->n_props; i++)
        ok = conf_put_kv(conf, cmd, o->props[i]);
    return ok;
}

cairn_serdes_t *cli_reg_connect(const cli_reg_opts_t *o, const char *cmd) {
    cairn_conf_t *conf = cairn_conf_new();
    cairn_serdes_t *sd;
    cairn_error_t err;
    if (!conf) {
        fprintf(stderr, "%s: out of memory\n", cmd);
        return NULL;
    }
    if (!conf_fill(conf, o, cmd)) {
        cairn_conf_free(conf);
        return NULL;
    }
    if (!(sd = cairn_serdes_new(conf, &err)))
        fprintf(stderr, "%s: %s\n", cmd, err.msg);
    return sd;
}

cairn_err_t cli_reg_call(cairn_serdes_t *sd, const char *method, const char *path,
                         const json_t *body, json_t **out, cairn_error_t *err) {
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL, *answer = NULL;
    json_error_t jerr;
    cairn_err_t rc;
    *out = NULL;
    if (body && !text) {
        snprintf(err->msg, sizeof(err->msg), "out of memory");
        return err->code = CAIRN_ERR_NO_MEMORY;
    }
    rc = cairn_registry_request(sd, method, path, text, &answer, err);
    free(text);
    if (rc != CAIRN_OK)
        return rc;
    *out = json_loads(answer, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!*out)
        *out = json_string(answer);
    cairn_free(answer);
    if (!*out) {
        snprintf(err->msg, sizeof(err->msg), "out of memory");
        return err->code = CAIRN_ERR_NO_MEMORY;
    }
    return CAIRN_OK;
}

int cli_reg_fail(const char *cmd, const cairn_error_t *err) {
    if (err->code == CAIRN_ERR_REGISTRY)
        fprintf(stderr, "%s: %s (HTTP %d, error_code %d)\n", cmd, err->msg, err->http_status,
                err->error_code);
    else
        fprintf(stderr, "%s: %s: %s\n", cmd, cairn_err_name(err->code), err->msg);
    return CLI_EXIT_USAGE;
}

cn_err_t cli_escape(cn_buf_t *out, const char *segment) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)segment; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            cn_buf_put_u8(out, *p);
        } else {
            uint8_t e[3] = {'%', (uint8_t)hex[*p >> 4], (uint8_t)hex[*p & 15]};
            cn_buf_put(out, e, 3);
        }
    }
    return out->failed ? CN_ERR_NO_MEMORY : CN_OK;
}
