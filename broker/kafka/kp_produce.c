/* SPDX-License-Identifier: Apache-2.0
 *
 * Produce (key 0) v3-7 codec (kafka.apache.org/protocol.html#The_Messages_Produce). The records of
 * each partition are borrowed from the request frame as they are (one or more RecordBatch v2).
 */
#include "broker/kafka/kp.h"

static void read_part(kp_rd_t *r, kp_produce_part_t *p) {
    p->index = kp_r32(r);
    p->records = kp_rbytes(r);
    kp_rtags(r);
}

static void read_topic(kp_rd_t *r, kp_produce_topic_t *t) {
    int32_t i;
    t->name = kp_rstr(r);
    t->nparts = kp_rarray(r, 8);
    t->parts = kp_ralloc(r, t->nparts, sizeof(*t->parts));
    for (i = 0; t->parts && i < t->nparts; i++)
        read_part(r, &t->parts[i]);
    kp_rtags(r);
}

cn_err_t kp_ProduceRequest_decode(kp_rd_t *r, int16_t v, kp_ProduceRequest_t *m, cn_error_t *err) {
    int32_t i;
    (void)v;
    m->transactional_id = kp_rstr(r);
    m->acks = kp_r16(r);
    m->timeout_ms = kp_r32(r);
    m->ntopics = kp_rarray(r, 6);
    m->topics = kp_ralloc(r, m->ntopics, sizeof(*m->topics));
    for (i = 0; m->topics && i < m->ntopics; i++)
        read_topic(r, &m->topics[i]);
    if (m->ntopics < 0)
        kp_rfail(r);
    kp_rtags(r);
    return kp_rdone(r, err, "Produce");
}

void kp_ProduceRequest_encode(kp_wr_t *w, int16_t v, const kp_ProduceRequest_t *m) {
    int32_t i, j;
    (void)v;
    kp_wstr(w, m->transactional_id);
    kp_w16(w, m->acks);
    kp_w32(w, m->timeout_ms);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        const kp_produce_topic_t *t = &m->topics[i];
        kp_wstr(w, t->name);
        kp_warray(w, t->nparts);
        for (j = 0; j < t->nparts; j++) {
            kp_w32(w, t->parts[j].index);
            kp_wbytes(w, t->parts[j].records.p, t->parts[j].records.len);
            kp_wtags(w);
        }
        kp_wtags(w);
    }
    kp_wtags(w);
}

cn_err_t kp_ProduceResponse_encode(kp_wr_t *w, int16_t v, const kp_ProduceResponse_t *m) {
    int32_t i, j;
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        const kp_produce_topic_resp_t *t = &m->topics[i];
        kp_wstr(w, t->name);
        kp_warray(w, t->nparts);
        for (j = 0; j < t->nparts; j++) {
            const kp_produce_part_resp_t *p = &t->parts[j];
            kp_w32(w, p->index);
            kp_w16(w, p->error_code);
            kp_w64(w, p->base_offset);
            kp_w64(w, p->log_append_time_ms);
            if (v >= 5)
                kp_w64(w, p->log_start_offset);
            kp_wtags(w);
        }
        kp_wtags(w);
    }
    kp_w32(w, m->throttle_time_ms);
    kp_wtags(w);
    return kp_wdone(w);
}
