/* SPDX-License-Identifier: Apache-2.0
 *
 * Runs the Protobuf case files the .cases files of tests/data/compat/protobuf/ (format: that
 * folder's README.md): diffs with their exact set of differences and BACKWARD verdict, levels over
 * histories with Confluent's exact message lists (through compat.h, as the registry calls it),
 * invalid schemas with their error text, and stored / normalized texts (which must parse back
 * to the same text). One cmocka test per file; failing cases are listed with file and line.
 */
#include "tests/support/test_util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/compat_lang.h"
#include "common/cn_buf.h"
#include "compat/protobuf/compat_protobuf.h"

#define MAXKV 64

typedef struct kv {
    char *key, *val;
} kv_t;

typedef struct tcase {
    const char *file;
    int line;
    char name[200];
    kv_t kv[MAXKV];
    int n;
    char why[2048];
} tcase_t;

static const char *get(const tcase_t *c, const char *key) {
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->kv[i].key, key) == 0)
            return c->kv[i].val;
    return NULL;
}

static bool failf(tcase_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool failf(tcase_t *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->why, sizeof(c->why), fmt, ap);
    va_end(ap);
    return false;
}

/* The imports of a case ("import NAME" keys), parsed as compat schemas in order. */
typedef struct env {
    compat_ref_t refs[8];
    compat_schema_t *deps[8];
    size_t n;
} env_t;

static cn_err_t resolve(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                        cn_error_t *err) {
    env_t *e = arg;
    for (size_t i = 0; i < e->n; i++)
        if (strcmp(e->refs[i].name, ref->name) == 0) {
            *out = e->deps[i];
            return CN_OK;
        }
    return cn_error_set(err, CN_ERR_NOT_FOUND, "no import %s", ref->name);
}

static compat_schema_t *parse(env_t *e, const char *text, bool normalize, cn_error_t *err) {
    compat_parse_opts_t o = {.type = COMPAT_PROTOBUF,
                             .refs = e->refs,
                             .nrefs = e->n,
                             .resolve = resolve,
                             .resolve_arg = e,
                             .normalize = normalize};
    return compat_schema_parse(text, strlen(text), &o, err);
}

static bool load_env(tcase_t *c, env_t *e) {
    for (int i = 0; i < c->n && e->n < 8; i++) {
        if (strncmp(c->kv[i].key, "import ", 7) != 0)
            continue;
        env_t none = {0};
        cn_error_t err = {0};
        e->refs[e->n] = (compat_ref_t){c->kv[i].key + 7, c->kv[i].key + 7, 1};
        if (!(e->deps[e->n] = parse(&none, c->kv[i].val, false, &err)))
            return failf(c, "import %s: %s", c->kv[i].key + 7, err.msg);
        e->n++;
    }
    return true;
}

static void free_env(env_t *e) {
    for (size_t i = 0; i < e->n; i++)
        compat_schema_free(e->deps[i]);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void render(char **v, size_t n, char *out, size_t cap) {
    size_t len = 0;
    qsort(v, n, sizeof(*v), cmp_str);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            len += (size_t)snprintf(out + len, len < cap ? cap - len : 0, "%s%s", len ? ", " : "",
                                    v[i]);
}

static bool run_diff(tcase_t *c, env_t *e) {
    cn_error_t err = {0};
    compat_schema_t *o = parse(e, get(c, "original"), false, &err);
    compat_schema_t *u = o ? parse(e, get(c, "update"), false, &err) : NULL;
    compat_pb_diffs_t d = {0};
    char *want[MAXKV], *got[256], ws[4096], gs[4096];
    size_t nw = 0, ng = 0;
    bool compatible = true, ok;
    if (!u) {
        compat_schema_free(o);
        return failf(c, "parse: %s", err.msg);
    }
    assert_int_equal(compat_pb_compare(compat_schema_model(o), compat_schema_model(u), &d, &err),
                     CN_OK);
    for (size_t i = 0; i < d.n && ng < 256; i++) {
        compatible &= d.v[i].compatible;
        assert_true(asprintf(&got[ng++], "%s %s", d.v[i].type, d.v[i].path) > 0);
    }
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->kv[i].key, "change") == 0)
            want[nw++] = c->kv[i].val;
    render(got, ng, gs, sizeof(gs));
    render(want, nw, ws, sizeof(ws));
    ok = strcmp(gs, ws) == 0 && compatible == (strcmp(get(c, "compatible"), "yes") == 0);
    if (!ok)
        failf(c, "got [%s] %s; want [%s] %s", gs, compatible ? "yes" : "no", ws,
              get(c, "compatible"));
    for (size_t i = 0; i < ng; i++)
        free(got[i]);
    compat_pb_diffs_fini(&d);
    compat_schema_free(o);
    compat_schema_free(u);
    return ok;
}

static bool run_level(tcase_t *c, env_t *e) {
    compat_level_t level;
    compat_prev_t hist[16];
    size_t nh = 0;
    cn_error_t err = {0};
    compat_report_t *rep = NULL;
    bool ok = true;
    assert_true(compat_level_parse(get(c, "level"), &level));
    for (int i = 0; i < c->n && ok; i++)
        if (strcmp(c->kv[i].key, "old") == 0 && nh < 16) {
            hist[nh] = (compat_prev_t){parse(e, c->kv[i].val, false, &err), (int32_t)nh + 1};
            ok = hist[nh++].schema != NULL;
        }
    compat_schema_t *nw = ok ? parse(e, get(c, "new"), false, &err) : NULL;
    if (!nw) {
        ok = failf(c, "parse: %s", err.msg);
        goto out;
    }
    assert_int_equal(compat_check(level, nw, hist, nh, &rep, &err), CN_OK);
    bool want = strcmp(get(c, "expect"), "compatible") == 0;
    if (compat_report_is_compatible(rep) != want) {
        ok = failf(c, "verdict %d, want %d (first message: %s)", compat_report_is_compatible(rep),
                   want, compat_report_message_count(rep) ? compat_report_message(rep, 0) : "none");
        goto out;
    }
    size_t k = 0;
    for (int i = 0; i < c->n && ok; i++) {
        if (strcmp(c->kv[i].key, "message") != 0)
            continue;
        if (k >= compat_report_message_count(rep))
            ok = failf(c, "missing message %s", c->kv[i].val);
        else if (strcmp(compat_report_message(rep, k), c->kv[i].val) != 0)
            ok = failf(c, "message %zu:\n got  %s\n want %s", k, compat_report_message(rep, k),
                       c->kv[i].val);
        k++;
    }
    if (ok && get(c, "message") && k != compat_report_message_count(rep))
        ok = failf(c, "%zu messages, want %zu", compat_report_message_count(rep), k);
out:
    compat_report_free(rep);
    compat_schema_free(nw);
    for (size_t i = 0; i < nh; i++)
        compat_schema_free((compat_schema_t *)hist[i].schema);
    return ok;
}

static bool run_invalid(tcase_t *c, env_t *e) {
    cn_error_t err = {0};
    compat_schema_t *s = parse(e, get(c, "invalid"), false, &err);
    const char *want = get(c, "error"), *code = get(c, "code");
    if (s) {
        compat_schema_free(s);
        return failf(c, "parsed, want error %s", want);
    }
    if (!strstr(err.msg, want))
        return failf(c, "error \"%s\", want \"%s\"", err.msg, want);
    if (code && strcmp(cn_err_name(err.code), code) != 0)
        return failf(c, "code %s, want %s", cn_err_name(err.code), code);
    return true;
}

static bool check_form(tcase_t *c, env_t *e, bool normalize, const char *want) {
    cn_error_t err = {0};
    compat_schema_t *s = parse(e, get(c, "schema"), normalize, &err), *again = NULL;
    bool ok = s != NULL;
    if (!s)
        return failf(c, "parse: %s", err.msg);
    const char *got = compat_schema_canonical(s);
    if (want && strcmp(got, want) != 0)
        ok = failf(c, "%s text:\n%s\nwant:\n%s", normalize ? "normalized" : "canonical", got, want);
    if (ok && !(again = parse(e, got, normalize, &err)))
        ok = failf(c, "stored text does not parse back: %s", err.msg);
    if (ok && strcmp(compat_schema_canonical(again), got) != 0)
        ok = failf(c, "stored text is not stable:\n%s", compat_schema_canonical(again));
    compat_schema_free(again);
    compat_schema_free(s);
    return ok;
}

static bool run_case(tcase_t *c) {
    env_t e = {0};
    bool ok = load_env(c, &e);
    if (ok && get(c, "original"))
        ok = run_diff(c, &e);
    else if (ok && get(c, "level"))
        ok = run_level(c, &e);
    else if (ok && get(c, "invalid"))
        ok = run_invalid(c, &e);
    else if (ok && get(c, "schema"))
        ok = check_form(c, &e, false, get(c, "canonical")) &&
             check_form(c, &e, true, get(c, "normalized"));
    else if (ok)
        ok = failf(c, "unknown kind of case");
    free_env(&e);
    return ok;
}

/* "key: value" lines; "key: <<END" takes the following lines up to END as the value. */
static int run_file(const char *path, const char *name) {
    size_t len;
    char rel[300];
    snprintf(rel, sizeof(rel), "compat/protobuf/%s", name);
    char *text = tu_read_data(rel, &len), *save = NULL;
    tcase_t *c = calloc(1, sizeof(*c));
    int failed = 0, lineno = 0, cases = 0;
    (void)path;
    for (char *ln = strtok_r(text, "\n", &save);; ln = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (!ln || strncmp(ln, "=== ", 4) == 0) {
            if (c->name[0]) {
                cases++;
                if (!run_case(c)) {
                    print_message("%s:%d %s: %s\n", name, c->line, c->name, c->why);
                    failed++;
                }
            }
            for (int i = 0; i < c->n; i++)
                free(c->kv[i].val);
            memset(c, 0, sizeof(*c));
            if (!ln)
                break;
            snprintf(c->name, sizeof(c->name), "%s", ln + 4);
            c->file = name;
            c->line = lineno;
            continue;
        }
        char *colon = strstr(ln, ": ");
        if (ln[0] == '#' || !colon || c->n >= MAXKV)
            continue;
        *colon = '\0';
        c->kv[c->n].key = ln;
        char *v = colon + 2;
        if (strncmp(v, "<<", 2) == 0) {
            const char *end = v + 2;
            cn_buf_t b;
            cn_buf_init(&b, CN_BUF_NO_LIMIT);
            char *l;
            while ((l = strtok_r(NULL, "\n", &save)) && strcmp(l, end) != 0) {
                lineno++;
                cn_buf_printf(&b, "%s\n", strcmp(l, "~") == 0 ? "" : l);
            }
            lineno++;
            /* a message is one string: no newline after its last line */
            if (strcmp(c->kv[c->n].key, "message") == 0 && b.len)
                b.len--;
            c->kv[c->n++].val = strdup(cn_buf_cstr(&b) ? cn_buf_cstr(&b) : "");
            cn_buf_fini(&b);
        } else {
            c->kv[c->n++].val = strdup(v);
        }
    }
    print_message("%s: %d cases, %d failed\n", name, cases, failed);
    free(c);
    free(text);
    return cases == 0 ? 1 : failed;
}

static void test_case_files(void **state) {
    char dir[1024];
    (void)state;
    tu_data_path(dir, sizeof(dir), "compat/protobuf");
    DIR *d = opendir(dir);
    struct dirent *de;
    int failed = 0, files = 0;
    assert_non_null(d);
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n > 6 && strcmp(de->d_name + n - 6, ".cases") == 0) {
            files++;
            failed += run_file(dir, de->d_name);
        }
    }
    closedir(d);
    assert_true(files >= 3);
    assert_int_equal(failed, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
