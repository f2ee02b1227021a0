/* SPDX-License-Identifier: Apache-2.0
 *
 * Hostile input never crashes the Avro parser, printers or checker: 100,000-deep nesting is
 * refused before Jansson sees it, megabyte names and invalid UTF-8 get errors, import chains
 * deeper than the walk limit are refused, and random mutations of valid schemas (bounded count,
 * seed printed) either fail to parse with an error or parse into something every printer and
 * the checker handle.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/cn_buf.h"
#include "compat/avro/compat_avro.h"
#include "compat/compat.h"

static cn_err_t try_parse(const char *text, size_t len, cn_error_t *err) {
    compat_avro_schema_t *s = NULL;
    cn_err_t rc = compat_avro_parse(text, len, NULL, 0, &s, err);
    compat_avro_schema_free(s);
    return rc;
}

static char *repeat(const char *unit, size_t n, const char *mid, const char *close) {
    size_t u = strlen(unit), m = strlen(mid), c = strlen(close);
    char *s = malloc(n * (u + c) + m + 1), *p = s;
    assert_non_null(s);
    for (size_t i = 0; i < n; i++, p += u)
        memcpy(p, unit, u);
    memcpy(p, mid, m);
    p += m;
    for (size_t i = 0; i < n; i++, p += c)
        memcpy(p, close, c);
    *p = 0;
    return s;
}

static void test_deep_nesting_refused(void **state) {
    cn_error_t err;
    (void)state;
    char *a = repeat("[", 100000, "", "]");
    assert_int_equal(try_parse(a, strlen(a), &err), CN_ERR_TOO_DEEP);
    free(a);
    char *b = repeat("{\"type\":\"array\",\"items\":", 100000, "\"int\"", "}");
    assert_int_equal(try_parse(b, strlen(b), &err), CN_ERR_TOO_DEEP);
    free(b);
    /* unbalanced: only openers */
    char *c = repeat("{\"a\":", 100000, "", "");
    assert_int_equal(try_parse(c, strlen(c), &err), CN_ERR_TOO_DEEP);
    free(c);
    /* exactly at the limit is parsed (and is a valid schema) */
    char *d = repeat("{\"type\":\"array\",\"items\":", COMPAT_AVRO_MAX_DEPTH, "\"int\"", "}");
    assert_int_equal(try_parse(d, strlen(d), &err), CN_OK);
    free(d);
}

static void test_megabyte_names(void **state) {
    size_t n = 1 << 20;
    char *name = malloc(n + 1), *text = malloc(n + 100);
    cn_error_t err;
    (void)state;
    memset(name, 'a', n);
    name[n] = 0;
    snprintf(text, n + 100, "{\"type\":\"record\",\"name\":\"%s\",\"fields\":[]}", name);
    assert_int_equal(try_parse(text, strlen(text), &err), CN_ERR_INVALID_SCHEMA);
    assert_non_null(strstr(err.msg, "too long"));
    snprintf(text, n + 100, "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"%s\"]}", name);
    assert_int_equal(try_parse(text, strlen(text), &err), CN_ERR_INVALID_SCHEMA);
    snprintf(text, n + 100, "\"%s\"", name);
    assert_int_equal(try_parse(text, strlen(text), &err), CN_ERR_INVALID_SCHEMA);
    assert_true(strlen(err.msg) < CN_ERROR_MSG_MAX);
    /* a megabyte doc is fine */
    snprintf(text, n + 100, "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"%s\",\"fields\":[]}",
             name);
    assert_int_equal(try_parse(text, strlen(text), &err), CN_OK);
    free(name);
    free(text);
}

static void test_invalid_utf8(void **state) {
    static const char *const bad[] = {
        "{\"type\":\"record\",\"name\":\"R\",\"doc\":\"\xff\",\"fields\":[]}",
        "{\"type\":\"record\",\"name\":\"R\xc3\",\"fields\":[]}",
        "\"\xed\xa0\x80\"",
        "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"\xc0\xaf\"]}",
    };
    cn_error_t err;
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(try_parse(bad[i], strlen(bad[i]), &err), CN_ERR_INVALID_SCHEMA);
        assert_non_null(strstr(err.msg, "Invalid JSON"));
    }
    /* embedded NUL bytes in the text */
    assert_int_equal(try_parse("\"int\"\0x", 7, &err), CN_ERR_INVALID_SCHEMA);
}

/* A chain of imports, each nesting the previous record 100 deep: the graph is deeper than the
 * walk limit, so printing and checking refuse instead of exhausting the stack. */
static void test_import_chain_too_deep(void **state) {
    compat_avro_schema_t *prev = NULL, *cur = NULL;
    cn_error_t err;
    cn_buf_t b;
    (void)state;
    for (int level = 0; level < 15; level++) {
        char inner[64], name[32];
        snprintf(name, sizeof(name), "L%d", level);
        snprintf(inner, sizeof(inner), "\"L%d\"", level - 1);
        char *arr = repeat("{\"type\":\"array\",\"items\":", 100, level ? inner : "\"int\"", "}");
        size_t cap = strlen(arr) + 200;
        char *text = malloc(cap);
        snprintf(text, cap,
                 "{\"type\":\"record\",\"name\":\"%s\",\"fields\":[{\"name\":\"f\",\"type\":%s}]}",
                 name, arr);
        const compat_avro_schema_t *imp[1] = {prev};
        assert_int_equal(compat_avro_parse(text, strlen(text), imp, prev ? 1 : 0, &cur, &err),
                         CN_OK);
        compat_avro_schema_free(prev);
        prev = cur;
        free(arr);
        free(text);
    }
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    assert_int_equal(compat_avro_print_canonical(cur, &b, &err), CN_OK); /* imports by name */
    cn_buf_reset(&b);
    assert_int_equal(compat_avro_print_pcf(cur, &b, &err), CN_ERR_TOO_DEEP);
    cn_buf_fini(&b);
    compat_avro_result_t res = {0};
    assert_int_equal(compat_avro_check(compat_avro_root(cur), compat_avro_root(cur), &res, &err),
                     CN_ERR_TOO_DEEP);
    assert_false(compat_avro_identical(cur, cur));
    compat_avro_schema_free(cur);
}

/* A union of 1500 records read by itself visits about a million pairs: refused, not slow. */
static void test_wide_union_bounded(void **state) {
    cn_buf_t b;
    cn_error_t err;
    compat_avro_schema_t *s = NULL;
    compat_avro_result_t res = {0};
    (void)state;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_u8(&b, '[');
    for (int i = 0; i < 1500; i++)
        cn_buf_printf(&b, "%s{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[]}", i ? "," : "",
                      i);
    cn_buf_put_u8(&b, ']');
    assert_int_equal(compat_avro_parse((const char *)b.data, b.len, NULL, 0, &s, &err), CN_OK);
    assert_int_equal(compat_avro_check(compat_avro_root(s), compat_avro_root(s), &res, &err),
                     CN_ERR_TOO_LARGE);
    compat_avro_schema_free(s);
    cn_buf_fini(&b);
}

/* ---- random mutations ---- */

static const char *const seeds[] = {
    "{\"type\":\"record\",\"name\":\"a.R\",\"doc\":\"d\",\"aliases\":[\"Q\"],\"fields\":[{\"name\":"
    "\"i\",\"type\":\"int\",\"default\":1},{\"name\":\"u\",\"type\":[\"null\",{\"type\":\"enum\","
    "\"name\":\"E\",\"symbols\":[\"A\",\"B\"],\"default\":\"A\"}],\"default\":null},{\"name\":"
    "\"m\","
    "\"type\":{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":\"R\"}}},{\"name\":\"f\","
    "\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":4,\"logicalType\":\"decimal\","
    "\"precision\":6,\"scale\":2}},{\"name\":\"l\",\"type\":{\"type\":\"long\",\"logicalType\":"
    "\"timestamp-millis\"},\"order\":\"descending\",\"aliases\":[\"ll\"]}]}",
    "[\"null\",\"int\",{\"type\":\"record\",\"name\":\"L\",\"fields\":[{\"name\":\"v\",\"type\":"
    "\"long\"},{\"name\":\"next\",\"type\":[\"null\",\"L\"]}]},{\"type\":\"array\",\"items\":"
    "\"string\"}]",
    "{\"type\":\"record\",\"name\":\"Interop\",\"namespace\":\"org.apache.avro\",\"fields\":[{"
    "\"name\":\"intField\",\"type\":\"int\"},{\"name\":\"mapField\",\"type\":{\"type\":\"map\","
    "\"values\":{\"type\":\"record\",\"name\":\"Foo\",\"fields\":[{\"name\":\"label\",\"type\":"
    "\"string\"}]}}},{\"name\":\"unionField\",\"type\":[\"boolean\",\"double\",{\"type\":"
    "\"array\",\"items\":\"bytes\"}]},{\"name\":\"recordField\",\"type\":{\"type\":\"record\","
    "\"name\":\"Node\",\"fields\":[{\"name\":\"label\",\"type\":\"string\"},{\"name\":"
    "\"children\",\"type\":{\"type\":\"array\",\"items\":\"Node\"}}]}}]}",
};

static const char *const tokens[] = {
    "{",     "}",    "[",       "]",           "\"",       ",",         ":",
    "\\",    "null", "\"int\"", "\"record\"",  "\"type\"", "\"name\"",  "\"fields\"",
    "1e999", "-1",   "\xff",    "\"\\u0000\"", "\"L\"",    "[\"null\"]"};

static size_t mutate(unsigned *seed, const char *src, char *dst, size_t cap) {
    size_t len = strlen(src);
    memcpy(dst, src, len + 1);
    int steps = 1 + rand_r(seed) % 4;
    for (int s = 0; s < steps && len > 0; s++) {
        size_t at = (size_t)rand_r(seed) % len;
        int op = rand_r(seed) % 4;
        if (op == 0) {
            dst[at] = (char)(rand_r(seed) % 256);
        } else if (op == 1) {
            size_t n = 1 + (size_t)rand_r(seed) % 8;
            n = n > len - at ? len - at : n;
            memmove(dst + at, dst + at + n, len - at - n + 1);
            len -= n;
        } else {
            const char *t = tokens[rand_r(seed) % (sizeof(tokens) / sizeof(tokens[0]))];
            size_t tl = strlen(t);
            if (len + tl + 1 >= cap)
                continue;
            memmove(dst + at + tl, dst + at, len - at + 1);
            memcpy(dst + at, t, tl);
            len += tl;
        }
    }
    return len;
}

static void exercise(const compat_avro_schema_t *s, const compat_avro_schema_t *other) {
    cn_buf_t b;
    cn_error_t err;
    compat_avro_result_t res = {0};
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    compat_avro_print_canonical(s, &b, &err);
    cn_buf_reset(&b);
    compat_avro_print_normalized(s, &b, &err);
    cn_buf_reset(&b);
    if (compat_avro_print_pcf(s, &b, &err) == CN_OK)
        (void)compat_avro_crc64(b.data, b.len);
    cn_buf_fini(&b);
    if (compat_avro_check(compat_avro_root(s), compat_avro_root(other), &res, &err) == CN_OK)
        compat_avro_result_fini(&res);
    if (compat_avro_check(compat_avro_root(other), compat_avro_root(s), &res, &err) == CN_OK)
        compat_avro_result_fini(&res);
    (void)compat_avro_equivalent(s, other);
}

static void test_random_mutations(void **state) {
    unsigned seed = tu_seed();
    char buf[4096];
    int parsed = 0, total = 0;
    cn_error_t err;
    (void)state;
    compat_avro_schema_t *orig[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(compat_avro_parse(seeds[i], strlen(seeds[i]), NULL, 0, &orig[i], &err),
                         CN_OK);
    for (int round = 0; round < 20000; round++) {
        int k = round % 3;
        size_t len = mutate(&seed, seeds[k], buf, sizeof(buf));
        compat_avro_schema_t *s = NULL;
        total++;
        if (compat_avro_parse(buf, len, NULL, 0, &s, &err) == CN_OK) {
            parsed++;
            exercise(s, orig[k]);
            compat_avro_schema_free(s);
        } else {
            assert_true(err.code == CN_ERR_INVALID_SCHEMA || err.code == CN_ERR_TOO_DEEP);
            assert_true(err.msg[0] != 0);
        }
    }
    printf("mutations: %d tried, %d still parsed\n", total, parsed);
    for (int i = 0; i < 3; i++)
        compat_avro_schema_free(orig[i]);
}

/* Structure-aware mutation: pick a random object or array in the JSON tree and change it. */
static void collect(json_t *v, json_t **out, size_t *n, size_t cap) {
    const char *k;
    json_t *c;
    size_t i;
    if (*n >= cap)
        return;
    if (json_is_object(v) || json_is_array(v))
        out[(*n)++] = v;
    if (json_is_object(v))
        json_object_foreach(v, k, c) collect(c, out, n, cap);
    else if (json_is_array(v))
        json_array_foreach(v, i, c) collect(c, out, n, cap);
}

static json_t *random_value(unsigned *seed, json_t *any) {
    static const char *const strs[] = {"int",   "long", "string", "null", "record", "enum",
                                       "array", "map",  "fixed",  "R",    "E",      "F",
                                       "a.R",   "L",    "Node",   "Foo",  "A",      "decimal"};
    switch (rand_r(seed) % 6) {
    case 0:
        return json_string(strs[rand_r(seed) % (sizeof(strs) / sizeof(strs[0]))]);
    case 1:
        return json_integer(rand_r(seed) % 20 - 2);
    case 2:
        return json_null();
    case 3:
        return json_deep_copy(any);
    case 4:
        return json_array();
    default:
        return json_real(0.5);
    }
}

static char *mutate_tree(unsigned *seed, const char *src) {
    static const char *const keys[] = {
        "type",    "name",    "fields",    "items", "values",      "symbols",   "size",
        "default", "aliases", "namespace", "order", "logicalType", "precision", "scale"};
    json_t *root = json_loads(src, 0, NULL), *nodes[512];
    for (int steps = 1 + rand_r(seed) % 3; steps > 0; steps--) {
        size_t n = 0; /* collected again: a step may free nodes */
        collect(root, nodes, &n, 512);
        json_t *t = nodes[(size_t)rand_r(seed) % n], *any = nodes[(size_t)rand_r(seed) % n];
        const char *key = keys[rand_r(seed) % (sizeof(keys) / sizeof(keys[0]))];
        int op = rand_r(seed) % 3;
        if (json_is_object(t) && op == 0)
            json_object_del(t, key);
        else if (json_is_object(t))
            json_object_set_new(t, key, random_value(seed, any == t ? json_null() : any));
        else if (json_array_size(t) && op == 0)
            json_array_remove(t, (size_t)rand_r(seed) % json_array_size(t));
        else if (any != t)
            json_array_append_new(t, random_value(seed, any));
    }
    char *out = json_dumps(root, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(root);
    return out;
}

static void test_tree_mutations(void **state) {
    unsigned seed = tu_seed();
    int parsed = 0;
    cn_error_t err;
    (void)state;
    compat_avro_schema_t *orig[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(compat_avro_parse(seeds[i], strlen(seeds[i]), NULL, 0, &orig[i], &err),
                         CN_OK);
    for (int round = 0; round < 20000; round++) {
        int k = round % 3;
        char *text = mutate_tree(&seed, seeds[k]);
        compat_avro_schema_t *s = NULL;
        if (!text)
            continue; /* a cycle made by json_deep_copy of an ancestor cannot be dumped */
        if (compat_avro_parse(text, strlen(text), NULL, 0, &s, &err) == CN_OK) {
            parsed++;
            exercise(s, orig[k]);
            compat_avro_schema_free(s);
        } else {
            assert_true(err.code == CN_ERR_INVALID_SCHEMA || err.code == CN_ERR_TOO_DEEP);
        }
        free(text);
    }
    printf("tree mutations: 20000 tried, %d still parsed\n", parsed);
    for (int i = 0; i < 3; i++)
        compat_avro_schema_free(orig[i]);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deep_nesting_refused), cmocka_unit_test(test_megabyte_names),
        cmocka_unit_test(test_invalid_utf8),         cmocka_unit_test(test_import_chain_too_deep),
        cmocka_unit_test(test_wide_union_bounded),   cmocka_unit_test(test_random_mutations),
        cmocka_unit_test(test_tree_mutations),
    };
    return cmocka_run_group_tests_name("avro_robust", tests, NULL, NULL);
}
