/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn check`: offline compatibility of schema files for CI. Parses the new schema and the
 * previous versions (given oldest first), runs compat_check at the level, and prints each
 * incompatibility (text) or Confluent's message list (json). Exit 0 compatible, 100
 * incompatible, 2 a schema does not parse, 1 usage errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clients/cli.h"
#include "compat/compat.h"

#define CHECK_MAX_FILE    (16u * 1024 * 1024)
#define CHECK_MAX_AGAINST 100000

typedef struct check_args {
    compat_type_t type;
    compat_level_t level;
    bool json;
    const char **against;
    size_t nagainst;
    const char *new_path;
} check_args_t;

static void check_usage(FILE *f) {
    fprintf(f,
            "usage: cairn check [--type avro] [--level LEVEL] [--format text|json]\n"
            "                   --against OLD.avsc [--against OLDER.avsc ...] NEW.avsc\n\n"
            "Checks NEW.avsc against previous versions given oldest first (version 1 is the\n"
            "first --against), as the registry would on register. LEVEL: NONE, BACKWARD\n"
            "(default), FORWARD, FULL, BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE, FULL_TRANSITIVE.\n"
            "--format json prints {\"is_compatible\":..,\"messages\":[..]} with Confluent's\n"
            "message strings.\n\n"
            "exit status: 0 compatible, 100 incompatible, 2 a schema does not parse, 1 usage.\n");
}

static int usage_error(const char *msg, const char *arg) {
    fprintf(stderr, "cairn check: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    check_usage(stderr);
    return CLI_EXIT_USAGE;
}

static int parse_opt(check_args_t *a, int c, const char *arg) {
    switch (c) {
    case 't':
        if (!compat_type_parse(arg, &a->type))
            return usage_error("unknown --type", arg);
        if (!compat_type_supported(a->type))
            return usage_error("type not supported by this build", arg);
        return 0;
    case 'l':
        return compat_level_parse(arg, &a->level) ? 0 : usage_error("unknown --level", arg);
    case 'f':
        if (strcmp(arg, "json") != 0 && strcmp(arg, "text") != 0)
            return usage_error("--format must be text or json", arg);
        a->json = strcmp(arg, "json") == 0;
        return 0;
    case 'a':
        if (a->nagainst >= CHECK_MAX_AGAINST)
            return usage_error("too many --against", NULL);
        a->against[a->nagainst++] = arg;
        return 0;
    default:
        return usage_error("unknown option", NULL);
    }
}

static int parse_args(check_args_t *a, int argc, char **argv, bool *help) {
    static const struct option opts[] = {
        {"type", required_argument, NULL, 't'},   {"level", required_argument, NULL, 'l'},
        {"format", required_argument, NULL, 'f'}, {"against", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    int c, rc;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        if (c == 'h') {
            *help = true;
            return 0;
        }
        if (c == '?')
            return usage_error("unknown or incomplete option", argv[optind - 1]);
        if ((rc = parse_opt(a, c, optarg)) != 0)
            return rc;
    }
    if (optind != argc - 1)
        return usage_error("exactly one new schema file is required", NULL);
    a->new_path = argv[optind];
    return 0;
}

/* Parse one file; prints the error and returns NULL (rc set to the exit code). */
static compat_schema_t *load(const check_args_t *a, const char *path, int *rc) {
    char *text;
    size_t len;
    cn_error_t err;
    compat_parse_opts_t po = {.type = a->type};
    if (cli_read_file(path, CHECK_MAX_FILE, &text, &len, &err) != CN_OK) {
        fprintf(stderr, "cairn check: %s\n", err.msg);
        *rc = CLI_EXIT_USAGE;
        return NULL;
    }
    compat_schema_t *s = compat_schema_parse(text, len, &po, &err);
    free(text);
    if (!s) {
        fprintf(stderr, "cairn check: %s: %s\n", path, err.msg);
        *rc = CLI_EXIT_INVALID_SCHEMA;
    }
    return s;
}

static void print_json(const compat_report_t *rep) {
    json_t *o = json_object(), *msgs = json_array();
    for (size_t i = 0; i < compat_report_message_count(rep); i++)
        json_array_append_new(msgs, json_string(compat_report_message(rep, i)));
    json_object_set_new(o, "is_compatible", json_boolean(compat_report_is_compatible(rep)));
    json_object_set_new(o, "messages", msgs);
    char *s = json_dumps(o, JSON_COMPACT);
    if (s)
        printf("%s\n", s);
    free(s);
    json_decref(o);
}

static void print_text(const check_args_t *a, const compat_report_t *rep) {
    size_t n = compat_report_issue_count(rep);
    if (compat_report_is_compatible(rep)) {
        printf("%s: compatible (%s, %zu previous version%s)\n", a->new_path,
               compat_level_name(a->level), a->nagainst, a->nagainst == 1 ? "" : "s");
        return;
    }
    printf("%s: incompatible (%s)\n", a->new_path, compat_level_name(a->level));
    for (size_t i = 0; i < n; i++) {
        const compat_issue_t *is = compat_report_issue(rep, i);
        int v = is->old_version;
        printf("  version %d (%s): %s at %s: %s\n", v,
               v >= 1 && (size_t)v <= a->nagainst ? a->against[v - 1] : "?", is->error_type,
               is->path, is->description);
    }
    if (n == 0)
        for (size_t i = 0; i < compat_report_message_count(rep); i++)
            printf("  %s\n", compat_report_message(rep, i));
}

static int run_check(const check_args_t *a) {
    compat_prev_t *hist = calloc(a->nagainst ? a->nagainst : 1, sizeof(*hist));
    compat_schema_t *nw = NULL;
    compat_report_t *rep = NULL;
    cn_error_t err;
    int rc = hist ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    for (size_t i = 0; rc == CLI_EXIT_OK && i < a->nagainst; i++) {
        hist[i].version = (int32_t)(i + 1);
        hist[i].schema = load(a, a->against[i], &rc);
    }
    if (rc == CLI_EXIT_OK)
        nw = load(a, a->new_path, &rc);
    if (rc == CLI_EXIT_OK && compat_check(a->level, nw, hist, a->nagainst, &rep, &err) != CN_OK) {
        fprintf(stderr, "cairn check: %s\n", err.msg);
        rc = CLI_EXIT_USAGE;
    }
    if (rc == CLI_EXIT_OK) {
        if (a->json)
            print_json(rep);
        else
            print_text(a, rep);
        rc = compat_report_is_compatible(rep) ? CLI_EXIT_OK : CLI_EXIT_INCOMPATIBLE;
    }
    compat_report_free(rep);
    compat_schema_free(nw);
    for (size_t i = 0; hist && i < a->nagainst; i++)
        compat_schema_free((compat_schema_t *)hist[i].schema);
    free(hist);
    return rc;
}

int cli_check_main(int argc, char **argv) {
    check_args_t a = {.type = COMPAT_AVRO, .level = COMPAT_BACKWARD};
    bool help = false;
    int rc;
    a.against = calloc((size_t)argc + 1, sizeof(*a.against));
    if (!a.against)
        return CLI_EXIT_USAGE;
    rc = parse_args(&a, argc, argv, &help);
    if (rc == 0 && help)
        check_usage(stdout);
    else if (rc == 0)
        rc = run_check(&a);
    free(a.against);
    return rc;
}
