/* SPDX-License-Identifier: Apache-2.0
 *
 * Benchmark (issue 11): serialize and deserialize JSON Schema values of a 20-property schema
 * through libcairn-serdes (Jansson values in and out, validated against the schema), next to
 * Jansson's own json_dumpb / json_loadb of the same value in the same run, alternating in chunks
 * so that load from other processes falls on every side alike. Also the same serdes calls with
 * json.fail.invalid.schema=false, which isolates the cost of validation from the framing and
 * caching. The registry is a real cairnd on loopback; the registry requests made after warm-up
 * are counted (the goal is 0). Prints the times and ratios; asserts no timing; fails only when
 * a result differs or a registry request happens after warm-up. CAIRN_BENCH_N overrides the
 * record count (default 200,000).
 */
#include "tests/support/test_util.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes_json.h>

#include "common/cn_time.h"
#include "tests/support/tu_cairnd.h"

static const char *SCHEMA =
    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"title\":\"bench.Order\","
    "\"type\":\"object\",\"additionalProperties\":false,"
    "\"required\":[\"id\",\"customer\",\"qty\",\"price\",\"sku\",\"status\"],\"properties\":{"
    "\"id\":{\"type\":\"integer\"},\"customer\":{\"type\":\"integer\",\"minimum\":0},"
    "\"qty\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000},\"price\":{\"type\":\"number\"},"
    "\"discount\":{\"type\":\"number\",\"maximum\":1},\"paid\":{\"type\":\"boolean\"},"
    "\"sku\":{\"type\":\"string\",\"pattern\":\"^SKU-[0-9]+$\"},\"name\":{\"type\":\"string\","
    "\"maxLength\":64},\"country\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":2},"
    "\"city\":{\"type\":\"string\"},\"zip\":{\"type\":\"string\"},\"ts\":{\"type\":\"integer\"},"
    "\"shipped\":{\"type\":\"integer\"},\"weight\":{\"type\":\"number\"},"
    "\"status\":{\"enum\":[\"NEW\",\"PAID\",\"SHIPPED\",\"DONE\"]},"
    "\"note\":{\"type\":[\"string\",\"null\"]},\"coupon\":{\"type\":[\"string\",\"null\"]},"
    "\"priority\":{\"type\":\"integer\"},\"gift\":{\"type\":\"boolean\"},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":8}}}";

static json_t *value(long i) {
    static const char *const cities[] = {"Paris", "Berlin", "Lisbon", "Oslo"};
    static const char *const status[] = {"NEW", "PAID", "SHIPPED", "DONE"};
    return json_pack("{s:I,s:I,s:i,s:f,s:f,s:b,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:f,s:s,s:s,s:n,"
                     "s:i,s:b,s:[s,s]}",
                     "id", (json_int_t)i, "customer", (json_int_t)(i * 7919 % 100000), "qty",
                     (int)(i % 50), "price", (double)i * 0.25, "discount", 0.1, "paid",
                     (int)(i & 1), "sku", "SKU-000123", "name", "Jane Q. Customer", "country", "FR",
                     "city", cities[i & 3], "zip", "75011", "ts", (json_int_t)(1700000000000 + i),
                     "shipped", (json_int_t)(1700000360000 + i), "weight", 1.75, "status",
                     status[i & 3], "note", "leave at the door", "coupon", "priority", 3, "gift", 0,
                     "tags", "a", "b");
}

typedef struct timing {
    double raw_ser, raw_des, sd_ser, sd_des, nv_ser, nv_des;
} timing_t;

#define BENCH_CHUNK 10000

static double secs(int64_t t0) {
    return (double)(cn_mono_ns() - t0) / 1e9;
}

static double raw_dump(const json_t *v, char *buf, size_t cap, size_t *len, long from, long to) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++)
        *len = json_dumpb(v, buf, cap, JSON_COMPACT);
    return secs(t0);
}

static double raw_load(const char *buf, size_t len, json_t **last, long from, long to, long *bad) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        json_t *j = json_loadb(buf, len, 0, NULL);
        if (!j)
            (*bad)++;
        json_decref(*last);
        *last = j;
    }
    return secs(t0);
}

static double sd_ser(cairn_serializer_t *ser, const json_t *v, uint8_t *buf, size_t cap,
                     size_t *len, long from, long to, long *bad) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        void *out = buf;
        *len = cap;
        if (cairn_json_serialize(ser, "orders", v, &out, len, NULL) != CAIRN_OK)
            (*bad)++;
    }
    return secs(t0);
}

static double sd_des(cairn_deserializer_t *des, const uint8_t *buf, size_t len, json_t **last,
                     long from, long to, long *bad) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        json_t *j = NULL;
        if (cairn_json_deserialize(des, "orders", buf, len, &j, NULL, NULL) != CAIRN_OK)
            (*bad)++;
        json_decref(*last);
        *last = j;
    }
    return secs(t0);
}

typedef struct side {
    cairn_serdes_t *sd;
    cairn_serializer_t *ser;
    cairn_deserializer_t *des;
} side_t;

static int side_new(side_t *s, const char *url, const char *validate) {
    cairn_conf_t *conf = cairn_conf_new();
    cairn_error_t err;
    cairn_conf_set(conf, "schema.registry.url", url, NULL);
    cairn_conf_set(conf, "json.fail.invalid.schema", validate, NULL);
    if (!(s->sd = cairn_serdes_new(conf, &err)) ||
        !(s->ser =
              cairn_serializer_new(s->sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, SCHEMA, &err)) ||
        !(s->des =
              cairn_deserializer_new(s->sd, CAIRN_FORMAT_JSON, CAIRN_ROLE_VALUE, NULL, &err))) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static void side_free(side_t *s) {
    cairn_deserializer_free(s->des);
    cairn_serializer_free(s->ser);
    cairn_serdes_free(s->sd);
}

static uint64_t requests(const side_t *s) {
    cairn_stats_t st;
    cairn_serdes_stats(s->sd, &st);
    return st.registry_requests;
}

static void report(const char *what, double raw, double sd, long n) {
    printf("%-34s Jansson %.3f s (%.0f ns/rec)   libcairn-serdes %.3f s (%.0f ns/rec)   "
           "ratio %.2f\n",
           what, raw, raw * 1e9 / (double)n, sd, sd * 1e9 / (double)n, sd / raw);
}

/* Warm-up (one registration, one schema fetch per side), then the alternating chunks. */
static long run(side_t *v, side_t *nv, long n, timing_t *t, size_t *paylen) {
    json_t *val = value(1), *a = NULL, *b = NULL, *c = NULL;
    char raw[2048];
    uint8_t sb[2048], nb[2048];
    size_t rawlen = 0, slen = 0, nlen = 0;
    long bad = 0;
    sd_ser(v->ser, val, sb, sizeof(sb), &slen, 0, 1, &bad);
    sd_ser(nv->ser, val, nb, sizeof(nb), &nlen, 0, 1, &bad);
    sd_des(v->des, sb, slen, &b, 0, 1, &bad);
    sd_des(nv->des, nb, nlen, &c, 0, 1, &bad);
    uint64_t warm = requests(v) + requests(nv);
    memset(t, 0, sizeof(*t));
    for (long base = 0; base < n; base += BENCH_CHUNK) {
        long end = base + BENCH_CHUNK < n ? base + BENCH_CHUNK : n;
        t->raw_ser += raw_dump(val, raw, sizeof(raw), &rawlen, base, end);
        t->sd_ser += sd_ser(v->ser, val, sb, sizeof(sb), &slen, base, end, &bad);
        t->nv_ser += sd_ser(nv->ser, val, nb, sizeof(nb), &nlen, base, end, &bad);
        t->raw_des += raw_load(raw, rawlen, &a, base, end, &bad);
        t->sd_des += sd_des(v->des, sb, slen, &b, base, end, &bad);
        t->nv_des += sd_des(nv->des, nb, nlen, &c, base, end, &bad);
    }
    if (slen != rawlen + 5 || memcmp(sb + 5, raw, rawlen) != 0 || !json_equal(a, val) ||
        !json_equal(b, val) || !json_equal(c, val))
        bad++;
    if (requests(v) + requests(nv) != warm) {
        printf("registry requests after warm-up: %llu (goal 0)\n",
               (unsigned long long)(requests(v) + requests(nv) - warm));
        bad++;
    } else {
        printf("registry requests: %llu during warm-up, 0 after warm-up (goal 0)\n",
               (unsigned long long)warm);
    }
    *paylen = rawlen;
    json_decref(val), json_decref(a), json_decref(b), json_decref(c);
    return bad;
}

int main(void) {
    const char *env = getenv("CAIRN_BENCH_N");
    long n = env ? strtol(env, NULL, 10) : 200000, bad;
    char *dir = tu_tmpdir("bench-serdes-json"), url[64];
    tu_cairnd_t cd;
    side_t v = {0}, nv = {0};
    timing_t t;
    size_t paylen = 0;
    if (tu_cairnd_start(&cd, dir, 60000) != 0)
        return 1;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", cd.port);
    if (side_new(&v, url, "true") != 0 || side_new(&nv, url, "false") != 0)
        return 1;
    bad = run(&v, &nv, n, &t, &paylen);
    printf("records: %ld, schema: 20 properties, payload %zu bytes + 5 framing\n", n, paylen);
    report("serialize (validated)", t.raw_ser, t.sd_ser, n);
    report("serialize (json.fail.invalid=false)", t.raw_ser, t.nv_ser, n);
    report("deserialize (validated)", t.raw_des, t.sd_des, n);
    report("deserialize (json.fail.invalid=false)", t.raw_des, t.nv_des, n);
    if (bad)
        printf("ERRORS: %ld records failed or differed\n", bad);
    side_free(&nv);
    side_free(&v);
    tu_cairnd_stop(&cd, SIGTERM);
    tu_tmpdir_free(dir);
    return bad ? 1 : 0;
}
