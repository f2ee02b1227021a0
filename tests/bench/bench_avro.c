/* SPDX-License-Identifier: Apache-2.0
 *
 * Avro benchmarks (issue 3): parse + canonicalize a ~100 KB schema (target under 5 ms), and
 * check a new version of a 50-field record against 1,000 previous versions at FULL_TRANSITIVE
 * (target under 50 ms). Baseline measured in the same run: Jansson alone loading and dumping the
 * same text. Prints figures only; nothing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/cn_buf.h"
#include "compat/compat.h"

static double clock_ms(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Wall and CPU time of the calling process: on a shared machine the CPU figure is the one
 * that does not include waiting for a core. */
typedef struct stamp {
    double wall, cpu;
} stamp_t;

static stamp_t now(void) {
    return (stamp_t){clock_ms(CLOCK_MONOTONIC), clock_ms(CLOCK_PROCESS_CPUTIME_ID)};
}

static stamp_t since(stamp_t t0, int iters) {
    stamp_t t1 = now();
    return (stamp_t){(t1.wall - t0.wall) / iters, (t1.cpu - t0.cpu) / iters};
}

/* A record of `groups` nested records, each with enums, unions, arrays, maps and docs. */
static char *big_schema(int groups) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_printf(&b, "{\"type\":\"record\",\"name\":\"Big\",\"namespace\":\"com.example.bench\","
                      "\"doc\":\"A large schema\",\"fields\":[");
    for (int g = 0; g < groups; g++) {
        cn_buf_printf(
            &b,
            "%s{\"name\":\"g%d\",\"type\":{\"type\":\"record\",\"name\":\"Group%d\","
            "\"doc\":\"group %d\",\"fields\":["
            "{\"name\":\"id\",\"type\":\"long\",\"doc\":\"identifier\"},"
            "{\"name\":\"label\",\"type\":[\"null\",\"string\"],\"default\":null},"
            "{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"Kind%d\","
            "\"symbols\":[\"ALPHA\",\"BETA\",\"GAMMA\",\"DELTA\"],\"default\":\"ALPHA\"}},"
            "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"string\"},"
            "\"default\":[]},"
            "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":\"double\"}},"
            "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":"
            "\"timestamp-millis\"}},"
            "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
            "\"precision\":12,\"scale\":2}},"
            "{\"name\":\"prev\",\"type\":[\"null\",\"Group%d\"],\"default\":null}]}}",
            g ? "," : "", g, g, g, g, g);
    }
    cn_buf_put_str(&b, "]}");
    cn_buf_cstr(&b);
    return (char *)cn_buf_steal(&b, NULL);
}

static void bench_parse(void) {
    char *text = big_schema(160);
    size_t len = strlen(text);
    compat_parse_opts_t po = {.type = COMPAT_AVRO};
    cn_error_t err;
    int iters = 200;
    stamp_t t0 = now();
    for (int i = 0; i < iters; i++) {
        compat_schema_t *s = compat_schema_parse(text, len, &po, &err);
        if (!s) {
            printf("parse failed: %s\n", err.msg);
            exit(1);
        }
        compat_schema_free(s);
    }
    stamp_t ours = since(t0, iters);
    t0 = now();
    for (int i = 0; i < iters; i++) {
        json_t *j = json_loadb(text, len, 0, NULL);
        char *out = json_dumps(j, JSON_COMPACT);
        free(out);
        json_decref(j);
    }
    stamp_t base = since(t0, iters);
    printf("avro parse+canonicalize %zu KB schema: %.3f ms wall, %.3f ms cpu (target < 5 ms); "
           "baseline jansson load+dump %.3f ms wall, %.3f ms cpu; ratio %.2f\n",
           len / 1024, ours.wall, ours.cpu, base.wall, base.cpu, ours.cpu / base.cpu);
    free(text);
}

static char *version_text(int v, int nfields) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_printf(&b,
                  "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"com.example\","
                  "\"doc\":\"version %d\",\"fields\":[",
                  v);
    for (int f = 0; f < nfields; f++) {
        static const char *const types[] = {"\"long\"", "[\"null\",\"string\"]", "\"double\"", NULL,
                                            "{\"type\":\"array\",\"items\":\"int\"}"};
        char t[128];
        if (types[f % 5])
            snprintf(t, sizeof(t), "%s", types[f % 5]);
        else
            snprintf(t, sizeof(t),
                     "{\"type\":\"enum\",\"name\":\"E%d\",\"symbols\":[\"A\",\"B\",\"C\"]}", f);
        cn_buf_printf(&b, "%s{\"name\":\"f%d\",\"type\":%s,\"doc\":\"field %d of v%d\"%s}",
                      f ? "," : "", f, t, f, v, f % 5 == 1 ? ",\"default\":null" : "");
    }
    cn_buf_put_str(&b, "]}");
    cn_buf_cstr(&b);
    return (char *)cn_buf_steal(&b, NULL);
}

static void bench_check(void) {
    enum { VERSIONS = 1000, FIELDS = 50 };
    compat_parse_opts_t po = {.type = COMPAT_AVRO};
    compat_prev_t *hist = calloc(VERSIONS, sizeof(*hist));
    cn_error_t err;
    for (int v = 0; v < VERSIONS; v++) {
        char *t = version_text(v + 1, FIELDS);
        if (!(hist[v].schema = compat_schema_parse(t, strlen(t), &po, &err))) {
            printf("parse failed: %s\n", err.msg);
            exit(1);
        }
        hist[v].version = v + 1;
        free(t);
    }
    char *t = version_text(VERSIONS + 1, FIELDS);
    compat_schema_t *nw = compat_schema_parse(t, strlen(t), &po, &err);
    free(t);
    int iters = 5;
    compat_report_t *rep = NULL;
    stamp_t t0 = now();
    for (int i = 0; i < iters; i++) {
        if (compat_check(COMPAT_FULL_TRANSITIVE, nw, hist, VERSIONS, &rep, &err) != CN_OK) {
            printf("check failed: %s\n", err.msg);
            exit(1);
        }
        if (!compat_report_is_compatible(rep))
            printf("unexpected: %s\n", compat_report_message(rep, 0));
        compat_report_free(rep);
    }
    stamp_t ours = since(t0, iters);
    t0 = now();
    for (int i = 0; i < iters * 100; i++)
        compat_check(COMPAT_FULL, nw, hist, VERSIONS, &rep, &err), compat_report_free(rep);
    stamp_t one = since(t0, iters * 100);
    printf("avro FULL_TRANSITIVE check, %d-field record vs %d versions: %.3f ms wall, %.3f ms cpu "
           "(target < 50 ms); baseline FULL vs the latest only %.4f ms cpu; ratio %.0f\n",
           FIELDS, VERSIONS, ours.wall, ours.cpu, one.cpu, ours.cpu / one.cpu);
    compat_schema_free(nw);
    for (int v = 0; v < VERSIONS; v++)
        compat_schema_free((compat_schema_t *)hist[v].schema);
    free(hist);
}

int main(void) {
    bench_parse();
    bench_check();
    return 0;
}
