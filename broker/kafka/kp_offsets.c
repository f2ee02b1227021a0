/* SPDX-License-Identifier: Apache-2.0
 *
 * OffsetCommit (key 8) v2-7 and OffsetFetch (key 9) v1-5 codecs
 * (kafka.apache.org/protocol.html#The_Messages_OffsetCommit, #The_Messages_OffsetFetch).
 */
#include "broker/kafka/kp.h"

static void read_commit_topic(kp_rd_t *r, int16_t v, kp_oc_topic_t *t) {
    int32_t i;
    t->name = kp_rstr(r);
    t->nparts = kp_rarray(r, 14);
    t->parts = kp_ralloc(r, t->nparts, sizeof(*t->parts));
    for (i = 0; t->parts && i < t->nparts; i++) {
        kp_oc_part_t *p = &t->parts[i];
        p->partition_index = kp_r32(r);
        p->committed_offset = kp_r64(r);
        p->committed_leader_epoch = v >= 6 ? kp_r32(r) : -1;
        p->committed_metadata = kp_rstr(r);
    }
    if (t->nparts < 0)
        kp_rfail(r);
}

cn_err_t kp_OffsetCommitRequest_decode(kp_rd_t *r, int16_t v, kp_OffsetCommitRequest_t *m,
                                       cn_error_t *err) {
    int32_t i;
    m->group_id = kp_rstr(r);
    m->generation_id = kp_r32(r);
    m->member_id = kp_rstr(r);
    m->retention_time_ms = v <= 4 ? kp_r64(r) : -1;
    m->group_instance_id = v >= 7 ? kp_rstr(r) : kp_str_c(NULL);
    m->ntopics = kp_rarray(r, 6);
    m->topics = kp_ralloc(r, m->ntopics, sizeof(*m->topics));
    for (i = 0; m->topics && i < m->ntopics; i++)
        read_commit_topic(r, v, &m->topics[i]);
    if (m->ntopics < 0)
        kp_rfail(r);
    return kp_rdone(r, err, "OffsetCommit");
}

void kp_OffsetCommitRequest_encode(kp_wr_t *w, int16_t v, const kp_OffsetCommitRequest_t *m) {
    int32_t i, j;
    kp_wstr(w, m->group_id);
    kp_w32(w, m->generation_id);
    kp_wstr(w, m->member_id);
    if (v <= 4)
        kp_w64(w, m->retention_time_ms);
    if (v >= 7)
        kp_wstr(w, m->group_instance_id);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_warray(w, m->topics[i].nparts);
        for (j = 0; j < m->topics[i].nparts; j++) {
            const kp_oc_part_t *p = &m->topics[i].parts[j];
            kp_w32(w, p->partition_index);
            kp_w64(w, p->committed_offset);
            if (v >= 6)
                kp_w32(w, p->committed_leader_epoch);
            kp_wstr(w, p->committed_metadata);
        }
    }
}

cn_err_t kp_OffsetCommitResponse_encode(kp_wr_t *w, int16_t v, const kp_OffsetCommitResponse_t *m) {
    int32_t i, j;
    if (v >= 3)
        kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_warray(w, m->topics[i].nparts);
        for (j = 0; j < m->topics[i].nparts; j++) {
            kp_w32(w, m->topics[i].parts[j].partition_index);
            kp_w16(w, m->topics[i].parts[j].error_code);
        }
    }
    return kp_wdone(w);
}

cn_err_t kp_OffsetFetchRequest_decode(kp_rd_t *r, int16_t v, kp_OffsetFetchRequest_t *m,
                                      cn_error_t *err) {
    int32_t i;
    m->group_id = kp_rstr(r);
    m->ntopics = kp_rarray(r, 6);
    m->topics = kp_ralloc(r, m->ntopics, sizeof(*m->topics));
    for (i = 0; m->topics && i < m->ntopics; i++) {
        m->topics[i].name = kp_rstr(r);
        m->topics[i].partitions = kp_rarray_i32(r, &m->topics[i].npartitions);
        if (m->topics[i].npartitions < 0)
            kp_rfail(r);
    }
    if (m->ntopics < 0 && v < 2)
        kp_rfail(r);
    return kp_rdone(r, err, "OffsetFetch");
}

void kp_OffsetFetchRequest_encode(kp_wr_t *w, int16_t v, const kp_OffsetFetchRequest_t *m) {
    int32_t i, j;
    (void)v;
    kp_wstr(w, m->group_id);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_warray(w, m->topics[i].npartitions);
        for (j = 0; j < m->topics[i].npartitions; j++)
            kp_w32(w, m->topics[i].partitions[j]);
    }
}

cn_err_t kp_OffsetFetchResponse_encode(kp_wr_t *w, int16_t v, const kp_OffsetFetchResponse_t *m) {
    int32_t i, j;
    if (v >= 3)
        kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_warray(w, m->topics[i].nparts);
        for (j = 0; j < m->topics[i].nparts; j++) {
            const kp_oc_part_t *p = &m->topics[i].parts[j];
            kp_w32(w, p->partition_index);
            kp_w64(w, p->committed_offset);
            if (v >= 5)
                kp_w32(w, p->committed_leader_epoch);
            kp_wstr(w, p->committed_metadata.p ? p->committed_metadata : kp_str_c(""));
            kp_w16(w, p->error_code);
        }
    }
    if (v >= 2)
        kp_w16(w, m->error_code);
    return kp_wdone(w);
}
