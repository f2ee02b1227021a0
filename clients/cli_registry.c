/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn schema|config|mode`: the registry REST API from the shell. One table row per verb
 * (positional arguments, usage, handler); handlers build the path and body, call the registry
 * through libcairn-serdes and print text (default) or the registry's JSON answer (--json).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clients/cli_int.h"

typedef struct reg_args {
    cli_reg_opts_t reg;
    bool json, normalize, permanent, deleted, force, effective;
    const char *type, *prefix;
    json_t *refs;        /* --reference entries */
    json_t *proto_paths; /* -I: register a .proto's imports first */
    long id;
    char **pos;
    int npos;
    char cmd[64];
} reg_args_t;

typedef int (*reg_run_fn)(reg_args_t *a, cairn_serdes_t *sd);

typedef struct reg_verb {
    const char *group, *verb;
    int min_pos, max_pos;
    const char *usage;
    reg_run_fn run;
} reg_verb_t;

enum {
    OPT_JSON = 1,
    OPT_TYPE,
    OPT_NORMALIZE,
    OPT_PERMANENT,
    OPT_DELETED,
    OPT_FORCE,
    OPT_EFFECTIVE,
    OPT_PREFIX,
    OPT_ID,
    OPT_REFERENCE,
    OPT_PROTO_PATH = 'I'
};

/* ---- helpers ---- */

/* path = prefix + escaped subject + suffix (subject may be NULL: prefix + suffix). */
static char *make_path(const char *prefix, const char *subject, const char *suffix) {
    cn_buf_t b;
    cn_buf_init(&b, 1 << 20);
    cn_buf_put_str(&b, prefix);
    if (subject)
        cli_escape(&b, subject);
    cn_buf_put_str(&b, suffix ? suffix : "");
    if (!cn_buf_cstr(&b) || b.failed) {
        cn_buf_fini(&b);
        return NULL;
    }
    return (char *)cn_buf_steal(&b, NULL);
}

/* Request and report: returns 0 with *out set, or the exit code (error printed). */
static int call(reg_args_t *a, cairn_serdes_t *sd, const char *method, char *path,
                const json_t *body, json_t **out) {
    cairn_error_t err;
    cairn_err_t rc;
    if (!path) {
        fprintf(stderr, "%s: out of memory\n", a->cmd);
        return CLI_EXIT_USAGE;
    }
    rc = cli_reg_call(sd, method, path, body, out, &err);
    free(path);
    return rc == CAIRN_OK ? 0 : cli_reg_fail(a->cmd, &err);
}

/* Print the answer: --json as is, else the field (or the whole value when field is NULL) with
 * arrays one element per line. */
static int emit(const reg_args_t *a, json_t *v, const char *field) {
    json_t *f = field ? json_object_get(v, field) : v;
    if (a->json)
        cli_print_json(stdout, v);
    else if (json_is_string(f))
        printf("%s\n", json_string_value(f));
    else if (json_is_array(f)) {
        size_t i;
        json_t *e;
        json_array_foreach(f, i, e) {
            if (json_is_string(e))
                printf("%s\n", json_string_value(e));
            else
                cli_print_json(stdout, e);
        }
    } else if (f)
        cli_print_json(stdout, f);
    json_decref(v);
    return CLI_EXIT_OK;
}

/* {"schema": text of file, "schemaType": T unless AVRO} or NULL (error printed). */
static json_t *schema_body(const reg_args_t *a, const char *file) {
    char *text;
    cn_error_t err;
    json_t *b;
    if (cli_read_file(file, CLI_MAX_FILE, &text, NULL, &err) != CN_OK) {
        fprintf(stderr, "%s: %s\n", a->cmd, err.msg);
        return NULL;
    }
    b = json_pack("{s:s}", "schema", text);
    free(text);
    if (b && json_array_size(a->refs))
        json_object_set(b, "references", a->refs);
    if (b && a->type && strcasecmp(a->type, "AVRO") != 0)
        json_object_set_new(b, "schemaType", json_string(a->type));
    return b;
}

static const char *q_normalize(const reg_args_t *a) {
    return a->normalize ? "?normalize=true" : "";
}

/* ---- schema ---- */

/* -I with a .proto: its imports registered first and added to the references. */
static int proto_imports(reg_args_t *a, cairn_serdes_t *sd) {
    if (!json_array_size(a->proto_paths))
        return 0;
    if (!a->type || strcasecmp(a->type, "PROTOBUF") != 0)
        return cli_usage_error(a->cmd, "-I is for --type PROTOBUF", NULL);
    return cli_proto_register_imports(sd, a->cmd, a->proto_paths, a->pos[1], a->refs);
}

static int schema_register(reg_args_t *a, cairn_serdes_t *sd) {
    int rc = proto_imports(a, sd);
    json_t *body = rc ? NULL : schema_body(a, a->pos[1]), *out;
    char suffix[64];
    if (rc)
        return rc;
    if (!body)
        return CLI_EXIT_USAGE;
    snprintf(suffix, sizeof(suffix), "/versions%s", q_normalize(a));
    rc = call(a, sd, "POST", make_path("/subjects/", a->pos[0], suffix), body, &out);
    json_decref(body);
    return rc ? rc : emit(a, out, "id");
}

static int schema_lookup(reg_args_t *a, cairn_serdes_t *sd) {
    int rc = proto_imports(a, sd);
    json_t *body = rc ? NULL : schema_body(a, a->pos[1]), *out;
    if (rc)
        return rc;
    if (!body)
        return CLI_EXIT_USAGE;
    rc = call(a, sd, "POST", make_path("/subjects/", a->pos[0], q_normalize(a)), body, &out);
    json_decref(body);
    if (rc)
        return rc;
    if (!a->json) {
        printf("subject %s version %lld id %lld\n",
               json_string_value(json_object_get(out, "subject")) ?: a->pos[0],
               json_integer_value(json_object_get(out, "version")),
               json_integer_value(json_object_get(out, "id")));
        json_decref(out);
        return CLI_EXIT_OK;
    }
    return emit(a, out, NULL);
}

static int schema_get(reg_args_t *a, cairn_serdes_t *sd) {
    char path[128], suffix[128];
    json_t *out;
    int rc;
    if (a->id >= 0) {
        if (a->npos)
            return cli_usage_error(a->cmd, "--id takes no SUBJECT", NULL);
        snprintf(path, sizeof(path), "/schemas/ids/%ld", a->id);
        rc = call(a, sd, "GET", strdup(path), NULL, &out);
    } else if (a->npos < 1) {
        return cli_usage_error(a->cmd, "give a SUBJECT [VERSION] or --id N", NULL);
    } else {
        snprintf(suffix, sizeof(suffix), "/versions/%s%s", a->npos > 1 ? a->pos[1] : "latest",
                 a->deleted ? "?deleted=true" : "");
        rc = call(a, sd, "GET", make_path("/subjects/", a->pos[0], suffix), NULL, &out);
    }
    return rc ? rc : emit(a, out, "schema");
}

static int schema_versions(reg_args_t *a, cairn_serdes_t *sd) {
    json_t *out;
    int rc = call(
        a, sd, "GET",
        make_path("/subjects/", a->pos[0], a->deleted ? "/versions?deleted=true" : "/versions"),
        NULL, &out);
    return rc ? rc : emit(a, out, NULL);
}

static int schema_list(reg_args_t *a, cairn_serdes_t *sd) {
    cn_buf_t b;
    json_t *out;
    int rc;
    cn_buf_init(&b, 1 << 20);
    cn_buf_printf(&b, "/subjects?deleted=%s", a->deleted ? "true" : "false");
    if (a->prefix) {
        cn_buf_put_str(&b, "&subjectPrefix=");
        cli_escape(&b, a->prefix);
    }
    rc = call(a, sd, "GET", cn_buf_cstr(&b) ? strdup(cn_buf_cstr(&b)) : NULL, NULL, &out);
    cn_buf_fini(&b);
    return rc ? rc : emit(a, out, NULL);
}

static int schema_delete(reg_args_t *a, cairn_serdes_t *sd) {
    char suffix[128];
    json_t *out;
    int rc;
    const char *perm = a->permanent ? "?permanent=true" : "";
    if (a->npos > 1)
        snprintf(suffix, sizeof(suffix), "/versions/%s%s", a->pos[1], perm);
    else
        snprintf(suffix, sizeof(suffix), "%s", perm);
    rc = call(a, sd, "DELETE", make_path("/subjects/", a->pos[0], suffix), NULL, &out);
    return rc ? rc : emit(a, out, NULL);
}

/* ---- config and mode ---- */

/* The subject (first positional when there are `with` of them), or NULL for global. */
static const char *subject_of(const reg_args_t *a, int with) {
    return a->npos >= with ? a->pos[0] : NULL;
}

static char *scoped_path(const char *root, const char *subject, const char *query) {
    char prefix[32];
    if (!subject)
        return make_path(root, NULL, query);
    snprintf(prefix, sizeof(prefix), "%s/", root);
    return make_path(prefix, subject, query);
}

static int scoped_get(reg_args_t *a, cairn_serdes_t *sd, const char *root, const char *field) {
    json_t *out;
    int rc = call(a, sd, "GET",
                  scoped_path(root, subject_of(a, 1), a->effective ? "?defaultToGlobal=true" : ""),
                  NULL, &out);
    return rc ? rc : emit(a, out, field);
}

static int scoped_delete(reg_args_t *a, cairn_serdes_t *sd, const char *root, const char *field) {
    json_t *out;
    int rc = call(a, sd, "DELETE", scoped_path(root, subject_of(a, 1), NULL), NULL, &out);
    return rc ? rc : emit(a, out, field);
}

static int config_get(reg_args_t *a, cairn_serdes_t *sd) {
    return scoped_get(a, sd, "/config", "compatibilityLevel");
}

static int config_delete(reg_args_t *a, cairn_serdes_t *sd) {
    return scoped_delete(a, sd, "/config", "compatibilityLevel");
}

static int config_set(reg_args_t *a, cairn_serdes_t *sd) {
    json_t *body = json_pack("{s:s}", "compatibility", a->pos[a->npos - 1]), *out;
    int rc;
    if (a->normalize)
        json_object_set_new(body, "normalize", json_true());
    rc = call(a, sd, "PUT", scoped_path("/config", subject_of(a, 2), NULL), body, &out);
    json_decref(body);
    return rc ? rc : emit(a, out, "compatibility");
}

static int mode_get(reg_args_t *a, cairn_serdes_t *sd) {
    return scoped_get(a, sd, "/mode", "mode");
}

static int mode_delete(reg_args_t *a, cairn_serdes_t *sd) {
    return scoped_delete(a, sd, "/mode", "mode");
}

static int mode_set(reg_args_t *a, cairn_serdes_t *sd) {
    json_t *body = json_pack("{s:s}", "mode", a->pos[a->npos - 1]), *out;
    int rc =
        call(a, sd, "PUT", scoped_path("/mode", subject_of(a, 2), a->force ? "?force=true" : ""),
             body, &out);
    json_decref(body);
    return rc ? rc : emit(a, out, "mode");
}

static const reg_verb_t verbs[] = {
    {"schema", "register", 2, 2,
     "SUBJECT FILE [--type AVRO|PROTOBUF|JSON] [--normalize] [--reference NAME=SUBJECT:VERSION...]"
     " [-I DIR...]",
     schema_register},
    {"schema", "get", 0, 2, "SUBJECT [VERSION|latest] [--deleted] | --id ID", schema_get},
    {"schema", "versions", 1, 1, "SUBJECT [--deleted]", schema_versions},
    {"schema", "list", 0, 0, "[--prefix PREFIX] [--deleted]", schema_list},
    {"schema", "delete", 1, 2, "SUBJECT [VERSION] [--permanent]", schema_delete},
    {"schema", "lookup", 2, 2,
     "SUBJECT FILE [--type T] [--normalize] [--reference NAME=SUBJECT:VERSION...] [-I DIR...]",
     schema_lookup},
    {"config", "get", 0, 1, "[SUBJECT] [--effective]", config_get},
    {"config", "set", 1, 2, "[SUBJECT] LEVEL [--normalize]", config_set},
    {"config", "delete", 0, 1, "[SUBJECT]", config_delete},
    {"mode", "get", 0, 1, "[SUBJECT] [--effective]", mode_get},
    {"mode", "set", 1, 2, "[SUBJECT] READWRITE|READONLY|IMPORT [--force]", mode_set},
    {"mode", "delete", 0, 1, "[SUBJECT]", mode_delete},
};

static void group_usage(FILE *f, const char *group) {
    fprintf(f, "usage:\n");
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strcmp(verbs[i].group, group) == 0)
            fprintf(f, "  cairn %s %s %s [--json]\n", group, verbs[i].verb, verbs[i].usage);
    fprintf(
        f,
        "\nText output by default (the schema, the id, one item per line); --json prints\n"
        "the registry's JSON answer. Without SUBJECT, config and mode act globally;\n"
        "--effective asks the subject's level or mode with the global fallback.\n\n" CLI_REG_USAGE
        "\nexit status: 0 success, 1 usage, network or registry error (message on stderr).\n");
}

static int parse_opt(void *args, int c, const char *arg) {
    reg_args_t *a = args;
    switch (c) {
    case OPT_JSON:
        a->json = true;
        return 0;
    case OPT_TYPE:
        a->type = arg;
        return 0;
    case OPT_NORMALIZE:
        a->normalize = true;
        return 0;
    case OPT_PERMANENT:
        a->permanent = true;
        return 0;
    case OPT_DELETED:
        a->deleted = true;
        return 0;
    case OPT_FORCE:
        a->force = true;
        return 0;
    case OPT_EFFECTIVE:
        a->effective = true;
        return 0;
    case OPT_PREFIX:
        a->prefix = arg;
        return 0;
    case OPT_REFERENCE:
        return cli_reference_add(a->refs, a->cmd, arg) ? 0 : CLI_EXIT_USAGE;
    case OPT_PROTO_PATH:
        json_array_append_new(a->proto_paths, json_string(arg));
        return 0;
    case OPT_ID:
        return cli_parse_long(arg, 0, INT32_MAX, &a->id) ? 0
                                                         : cli_usage_error(a->cmd, "bad --id", arg);
    default: {
        int r = cli_reg_opt(&a->reg, a->cmd, c, arg);
        return r == 0  ? 0
               : r < 0 ? CLI_EXIT_USAGE
                       : cli_usage_error(a->cmd, "unknown option", NULL);
    }
    }
}

/* Parse argv (argv[0] is the verb); *help set for --help. */
static int parse_args(reg_args_t *a, int argc, char **argv, bool *help) {
    static const struct option opts[] = {CLI_REG_LONGOPTS,
                                         {"json", no_argument, NULL, OPT_JSON},
                                         {"type", required_argument, NULL, OPT_TYPE},
                                         {"normalize", no_argument, NULL, OPT_NORMALIZE},
                                         {"permanent", no_argument, NULL, OPT_PERMANENT},
                                         {"deleted", no_argument, NULL, OPT_DELETED},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {"effective", no_argument, NULL, OPT_EFFECTIVE},
                                         {"prefix", required_argument, NULL, OPT_PREFIX},
                                         {"id", required_argument, NULL, OPT_ID},
                                         {"reference", required_argument, NULL, OPT_REFERENCE},
                                         {"proto-path", required_argument, NULL, OPT_PROTO_PATH},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int pos = 0;
    int rc = cli_getopt(a->cmd, argc, argv, opts, parse_opt, a, help, &pos);
    if (rc != 0 || *help)
        return rc;
    a->pos = argv + pos;
    a->npos = argc - pos;
    return 0;
}

static int run_verb(const reg_verb_t *v, int argc, char **argv) {
    reg_args_t a = {.id = -1, .refs = json_array(), .proto_paths = json_array()};
    bool help = false;
    cairn_serdes_t *sd = NULL;
    int rc;
    snprintf(a.cmd, sizeof(a.cmd), "cairn %s %s", v->group, v->verb);
    if ((rc = parse_args(&a, argc, argv, &help)) != 0) {
    } else if (help) {
        printf("usage: %s %s [--json] [registry options]\n\n" CLI_REG_USAGE, a.cmd, v->usage);
    } else if (a.npos < v->min_pos || a.npos > v->max_pos) {
        rc = cli_usage_error(a.cmd, "wrong number of arguments", v->usage);
    } else if (!(sd = cli_reg_connect(&a.reg, a.cmd))) {
        rc = CLI_EXIT_USAGE;
    } else {
        rc = v->run(&a, sd);
    }
    cairn_serdes_free(sd);
    json_decref(a.refs);
    json_decref(a.proto_paths);
    return rc;
}

static int group_main(const char *group, int argc, char **argv) {
    char cmd[32];
    snprintf(cmd, sizeof(cmd), "cairn %s", group);
    if (argc < 2) {
        group_usage(stderr, group);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        group_usage(stdout, group);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strcmp(verbs[i].group, group) == 0 && strcmp(verbs[i].verb, argv[1]) == 0)
            return run_verb(&verbs[i], argc - 1, argv + 1);
    cli_usage_error(cmd, "unknown subcommand", argv[1]);
    return CLI_EXIT_USAGE;
}

int cli_schema_main(int argc, char **argv) {
    return group_main("schema", argc, argv);
}

int cli_config_main(int argc, char **argv) {
    return group_main("config", argc, argv);
}

int cli_mode_main(int argc, char **argv) {
    return group_main("mode", argc, argv);
}
