/* SPDX-License-Identifier: Apache-2.0
 *
 * JSON Schema benchmarks (issue 11): validate 100,000 instances against a 50-property schema,
 * beside Jansson's own parse of the same instances (the floor: a validator cannot be faster
 * than reading its input), Confluent's diff of two 500-property schemas, and the registry's
 * whole compatibility check of them (parse both, check at BACKWARD under STRICT and LENIENT)
 * beside Jansson's parse of both texts, averaged over CHECK_RUNS runs. Wall and CPU
 * time; the CPU figure is the meaningful one on a shared machine. Nothing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/cn_buf.h"
#include "compat/compat.h"
#include "compat/jsonschema/compat_jsonschema.h"

#define N_INST  100000
#define N_PROPS 50

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

static stamp_t since(stamp_t t0) {
    stamp_t t1 = now();
    return (stamp_t){t1.wall - t0.wall, t1.cpu - t0.cpu};
}

static void put_kind(cn_buf_t *b, int k, int n) {
    switch (k) {
    case 0:
        cn_buf_printf(b,
                      "{\"type\":\"string\",\"minLength\":1,\"maxLength\":%d,"
                      "\"pattern\":\"^[a-z]+[0-9]*$\"}",
                      n);
        break;
    case 1:
        cn_buf_printf(b, "{\"type\":\"integer\",\"minimum\":0,\"maximum\":%d}", n);
        break;
    case 2:
        cn_buf_printf(b,
                      "{\"type\":\"number\",\"exclusiveMinimum\":-1,\"multipleOf\":0.5,"
                      "\"maximum\":%d}",
                      n);
        break;
    case 3:
        cn_buf_printf(b, "{\"type\":\"boolean\",\"description\":\"flag %d\"}", n);
        break;
    case 4:
        cn_buf_printf(b, "{\"enum\":[\"red\",\"green\",\"blue\",%d]}", n);
        break;
    case 5:
        cn_buf_printf(b, "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":%d}", n);
        break;
    default:
        cn_buf_printf(b,
                      "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},"
                      "\"y\":{\"type\":\"integer\"}},\"required\":[\"x\"],\"maxProperties\":%d}",
                      n);
    }
}

static void put_value(cn_buf_t *b, int k, int v) {
    switch (k) {
    case 0:
        cn_buf_printf(b, "\"abc%d\"", v);
        break;
    case 1:
        cn_buf_printf(b, "%d", v);
        break;
    case 2:
        cn_buf_printf(b, "%d.5", v);
        break;
    case 3:
        cn_buf_put_str(b, "true");
        break;
    case 4:
        cn_buf_put_str(b, "\"green\"");
        break;
    case 5:
        cn_buf_printf(b, "[\"a\",\"b%d\"]", v);
        break;
    default:
        cn_buf_printf(b, "{\"x\":%d,\"y\":2}", v);
    }
}

/* Instances: one in ten has p1 above its maximum, so the validator has something to reject. */

/* 50 properties cycling through string (pattern, lengths), integer (range), number, boolean,
 * enum, array of strings and a nested object; all required; no extra properties. */
static char *schema_text(int nprops, int max_len) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_str(&b, "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{");
    for (int i = 0; i < nprops; i++) {
        cn_buf_printf(&b, "%s\"p%d\":", i ? "," : "", i);
        put_kind(&b, i % 7, max_len);
    }
    cn_buf_put_str(&b, "},\"required\":[");
    for (int i = 0; i < nprops; i++)
        cn_buf_printf(&b, "%s\"p%d\"", i ? "," : "", i);
    cn_buf_put_str(&b, "]}");
    cn_buf_cstr(&b); /* NUL-terminates */
    return (char *)cn_buf_steal(&b, NULL);
}

static char *instance_text(int seed) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_str(&b, "{");
    for (int i = 0; i < N_PROPS; i++) {
        cn_buf_printf(&b, "%s\"p%d\":", i ? "," : "", i);
        put_value(&b, i % 7, i == 1 && seed % 10 == 9 ? 1000 : (seed + i) % 90);
    }
    cn_buf_put_str(&b, "}");
    cn_buf_cstr(&b); /* NUL-terminates */
    return (char *)cn_buf_steal(&b, NULL);
}

static void bench_validate(void) {
    char *st = schema_text(N_PROPS, 100);
    json_t *sj = json_loads(st, 0, NULL);
    compat_js_schema_t *s = compat_js_schema_load(sj, NULL, NULL);
    enum { DISTINCT = 100 };
    char *texts[DISTINCT];
    size_t lens[DISTINCT];
    for (int i = 0; i < DISTINCT; i++)
        texts[i] = instance_text(i), lens[i] = strlen(texts[i]);
    stamp_t t0 = now();
    for (int i = 0; i < N_INST; i++)
        json_decref(json_loadb(texts[i % DISTINCT], lens[i % DISTINCT], 0, NULL));
    stamp_t parse = since(t0);
    int valid = 0;
    t0 = now();
    for (int i = 0; i < N_INST; i++) {
        json_t *j = json_loadb(texts[i % DISTINCT], lens[i % DISTINCT], 0, NULL);
        valid += compat_js_validate(s, j, NULL);
        json_decref(j);
    }
    stamp_t both = since(t0);
    printf("validate %d instances (%zu bytes each, %d properties): parse+validate %.0f ms CPU "
           "(%.0f ms wall), %d valid\n",
           N_INST, lens[0], N_PROPS, both.cpu, both.wall, valid);
    printf("  baseline Jansson parse alone: %.0f ms CPU (%.0f ms wall); ratio %.2fx; "
           "validation alone %.2f us per instance\n",
           parse.cpu, parse.wall, both.cpu / parse.cpu, (both.cpu - parse.cpu) * 1e3 / N_INST);
    for (int i = 0; i < DISTINCT; i++)
        free(texts[i]);
    compat_js_schema_free(s);
    json_decref(sj);
    free(st);
}

static void bench_diff(void) {
    char *a = schema_text(500, 100), *b = schema_text(500, 50);
    json_t *ja = json_loads(a, 0, NULL), *jb = json_loads(b, 0, NULL);
    cn_error_t err = {0};
    compat_js_schema_t *sa = compat_js_schema_load(ja, NULL, &err);
    compat_js_schema_t *sb = compat_js_schema_load(jb, NULL, &err);
    if (!sa || !sb) {
        printf("cannot load the 500-property schemas: %s\n", err.msg);
        exit(1);
    }
    compat_js_changes_t ch = {0};
    stamp_t t0 = now();
    json_decref(json_loads(a, 0, NULL));
    json_decref(json_loads(b, 0, NULL));
    stamp_t parse = since(t0);
    t0 = now();
    compat_js_diff(sa, sb, COMPAT_JS_STRICT, &ch, NULL);
    stamp_t diff = since(t0);
    printf("diff of two 500-property schemas (%zu bytes): %.2f ms CPU (%.2f ms wall), %zu "
           "changes\n",
           strlen(a), diff.cpu, diff.wall, ch.n);
    printf("  baseline Jansson parse of both texts: %.2f ms CPU; ratio %.2fx\n", parse.cpu,
           diff.cpu / parse.cpu);
    compat_js_changes_fini(&ch);
    compat_js_schema_free(sa);
    compat_js_schema_free(sb);
    json_decref(ja);
    json_decref(jb);
    free(a);
    free(b);
}

#define CHECK_RUNS 20

/* What POST /compatibility does with the texts: parse both (compat.h), check at BACKWARD. */
static double check_once(const char *a, const char *b, compat_policy_t policy, bool *compatible) {
    compat_parse_opts_t po = {.type = COMPAT_JSON};
    compat_check_opts_t co = {.policy = policy};
    compat_report_t *rep = NULL;
    stamp_t t0 = now();
    compat_schema_t *old = compat_schema_parse(a, strlen(a), &po, NULL);
    compat_schema_t *nw = compat_schema_parse(b, strlen(b), &po, NULL);
    compat_prev_t prev = {.schema = old, .version = 1};
    if (!old || !nw || compat_check_with(COMPAT_BACKWARD, &co, nw, &prev, 1, &rep, NULL) != CN_OK) {
        printf("cannot check the 500-property schemas\n");
        exit(1);
    }
    *compatible = compat_report_is_compatible(rep);
    compat_report_free(rep);
    compat_schema_free(old);
    compat_schema_free(nw);
    return since(t0).cpu;
}

static void bench_check(void) {
    char *a = schema_text(500, 50), *b = schema_text(500, 100); /* b widens every maxLength */
    double parse = 0, strict = 0, lenient = 0;
    bool ok_s = false, ok_l = false;
    for (int r = 0; r < CHECK_RUNS; r++) {
        stamp_t t0 = now();
        json_decref(json_loads(a, 0, NULL));
        json_decref(json_loads(b, 0, NULL));
        parse += since(t0).cpu;
        strict += check_once(a, b, COMPAT_POLICY_STRICT, &ok_s);
        lenient += check_once(a, b, COMPAT_POLICY_LENIENT, &ok_l);
    }
    printf("compatibility of two 500-property schemas (parse both + BACKWARD check), mean of %d: "
           "STRICT %.2f ms CPU (%s), LENIENT %.2f ms CPU (%s)\n",
           CHECK_RUNS, strict / CHECK_RUNS, ok_s ? "compatible" : "incompatible",
           lenient / CHECK_RUNS, ok_l ? "compatible" : "incompatible");
    printf("  baseline Jansson parse of both texts: %.2f ms CPU; ratio %.2fx\n", parse / CHECK_RUNS,
           strict / parse);
    free(a);
    free(b);
}

int main(void) {
    bench_validate();
    bench_diff();
    bench_check();
    return 0;
}
