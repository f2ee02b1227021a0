/* SPDX-License-Identifier: Apache-2.0
 *
 * ListOffsets (key 2) v1-5 codec (kafka.apache.org/protocol.html#The_Messages_ListOffsets).
 * Timestamps -1 latest, -2 earliest, t >= 0 by time.
 */
#include "broker/kafka/kp.h"

static void read_topic(kp_rd_t *r, int16_t v, kp_lo_topic_t *t) {
    int32_t i;
    t->name = kp_rstr(r);
    t->nparts = kp_rarray(r, 12);
    t->parts = kp_ralloc(r, t->nparts, sizeof(*t->parts));
    for (i = 0; t->parts && i < t->nparts; i++) {
        t->parts[i].partition_index = kp_r32(r);
        t->parts[i].current_leader_epoch = v >= 4 ? kp_r32(r) : -1;
        t->parts[i].timestamp = kp_r64(r);
        kp_rtags(r);
    }
    kp_rtags(r);
}

cn_err_t kp_ListOffsetsRequest_decode(kp_rd_t *r, int16_t v, kp_ListOffsetsRequest_t *m,
                                      cn_error_t *err) {
    int32_t i;
    m->replica_id = kp_r32(r);
    m->isolation_level = v >= 2 ? kp_r8(r) : 0;
    m->ntopics = kp_rarray(r, 6);
    m->topics = kp_ralloc(r, m->ntopics, sizeof(*m->topics));
    for (i = 0; m->topics && i < m->ntopics; i++)
        read_topic(r, v, &m->topics[i]);
    if (m->ntopics < 0)
        kp_rfail(r);
    kp_rtags(r);
    return kp_rdone(r, err, "ListOffsets");
}

void kp_ListOffsetsRequest_encode(kp_wr_t *w, int16_t v, const kp_ListOffsetsRequest_t *m) {
    int32_t i, j;
    kp_w32(w, m->replica_id);
    if (v >= 2)
        kp_w8(w, m->isolation_level);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_warray(w, m->topics[i].nparts);
        for (j = 0; j < m->topics[i].nparts; j++) {
            kp_w32(w, m->topics[i].parts[j].partition_index);
            if (v >= 4)
                kp_w32(w, m->topics[i].parts[j].current_leader_epoch);
            kp_w64(w, m->topics[i].parts[j].timestamp);
        }
    }
}

cn_err_t kp_ListOffsetsResponse_encode(kp_wr_t *w, int16_t v, const kp_ListOffsetsResponse_t *m) {
    int32_t i, j;
    if (v >= 2)
        kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_warray(w, m->topics[i].nparts);
        for (j = 0; j < m->topics[i].nparts; j++) {
            const kp_lo_part_resp_t *p = &m->topics[i].parts[j];
            kp_w32(w, p->partition_index);
            kp_w16(w, p->error_code);
            kp_w64(w, p->timestamp);
            kp_w64(w, p->offset);
            if (v >= 4)
                kp_w32(w, p->leader_epoch);
            kp_wtags(w);
        }
        kp_wtags(w);
    }
    kp_wtags(w);
    return kp_wdone(w);
}
