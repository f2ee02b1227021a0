/* SPDX-License-Identifier: Apache-2.0
 *
 * Fetch handler and long polls (kafka.apache.org/protocol.html#The_Messages_Fetch). Stored batch
 * bytes are returned as they are, whole batches within partition_max_bytes and the response's
 * max_bytes, except that the first non-empty partition always gets at least one whole batch
 * (KIP-74). When fewer than min_bytes are there, the request waits (a copy of its body) until data
 * arrives (the log's append hook wakes the loop) or max_wait_ms passes, then runs again and
 * answers.
 */
#include "broker/server/brk_server_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_time.h"

struct brk_fetch_wait {
    brk_fetch_wait_t *next;
    brk_pending_t pending;
    uint8_t *body;
    size_t len;
    int64_t deadline; /* monotonic ms */
};

typedef struct fetch_ctx {
    brk_srv_t *srv;
    cn_buf_t records; /* every partition's bytes, back to back */
    size_t *starts;   /* per response partition: offset into records */
    int64_t budget;   /* bytes left of max_bytes */
    size_t total;
    bool errors; /* some partition has an error: answer at once */
} fetch_ctx_t;

static void read_part(fetch_ctx_t *fc, const char *topic, const kp_fetch_part_t *in,
                      kp_fetch_part_resp_t *out) {
    brk_read_info_t info = {-1, -1, -1};
    brk_partition_t *part = brk_partition_get(fc->srv->logs, topic, in->partition, NULL);
    size_t before = fc->records.len, max;
    cn_err_t rc;
    out->partition_index = in->partition;
    out->high_watermark = out->last_stable_offset = out->log_start_offset = -1;
    out->records_len = 0;
    if (!part) {
        out->error_code = brk_kerr(CN_ERR_UNKNOWN_TOPIC);
        fc->errors = true;
        return;
    }
    max = in->partition_max_bytes > 0 ? (size_t)in->partition_max_bytes : 0;
    if ((int64_t)max > BRK_MAX_FETCH)
        max = (size_t)BRK_MAX_FETCH;
    if (fc->budget <= 0 && fc->total > 0)
        max = 0;
    else if ((int64_t)max > fc->budget && fc->total > 0)
        max = (size_t)fc->budget;
    if (max > 0 || fc->total == 0) {
        rc = brk_partition_read(part, in->fetch_offset, max, &fc->records, &info, NULL);
        if (rc != CN_OK)
            brk_partition_offsets(part, &info.log_start_offset, &info.high_watermark);
    } else { /* out of budget: offsets only */
        brk_partition_offsets(part, &info.log_start_offset, &info.high_watermark);
        rc = in->fetch_offset < info.log_start_offset || in->fetch_offset > info.high_watermark
                 ? CN_ERR_OFFSET_OUT_OF_RANGE
                 : CN_OK;
    }
    brk_partition_put(part);
    out->error_code = brk_kerr(rc);
    fc->errors |= rc != CN_OK;
    out->high_watermark = info.high_watermark;
    out->last_stable_offset = info.high_watermark;
    out->log_start_offset = info.log_start_offset;
    out->records_len = (int32_t)(fc->records.len - before);
    fc->total += fc->records.len - before;
    fc->budget -= (int64_t)(fc->records.len - before);
}

static void read_topic(fetch_ctx_t *fc, kp_arena_t *arena, const kp_fetch_topic_t *in,
                       kp_fetch_topic_resp_t *out) {
    char name[BRK_TOPIC_MAX + 1];
    int32_t i;
    bool ok = brk_topic_name(in->topic, name, sizeof(name)) == CN_OK;
    out->topic = in->topic;
    out->parts = kp_arena_calloc(arena, (size_t)in->nparts + 1, sizeof(*out->parts));
    for (i = 0; out->parts && i < in->nparts; i++) {
        if (ok) {
            read_part(fc, name, &in->parts[i], &out->parts[i]);
        } else {
            out->parts[i].partition_index = in->parts[i].partition;
            out->parts[i].error_code = brk_kerr(CN_ERR_UNKNOWN_TOPIC);
            out->parts[i].high_watermark = out->parts[i].last_stable_offset = -1;
            out->parts[i].log_start_offset = -1;
            fc->errors = true;
        }
        out->nparts++;
    }
}

/* Point each partition at its bytes (the buffer may have moved while it grew). */
static void resolve_records(fetch_ctx_t *fc, kp_FetchResponse_t *rs) {
    size_t at = 0;
    int32_t i, j;
    for (i = 0; i < rs->ntopics; i++)
        for (j = 0; j < rs->topics[i].nparts; j++) {
            kp_fetch_part_resp_t *p = &rs->topics[i].parts[j];
            p->records = p->records_len > 0 ? fc->records.data + at : NULL;
            at += (size_t)(p->records_len > 0 ? p->records_len : 0);
        }
}

/* Run one fetch. @returns 1 answered (body in out), 0 should wait, -1 malformed. */
static int fetch_run(brk_srv_t *srv, const uint8_t *body, size_t len, int16_t v, bool flex,
                     bool force, cn_buf_t *out) {
    kp_FetchRequest_t rq;
    kp_FetchResponse_t rs;
    kp_arena_t arena;
    kp_rd_t rd;
    kp_wr_t w = {out, flex};
    fetch_ctx_t fc;
    int32_t i;
    int ret = 1;
    kp_arena_init(&arena);
    kp_rd_init(&rd, body, len, flex, &arena);
    if (kp_FetchRequest_decode(&rd, v, &rq, NULL) != CN_OK) {
        kp_arena_fini(&arena);
        return -1;
    }
    memset(&rs, 0, sizeof(rs));
    memset(&fc, 0, sizeof(fc));
    fc.srv = srv;
    fc.budget = rq.max_bytes > 0 && rq.max_bytes < BRK_MAX_FETCH ? rq.max_bytes : BRK_MAX_FETCH;
    cn_buf_init(&fc.records, BRK_MAX_RESPONSE);
    rs.topics = kp_arena_calloc(&arena, (size_t)rq.ntopics + 1, sizeof(*rs.topics));
    for (i = 0; rs.topics && i < rq.ntopics; i++)
        read_topic(&fc, &arena, &rq.topics[i], &rs.topics[rs.ntopics++]);
    if (!force && !fc.errors && rq.max_wait_ms > 0 && (int64_t)fc.total < (int64_t)rq.min_bytes) {
        ret = 0;
    } else {
        resolve_records(&fc, &rs);
        kp_FetchResponse_encode(&w, v, &rs);
    }
    cn_buf_fini(&fc.records);
    kp_arena_fini(&arena);
    return ret;
}

static bool add_wait(brk_req_t *req, int32_t max_wait_ms) {
    brk_fetch_wait_t *fw = calloc(1, sizeof(*fw));
    if (!fw || !(fw->body = malloc(req->body_len ? req->body_len : 1))) {
        free(fw);
        return false;
    }
    memcpy(fw->body, req->body, req->body_len);
    fw->len = req->body_len;
    fw->pending = req->pending;
    fw->deadline = cn_mono_ms() + max_wait_ms;
    fw->next = req->srv->waits;
    req->srv->waits = fw;
    return true;
}

brk_hres_t brk_fetch_handle(brk_req_t *req) {
    kp_FetchRequest_t rq;
    size_t mark = req->out->len;
    int r = fetch_run(req->srv, req->body, req->body_len, req->hdr.api_version, req->w.flex, false,
                      req->out);
    if (r < 0)
        return BRK_CLOSE;
    if (r == 1)
        return BRK_REPLY;
    req->out->len = mark;
    if (kp_FetchRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    if (!add_wait(req, rq.max_wait_ms))
        return fetch_run(req->srv, req->body, req->body_len, req->hdr.api_version, req->w.flex,
                         true, req->out) == 1
                   ? BRK_REPLY
                   : BRK_CLOSE;
    return BRK_DEFER;
}

void brk_fetch_waits_run(brk_srv_t *srv, int64_t now_ms, bool data_arrived) {
    brk_fetch_wait_t **pp = &srv->waits;
    while (*pp) {
        brk_fetch_wait_t *fw = *pp;
        bool expired = now_ms >= fw->deadline;
        cn_buf_t out;
        int r;
        if (!expired && !data_arrived) {
            pp = &fw->next;
            continue;
        }
        cn_buf_init(&out, BRK_MAX_RESPONSE);
        r = fetch_run(srv, fw->body, fw->len, fw->pending.api_version, fw->pending.flex, expired,
                      &out);
        if (r != 0) {
            brk_srv_reply(srv, &fw->pending, &out);
            *pp = fw->next;
            free(fw->body);
            free(fw);
        } else {
            pp = &fw->next;
        }
        cn_buf_fini(&out);
    }
}

int64_t brk_fetch_waits_next(const brk_srv_t *srv, int64_t now_ms) {
    const brk_fetch_wait_t *fw;
    int64_t best = -1;
    for (fw = srv->waits; fw; fw = fw->next) {
        int64_t d = fw->deadline > now_ms ? fw->deadline - now_ms : 0;
        if (best < 0 || d < best)
            best = d;
    }
    return best;
}

void brk_fetch_waits_free(brk_srv_t *srv) {
    while (srv->waits) {
        brk_fetch_wait_t *fw = srv->waits;
        srv->waits = fw->next;
        free(fw->body);
        free(fw);
    }
}
