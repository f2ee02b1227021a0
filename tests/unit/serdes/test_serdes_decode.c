/* SPDX-License-Identifier: Apache-2.0
 *
 * The Avro decoder on hostile input, without a registry: random bytes, random mutations of a
 * valid payload and every truncation, decoded through identity and evolution plans, must give a
 * clean error or a value and never crash or over-read (ASan in `make asan`). Bounded in count;
 * prints its seed. Also the size limits: huge lengths and element counts are refused before
 * anything is allocated.
 */
#include "tests/support/test_util.h"

#include <stdlib.h>
#include <string.h>

#include "serdes/serdes_avro_int.h"

static const char *W =
    "{\"type\":\"record\",\"name\":\"W\",\"fields\":["
    "{\"name\":\"a\",\"type\":\"long\"},{\"name\":\"s\",\"type\":\"string\"},"
    "{\"name\":\"u\",\"type\":[\"null\",\"int\",{\"type\":\"array\",\"items\":\"W\"}]},"
    "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"bytes\"}},"
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\",\"Y\"]}},"
    "{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}},"
    "{\"name\":\"d\",\"type\":\"double\"},{\"name\":\"b\",\"type\":\"boolean\"}]}";
static const char *R =
    "{\"type\":\"record\",\"name\":\"W\",\"fields\":["
    "{\"name\":\"a\",\"type\":\"double\"},"
    "{\"name\":\"u\",\"type\":[\"null\",\"long\",{\"type\":\"array\",\"items\":\"W\"}]},"
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"],"
    "\"default\":\"X\"}},{\"name\":\"extra\",\"type\":\"string\",\"default\":\"z\"}]}";
static const char *VALUE =
    "{\"a\":5,\"s\":\"hello\",\"u\":{\"array\":[{\"a\":1,\"s\":\"\",\"u\":{\"int\":3},\"m\":{},"
    "\"e\":\"Y\",\"f\":\"abcd\",\"d\":1.0,\"b\":false}]},\"m\":{\"k\":\"v\"},\"e\":\"X\","
    "\"f\":\"wxyz\",\"d\":2.5,\"b\":true}";

typedef struct fx {
    serdes_avro_schema_t *w, *r;
    serdes_avro_plan_t *id_plan, *evo_plan;
    avro_value_t wv, rv;
    uint8_t good[512];
    size_t good_len;
} fx_t;

static void *compile(const char *text) {
    void *impl = NULL;
    serdes_err_t err;
    if (serdes_avro_compile(text, strlen(text), &impl, &err) != CN_OK)
        fail_msg("compile: %s", err.e.msg);
    return impl;
}

static int setup(void **state) {
    fx_t *f = calloc(1, sizeof(*f));
    serdes_err_t err;
    json_t *j = json_loads(VALUE, 0, NULL);
    f->w = compile(W);
    f->r = compile(R);
    assert_int_equal(serdes_avro_plan_new(f->w, f->w, &f->id_plan, &err), CN_OK);
    if (serdes_avro_plan_new(f->w, f->r, &f->evo_plan, &err) != CN_OK)
        fail_msg("plan: %s", err.e.msg);
    avro_generic_value_new(f->w->iface, &f->wv);
    avro_generic_value_new(f->r->iface, &f->rv);
    if (serdes_avro_from_json(f->w, f->w->schema, j, &f->wv, false, &err) != CN_OK)
        fail_msg("json: %s", err.e.msg);
    assert_int_equal(serdes_avro_encode(&f->wv, f->good, sizeof(f->good), &f->good_len, &err),
                     CN_OK);
    json_decref(j);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fx_t *f = *state;
    avro_value_decref(&f->wv);
    avro_value_decref(&f->rv);
    serdes_avro_plan_free(f->id_plan);
    serdes_avro_plan_free(f->evo_plan);
    serdes_avro_release(f->w);
    serdes_avro_release(f->r);
    free(f);
    return 0;
}

/* Decode with both plans; the result must be OK or one of the expected error codes. */
static void try_decode(fx_t *f, const uint8_t *p, size_t n) {
    serdes_err_t err;
    cn_err_t a = serdes_avro_decode(f->id_plan, p, n, &f->wv, &err);
    cn_err_t b = serdes_avro_decode(f->evo_plan, p, n, &f->rv, &err);
    assert_true(a == CN_OK || a == CN_ERR_SERDES_PAYLOAD || a == CN_ERR_INCOMPATIBLE);
    assert_true(b == CN_OK || b == CN_ERR_SERDES_PAYLOAD || b == CN_ERR_INCOMPATIBLE);
}

static void test_decode_good_and_evolved(void **state) {
    fx_t *f = *state;
    serdes_err_t err;
    json_t *j;
    char *s;
    assert_int_equal(serdes_avro_decode(f->evo_plan, f->good, f->good_len, &f->rv, &err), CN_OK);
    assert_int_equal(serdes_avro_to_json(&f->rv, &j, &err), CN_OK);
    s = json_dumps(j, JSON_COMPACT);
    assert_string_equal(s, "{\"a\":5.0,\"u\":{\"array\":[{\"a\":1.0,\"u\":{\"long\":3},\"e\":\"X\","
                           "\"extra\":\"z\"}]},\"e\":\"X\",\"extra\":\"z\"}");
    free(s);
    json_decref(j);
}

static void test_decode_truncations(void **state) {
    fx_t *f = *state;
    serdes_err_t err;
    for (size_t n = 0; n < f->good_len; n++) {
        uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan catches any over-read */
        memcpy(copy, f->good, n);
        assert_int_equal(serdes_avro_decode(f->id_plan, copy, n, &f->wv, &err),
                         CN_ERR_SERDES_PAYLOAD);
        try_decode(f, copy, n);
        free(copy);
    }
}

static void test_decode_mutations(void **state) {
    fx_t *f = *state;
    unsigned seed = tu_seed();
    for (int round = 0; round < 3000; round++) {
        uint8_t *copy = malloc(f->good_len);
        memcpy(copy, f->good, f->good_len);
        for (int k = 0, flips = 1 + (int)(rand_r(&seed) % 4); k < flips; k++)
            copy[rand_r(&seed) % f->good_len] = (uint8_t)rand_r(&seed);
        try_decode(f, copy, f->good_len);
        free(copy);
    }
}

static void test_decode_random(void **state) {
    fx_t *f = *state;
    unsigned seed = tu_seed();
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(rand_r(&seed) % 64);
        uint8_t *p = malloc(n ? n : 1);
        for (size_t i = 0; i < n; i++)
            p[i] = (uint8_t)rand_r(&seed);
        try_decode(f, p, n);
        free(p);
    }
}

static void test_decode_limits(void **state) {
    fx_t *f = *state;
    serdes_err_t err;
    /* a=0, then a string length of 2^62 */
    const uint8_t huge_string[] = {0x00, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    /* a=0, s="", u = array branch with a block count of 2^40 */
    const uint8_t huge_count[] = {0x00, 0x00, 0x04, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40};
    /* deep recursion: array of one W whose u is again an array ... */
    uint8_t deep[1024];
    size_t n = 0;
    (void)f;
    assert_int_equal(serdes_avro_decode(f->id_plan, huge_string, sizeof(huge_string), &f->wv, &err),
                     CN_ERR_SERDES_PAYLOAD);
    assert_int_equal(serdes_avro_decode(f->id_plan, huge_count, sizeof(huge_count), &f->wv, &err),
                     CN_ERR_SERDES_PAYLOAD);
    assert_non_null(strstr(err.e.msg, "block count"));
    while (n + 4 < sizeof(deep)) {
        deep[n++] = 0x00; /* a */
        deep[n++] = 0x00; /* s */
        deep[n++] = 0x04; /* u: array branch */
        deep[n++] = 0x02; /* one element */
    }
    assert_int_equal(serdes_avro_decode(f->id_plan, deep, n, &f->wv, &err), CN_ERR_SERDES_PAYLOAD);
    assert_non_null(strstr(err.e.msg, "too deep"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_decode_good_and_evolved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_truncations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_mutations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_random, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode_limits, setup, teardown),
    };
    return cmocka_run_group_tests_name("serdes_decode", tests, NULL, NULL);
}
