/* SPDX-License-Identifier: Apache-2.0
 *
 * Produce handler (kafka.apache.org/protocol.html#The_Messages_Produce): acks 0 (no answer), 1 and
 * -1 (fsynced with group commit before the answer). Each partition's record set goes to
 * brk_partition_append, which validates the batches (CRC, counts, sizes, compression, keys on
 * compacted topics), checks idempotent producers' sequences and assigns offsets in place. A
 * duplicate batch is answered with its original offset and no error. Transactional produce is
 * refused (no transactions).
 */
#include "broker/server/brk_server_int.h"

#include <stdint.h>
#include <string.h>

static bool internal_topic(const char *name) {
    return strcmp(name, BRK_OFFSETS_TOPIC) == 0 || strcmp(name, BRK_PIDS_TOPIC) == 0;
}

/* acks=-1: append without fsync and leave the partition to the group commit (brk_sync.c);
 * *marked tells the caller to park the answer until the flush. */
static int16_t append_part(brk_req_t *req, const char *topic, const brk_topic_config_t *cfg,
                           const kp_produce_part_t *in, kp_produce_part_resp_t *out, bool *marked) {
    brk_append_opts_t opts = {false, cfg->compact};
    brk_append_result_t res;
    brk_partition_t *part;
    cn_error_t err;
    cn_err_t rc;
    if (!in->records.p || in->records.len <= 0)
        return brk_kerr(CN_ERR_INVALID_RECORD);
    part = brk_partition_get(req->srv->logs, topic, in->index, &err);
    if (!part)
        return brk_kerr(CN_ERR_UNKNOWN_TOPIC);
    /* The records point into this connection's own receive buffer, which is writable: the log
     * assigns offsets by rewriting baseOffset in place. */
    rc = brk_partition_append(part, (uint8_t *)(uintptr_t)in->records.p, (size_t)in->records.len,
                              &opts, &res, &err);
    if (marked && (rc == CN_OK || rc == CN_ERR_DUPLICATE_SEQUENCE)) {
        if (brk_syncer_mark(req->srv->syncer, part))
            *marked = true;
        else {
            rc = brk_partition_sync(part, &err); /* no memory to defer: sync now */
            brk_partition_put(part);
        }
    } else {
        brk_partition_put(part);
    }
    if (rc == CN_OK || rc == CN_ERR_DUPLICATE_SEQUENCE) {
        out->base_offset = res.base_offset;
        out->log_append_time_ms = res.log_append_time;
        out->log_start_offset = res.log_start_offset;
        return 0;
    }
    if (rc == CN_ERR_FSYNC || rc == CN_ERR_IO)
        cn_log_error(req->srv->log, "kafka: append to %s-%d failed: %s", topic, (int)in->index,
                     err.msg);
    return brk_kerr(rc);
}

static void produce_topic(brk_req_t *req, const kp_ProduceRequest_t *rq,
                          const kp_produce_topic_t *t, kp_produce_topic_resp_t *out, bool *marked) {
    char name[BRK_TOPIC_MAX + 1];
    brk_topic_config_t cfg;
    int16_t topic_err = 0;
    int32_t i;
    cn_err_t rc = brk_topic_name(t->name, name, sizeof(name));
    out->name = t->name;
    out->nparts = t->nparts;
    out->parts = kp_arena_calloc(req->arena, (size_t)t->nparts + 1, sizeof(*out->parts));
    if (rc == CN_OK && internal_topic(name))
        rc = CN_ERR_INVALID_TOPIC;
    if (rc == CN_OK &&
        (rc = brk_topic_describe(req->srv->logs, name, &cfg, NULL)) == CN_ERR_UNKNOWN_TOPIC &&
        req->srv->opts.auto_create_topics) {
        rc = brk_srv_auto_create(req->srv, name, NULL);
        if (rc == CN_OK)
            rc = brk_topic_describe(req->srv->logs, name, &cfg, NULL);
    }
    if (rq->transactional_id.p)
        topic_err = brk_kerr(CN_ERR_TRANSACTIONS_UNSUPPORTED);
    else if (rq->acks != 0 && rq->acks != 1 && rq->acks != -1)
        topic_err = brk_kerr(CN_ERR_INVALID_REQUIRED_ACKS);
    else if (rc != CN_OK)
        topic_err = brk_kerr(rc);
    for (i = 0; out->parts && i < t->nparts; i++) {
        kp_produce_part_resp_t *p = &out->parts[i];
        p->index = t->parts[i].index;
        p->base_offset = p->log_append_time_ms = p->log_start_offset = -1;
        p->error_code = topic_err ? topic_err
                                  : append_part(req, name, &cfg, &t->parts[i], p,
                                                rq->acks == -1 ? marked : NULL);
    }
    if (!out->parts)
        out->nparts = 0;
}

brk_hres_t brk_produce_handle(brk_req_t *req) {
    kp_ProduceRequest_t rq;
    kp_ProduceResponse_t rs;
    size_t body_at = req->out->len;
    bool marked = false;
    int32_t i;
    if (kp_ProduceRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.topics = kp_arena_calloc(req->arena, (size_t)rq.ntopics + 1, sizeof(*rs.topics));
    for (i = 0; rs.topics && i < rq.ntopics; i++)
        produce_topic(req, &rq, &rq.topics[i], &rs.topics[rs.ntopics++], &marked);
    if (rq.acks == 0)
        return BRK_NOREPLY;
    kp_ProduceResponse_encode(&req->w, req->hdr.api_version, &rs);
    if (!marked)
        return BRK_REPLY;
    /* the answer waits for the group commit of the partitions it appended to */
    if (req->out->failed || !brk_syncer_park(req->srv->syncer, &req->pending,
                                             req->out->data + body_at, req->out->len - body_at))
        return BRK_CLOSE;
    return BRK_DEFER;
}
