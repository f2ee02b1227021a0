/* SPDX-License-Identifier: Apache-2.0
 *
 * Idempotent-producer state of a partition, as Kafka's ProducerStateManager: per producer id
 * the current epoch and the last five batches (sequence range and offsets). A duplicate of one
 * of them is answered with its original offsets; a gap in the sequence is refused; an older
 * epoch is fenced. A producer with no state yet may start at any sequence (its earlier batches
 * may have been removed by retention). The state is rebuilt from batch headers at load,
 * starting from a snapshot written at roll and at clean shutdown.
 */
#include "broker/log/brk_log_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_fs.h"

#define SNAPSHOT_LIMIT (64u << 20)

cn_map_t *brk_producers_new(void) {
    return cn_map_new(free);
}

static brk_producer_t *producer_get(cn_map_t *prods, int64_t pid) {
    return cn_map_get(prods, &pid, sizeof(pid));
}

static int32_t seq_after(int32_t seq, int32_t count) {
    int64_t n = (int64_t)seq + count;
    return (int32_t)(n > INT32_MAX ? n - INT32_MAX - 1 : n);
}

static int32_t batch_last_seq(const brk_batch_hdr_t *h) {
    return seq_after(h->base_sequence, h->last_offset_delta);
}

static const brk_pbatch_t *recent_at(const brk_producer_t *p, int i) {
    return &p->recent[(p->head + i) % BRK_PRODUCER_WINDOW];
}

brk_seq_verdict_t brk_producer_check(cn_map_t *prods, const brk_batch_hdr_t *h, brk_pbatch_t *dup,
                                     cn_error_t *err) {
    const brk_producer_t *p;
    int32_t last_seq = batch_last_seq(h);
    if (h->producer_id < 0)
        return BRK_SEQ_OK;
    p = producer_get(prods, h->producer_id);
    if (!p)
        return BRK_SEQ_OK;
    if (h->producer_epoch < p->epoch) {
        cn_error_set(err, CN_ERR_INVALID_PRODUCER_EPOCH, "producer %lld epoch %d is older than %d",
                     (long long)h->producer_id, h->producer_epoch, p->epoch);
        return BRK_SEQ_ERR;
    }
    if (h->producer_epoch > p->epoch) {
        if (h->base_sequence == 0)
            return BRK_SEQ_OK;
        cn_error_set(err, CN_ERR_OUT_OF_ORDER_SEQUENCE,
                     "producer %lld: new epoch %d must start at sequence 0, not %d",
                     (long long)h->producer_id, h->producer_epoch, h->base_sequence);
        return BRK_SEQ_ERR;
    }
    for (int i = 0; i < p->n; i++) {
        const brk_pbatch_t *b = recent_at(p, i);
        if (b->first_seq == h->base_sequence && b->last_seq == last_seq) {
            *dup = *b;
            return BRK_SEQ_DUP;
        }
    }
    if (p->n > 0 && h->base_sequence != seq_after(recent_at(p, p->n - 1)->last_seq, 1)) {
        cn_error_set(err, CN_ERR_OUT_OF_ORDER_SEQUENCE, "producer %lld: sequence %d, expected %d",
                     (long long)h->producer_id, h->base_sequence,
                     seq_after(recent_at(p, p->n - 1)->last_seq, 1));
        return BRK_SEQ_ERR;
    }
    return BRK_SEQ_OK;
}

static void producer_push(brk_producer_t *p, const brk_pbatch_t *b) {
    if (p->n == BRK_PRODUCER_WINDOW) {
        p->head = (p->head + 1) % BRK_PRODUCER_WINDOW;
        p->n--;
    }
    p->recent[(p->head + p->n) % BRK_PRODUCER_WINDOW] = *b;
    p->n++;
}

cn_err_t brk_producer_update(cn_map_t *prods, const brk_batch_hdr_t *h) {
    brk_producer_t *p;
    brk_pbatch_t b;
    if (h->producer_id < 0)
        return CN_OK;
    p = producer_get(prods, h->producer_id);
    if (!p) {
        p = calloc(1, sizeof(*p));
        if (!p || cn_map_put(prods, &h->producer_id, sizeof(h->producer_id), p) != CN_OK) {
            free(p);
            return CN_ERR_NO_MEMORY;
        }
        p->pid = h->producer_id;
        p->epoch = h->producer_epoch;
    }
    if (h->producer_epoch != p->epoch) {
        p->epoch = h->producer_epoch;
        p->n = 0;
        p->head = 0;
    }
    b.first_seq = h->base_sequence;
    b.last_seq = batch_last_seq(h);
    b.base_offset = h->base_offset;
    b.last_offset = h->base_offset + h->last_offset_delta;
    producer_push(p, &b);
    return CN_OK;
}

/* ---- snapshots: "cairn-producers 1 <upto>\n" then one line per producer ---- */

cn_err_t brk_producers_save(cn_map_t *prods, const char *path, int64_t upto, cn_error_t *err) {
    cn_buf_t b;
    cn_map_iter_t it = {0};
    void *v;
    cn_err_t rc;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_printf(&b, "cairn-producers 1 %" PRId64 "\n", upto);
    while (cn_map_next(prods, &it, NULL, NULL, &v)) {
        const brk_producer_t *p = v;
        cn_buf_printf(&b, "%" PRId64 " %d %d", p->pid, p->epoch, p->n);
        for (int i = 0; i < p->n; i++) {
            const brk_pbatch_t *r = recent_at(p, i);
            cn_buf_printf(&b, " %d %d %" PRId64 " %" PRId64, r->first_seq, r->last_seq,
                          r->base_offset, r->last_offset);
        }
        cn_buf_put_str(&b, "\n");
    }
    rc = b.failed ? cn_error_set(err, CN_ERR_NO_MEMORY, NULL)
                  : cn_fs_write_atomic(path, b.data, b.len, err);
    cn_buf_fini(&b);
    return rc;
}

static bool next_i64(char **s, int64_t *out) {
    char *end;
    long long v;
    errno = 0;
    v = strtoll(*s, &end, 10);
    if (end == *s || errno != 0)
        return false;
    *s = end;
    *out = v;
    return true;
}

static bool load_line(cn_map_t *prods, char **s) {
    int64_t pid, epoch, n, f[4];
    brk_batch_hdr_t h;
    if (!next_i64(s, &pid) || !next_i64(s, &epoch) || !next_i64(s, &n) || n < 0 ||
        n > BRK_PRODUCER_WINDOW || epoch < INT16_MIN || epoch > INT16_MAX)
        return false;
    memset(&h, 0, sizeof(h));
    h.producer_id = pid;
    h.producer_epoch = (int16_t)epoch;
    for (int64_t i = 0; i < n; i++) {
        for (int k = 0; k < 4; k++)
            if (!next_i64(s, &f[k]))
                return false;
        if (f[0] < 0 || f[0] > INT32_MAX || f[1] < 0 || f[1] > INT32_MAX || f[3] < f[2])
            return false;
        h.base_sequence = (int32_t)f[0];
        h.base_offset = f[2];
        h.last_offset_delta = (int32_t)(f[3] - f[2]);
        if (brk_producer_update(prods, &h) != CN_OK)
            return false;
    }
    return true;
}

int64_t brk_producers_load(cn_map_t *prods, const char *path) {
    char *data = NULL, *s;
    size_t len;
    int64_t upto = -1;
    if (cn_fs_read_all(path, SNAPSHOT_LIMIT, &data, &len, NULL) != CN_OK)
        return -1;
    s = data;
    if (strncmp(s, "cairn-producers 1 ", 18) == 0) {
        s += 18;
        if (!next_i64(&s, &upto))
            upto = -1;
        while (upto >= 0 && *s) {
            while (*s == '\n' || *s == ' ')
                s++;
            if (*s && !load_line(prods, &s))
                upto = -1;
        }
    }
    free(data);
    return upto;
}
