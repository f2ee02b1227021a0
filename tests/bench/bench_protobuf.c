/* SPDX-License-Identifier: Apache-2.0
 *
 * Protobuf benchmarks (issue 10): parse + resolve + canonicalize (stored and normalized text) a
 * 2,000-line .proto, beside reading and tokenizing the same bytes (the floor any parser pays);
 * Confluent's diff of two versions of it; and a FULL_TRANSITIVE check of a 200-message file
 * against 100 versions (Confluent's check and buf's wire rules). Prints figures and ratios only;
 * nothing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cn_buf.h"
#include "compat/compat.h"
#include "compat/protobuf/compat_protobuf.h"
#include "compat/protobuf/pb_int.h"

static double clock_ms(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

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

/* About 2,000 lines: messages with scalars, maps, oneofs, nested enums, options, comments. */
static char *big_proto(int messages, int *lines, const char *extra) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_str(&b, "syntax = \"proto3\";\npackage bench.orders.v1;\n\n"
                       "import \"google/protobuf/timestamp.proto\";\n\n"
                       "option java_package = \"com.example.bench\";\n\n");
    *lines = 7;
    for (int m = 0; m < messages; m++) {
        cn_buf_printf(&b,
                      "// Message %d of the benchmark.\n"
                      "message Msg%d {\n"
                      "  option deprecated = false;\n"
                      "  reserved 90 to 99, 120;\n"
                      "  string id = 1 [json_name = \"ident\"];\n"
                      "  int64 amount = 2;\n"
                      "  repeated double samples = 3 [packed = true];\n"
                      "  map<string, Line> lines = 4;\n"
                      "  google.protobuf.Timestamp at = 5;\n"
                      "  Status status = 6;\n"
                      "  %s next = 7;\n"
                      "  oneof payment {\n"
                      "    string card = 8;\n"
                      "    bytes token = 9;\n"
                      "  }\n"
                      "  message Line {\n"
                      "    string sku = 1;\n"
                      "    uint32 qty = 2;\n"
                      "  }\n"
                      "  enum Status {\n"
                      "    UNKNOWN = 0;\n"
                      "    PAID = 1;\n"
                      "    SHIPPED = 2;\n"
                      "  }\n"
                      "%s"
                      "}\n\n",
                      m, m, m + 1 < messages ? "bench.orders.v1.Msg1" : "Msg0", extra);
        *lines += 26;
    }
    cn_buf_cstr(&b);
    return (char *)cn_buf_steal(&b, NULL);
}

static void bench_parse(void) {
    int lines;
    char *text = big_proto(77, &lines, "");
    size_t len = strlen(text);
    int iters = 200;
    cn_error_t err;
    stamp_t t0 = now();
    for (int i = 0; i < iters; i++) {
        compat_pb_schema_t *s = NULL;
        if (compat_pb_parse(text, len, NULL, 0, &s, &err) != CN_OK) {
            printf("parse failed: %s\n", err.msg);
            exit(1);
        }
        compat_pb_schema_free(s);
    }
    stamp_t ours = since(t0, iters);
    size_t ntok = 0;
    t0 = now();
    for (int i = 0; i < iters; i++) {
        char *copy = malloc(len + 1); /* "reading" the bytes */
        memcpy(copy, text, len + 1);
        pb_lex_t lx;
        pb_lex_init(&lx, copy, len, &err);
        ntok = 0;
        while (pb_lex_next(&lx) && lx.tok.kind != PB_T_EOF)
            ntok++;
        free(copy);
    }
    stamp_t base = since(t0, iters);
    printf(
        "protobuf parse+resolve+canonicalize %d-line .proto (%zu KB): %.3f ms wall, %.3f ms cpu; "
        "baseline read+tokenize (%zu tokens) %.3f ms wall, %.3f ms cpu; ratio %.2f\n",
        lines, len / 1024, ours.wall, ours.cpu, ntok, base.wall, base.cpu, ours.cpu / base.cpu);
    free(text);
}

static void bench_diff(void) {
    int lines;
    char *a = big_proto(77, &lines, ""), *b = big_proto(77, &lines, "  int32 added = 10;\n");
    compat_pb_schema_t *sa = NULL, *sb = NULL;
    cn_error_t err;
    if (compat_pb_parse(a, strlen(a), NULL, 0, &sa, &err) != CN_OK ||
        compat_pb_parse(b, strlen(b), NULL, 0, &sb, &err) != CN_OK) {
        printf("parse failed: %s\n", err.msg);
        exit(1);
    }
    int iters = 500;
    size_t n = 0;
    stamp_t t0 = now();
    for (int i = 0; i < iters; i++) {
        compat_pb_diffs_t d = {0};
        compat_pb_compare(sa, sb, &d, &err);
        n = d.n;
        compat_pb_diffs_fini(&d);
    }
    stamp_t ours = since(t0, iters);
    t0 = now();
    for (int i = 0; i < iters; i++) {
        compat_pb_schema_t *s = NULL;
        compat_pb_parse(b, strlen(b), NULL, 0, &s, &err);
        compat_pb_schema_free(s);
    }
    stamp_t base = since(t0, iters);
    printf("protobuf diff of two %d-line versions (%zu differences): %.3f ms wall, %.3f ms cpu; "
           "baseline parsing the new version %.3f ms cpu; ratio %.2f\n",
           lines, n, ours.wall, ours.cpu, base.cpu, ours.cpu / base.cpu);
    compat_pb_schema_free(sa);
    compat_pb_schema_free(sb);
    free(a);
    free(b);
}

/* The registry's check of a new version at FULL_TRANSITIVE against 100 stored versions (parsed
 * once, as its cache holds them), and `--rules wire` both ways over the same 100; beside parsing
 * the new version once (the work any register does). */
static void bench_transitive(void) {
    enum { VERSIONS = 100, MESSAGES = 200 };
    int lines;
    char *nt = big_proto(MESSAGES, &lines, "  int32 added = 10;\n"), *old[2];
    compat_parse_opts_t po = {.type = COMPAT_PROTOBUF};
    compat_prev_t prev[VERSIONS];
    compat_schema_t *parsed[2], *nw;
    compat_report_t *rep = NULL;
    cn_error_t err;
    int iters = 5;
    old[0] = big_proto(MESSAGES, &lines, "");
    old[1] = big_proto(MESSAGES, &lines, "  int32 added = 10;\n");
    parsed[0] = compat_schema_parse(old[0], strlen(old[0]), &po, &err);
    parsed[1] = compat_schema_parse(old[1], strlen(old[1]), &po, &err);
    nw = compat_schema_parse(nt, strlen(nt), &po, &err);
    if (!parsed[0] || !parsed[1] || !nw) {
        printf("parse failed: %s\n", err.msg);
        exit(1);
    }
    for (int v = 0; v < VERSIONS; v++)
        prev[v] = (compat_prev_t){.version = v + 1, .schema = parsed[v % 2]};
    stamp_t t0 = now();
    bool ok = true;
    for (int i = 0; i < iters; i++) {
        ok = ok && compat_check(COMPAT_FULL_TRANSITIVE, nw, prev, VERSIONS, &rep, &err) == CN_OK &&
             compat_report_is_compatible(rep);
        compat_report_free(rep);
    }
    stamp_t check = since(t0, iters);
    size_t nf = 0;
    t0 = now();
    for (int i = 0; i < iters; i++)
        for (int v = 0; v < VERSIONS; v++) {
            compat_pb_findings_t f = {0};
            const compat_pb_schema_t *a = compat_schema_protobuf(prev[v].schema),
                                     *b = compat_schema_protobuf(nw);
            compat_pb_breaking(a, b, COMPAT_PB_RULES_WIRE, &f, &err);
            compat_pb_breaking(b, a, COMPAT_PB_RULES_WIRE, &f, &err);
            nf += f.n;
            compat_pb_findings_fini(&f);
        }
    stamp_t rules = since(t0, iters);
    t0 = now();
    for (int i = 0; i < iters; i++)
        compat_schema_free(compat_schema_parse(nt, strlen(nt), &po, &err));
    stamp_t base = since(t0, iters);
    printf("protobuf FULL_TRANSITIVE check of a %d-message (%d-line) file against %d versions "
           "(%s): %.1f ms wall, %.1f ms cpu; --rules wire both ways over the same versions "
           "(%zu findings a run: field 10 deleted going forward): %.1f ms cpu; baseline parsing "
           "the new file once %.2f ms cpu; ratios "
           "%.1f and %.1f\n",
           MESSAGES, lines, VERSIONS, ok ? "compatible" : "NOT compatible", check.wall, check.cpu,
           nf / (size_t)iters, rules.cpu, base.cpu, check.cpu / base.cpu, rules.cpu / base.cpu);
    compat_schema_free(parsed[0]);
    compat_schema_free(parsed[1]);
    compat_schema_free(nw);
    free(nt);
    free(old[0]);
    free(old[1]);
}

int main(void) {
    bench_parse();
    bench_diff();
    bench_transitive();
    return 0;
}
