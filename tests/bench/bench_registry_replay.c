/* SPDX-License-Identifier: Apache-2.0
 *
 * Start-up replay benchmark (issue 4), printed, never asserted: a `_schemas` topic holding
 * 100,000 SCHEMA records over 10,000 subjects, written with the registry's record codec into
 * the real log; then the time until a fresh cairnd answers /status/ready 200 and its peak
 * resident memory (goals: under 3 s, under 300 MB). Baseline in the same run: reading the same
 * topic's batches through the log engine without applying them.
 */
#include "tests/support/test_util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "broker/log/brk_log.h"
#include "common/cn_time.h"
#include "registry/reg_record.h"
#include "registry/reg_store.h"
#include "tests/support/tu_cairnd.h"

#define RECORDS  100000
#define SUBJECTS 10000
#define BATCH    1000

static cn_err_t count_rec(void *arg, const reg_rec_t *rec, cn_error_t *err) {
    (void)rec;
    (void)err;
    (*(long *)arg)++;
    return CN_OK;
}

static void fill(reg_store_t *st) {
    cn_buf_t *keys = calloc(BATCH, sizeof(*keys)), *vals = calloc(BATCH, sizeof(*vals));
    reg_rec_t *recs = calloc(BATCH, sizeof(*recs));
    char subject[32], text[160];
    for (int base = 0; base < RECORDS; base += BATCH) {
        for (int i = 0; i < BATCH; i++) {
            int n = base + i;
            reg_schema_value_t v = {
                subject, n / SUBJECTS + 1, n + 1, "AVRO", NULL, 0, NULL, NULL, text, false};
            snprintf(subject, sizeof(subject), "subject-%05d-value", n % SUBJECTS);
            snprintf(text, sizeof(text),
                     "{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[{\"name\":\"f\","
                     "\"type\":\"long\"}]}",
                     n);
            cn_buf_init(&keys[i], CN_BUF_NO_LIMIT);
            cn_buf_init(&vals[i], CN_BUF_NO_LIMIT);
            reg_key_encode_schema(&keys[i], subject, v.version);
            reg_value_encode_schema(&vals[i], &v);
            recs[i] = (reg_rec_t){
                keys[i].data, (int32_t)keys[i].len, vals[i].data, (int32_t)vals[i].len, 0, 0};
        }
        reg_store_append(st, recs, BATCH, NULL, NULL);
        for (int i = 0; i < BATCH; i++) {
            cn_buf_fini(&keys[i]);
            cn_buf_fini(&vals[i]);
        }
    }
    free(keys);
    free(vals);
    free(recs);
}

int main(void) {
    char *dir = tu_tmpdir("bench-replay");
    brk_logs_options_t lo = {0};
    brk_logs_t *logs;
    reg_store_t *st;
    cn_error_t err;
    tu_cairnd_t c;
    long n = 0;
    int64_t t0;
    double base_ms;
    lo.dir = dir;
    signal(SIGPIPE, SIG_IGN);
    logs = brk_logs_open(&lo, &err);
    st = logs ? reg_store_log_new(logs, "_schemas", &err) : NULL;
    if (!st) {
        fprintf(stderr, "cannot open the log: %s\n", err.msg);
        return 1;
    }
    fill(st);
    reg_store_free(st);
    brk_logs_close(logs);
    logs = brk_logs_open(&lo, &err);
    st = reg_store_log_new(logs, "_schemas", &err);
    t0 = cn_mono_ns();
    reg_store_read(st, 0, count_rec, &n, NULL, NULL);
    base_ms = (double)(cn_mono_ns() - t0) / 1e6;
    reg_store_free(st);
    brk_logs_close(logs);
    if (tu_cairnd_start(&c, dir, 120000) != 0) {
        fprintf(stderr, "cairnd did not start\n");
        return 1;
    }
    printf("replay of %d SCHEMA records over %d subjects\n", RECORDS, SUBJECTS);
    printf("  baseline, read the topic only:   %8.1f ms (%ld records)\n", base_ms, n);
    printf("  cairnd start to ready:           %8lld ms (goal < 3000 ms)\n", (long long)c.ready_ms);
    printf("  cairnd peak resident memory:     %8.1f MB (goal < 300 MB)\n",
           tu_cairnd_peak_rss_kib(&c) / 1024.0);
    tu_cairnd_stop(&c, SIGTERM);
    tu_tmpdir_free(dir);
    return 0;
}
