/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn check`, the CI gate (docs/cli.md; modelled on the test-compatibility goal of Confluent's
 * kafka-schema-registry-maven-plugin and on buf breaking): arguments, the jobs (from flags or a
 * JSON manifest), offline checks of schema files against previous versions (files or directories,
 * oldest first) with compat_check, online checks through cli_check_online.c, the report
 * (cli_report.c) and the exit status: 0 compatible, 100 incompatible, 2 a schema does not parse, 1
 * usage, configuration, I/O or network error (the highest class wins: 1 > 2 > 100).
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "clients/cli_check_int.h"

#define CHECK_CMD         "cairn check"
#define CHECK_MAX_AGAINST 100000
#define CHECK_MAX_JOBS    10000

enum {
    OPT_TYPE = 1,
    OPT_LEVEL,
    OPT_FORMAT,
    OPT_AGAINST,
    OPT_SUBJECT,
    OPT_MANIFEST,
    OPT_NEW,
    OPT_LATEST,
    OPT_NORMALIZE,
    OPT_POLICY,
    OPT_OUTPUT,
    OPT_OFFLINE,
    OPT_REFERENCE,
    OPT_REFERENCE_FILE,
    OPT_RULES,
    OPT_PROTO_PATH = 'I'
};

typedef struct check_args {
    chk_opts_t o;
    const char *type, *subject, *manifest, *output;
    bool offline, online;
    char **against;
    size_t n_against;
    char **files;
    int n_files;
    json_t *refs;        /* --reference / --reference-file entries */
    json_t *proto_paths; /* -I / --proto-path directories (Protobuf imports) */
    chk_job_t *jobs;
    size_t n_jobs;
} check_args_t;

static void check_usage(FILE *f) {
    fprintf(
        f, "usage: cairn check [options] NEW_SCHEMA_FILE\n"
           "       cairn check [options] --manifest MANIFEST.json\n\n"
           "Offline (no registry): checks NEW_SCHEMA_FILE against --against files or\n"
           "directories (previous versions, oldest first; a directory's files in natural\n"
           "order: v1, v2, v10) at --level, as the registry would on register.\n"
           "Online (--registry or CAIRN_REGISTRY_URL without --against): checks against the\n"
           "subject's versions in the registry at its configured level (what registration\n"
           "checks; --latest: only the latest version), via the compatibility endpoint with\n"
           "verbose=true; with --level the registry's versions are checked locally at that\n"
           "level. A subject that does not exist yet passes unless --fail-on-new-subject.\n\n"
           "options:\n"
           "  --subject S          subject (default: the file name without extension)\n"
           "  --type T             AVRO (default), PROTOBUF, JSON\n"
           "  --level LEVEL        NONE, BACKWARD (offline default), FORWARD, FULL and the\n"
           "                       _TRANSITIVE variants\n"
           "  --against PATH       a previous version file or a directory of them (repeatable)\n"
           "  --manifest FILE      JSON manifest of subjects (docs/cli.md)\n"
           "  --format F           text (default), json (JSON lines), junit, github\n"
           "  --output FILE        write the report to FILE instead of stdout\n"
           "  --fail-on-new-subject  a subject missing from the registry fails (rule NEW_SUBJECT)\n"
           "  --latest             online: compare with the latest version only\n"
           "  --normalize          online: ask the registry to normalize\n"
           "  --compatibility-policy P  STRICT (default), LENIENT (JSON Schema: Confluent's\n"
           "                       lenient set) or LOGICAL, for the checks made here; online\n"
           "                       without --level the registry applies its own config\n"
           "  --offline            never contact a registry\n"
           "  --reference NAME=SUBJECT:VERSION   online: a schema reference (repeatable)\n"
           "  --reference-file NAME=FILE         offline: a named type defined in "
           "FILE\n"
           "  -I DIR, --proto-path DIR           offline Protobuf: find imports in DIR, as "
           "protoc\n"
           "  --rules CATEGORY     Protobuf: buf breaking's rules instead of Confluent's check:\n"
           "                       wire, wire-json, package or file "
           "(docs/compatibility.md)\n\n" CLI_REG_USAGE
           "\nexit status: 0 compatible, 100 incompatible, 2 a schema does not parse,\n"
           "1 usage, configuration, I/O or network error.\n");
}

/* ---- small helpers ---- */

static char *xstrdup(const char *s) {
    char *d = s ? strdup(s) : NULL;
    if (s && !d) {
        fprintf(stderr, CHECK_CMD ": out of memory\n");
        exit(CLI_EXIT_USAGE);
    }
    return d;
}

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, CHECK_CMD ": out of memory\n");
        exit(CLI_EXIT_USAGE);
    }
    return q;
}

void chk_add(chk_result_t *r, const char *rule, int version, const char *path, const char *message,
             const char *against) {
    r->v = xrealloc(r->v, (r->nv + 1) * sizeof(*r->v));
    r->v[r->nv++] = (chk_violation_t){
        xstrdup(rule), version, xstrdup(path), xstrdup(message), xstrdup(against), NULL, 0, 0};
}

void chk_add_at(chk_result_t *r, const char *rule, int version, const char *file, int line, int col,
                const char *message, const char *against) {
    chk_add(r, rule, version, NULL, message, against);
    r->v[r->nv - 1].file = xstrdup(file);
    r->v[r->nv - 1].line = line;
    r->v[r->nv - 1].col = col;
}

void chk_result_fini(chk_result_t *r) {
    for (size_t i = 0; i < r->nv; i++) {
        free(r->v[i].rule);
        free(r->v[i].path);
        free(r->v[i].message);
        free(r->v[i].against);
        free(r->v[i].file);
    }
    free(r->v);
    json_decref(r->messages);
}

static void job_fini(chk_job_t *j) {
    free(j->subject);
    free(j->file);
    free(j->type);
    free(j->level);
    for (size_t i = 0; i < j->n_against; i++)
        free(j->against[i]);
    free(j->against);
    json_decref(j->refs);
}

static int vercmp(const void *a, const void *b) {
    return strverscmp(*(char *const *)a, *(char *const *)b);
}

/* Append path (a file, or a directory's regular files in natural order) to the job. */
static int add_against(chk_job_t *j, const char *path) {
    struct stat st;
    DIR *d;
    struct dirent *e;
    size_t first = j->n_against;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        j->against = xrealloc(j->against, (j->n_against + 1) * sizeof(char *));
        j->against[j->n_against++] = xstrdup(path);
        return 0;
    }
    if (!(d = opendir(path))) {
        fprintf(stderr, CHECK_CMD ": %s: %s\n", path, strerror(errno));
        return CLI_EXIT_USAGE;
    }
    while ((e = readdir(d)) != NULL && j->n_against < CHECK_MAX_AGAINST) {
        char full[4096];
        struct stat fs;
        if (e->d_name[0] == '.')
            continue;
        snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
        if (stat(full, &fs) != 0 || !S_ISREG(fs.st_mode))
            continue;
        j->against = xrealloc(j->against, (j->n_against + 1) * sizeof(char *));
        j->against[j->n_against++] = xstrdup(full);
    }
    closedir(d);
    qsort(j->against + first, j->n_against - first, sizeof(char *), vercmp);
    return 0;
}

/* The file name without directory and extension. */
static char *subject_from_file(const char *file) {
    const char *b = strrchr(file, '/');
    char *s = xstrdup(b ? b + 1 : file), *dot = strrchr(s, '.');
    if (dot && dot != s)
        *dot = 0;
    return s;
}

static bool type_ok(const char *type) {
    compat_type_t t;
    return compat_type_parse(type, &t);
}

static bool level_ok(const char *level) {
    compat_level_t l;
    return compat_level_parse(level, &l);
}

/* ---- manifest ---- */

/* base/p unless p is absolute. */
static char *join(const char *base, const char *p) {
    char buf[8192];
    if (p[0] == '/' || !base[0])
        return xstrdup(p);
    snprintf(buf, sizeof(buf), "%s/%s", base, p);
    return xstrdup(buf);
}

static int manifest_against(chk_job_t *j, const char *base, json_t *ag) {
    size_t i;
    json_t *e;
    int rc = 0;
    if (!ag)
        return 0;
    if (json_is_string(ag))
        ag = json_pack("[O]", ag);
    else if (json_is_array(ag))
        json_incref(ag);
    else
        return cli_usage_error(CHECK_CMD, "manifest: \"against\" must be a string or a list", NULL);
    json_array_foreach(ag, i, e) {
        char *p;
        if (!json_is_string(e)) {
            rc = cli_usage_error(CHECK_CMD, "manifest: \"against\" entries must be strings", NULL);
            break;
        }
        p = join(base, json_string_value(e));
        rc = add_against(j, p);
        free(p);
        if (rc)
            break;
    }
    json_decref(ag);
    return rc;
}

/* The manifest's "references": {"name","file"} (path joined to base) or
 * {"name","subject","version"}. */
static int manifest_refs(chk_job_t *j, const char *base, json_t *refs) {
    size_t i;
    json_t *e;
    if (!refs)
        return 0;
    if (!json_is_array(refs))
        return cli_usage_error(CHECK_CMD, "manifest: \"references\" must be a list", NULL);
    j->refs = json_array();
    json_array_foreach(refs, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *file = json_string_value(json_object_get(e, "file"));
        const char *subject = json_string_value(json_object_get(e, "subject"));
        json_t *version = json_object_get(e, "version");
        if (name && file) {
            char *p = join(base, file);
            json_array_append_new(j->refs, json_pack("{s:s,s:s}", "name", name, "file", p));
            free(p);
        } else if (name && subject && json_is_integer(version)) {
            json_array_append_new(j->refs, json_pack("{s:s,s:s,s:O}", "name", name, "subject",
                                                     subject, "version", version));
        } else {
            return cli_usage_error(
                CHECK_CMD, "manifest: a reference is {name, file} or {name, subject, version}",
                NULL);
        }
    }
    return 0;
}

static int manifest_entry(check_args_t *a, const char *base, json_t *e, const char *dlevel) {
    const char *subject = json_string_value(json_object_get(e, "subject"));
    const char *file = json_string_value(json_object_get(e, "file"));
    const char *type = json_string_value(json_object_get(e, "type"));
    const char *level = json_string_value(json_object_get(e, "level"));
    const char *rules = json_string_value(json_object_get(e, "rules"));
    compat_pb_rules_t cat = COMPAT_PB_RULES_WIRE;
    chk_job_t *j;
    if (!json_is_object(e) || !subject || !file)
        return cli_usage_error(CHECK_CMD, "manifest: each subject needs \"subject\" and \"file\"",
                               NULL);
    if (type && !type_ok(type))
        return cli_usage_error(CHECK_CMD, "manifest: unknown type", type);
    if (!level)
        level = dlevel;
    if (level && !level_ok(level))
        return cli_usage_error(CHECK_CMD, "manifest: unknown level", level);
    if (rules && !compat_pb_rules_parse(rules, &cat))
        return cli_usage_error(CHECK_CMD,
                               "manifest: rules must be wire, wire-json, package or file", rules);
    a->jobs = xrealloc(a->jobs, (a->n_jobs + 1) * sizeof(*a->jobs));
    j = &a->jobs[a->n_jobs++];
    *j = (chk_job_t){.subject = xstrdup(subject),
                     .file = join(base, file),
                     .type = xstrdup(type      ? type
                                     : a->type ? a->type
                                               : "AVRO"),
                     .level = xstrdup(level),
                     .has_rules = rules != NULL,
                     .rules = cat};
    if (manifest_refs(j, base, json_object_get(e, "references")) != 0)
        return CLI_EXIT_USAGE;
    return manifest_against(j, base, json_object_get(e, "against"));
}

/* "protoPaths": ["dir", ...] (relative to the manifest) join the -I directories. */
static int manifest_proto_paths(check_args_t *a, const char *base, const json_t *dirs) {
    size_t i;
    json_t *d;
    if (!dirs)
        return 0;
    if (!json_is_array(dirs))
        return cli_usage_error(CHECK_CMD, "manifest: \"protoPaths\" must be a list", NULL);
    json_array_foreach(dirs, i, d) {
        const char *s = json_string_value(d);
        char *p = NULL;
        if (!s)
            return cli_usage_error(CHECK_CMD, "manifest: \"protoPaths\" holds strings", NULL);
        if (asprintf(&p, "%s%s%s", s[0] == '/' || !*base ? "" : base,
                     s[0] == '/' || !*base ? "" : "/", s) < 0)
            return cli_usage_error(CHECK_CMD, "out of memory", NULL);
        json_array_append_new(a->proto_paths, json_string(p));
        free(p);
    }
    return 0;
}

static int load_manifest(check_args_t *a) {
    json_error_t jerr;
    json_t *m = json_load_file(a->manifest, 0, &jerr), *subs, *e;
    char *dir = xstrdup(a->manifest);
    const char *base = dirname(dir), *dlevel;
    size_t i;
    int rc = 0;
    if (!m) {
        free(dir);
        fprintf(stderr, CHECK_CMD ": %s:%d:%d: %s\n", a->manifest, jerr.line, jerr.column,
                jerr.text);
        return CLI_EXIT_USAGE;
    }
    subs = json_object_get(m, "subjects");
    dlevel = json_string_value(json_object_get(m, "level"));
    rc = manifest_proto_paths(a, strcmp(base, ".") == 0 ? "" : base,
                              json_object_get(m, "protoPaths"));
    if (!json_is_array(subs) || json_array_size(subs) > CHECK_MAX_JOBS)
        rc = cli_usage_error(CHECK_CMD, "manifest: \"subjects\" must be a list", NULL);
    json_array_foreach(subs, i, e) {
        if (rc)
            break;
        rc = manifest_entry(a, strcmp(base, ".") == 0 ? "" : base, e, dlevel);
    }
    json_decref(m);
    free(dir);
    return rc;
}

/* ---- arguments ---- */

static int parse_opt(void *args, int c, const char *arg) {
    check_args_t *a = args;
    switch (c) {
    case OPT_TYPE: {
        compat_type_t t;
        if (!compat_type_parse(arg, &t))
            return cli_usage_error(CHECK_CMD, "unknown --type", arg);
        a->type = arg;
        return 0;
    }
    case OPT_LEVEL:
        a->o.level_given = true;
        return compat_level_parse(arg, &a->o.level)
                   ? 0
                   : cli_usage_error(CHECK_CMD, "unknown --level", arg);
    case OPT_FORMAT: {
        static const char *const names[] = {"text", "json", "junit", "github"};
        for (size_t i = 0; i < 4; i++)
            if (strcmp(arg, names[i]) == 0) {
                a->o.format = (chk_format_t)i;
                return 0;
            }
        return cli_usage_error(CHECK_CMD, "--format must be text, json, junit or github", arg);
    }
    case OPT_AGAINST:
        if (a->n_against >= CHECK_MAX_AGAINST)
            return cli_usage_error(CHECK_CMD, "too many --against", NULL);
        a->against[a->n_against++] = (char *)arg;
        return 0;
    case OPT_SUBJECT:
        a->subject = arg;
        return 0;
    case OPT_MANIFEST:
        a->manifest = arg;
        return 0;
    case OPT_NEW:
        a->o.fail_on_new = true;
        return 0;
    case OPT_LATEST:
        a->o.latest_only = true;
        return 0;
    case OPT_NORMALIZE:
        a->o.normalize = true;
        return 0;
    case OPT_POLICY:
        return compat_policy_parse(arg, &a->o.policy)
                   ? 0
                   : cli_usage_error(CHECK_CMD,
                                     "--compatibility-policy must be STRICT, LENIENT or "
                                     "LOGICAL",
                                     arg);
    case OPT_OUTPUT:
        a->output = arg;
        return 0;
    case OPT_OFFLINE:
        a->offline = true;
        return 0;
    case OPT_REFERENCE:
        return cli_reference_add(a->refs, CHECK_CMD, arg) ? 0 : CLI_EXIT_USAGE;
    case OPT_RULES:
        a->o.rules_given = true;
        return compat_pb_rules_parse(arg, &a->o.rules)
                   ? 0
                   : cli_usage_error(CHECK_CMD, "--rules must be wire, wire-json, package or file",
                                     arg);
    case OPT_PROTO_PATH:
        json_array_append_new(a->proto_paths, json_string(arg));
        return 0;
    case OPT_REFERENCE_FILE: {
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg || !eq[1])
            return cli_usage_error(CHECK_CMD, "--reference-file wants NAME=FILE", arg);
        json_array_append_new(
            a->refs, json_pack("{s:s%,s:s}", "name", arg, (size_t)(eq - arg), "file", eq + 1));
        return 0;
    }
    default: {
        int r = cli_reg_opt(&a->o.reg, CHECK_CMD, c, arg);
        return r == 0  ? 0
               : r < 0 ? CLI_EXIT_USAGE
                       : cli_usage_error(CHECK_CMD, "unknown option", NULL);
    }
    }
}

static int parse_args(check_args_t *a, int argc, char **argv, bool *help) {
    static const struct option opts[] = {
        CLI_REG_LONGOPTS,
        {"type", required_argument, NULL, OPT_TYPE},
        {"level", required_argument, NULL, OPT_LEVEL},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"against", required_argument, NULL, OPT_AGAINST},
        {"subject", required_argument, NULL, OPT_SUBJECT},
        {"manifest", required_argument, NULL, OPT_MANIFEST},
        {"fail-on-new-subject", no_argument, NULL, OPT_NEW},
        {"latest", no_argument, NULL, OPT_LATEST},
        {"normalize", no_argument, NULL, OPT_NORMALIZE},
        {"compatibility-policy", required_argument, NULL, OPT_POLICY},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"offline", no_argument, NULL, OPT_OFFLINE},
        {"reference", required_argument, NULL, OPT_REFERENCE},
        {"reference-file", required_argument, NULL, OPT_REFERENCE_FILE},
        {"proto-path", required_argument, NULL, OPT_PROTO_PATH},
        {"rules", required_argument, NULL, OPT_RULES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int pos = 0;
    int rc = cli_getopt(CHECK_CMD, argc, argv, opts, parse_opt, a, help, &pos);
    if (rc != 0 || *help)
        return rc;
    a->files = argv + pos;
    a->n_files = argc - pos;
    if (a->manifest ? a->n_files != 0 : a->n_files != 1)
        return cli_usage_error(
            CHECK_CMD, "exactly one new schema file (or --manifest and no file) is required", NULL);
    if (a->o.reg.url && a->offline)
        return cli_usage_error(CHECK_CMD, "--registry and --offline exclude each other", NULL);
    if (a->o.rules_given && (!a->type || strcasecmp(a->type, "PROTOBUF") != 0) && !a->manifest)
        return cli_usage_error(CHECK_CMD, "--rules needs --type PROTOBUF", NULL);
    a->online = !a->offline && (a->o.reg.url || (cli_reg_configured(&a->o.reg) && !a->n_against));
    if (a->type && !a->online) {
        compat_type_t t = COMPAT_AVRO;
        compat_type_parse(a->type, &t);
        if (!compat_type_supported(t))
            return cli_usage_error(CHECK_CMD, "type not supported offline by this build", a->type);
    }
    return 0;
}

/* The jobs from the manifest or the flags; --against on the command line applies to every job
 * without its own. */
static int make_jobs(check_args_t *a) {
    int rc = 0;
    if (a->manifest) {
        if ((rc = load_manifest(a)) != 0)
            return rc;
    } else {
        a->jobs = xrealloc(NULL, sizeof(*a->jobs));
        a->n_jobs = 1;
        a->jobs[0] = (chk_job_t){.subject = a->subject ? xstrdup(a->subject)
                                                       : subject_from_file(a->files[0]),
                                 .file = xstrdup(a->files[0]),
                                 .type = xstrdup(a->type ? a->type : "AVRO")};
    }
    for (size_t i = 0; i < a->n_jobs && json_array_size(a->refs); i++)
        if (!a->jobs[i].refs)
            a->jobs[i].refs = json_deep_copy(a->refs);
    for (size_t i = 0; i < a->n_jobs && !rc; i++)
        for (size_t k = 0; k < a->n_against && !rc && !(a->manifest && a->jobs[i].n_against); k++)
            rc = add_against(&a->jobs[i], a->against[k]);
    return rc;
}

/* ---- offline ---- */

/* The job's file references, plus for Protobuf every file its schemas import, found in the -I
 * directories (owned). NULL with msg. */
static json_t *job_refs(const check_args_t *a, const chk_job_t *j, compat_type_t type, char *msg,
                        size_t cap) {
    json_t *refs = j->refs ? json_deep_copy(j->refs) : json_array();
    char **files = xrealloc(NULL, (j->n_against + 1) * sizeof(char *));
    files[0] = j->file;
    for (size_t i = 0; i < j->n_against; i++)
        files[i + 1] = j->against[i];
    if (type == COMPAT_PROTOBUF && json_array_size(a->proto_paths) &&
        chk_proto_imports(refs, a->proto_paths, files, j->n_against + 1, msg, cap) != 0) {
        json_decref(refs);
        refs = NULL;
    }
    free(files);
    return refs;
}

/* chk_local with the job's file references resolved. */
static void offline_local(const check_args_t *a, chk_result_t *r, compat_type_t type,
                          compat_level_t level, const char *text, char **hist, const int *vers,
                          size_t n) {
    compat_parse_opts_t po = {.type = type};
    chk_refset_t *rs = NULL;
    char msg[512];
    json_t *refs = job_refs(a, r->job, type, msg, sizeof(msg));
    if (!refs) {
        r->status = CHK_ERROR;
        chk_add(r, "REFERENCE_ERROR", 0, NULL, msg, NULL);
        return;
    }
    if (json_array_size(refs)) {
        if (!(rs = chk_refset_new(type, refs, msg, sizeof(msg)))) {
            json_decref(refs);
            r->status = CHK_ERROR;
            chk_add(r, "REFERENCE_ERROR", 0, NULL, msg, NULL);
            return;
        }
        chk_refset_opts(rs, &po);
    }
    compat_pb_rules_t rules;
    if (chk_job_rules(&a->o, r->job, &rules))
        chk_rules(r, &po, NULL, rules, level, text, r->job->file, hist, vers, r->job->against, n);
    else
        chk_local(r, &po, NULL, level, text, hist, vers, r->job->against, n);
    chk_refset_free(rs);
    json_decref(refs);
}

bool chk_job_rules(const chk_opts_t *o, const chk_job_t *j, compat_pb_rules_t *out) {
    *out = j->has_rules ? j->rules : o->rules;
    return j->has_rules || o->rules_given;
}

static void offline_job(const check_args_t *a, chk_result_t *r) {
    const chk_job_t *j = r->job;
    compat_level_t level = a->o.level;
    compat_type_t type = COMPAT_AVRO;
    char *text = NULL, **hist = xrealloc(NULL, (j->n_against + 1) * sizeof(char *));
    int *vers = xrealloc(NULL, (j->n_against + 1) * sizeof(int));
    cn_error_t err;
    size_t n = 0;
    if (j->level)
        compat_level_parse(j->level, &level);
    compat_type_parse(j->type, &type);
    snprintf(r->level, sizeof(r->level), "%s", compat_level_name(level));
    r->compared = j->n_against;
    if (cli_read_file(j->file, CLI_MAX_FILE, &text, NULL, &err) != CN_OK) {
        r->status = CHK_ERROR;
        chk_add(r, "IO_ERROR", 0, NULL, err.msg, NULL);
    }
    for (; r->status == CHK_COMPATIBLE && n < j->n_against; n++) {
        vers[n] = (int)(n + 1);
        if (cli_read_file(j->against[n], CLI_MAX_FILE, &hist[n], NULL, &err) != CN_OK) {
            r->status = CHK_ERROR;
            chk_add(r, "IO_ERROR", 0, NULL, err.msg, NULL);
            break;
        }
    }
    if (r->status == CHK_COMPATIBLE)
        offline_local(a, r, type, level, text, hist, vers, n);
    for (size_t i = 0; i < n; i++)
        free(hist[i]);
    free(hist);
    free(vers);
    free(text);
}

static int exit_code(const chk_result_t *rs, size_t n) {
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        int c = rs[i].status == CHK_ERROR          ? CLI_EXIT_USAGE
                : rs[i].status == CHK_PARSE_ERROR  ? CLI_EXIT_INVALID_SCHEMA
                : rs[i].status == CHK_INCOMPATIBLE ? CLI_EXIT_INCOMPATIBLE
                                                   : CLI_EXIT_OK;
        if (c == CLI_EXIT_USAGE || (c == CLI_EXIT_INVALID_SCHEMA && rc != CLI_EXIT_USAGE) ||
            (c == CLI_EXIT_INCOMPATIBLE && rc == CLI_EXIT_OK))
            rc = c;
    }
    return rc;
}

/* Errors also go to stderr, whatever the report format. */
static void print_errors(const chk_result_t *rs, size_t n) {
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; rs[i].status >= CHK_PARSE_ERROR && k < rs[i].nv; k++)
            fprintf(stderr, CHECK_CMD ": %s: %s\n",
                    rs[i].v[k].against ? rs[i].v[k].against : rs[i].job->file, rs[i].v[k].message);
}

static int run_check(check_args_t *a) {
    chk_result_t *rs = xrealloc(NULL, a->n_jobs * sizeof(*rs));
    cairn_serdes_t *sd = NULL;
    FILE *out = stdout;
    int rc;
    if (a->online && !(sd = cli_reg_connect(&a->o.reg, CHECK_CMD))) {
        free(rs);
        return CLI_EXIT_USAGE;
    }
    if (a->output && !(out = fopen(a->output, "w"))) {
        fprintf(stderr, CHECK_CMD ": %s: %s\n", a->output, strerror(errno));
        cairn_serdes_free(sd);
        free(rs);
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < a->n_jobs; i++) {
        rs[i] = (chk_result_t){.job = &a->jobs[i], .policy = a->o.policy};
        if (sd)
            chk_online(&a->o, sd, &rs[i]);
        else
            offline_job(a, &rs[i]);
    }
    chk_report(out, a->o.format, rs, a->n_jobs);
    print_errors(rs, a->n_jobs);
    rc = exit_code(rs, a->n_jobs);
    if (out != stdout && fclose(out) != 0)
        rc = CLI_EXIT_USAGE;
    for (size_t i = 0; i < a->n_jobs; i++)
        chk_result_fini(&rs[i]);
    free(rs);
    cairn_serdes_free(sd);
    return rc;
}

int cli_check_main(int argc, char **argv) {
    check_args_t a = {.o = {.level = COMPAT_BACKWARD, .format = CHK_TEXT},
                      .refs = json_array(),
                      .proto_paths = json_array()};
    bool help = false;
    int rc;
    a.against = calloc((size_t)argc + 1, sizeof(*a.against));
    if (!a.against)
        return CLI_EXIT_USAGE;
    rc = parse_args(&a, argc, argv, &help);
    if (rc == 0 && help)
        check_usage(stdout);
    else if (rc == 0 && (rc = make_jobs(&a)) == 0)
        rc = run_check(&a);
    for (size_t i = 0; i < a.n_jobs; i++)
        job_fini(&a.jobs[i]);
    free(a.jobs);
    free(a.against);
    json_decref(a.refs);
    json_decref(a.proto_paths);
    return rc;
}
