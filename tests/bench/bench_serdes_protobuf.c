/* SPDX-License-Identifier: Apache-2.0
 *
 * Benchmark (issue 10): serialize and deserialize 1 million messages of a 20-field Protobuf
 * message (tests/data/serdes_pb/wide.proto, protoc-c generated) through libcairn-serdes, next to
 * protobuf-c's own protobuf_c_message_get_packed_size + protobuf_c_message_pack and
 * protobuf_c_message_unpack + protobuf_c_message_free_unpacked of the same message in the same
 * run, alternating in chunks of 50,000 so that load from other processes falls on both. The
 * registry is a real cairnd on loopback; the registry requests made after warm-up are counted
 * through cairn_serdes_stats (the goal is 0). Prints both times and the ratios (goal 1.15 or
 * less). Asserts no timing; fails only when a result differs or a registry request happens after
 * warm-up. CAIRN_BENCH_N overrides the message count.
 */
#include "tests/support/test_util.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes_protobuf.h>

#include "common/cn_time.h"
#include "serdes_pb/wide.pb-c.h"
#include "tests/support/tu_cairnd.h"

#define BENCH_CHUNK 50000

typedef struct timing {
    double raw_ser, raw_des, sd_ser, sd_des;
} timing_t;

static double secs(int64_t t0) {
    return (double)(cn_mono_ns() - t0) / 1e9;
}

static void fill(Bench__Wide *w) {
    static uint8_t hash[] = {1, 2, 3, 4};
    w->f1 = 1, w->f2 = 42, w->f3 = "SKU-000123", w->f4 = 12.25, w->f5 = 1;
    w->f6 = 1700000000000, w->f7 = 3, w->f8 = "Jane Q. Customer", w->f9 = 0.1f;
    w->f10 = 75011, w->f11 = 1700000360000, w->f12 = -7, w->f13 = "Paris", w->f14 = 1.75;
    w->f15 = 1, w->f16 = 0xfeedfacecafe, w->f17 = 2, w->f18 = "leave at the door";
    w->f19 = 123456789012345ULL, w->f20.data = hash, w->f20.len = sizeof(hash);
}

static double raw_encode(Bench__Wide *w, uint8_t *buf, size_t *len, long from, long to) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        w->f1 = i;
        *len = protobuf_c_message_get_packed_size(&w->base);
        protobuf_c_message_pack(&w->base, buf);
    }
    return secs(t0);
}

static double sd_encode(cairn_serializer_t *ser, Bench__Wide *w, uint8_t *buf, size_t cap,
                        size_t *len, long from, long to, long *bad) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        void *out = buf;
        w->f1 = i;
        *len = cap;
        if (cairn_protobuf_serialize(ser, "wide", &w->base, &out, len, NULL) != CAIRN_OK)
            (*bad)++;
    }
    return secs(t0);
}

static double raw_decode(const uint8_t *buf, size_t len, long from, long to, long *bad) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        ProtobufCMessage *m = protobuf_c_message_unpack(&bench__wide__descriptor, NULL, len, buf);
        if (!m)
            (*bad)++;
        else
            protobuf_c_message_free_unpacked(m, NULL);
    }
    return secs(t0);
}

static double sd_decode(cairn_deserializer_t *des, const uint8_t *buf, size_t len, long from,
                        long to, long *bad) {
    int64_t t0 = cn_mono_ns();
    for (long i = from; i < to; i++) {
        ProtobufCMessage *m = NULL;
        if (cairn_protobuf_deserialize(des, "wide", buf, len, &bench__wide__descriptor, NULL, &m,
                                       NULL, NULL) != CAIRN_OK)
            (*bad)++;
        else
            protobuf_c_message_free_unpacked(m, NULL);
    }
    return secs(t0);
}

/* The last messages of both sides decode to the same message. */
static long compare(const uint8_t *raw, size_t rawlen, const uint8_t *sd, size_t sdlen) {
    if (sdlen != rawlen + 6 || sd[5] != 0 || memcmp(sd + 6, raw, rawlen) != 0)
        return 1;
    return 0;
}

static int run(const char *url, long n) {
    cairn_conf_t *conf = cairn_conf_new();
    cairn_error_t err;
    cairn_serdes_t *sd;
    cairn_serializer_t *ser;
    cairn_deserializer_t *des;
    char *proto = tu_read_data("serdes_pb/wide.proto", NULL);
    Bench__Wide w = BENCH__WIDE__INIT;
    uint8_t rawbuf[512], sdbuf[512];
    size_t rawlen = 0, sdlen = 0;
    cairn_stats_t warm, end;
    timing_t t = {0};
    long bad = 0;
    cairn_conf_set(conf, "schema.registry.url", url, NULL);
    sd = cairn_serdes_new(conf, &err);
    ser = cairn_serializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, proto, &err);
    des = cairn_deserializer_new(sd, CAIRN_FORMAT_PROTOBUF, CAIRN_ROLE_VALUE, NULL, &err);
    free(proto);
    if (!ser || !des) {
        fprintf(stderr, "setup: %s\n", err.msg);
        return 1;
    }
    fill(&w);
    /* Warm-up: one registration and one schema fetch. */
    sd_encode(ser, &w, sdbuf, sizeof(sdbuf), &sdlen, 0, 1, &bad);
    sd_decode(des, sdbuf, sdlen, 0, 1, &bad);
    cairn_serdes_stats(sd, &warm);
    for (long base = 0; base < n; base += BENCH_CHUNK) {
        long stop = base + BENCH_CHUNK < n ? base + BENCH_CHUNK : n;
        t.raw_ser += raw_encode(&w, rawbuf, &rawlen, base, stop);
        t.sd_ser += sd_encode(ser, &w, sdbuf, sizeof(sdbuf), &sdlen, base, stop, &bad);
        t.raw_des += raw_decode(rawbuf, rawlen, base, stop, &bad);
        t.sd_des += sd_decode(des, sdbuf, sdlen, base, stop, &bad);
    }
    cairn_serdes_stats(sd, &end);
    bad += compare(rawbuf, rawlen, sdbuf, sdlen);
    printf("messages: %ld, message: 20 fields, payload %zu bytes + 5 framing + 1 index\n", n,
           rawlen);
    printf("serialize    protobuf-c %.3f s (%.0f ns/msg)   libcairn-serdes %.3f s (%.0f ns/msg)"
           "   ratio %.3f (goal <= 1.15)\n",
           t.raw_ser, t.raw_ser * 1e9 / (double)n, t.sd_ser, t.sd_ser * 1e9 / (double)n,
           t.sd_ser / t.raw_ser);
    printf("deserialize  protobuf-c %.3f s (%.0f ns/msg)   libcairn-serdes %.3f s (%.0f ns/msg)"
           "   ratio %.3f (goal <= 1.15)\n",
           t.raw_des, t.raw_des * 1e9 / (double)n, t.sd_des, t.sd_des * 1e9 / (double)n,
           t.sd_des / t.raw_des);
    printf("registry requests: %llu during warm-up, %llu after warm-up (goal 0)\n",
           (unsigned long long)warm.registry_requests,
           (unsigned long long)(end.registry_requests - warm.registry_requests));
    if (bad)
        printf("ERRORS: %ld messages failed or differed\n", bad);
    cairn_deserializer_free(des);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
    return bad || end.registry_requests != warm.registry_requests ? 1 : 0;
}

int main(void) {
    const char *env = getenv("CAIRN_BENCH_N");
    long n = env ? strtol(env, NULL, 10) : 1000000;
    char *dir = tu_tmpdir("bench-serdes-pb"), url[64];
    tu_cairnd_t c;
    int rc;
    if (tu_cairnd_start(&c, dir, 60000) != 0) {
        fprintf(stderr, "cairnd did not start\n");
        return 1;
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", c.port);
    rc = run(url, n);
    tu_cairnd_stop(&c, SIGTERM);
    tu_tmpdir_free(dir);
    return rc;
}
