/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn validate --schema S.json DATA.json...`: does each JSON document conform to a JSON
 * Schema (compat/jsonschema/)? Offline; the schema's "$ref"s may point to files given with
 * --reference NAME=FILE (NAME is the URI the "$ref" uses). Prints one line per document, with a
 * JSON pointer into the document for the first failure. Exit: 0 all valid, 100 one is invalid
 * (or not JSON), 2 the schema does not load, 1 usage or an unreadable file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/cli_int.h"
#include "compat/jsonschema/compat_jsonschema.h"

#define VALIDATE_CMD      "cairn validate"
#define VALIDATE_MAX_REFS 64

enum { OPT_SCHEMA = 0x2000, OPT_REFERENCE, OPT_FORMAT_ASSERT, OPT_DRAFT, OPT_QUIET, OPT_LINES };

typedef struct validate_args {
    const char *schema;
    const char *refs[VALIDATE_MAX_REFS]; /* NAME=FILE */
    size_t nrefs;
    bool format_assert, quiet, lines;
    compat_js_draft_t draft;
} validate_args_t;

static const char usage[] =
    "usage: cairn validate --schema SCHEMA.json [options] DATA.json...\n"
    "Validate JSON documents against a JSON Schema (drafts 4, 6, 7, 2019-09, 2020-12; the\n"
    "draft comes from $schema, else --draft, else 7). \"-\" reads a document from stdin.\n"
    "  --schema FILE           the schema (required)\n"
    "  --reference NAME=FILE   a document the schema's $ref names NAME (repeatable)\n"
    "  --draft 4|6|7|2019-09|2020-12  the draft when $schema is absent\n"
    "  --format-assert         check \"format\" (date-time, email, ipv4, uri, ...)\n"
    "  --quiet                 print only failures\n"
    "  --lines                 each line of a file is a document (JSON lines): FILE:LINE\n"
    "exit status: 0 all valid, 100 a document is invalid, 2 the schema does not load,\n"
    "1 usage or an unreadable file\n";

static int parse_draft(validate_args_t *a, const char *arg) {
    static const struct {
        const char *name;
        compat_js_draft_t d;
    } rows[] = {{"4", COMPAT_JS_DRAFT4},
                {"6", COMPAT_JS_DRAFT6},
                {"7", COMPAT_JS_DRAFT7},
                {"2019-09", COMPAT_JS_DRAFT2019},
                {"2020-12", COMPAT_JS_DRAFT2020}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (strcmp(rows[i].name, arg) == 0) {
            a->draft = rows[i].d;
            return 0;
        }
    return cli_usage_error(VALIDATE_CMD, "--draft must be 4, 6, 7, 2019-09 or 2020-12", arg);
}

static int parse_opt(void *args, int c, const char *arg) {
    validate_args_t *a = args;
    switch (c) {
    case OPT_SCHEMA:
        a->schema = arg;
        return 0;
    case OPT_REFERENCE:
        if (a->nrefs >= VALIDATE_MAX_REFS || !strchr(arg, '='))
            return cli_usage_error(VALIDATE_CMD, "--reference NAME=FILE (at most 64)", arg);
        a->refs[a->nrefs++] = arg;
        return 0;
    case OPT_FORMAT_ASSERT:
        a->format_assert = true;
        return 0;
    case OPT_QUIET:
        a->quiet = true;
        return 0;
    case OPT_LINES:
        a->lines = true;
        return 0;
    case OPT_DRAFT:
        return parse_draft(a, arg);
    default:
        return CLI_EXIT_USAGE;
    }
}

/* A JSON file, or NULL with a message on stderr. */
static json_t *load_json(const char *path, bool *unreadable) {
    char *text = NULL;
    size_t len = 0;
    cn_error_t err;
    json_error_t jerr;
    *unreadable = false;
    if (cli_read_file(path, CLI_MAX_FILE, &text, &len, &err) != CN_OK) {
        fprintf(stderr, "%s: %s: %s\n", VALIDATE_CMD, path, err.msg);
        *unreadable = true;
        return NULL;
    }
    json_t *j = compat_js_loadb(text, len, JSON_DECODE_ANY, &jerr);
    if (!j)
        fprintf(stderr, "%s: not JSON (line %d, column %d: %s)\n", path, jerr.line, jerr.column,
                jerr.text);
    free(text);
    return j;
}

typedef struct loaded {
    json_t *root;
    compat_js_doc_t docs[VALIDATE_MAX_REFS];
    char *names[VALIDATE_MAX_REFS];
    size_t ndocs;
    compat_js_schema_t *schema;
} loaded_t;

static void loaded_fini(loaded_t *l) {
    compat_js_schema_free(l->schema);
    for (size_t i = 0; i < l->ndocs; i++) {
        json_decref(l->docs[i].schema);
        free(l->names[i]);
    }
    json_decref(l->root);
}

/* Load the schema and its references: 0, or an exit code (printed). */
static int load_schema(const validate_args_t *a, loaded_t *l) {
    bool unreadable;
    if (!(l->root = load_json(a->schema, &unreadable)))
        return unreadable ? CLI_EXIT_USAGE : CLI_EXIT_INVALID_SCHEMA;
    for (size_t i = 0; i < a->nrefs; i++) {
        const char *eq = strchr(a->refs[i], '=');
        json_t *doc = load_json(eq + 1, &unreadable);
        if (!doc)
            return unreadable ? CLI_EXIT_USAGE : CLI_EXIT_INVALID_SCHEMA;
        l->names[l->ndocs] = strndup(a->refs[i], (size_t)(eq - a->refs[i]));
        l->docs[l->ndocs] = (compat_js_doc_t){.uri = l->names[l->ndocs], .schema = doc};
        l->ndocs++;
    }
    compat_js_opts_t o = {.default_draft = a->draft,
                          .docs = l->docs,
                          .ndocs = l->ndocs,
                          .format_assert = a->format_assert};
    cn_error_t err = {0};
    if (!(l->schema = compat_js_schema_load(l->root, &o, &err))) {
        fprintf(stderr, "%s: invalid schema: %s\n", a->schema, err.msg);
        return CLI_EXIT_INVALID_SCHEMA;
    }
    return 0;
}

/* One parsed document named `name`: true when valid; prints its line. */
static bool judge(const validate_args_t *a, const loaded_t *l, const char *name, json_t *doc) {
    cn_buf_t msg;
    cn_buf_init(&msg, 64 * 1024);
    bool ok = compat_js_validate(l->schema, doc, &msg);
    if (!ok)
        printf("%s: invalid: %s\n", name, cn_buf_cstr(&msg) ? cn_buf_cstr(&msg) : "");
    else if (!a->quiet)
        printf("%s: valid\n", name);
    cn_buf_fini(&msg);
    return ok;
}

/* --lines: every non-blank line of the text is a document, named FILE:LINE. */
static int judge_lines(const validate_args_t *a, const loaded_t *l, const char *path, char *text) {
    int rc = 0, lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (strspn(line, " \t\r") == strlen(line))
            continue;
        char name[1200];
        json_error_t jerr;
        snprintf(name, sizeof(name), "%s:%d", path, lineno);
        json_t *doc = compat_js_loadb(line, strlen(line), JSON_DECODE_ANY, &jerr);
        if (!doc)
            printf("%s: invalid: not JSON (column %d: %s)\n", name, jerr.column, jerr.text);
        if (!doc || !judge(a, l, name, doc))
            rc = CLI_EXIT_INCOMPATIBLE;
        json_decref(doc);
    }
    return rc;
}

/* One file: 0 valid, 100 invalid, 1 unreadable. */
static int validate_one(const validate_args_t *a, const loaded_t *l, const char *path) {
    bool unreadable;
    if (a->lines) {
        char *text = NULL;
        cn_error_t err;
        if (cli_read_file(path, CLI_MAX_FILE, &text, NULL, &err) != CN_OK) {
            fprintf(stderr, "%s: %s: %s\n", VALIDATE_CMD, path, err.msg);
            return CLI_EXIT_USAGE;
        }
        int rc = judge_lines(a, l, path, text);
        free(text);
        return rc;
    }
    json_t *doc = load_json(path, &unreadable);
    if (!doc)
        return unreadable ? CLI_EXIT_USAGE : CLI_EXIT_INCOMPATIBLE;
    bool ok = judge(a, l, path, doc);
    json_decref(doc);
    return ok ? 0 : CLI_EXIT_INCOMPATIBLE;
}

int cli_validate_main(int argc, char **argv) {
    static const struct option opts[] = {{"schema", required_argument, NULL, OPT_SCHEMA},
                                         {"reference", required_argument, NULL, OPT_REFERENCE},
                                         {"draft", required_argument, NULL, OPT_DRAFT},
                                         {"format-assert", no_argument, NULL, OPT_FORMAT_ASSERT},
                                         {"quiet", no_argument, NULL, OPT_QUIET},
                                         {"lines", no_argument, NULL, OPT_LINES},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    validate_args_t a = {0};
    bool help = false;
    int pos = 0, rc = cli_getopt(VALIDATE_CMD, argc, argv, opts, parse_opt, &a, &help, &pos);
    if (rc != 0 || help) {
        if (help)
            fputs(usage, stdout);
        return rc;
    }
    if (!a.schema || pos >= argc)
        return cli_usage_error(VALIDATE_CMD, "--schema and at least one document are required",
                               NULL);
    loaded_t l = {0};
    rc = load_schema(&a, &l);
    bool invalid = false, unreadable = false;
    for (int i = pos; rc == 0 && i < argc; i++) {
        int one = validate_one(&a, &l, argv[i]);
        invalid |= one == CLI_EXIT_INCOMPATIBLE;
        unreadable |= one == CLI_EXIT_USAGE;
    }
    loaded_fini(&l);
    if (rc == 0 && (invalid || unreadable))
        rc = unreadable ? CLI_EXIT_USAGE : CLI_EXIT_INCOMPATIBLE;
    return rc;
}
