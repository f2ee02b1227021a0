/* SPDX-License-Identifier: Apache-2.0
 *
 * Fetch (key 1) v4-11 codec (kafka.apache.org/protocol.html#The_Messages_Fetch). Fetch sessions
 * (KIP-227) are not kept: the response always says session 0 and the forgotten-topics list of v7+
 * is read and dropped.
 */
#include "broker/kafka/kp.h"

static void read_part(kp_rd_t *r, int16_t v, kp_fetch_part_t *p) {
    p->partition = kp_r32(r);
    p->current_leader_epoch = v >= 9 ? kp_r32(r) : -1;
    p->fetch_offset = kp_r64(r);
    p->log_start_offset = v >= 5 ? kp_r64(r) : -1;
    p->partition_max_bytes = kp_r32(r);
    kp_rtags(r);
}

static void read_topic(kp_rd_t *r, int16_t v, kp_fetch_topic_t *t) {
    int32_t i;
    t->topic = kp_rstr(r);
    t->nparts = kp_rarray(r, 16);
    t->parts = kp_ralloc(r, t->nparts, sizeof(*t->parts));
    for (i = 0; t->parts && i < t->nparts; i++)
        read_part(r, v, &t->parts[i]);
    kp_rtags(r);
}

static void skip_forgotten(kp_rd_t *r) {
    int32_t n = kp_rarray(r, 6), i, cnt;
    for (i = 0; i < n && cn_rd_ok(&r->rd); i++) {
        (void)kp_rstr(r);
        (void)kp_rarray_i32(r, &cnt);
        kp_rtags(r);
    }
}

cn_err_t kp_FetchRequest_decode(kp_rd_t *r, int16_t v, kp_FetchRequest_t *m, cn_error_t *err) {
    int32_t i;
    m->replica_id = kp_r32(r);
    m->max_wait_ms = kp_r32(r);
    m->min_bytes = kp_r32(r);
    m->max_bytes = kp_r32(r);
    m->isolation_level = kp_r8(r);
    m->session_id = v >= 7 ? kp_r32(r) : 0;
    m->session_epoch = v >= 7 ? kp_r32(r) : -1;
    m->ntopics = kp_rarray(r, 6);
    m->topics = kp_ralloc(r, m->ntopics, sizeof(*m->topics));
    for (i = 0; m->topics && i < m->ntopics; i++)
        read_topic(r, v, &m->topics[i]);
    if (m->ntopics < 0)
        kp_rfail(r);
    if (v >= 7)
        skip_forgotten(r);
    m->rack_id = v >= 11 ? kp_rstr(r) : kp_str_c(NULL);
    kp_rtags(r);
    return kp_rdone(r, err, "Fetch");
}

void kp_FetchRequest_encode(kp_wr_t *w, int16_t v, const kp_FetchRequest_t *m) {
    int32_t i, j;
    kp_w32(w, m->replica_id);
    kp_w32(w, m->max_wait_ms);
    kp_w32(w, m->min_bytes);
    kp_w32(w, m->max_bytes);
    kp_w8(w, m->isolation_level);
    if (v >= 7) {
        kp_w32(w, m->session_id);
        kp_w32(w, m->session_epoch);
    }
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].topic);
        kp_warray(w, m->topics[i].nparts);
        for (j = 0; j < m->topics[i].nparts; j++) {
            const kp_fetch_part_t *p = &m->topics[i].parts[j];
            kp_w32(w, p->partition);
            if (v >= 9)
                kp_w32(w, p->current_leader_epoch);
            kp_w64(w, p->fetch_offset);
            if (v >= 5)
                kp_w64(w, p->log_start_offset);
            kp_w32(w, p->partition_max_bytes);
        }
    }
    if (v >= 7)
        kp_warray(w, 0);
    if (v >= 11)
        kp_wstr(w, m->rack_id);
}

static void write_part(kp_wr_t *w, int16_t v, const kp_fetch_part_resp_t *p) {
    kp_w32(w, p->partition_index);
    kp_w16(w, p->error_code);
    kp_w64(w, p->high_watermark);
    kp_w64(w, p->last_stable_offset);
    if (v >= 5)
        kp_w64(w, p->log_start_offset);
    kp_warray(w, 0); /* aborted transactions */
    if (v >= 11)
        kp_w32(w, -1); /* preferred read replica */
    kp_wbytes(w, p->records, p->records_len);
    kp_wtags(w);
}

cn_err_t kp_FetchResponse_encode(kp_wr_t *w, int16_t v, const kp_FetchResponse_t *m) {
    int32_t i, j;
    kp_w32(w, m->throttle_time_ms);
    if (v >= 7) {
        kp_w16(w, m->error_code);
        kp_w32(w, m->session_id);
    }
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].topic);
        kp_warray(w, m->topics[i].nparts);
        for (j = 0; j < m->topics[i].nparts; j++)
            write_part(w, v, &m->topics[i].parts[j]);
        kp_wtags(w);
    }
    kp_wtags(w);
    return kp_wdone(w);
}
