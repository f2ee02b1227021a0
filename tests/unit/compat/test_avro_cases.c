/* SPDX-License-Identifier: Apache-2.0
 *
 * Runs the Avro case files in the .cases files of tests/data/compat/avro/ (format: that folder's
 * README.md): reader/writer checks with their exact incompatibilities, levels over histories with
 * Confluent's exact message lists, invalid schemas with their error substrings, and stored /
 * normalized / canonical forms. One cmocka group per file and one test per case, named after the
 * case: a failure names the case with its file and line, and `make unit F='case name'` runs one.
 */
#include "tests/support/test_util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "compat/avro/compat_avro.h"
#include "compat/compat.h"

#define MAX_LINES 64

typedef struct kv {
    char *key;
    char *val;
} kv_t;

typedef struct tcase {
    const char *file;
    int line;
    char *name;
    kv_t kv[MAX_LINES];
    int n;
    char why[1024]; /* failure reason */
    bool rt_fail;   /* a schema's stored text did not parse back to an identical model */
} tcase_t;

static const char *get(const tcase_t *c, const char *key) {
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->kv[i].key, key) == 0)
            return c->kv[i].val;
    return NULL;
}

static int count(const tcase_t *c, const char *key) {
    int k = 0;
    for (int i = 0; i < c->n; i++)
        k += strcmp(c->kv[i].key, key) == 0;
    return k;
}

static bool failf(tcase_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool failf(tcase_t *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
    return false;
}

/* ---- parsing schemas with the case's imports ---- */

typedef struct env {
    compat_schema_t *imports[8];
    compat_ref_t refs[8];
    size_t nimports;
} env_t;

static cn_err_t resolve(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                        cn_error_t *err) {
    env_t *e = arg;
    for (size_t i = 0; i < e->nimports; i++)
        if (strcmp(e->refs[i].name, ref->name) == 0) {
            *out = e->imports[i];
            return CN_OK;
        }
    return cn_error_set(err, CN_ERR_NOT_FOUND, "reference %s not found", ref->name);
}

static compat_schema_t *parse(env_t *e, const char *text, bool normalize, cn_error_t *err) {
    compat_parse_opts_t po = {.type = COMPAT_AVRO,
                              .refs = e->refs,
                              .nrefs = e->nimports,
                              .resolve = resolve,
                              .resolve_arg = e,
                              .normalize = normalize};
    return compat_schema_parse(text, strlen(text), &po, err);
}

/* Parse, then check that the stored text parses back to an identical model. */
static compat_schema_t *parse_rt(tcase_t *c, env_t *e, const char *text, cn_error_t *err) {
    compat_schema_t *s = parse(e, text, false, err), *again;
    cn_error_t err2;
    if (!s)
        return NULL;
    again = parse(e, compat_schema_canonical(s), false, &err2);
    if (!again || !compat_avro_identical(compat_schema_avro(s), compat_schema_avro(again))) {
        c->rt_fail = true;
        snprintf(c->why, sizeof(c->why), "round trip of %.200s failed: %s", text,
                 again ? "models differ" : err2.msg);
    }
    compat_schema_free(again);
    return s;
}

static bool load_imports(tcase_t *c, env_t *e) {
    cn_error_t err;
    for (int i = 0; i < c->n; i++) {
        if (strcmp(c->kv[i].key, "import") != 0)
            continue;
        compat_schema_t *s = parse(e, c->kv[i].val, false, &err);
        if (!s)
            return failf(c, "import does not parse: %s", err.msg);
        e->imports[e->nimports] = s;
        e->refs[e->nimports].version = (int32_t)e->nimports + 1;
        e->nimports++;
    }
    return true;
}

static void env_fini(env_t *e) {
    for (size_t i = 0; i < e->nimports; i++)
        compat_schema_free(e->imports[i]);
}

/* ---- kinds of cases ---- */

static const char *avro_issue_str(const compat_avro_issue_t *is, char *buf, size_t cap) {
    snprintf(buf, cap, "%s %s %s", compat_avro_incompat_name(is->type), is->location, is->message);
    return buf;
}

static bool run_rw(tcase_t *c, env_t *e) {
    cn_error_t err;
    compat_schema_t *r = parse_rt(c, e, get(c, "reader"), &err), *w = NULL;
    compat_avro_result_t res = {0};
    bool ok = true, want_ok = strcmp(get(c, "expect") ? get(c, "expect") : "", "compatible") == 0;
    char buf[2048];
    if (!r)
        return failf(c, "reader does not parse: %s", err.msg);
    if (!(w = parse_rt(c, e, get(c, "writer"), &err))) {
        compat_schema_free(r);
        return failf(c, "writer does not parse: %s", err.msg);
    }
    assert_int_equal(compat_avro_check(compat_avro_root(compat_schema_avro(r)),
                                       compat_avro_root(compat_schema_avro(w)), &res, &err),
                     CN_OK);
    if (compat_avro_result_ok(&res) != want_ok)
        ok = failf(c, "verdict: got %s (%zu issues%s%s)",
                   compat_avro_result_ok(&res) ? "compatible" : "incompatible", res.n,
                   res.n ? ", first: " : "",
                   res.n ? avro_issue_str(&res.issues[0], buf, sizeof(buf)) : "");
    if (ok && get(c, "exception") &&
        (!res.exception || !strstr(res.exception, get(c, "exception"))))
        ok = failf(c, "exception: got %s", res.exception ? res.exception : "(none)");
    if (ok && !get(c, "exception") && count(c, "issue") != (int)res.n)
        ok = failf(c, "got %zu issues, want %d (first: %s)", res.n, count(c, "issue"),
                   res.n ? avro_issue_str(&res.issues[0], buf, sizeof(buf)) : "-");
    for (int i = 0, k = 0; ok && i < c->n; i++) {
        if (strcmp(c->kv[i].key, "issue") != 0)
            continue;
        avro_issue_str(&res.issues[k++], buf, sizeof(buf));
        if (strcmp(buf, c->kv[i].val) != 0)
            ok = failf(c, "issue %d:\n      got  %s\n      want %s", k, buf, c->kv[i].val);
    }
    compat_avro_result_fini(&res);
    compat_schema_free(r);
    compat_schema_free(w);
    return ok;
}

static bool check_messages(tcase_t *c, const compat_report_t *rep) {
    int want = count(c, "message"), k = 0;
    if (want == 0)
        return true;
    if ((size_t)want != compat_report_message_count(rep))
        return failf(c, "got %zu messages, want %d (first: %s)", compat_report_message_count(rep),
                     want, compat_report_message_count(rep) ? compat_report_message(rep, 0) : "-");
    for (int i = 0; i < c->n; i++) {
        if (strcmp(c->kv[i].key, "message") != 0)
            continue;
        const char *got = compat_report_message(rep, (size_t)k++);
        if (strcmp(got, c->kv[i].val) != 0)
            return failf(c, "message %d:\n      got  %s\n      want %s", k, got, c->kv[i].val);
    }
    return true;
}

static bool run_level(tcase_t *c, env_t *e) {
    compat_level_t level;
    compat_prev_t hist[32];
    size_t n = 0;
    cn_error_t err;
    compat_report_t *rep = NULL;
    compat_schema_t *nw;
    bool ok = true;
    if (!compat_level_parse(get(c, "level"), &level))
        return failf(c, "bad level");
    for (int i = 0; ok && i < c->n; i++) {
        if (strcmp(c->kv[i].key, "old") != 0)
            continue;
        hist[n].version = (int32_t)n + 1;
        if (!(hist[n++].schema = parse_rt(c, e, c->kv[i].val, &err)))
            ok = failf(c, "old version %zu does not parse: %s", n, err.msg);
    }
    if (get(c, "versions")) { /* explicit version numbers, e.g. "1 3 4" (gaps = deleted) */
        char *p = (char *)get(c, "versions");
        for (size_t i = 0; i < n; i++)
            hist[i].version = (int32_t)strtol(p, &p, 10);
    }
    if (ok && !(nw = parse_rt(c, e, get(c, "new"), &err)))
        ok = failf(c, "new does not parse: %s", err.msg);
    if (ok) {
        assert_int_equal(compat_check(level, nw, hist, n, &rep, &err), CN_OK);
        bool want_ok = strcmp(get(c, "expect"), "compatible") == 0;
        if (compat_report_is_compatible(rep) != want_ok)
            ok = failf(c, "verdict: got %s (first message: %s)",
                       compat_report_is_compatible(rep) ? "compatible" : "incompatible",
                       compat_report_message_count(rep) ? compat_report_message(rep, 0) : "-");
        ok = ok && check_messages(c, rep);
        compat_report_free(rep);
        compat_schema_free(nw);
    }
    for (size_t i = 0; i < n; i++)
        compat_schema_free((compat_schema_t *)hist[i].schema);
    return ok;
}

static bool run_invalid(tcase_t *c, env_t *e) {
    cn_error_t err = {0};
    compat_schema_t *s = parse(e, get(c, "invalid"), false, &err);
    if (s) {
        compat_schema_free(s);
        return failf(c, "parsed, but should fail with \"%s\"", get(c, "error"));
    }
    if (get(c, "error") && !strstr(err.msg, get(c, "error")))
        return failf(c, "error \"%s\" lacks \"%s\"", err.msg, get(c, "error"));
    if (get(c, "code") && strcmp(cn_err_name(err.code), get(c, "code")) != 0)
        return failf(c, "code %s, want %s", cn_err_name(err.code), get(c, "code"));
    return true;
}

static bool print_eq(tcase_t *c, const compat_avro_schema_t *a, const char *what, const char *want,
                     cn_err_t (*fn)(const compat_avro_schema_t *, cn_buf_t *, cn_error_t *)) {
    cn_buf_t b;
    cn_error_t err;
    bool ok = true;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    if (fn(a, &b, &err) != CN_OK || !cn_buf_cstr(&b))
        ok = failf(c, "%s: print failed", what);
    else if (want && strcmp((const char *)b.data, want) != 0)
        ok = failf(c, "%s:\n      got  %s\n      want %s", what, (const char *)b.data, want);
    else if (strcmp(what, "pcf") == 0 && get(c, "fingerprint") &&
             (long long)compat_avro_crc64(b.data, b.len) !=
                 strtoll(get(c, "fingerprint"), NULL, 10))
        ok = failf(c, "fingerprint %lld", (long long)compat_avro_crc64(b.data, b.len));
    cn_buf_fini(&b);
    return ok;
}

static bool run_schema(tcase_t *c, env_t *e) {
    cn_error_t err;
    compat_schema_t *s = parse(e, get(c, "schema"), false, &err), *s2;
    bool ok = true;
    if (!s)
        return failf(c, "does not parse: %s", err.msg);
    const compat_avro_schema_t *a = compat_schema_avro(s);
    ok = print_eq(c, a, "canonical", get(c, "canonical"), compat_avro_print_canonical) &&
         print_eq(c, a, "normalized", get(c, "normalized"), compat_avro_print_normalized) &&
         print_eq(c, a, "pcf", get(c, "pcf"), compat_avro_print_pcf);
    if (ok && !(s2 = parse(e, compat_schema_canonical(s), false, &err)))
        ok = failf(c, "canonical text does not parse again: %s", err.msg);
    else if (ok) {
        if (!compat_avro_identical(a, compat_schema_avro(s2)))
            ok = failf(c, "round trip changed the model");
        if (get(c, "equivalent") && !compat_schema_equivalent(s, s2))
            ok = failf(c, "not equivalent to its round trip");
        compat_schema_free(s2);
    }
    compat_schema_free(s);
    return ok;
}

static bool run_case(tcase_t *c) {
    env_t e = {0};
    static const char *const names[] = {"a.avsc", "b.avsc", "c.avsc", "d.avsc",
                                        "e.avsc", "f.avsc", "g.avsc", "h.avsc"};
    bool ok;
    for (int i = 0; i < 8; i++) {
        e.refs[i].name = names[i];
        e.refs[i].subject = names[i];
    }
    ok = load_imports(c, &e);
    if (ok && get(c, "reader"))
        ok = run_rw(c, &e);
    else if (ok && get(c, "level"))
        ok = run_level(c, &e);
    else if (ok && get(c, "invalid"))
        ok = run_invalid(c, &e);
    else if (ok && get(c, "schema"))
        ok = run_schema(c, &e);
    else if (ok)
        ok = failf(c, "case has no reader, level, invalid or schema");
    env_fini(&e);
    return ok && !c->rt_fail;
}

/* ---- the file format ---- */

#define MAX_CASES 512

typedef struct case_file {
    char *name;
    tcase_t *cases;
    size_t n;
    struct CMUnitTest *tests;
} case_file_t;

static void case_free(tcase_t *c) {
    for (int i = 0; i < c->n; i++) {
        free(c->kv[i].key);
        free(c->kv[i].val);
    }
    free(c->name);
}

static void add_kv(tcase_t *c, char *line) {
    char *colon = strstr(line, ": ");
    if (!colon) {
        colon = line + strlen(line);
        if (colon > line && colon[-1] == ':')
            colon[-1] = 0;
    } else {
        *colon = 0;
        colon += 2;
    }
    assert_true(c->n < MAX_LINES);
    c->kv[c->n].key = strdup(line);
    c->kv[c->n++].val = strdup(colon);
}

/* Continuation line: append to the previous value, dropping the leading space. */
static void append_kv(tcase_t *c, const char *line) {
    kv_t *kv = &c->kv[c->n - 1];
    size_t a = strlen(kv->val), b = strlen(line + 1);
    kv->val = realloc(kv->val, a + b + 1);
    assert_non_null(kv->val);
    memcpy(kv->val + a, line + 1, b + 1);
}

/* Split one .cases file into its cases (file order). */
static void load_file(case_file_t *f) {
    char rel[512];
    size_t len;
    int lineno = 0;
    tcase_t *c = NULL;
    snprintf(rel, sizeof(rel), "compat/avro/%s", f->name);
    char *text = tu_read_data(rel, &len), *save = NULL;
    f->cases = calloc(MAX_CASES, sizeof(*f->cases));
    assert_non_null(f->cases);
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (line[0] == '#' || line[0] == 0)
            continue;
        if (strncmp(line, "=== ", 4) == 0) {
            assert_true(f->n < MAX_CASES);
            c = &f->cases[f->n++];
            *c = (tcase_t){.file = f->name, .line = lineno, .name = strdup(line + 4)};
        } else if (c && line[0] == ' ' && c->n > 0) {
            append_kv(c, line);
        } else if (c) {
            add_kv(c, line);
        }
    }
    free(text);
}

/* One cmocka test per case, so a failing case is named and `F='case name'` runs just it. */
static void test_case(void **state) {
    tcase_t *c = *state;
    if (!run_case(c))
        fail_msg("%s:%d %s\n      %s", c->file, c->line, c->name, c->why);
}

static int run_file(case_file_t *f) {
    load_file(f);
    if (f->n == 0) {
        printf("[  FAILED  ] %s has no cases\n", f->name);
        return 1;
    }
    f->tests = calloc(f->n, sizeof(*f->tests));
    assert_non_null(f->tests);
    for (size_t i = 0; i < f->n; i++)
        f->tests[i] = (struct CMUnitTest){
            .name = f->cases[i].name, .test_func = test_case, .initial_state = &f->cases[i]};
    return tu_run_group(f->name, f->tests, f->n, NULL, NULL);
}

static void file_free(case_file_t *f) {
    for (size_t i = 0; i < f->n; i++)
        case_free(&f->cases[i]);
    free(f->cases);
    free(f->tests);
    free(f->name);
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(((const case_file_t *)a)->name, ((const case_file_t *)b)->name);
}

/* The *.cases files of tests/data/compat/avro, sorted by name. */
static size_t list_files(case_file_t *files, size_t cap) {
    char dir[4096];
    size_t n = 0;
    DIR *d;
    struct dirent *de;
    tu_data_path(dir, sizeof(dir), "compat/avro");
    if (!(d = opendir(dir))) {
        fprintf(stderr, "cannot open %s\n", dir);
        return 0;
    }
    while ((de = readdir(d)) != NULL && n < cap) {
        size_t l = strlen(de->d_name);
        if (l > 6 && strcmp(de->d_name + l - 6, ".cases") == 0)
            files[n++] = (case_file_t){.name = strdup(de->d_name)};
    }
    closedir(d);
    qsort(files, n, sizeof(*files), cmp_names);
    return n;
}

/* One cmocka group per case file. */
int main(void) {
    case_file_t files[64];
    size_t n = list_files(files, 64);
    int rc = n == 0;
    for (size_t i = 0; i < n; i++) {
        rc |= run_file(&files[i]) != 0;
        file_free(&files[i]);
    }
    return rc;
}
