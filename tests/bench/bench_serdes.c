/* SPDX-License-Identifier: Apache-2.0
 *
 * Benchmark (issue 6): serialize and deserialize 1 million records of a 20-field Avro schema
 * through libcairn-serdes, next to avro-c's own binary encoding and decoding of the same values
 * in the same run (avro_value_write / avro_value_read with memory writers and readers reused),
 * alternating in chunks of 50,000 records so that load from other processes falls on both.
 * The registry is the in-process mock on loopback; the registry requests made after warm-up are
 * counted (the goal is 0). Prints both times and the ratios (goal 1.15 or less). Asserts no
 * timing; fails only when a result differs or a registry request happens after warm-up.
 * CAIRN_BENCH_N overrides the record count.
 */
#include "tests/support/test_util.h"

#include <avro.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>
#include <cairn/serdes_avro.h>

#include "common/cn_time.h"
#include "tests/support/mock_registry.h"

static const char *SCHEMA =
    "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"bench\",\"fields\":["
    "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"customer\",\"type\":\"long\"},"
    "{\"name\":\"qty\",\"type\":\"int\"},{\"name\":\"price\",\"type\":\"double\"},"
    "{\"name\":\"discount\",\"type\":\"float\"},{\"name\":\"paid\",\"type\":\"boolean\"},"
    "{\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"name\",\"type\":\"string\"},"
    "{\"name\":\"country\",\"type\":\"string\"},{\"name\":\"city\",\"type\":\"string\"},"
    "{\"name\":\"zip\",\"type\":\"string\"},{\"name\":\"ts\",\"type\":\"long\"},"
    "{\"name\":\"shipped\",\"type\":\"long\"},{\"name\":\"weight\",\"type\":\"double\"},"
    "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\",\"symbols\":"
    "[\"NEW\",\"PAID\",\"SHIPPED\",\"DONE\"]}},"
    "{\"name\":\"note\",\"type\":[\"null\",\"string\"]},{\"name\":\"coupon\",\"type\":[\"null\","
    "\"string\"]},{\"name\":\"priority\",\"type\":\"int\"},{\"name\":\"gift\",\"type\":\"boolean\"}"
    ","
    "{\"name\":\"hash\",\"type\":\"bytes\"}]}";

static void fill(avro_value_t *v, int64_t i) {
    avro_value_t f, b;
    static const char *const cities[] = {"Paris", "Berlin", "Lisbon", "Oslo"};
    avro_value_get_by_index(v, 0, &f, NULL), avro_value_set_long(&f, i);
    avro_value_get_by_index(v, 1, &f, NULL), avro_value_set_long(&f, i * 7919 % 100000);
    avro_value_get_by_index(v, 2, &f, NULL), avro_value_set_int(&f, (int32_t)(i % 50));
    avro_value_get_by_index(v, 3, &f, NULL), avro_value_set_double(&f, (double)i * 0.25);
    avro_value_get_by_index(v, 4, &f, NULL), avro_value_set_float(&f, 0.1f);
    avro_value_get_by_index(v, 5, &f, NULL), avro_value_set_boolean(&f, (int)(i & 1));
    avro_value_get_by_index(v, 6, &f, NULL), avro_value_set_string(&f, "SKU-000123");
    avro_value_get_by_index(v, 7, &f, NULL), avro_value_set_string(&f, "Jane Q. Customer");
    avro_value_get_by_index(v, 8, &f, NULL), avro_value_set_string(&f, "FR");
    avro_value_get_by_index(v, 9, &f, NULL), avro_value_set_string(&f, cities[i & 3]);
    avro_value_get_by_index(v, 10, &f, NULL), avro_value_set_string(&f, "75011");
    avro_value_get_by_index(v, 11, &f, NULL), avro_value_set_long(&f, 1700000000000 + i);
    avro_value_get_by_index(v, 12, &f, NULL), avro_value_set_long(&f, 1700000360000 + i);
    avro_value_get_by_index(v, 13, &f, NULL), avro_value_set_double(&f, 1.75);
    avro_value_get_by_index(v, 14, &f, NULL), avro_value_set_enum(&f, (int)(i & 3));
    avro_value_get_by_index(v, 15, &f, NULL), avro_value_set_branch(&f, 1, &b),
        avro_value_set_string(&b, "leave at the door");
    avro_value_get_by_index(v, 16, &f, NULL), avro_value_set_branch(&f, 0, &b),
        avro_value_set_null(&b);
    avro_value_get_by_index(v, 17, &f, NULL), avro_value_set_int(&f, 3);
    avro_value_get_by_index(v, 18, &f, NULL), avro_value_set_boolean(&f, 0);
    avro_value_get_by_index(v, 19, &f, NULL), avro_value_set_bytes(&f, "\x01\x02\x03\x04", 4);
}

typedef struct timing {
    double raw_ser, raw_des, sd_ser, sd_des;
} timing_t;

static double secs(int64_t t0) {
    return (double)(cn_mono_ns() - t0) / 1e9;
}

#define BENCH_CHUNK 50000

static void set_id(avro_value_t *v, long i) {
    avro_value_t f;
    avro_value_get_by_index(v, 0, &f, NULL);
    avro_value_set_long(&f, i);
}

/* avro-c alone: encode with a reused memory writer. */
static double raw_encode(avro_value_t *v, avro_writer_t w, char *buf, size_t cap, long from,
                         long to) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        set_id(v, i);
        avro_writer_memory_set_dest(w, buf, (int64_t)cap);
        avro_value_write(w, v);
    }
    return secs(t0);
}

/* libcairn-serdes: serialize into a caller buffer. */
static double sd_encode(cairn_serializer_t *ser, avro_value_t *v, uint8_t *buf, size_t cap,
                        size_t *len, long from, long to, long *bad) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        void *out = buf;
        set_id(v, i);
        *len = cap;
        if (cairn_avro_serialize(ser, "orders", v, &out, len, NULL) != CAIRN_OK)
            (*bad)++;
    }
    return secs(t0);
}

/* avro-c alone: decode the same bytes with a reused reader and value. */
static double raw_decode(avro_reader_t r, avro_value_t *out, char *buf, size_t len, long from,
                         long to, long *bad) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        avro_reader_memory_set_source(r, buf, (int64_t)len);
        avro_value_reset(out);
        if (avro_value_read(r, out) != 0)
            (*bad)++;
    }
    return secs(t0);
}

/* libcairn-serdes: deserialize into a reused value. */
static double sd_decode(cairn_deserializer_t *des, avro_value_t *out, uint8_t *buf, size_t len,
                        long from, long to, long *bad) {
    int64_t t0 = cn_mono_ns();
    int32_t id;
    for (long i = from; i < to; i++)
        if (cairn_avro_deserialize(des, "orders", buf, len, out, &id, NULL) != CAIRN_OK)
            (*bad)++;
    return secs(t0);
}

int main(void) {
    const char *env = getenv("CAIRN_BENCH_N");
    long n = env ? strtol(env, NULL, 10) : 1000000;
    mock_registry_t *mr = mr_start();
    cairn_conf_t *conf = cairn_conf_new();
    cairn_serdes_t *sd;
    cairn_serializer_t *ser;
    cairn_deserializer_t *des;
    avro_schema_t schema;
    avro_value_iface_t *iface;
    avro_value_t v, raw_out, sd_out = {0};
    avro_writer_t w;
    avro_reader_t r;
    char rawbuf[1024];
    uint8_t sdbuf[1024];
    size_t rawlen, sdlen = 0;
    int32_t id;
    uint64_t warm;
    timing_t t;
    long bad = 0;
    cairn_error_t err;

    if (!mr || !conf)
        return 1;
    cairn_conf_set(conf, "schema.registry.url", mr_url(mr), NULL);
    sd = cairn_serdes_new(conf, &err);
    ser = cairn_serializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, SCHEMA, &err);
    des = cairn_deserializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, &err);
    if (!ser || !des || cairn_avro_serializer_schema(ser, "orders", &schema, &err) != CAIRN_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return 1;
    }
    iface = avro_generic_class_from_schema(schema);
    avro_generic_value_new(iface, &v);
    avro_generic_value_new(iface, &raw_out);
    fill(&v, 1);
    /* Warm-up: one registration and one schema fetch. */
    {
        void *out = sdbuf;
        sdlen = sizeof(sdbuf);
        if (cairn_avro_serialize(ser, "orders", &v, &out, &sdlen, &err) != CAIRN_OK ||
            cairn_avro_deserialize(des, "orders", sdbuf, sdlen, &sd_out, &id, &err) != CAIRN_OK) {
            fprintf(stderr, "warm-up: %s\n", err.msg);
            return 1;
        }
    }
    warm = mr_requests(mr);
    w = avro_writer_memory(rawbuf, sizeof(rawbuf));
    r = avro_reader_memory(rawbuf, sizeof(rawbuf));

    /* The four loops run in alternating chunks so that load from other processes on the
     * machine falls on both sides alike; each figure is the sum over its chunks. */
    memset(&t, 0, sizeof(t));
    for (long base = 0; base < n; base += BENCH_CHUNK) {
        long end = base + BENCH_CHUNK < n ? base + BENCH_CHUNK : n;
        t.raw_ser += raw_encode(&v, w, rawbuf, sizeof(rawbuf), base, end);
        t.sd_ser += sd_encode(ser, &v, sdbuf, sizeof(sdbuf), &sdlen, base, end, &bad);
        t.raw_des += raw_decode(r, &raw_out, rawbuf, (size_t)avro_writer_tell(w), base, end, &bad);
        t.sd_des += sd_decode(des, &sd_out, sdbuf, sdlen, base, end, &bad);
    }
    rawlen = (size_t)avro_writer_tell(w);
    if (sdlen != rawlen + 5 || memcmp(sdbuf + 5, rawbuf, rawlen) != 0)
        bad++;
    if (!avro_value_equal(&raw_out, &sd_out) || !avro_value_equal(&v, &sd_out))
        bad++;

    printf("records: %ld, schema: 20 fields, payload %zu bytes + 5 framing\n", n, rawlen);
    printf("serialize    avro-c %.3f s (%.0f ns/rec)   libcairn-serdes %.3f s (%.0f ns/rec)   "
           "ratio %.3f (goal <= 1.15)\n",
           t.raw_ser, t.raw_ser * 1e9 / (double)n, t.sd_ser, t.sd_ser * 1e9 / (double)n,
           t.sd_ser / t.raw_ser);
    printf("deserialize  avro-c %.3f s (%.0f ns/rec)   libcairn-serdes %.3f s (%.0f ns/rec)   "
           "ratio %.3f (goal <= 1.15)\n",
           t.raw_des, t.raw_des * 1e9 / (double)n, t.sd_des, t.sd_des * 1e9 / (double)n,
           t.sd_des / t.raw_des);
    printf("registry requests: %llu during warm-up, %llu after warm-up (goal 0)\n",
           (unsigned long long)warm, (unsigned long long)(mr_requests(mr) - warm));
    if (bad)
        printf("ERRORS: %ld records failed or differed\n", bad);

    avro_writer_free(w);
    avro_reader_free(r);
    avro_value_decref(&v);
    avro_value_decref(&raw_out);
    avro_value_decref(&sd_out);
    avro_value_iface_decref(iface);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
    {
        uint64_t after = mr_requests(mr);
        mr_stop(mr);
        return bad || after != warm ? 1 : 0;
    }
}
