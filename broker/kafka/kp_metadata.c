/* SPDX-License-Identifier: Apache-2.0
 *
 * Metadata (key 3) v0-8 codec (kafka.apache.org/protocol.html#The_Messages_Metadata). v0: an empty
 * topic array means all topics; v1+: a null array means all topics.
 */
#include "broker/kafka/kp.h"

cn_err_t kp_MetadataRequest_decode(kp_rd_t *r, int16_t v, kp_MetadataRequest_t *m,
                                   cn_error_t *err) {
    int32_t i;
    m->ntopics = kp_rarray(r, 2);
    m->topics = kp_ralloc(r, m->ntopics, sizeof(*m->topics));
    for (i = 0; m->topics && i < m->ntopics; i++)
        m->topics[i] = kp_rstr(r);
    if (v == 0 && m->ntopics == 0)
        m->ntopics = -1;
    m->allow_auto_topic_creation = v >= 4 ? kp_rbool(r) : true;
    m->include_cluster_authorized_operations = v >= 8 ? kp_rbool(r) : false;
    m->include_topic_authorized_operations = v >= 8 ? kp_rbool(r) : false;
    kp_rtags(r);
    return kp_rdone(r, err, "Metadata");
}

void kp_MetadataRequest_encode(kp_wr_t *w, int16_t v, const kp_MetadataRequest_t *m) {
    int32_t i;
    kp_warray(w, v == 0 && m->ntopics < 0 ? 0 : m->ntopics);
    for (i = 0; i < m->ntopics; i++)
        kp_wstr(w, m->topics[i]);
    if (v >= 4)
        kp_wbool(w, m->allow_auto_topic_creation);
    if (v >= 8) {
        kp_wbool(w, m->include_cluster_authorized_operations);
        kp_wbool(w, m->include_topic_authorized_operations);
    }
    kp_wtags(w);
}

static void write_i32s(kp_wr_t *w, const int32_t *v, int32_t n) {
    int32_t i;
    kp_warray(w, n);
    for (i = 0; i < n; i++)
        kp_w32(w, v[i]);
}

static void write_partition(kp_wr_t *w, int16_t v, const kp_md_partition_t *p) {
    kp_w16(w, p->error_code);
    kp_w32(w, p->partition_index);
    kp_w32(w, p->leader_id);
    if (v >= 7)
        kp_w32(w, p->leader_epoch);
    write_i32s(w, p->replicas, p->nreplicas);
    write_i32s(w, p->isr, p->nisr);
    if (v >= 5)
        kp_warray(w, 0);
    kp_wtags(w);
}

static void write_topic(kp_wr_t *w, int16_t v, const kp_md_topic_t *t) {
    int32_t i;
    kp_w16(w, t->error_code);
    kp_wstr(w, t->name);
    if (v >= 1)
        kp_wbool(w, t->is_internal);
    kp_warray(w, t->npartitions);
    for (i = 0; i < t->npartitions; i++)
        write_partition(w, v, &t->partitions[i]);
    if (v >= 8)
        kp_w32(w, t->topic_authorized_operations);
    kp_wtags(w);
}

cn_err_t kp_MetadataResponse_encode(kp_wr_t *w, int16_t v, const kp_MetadataResponse_t *m) {
    int32_t i;
    if (v >= 3)
        kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->nbrokers);
    for (i = 0; i < m->nbrokers; i++) {
        kp_w32(w, m->brokers[i].node_id);
        kp_wcstr(w, m->brokers[i].host);
        kp_w32(w, m->brokers[i].port);
        if (v >= 1)
            kp_wcstr(w, m->brokers[i].rack);
        kp_wtags(w);
    }
    if (v >= 2)
        kp_wcstr(w, m->cluster_id);
    if (v >= 1)
        kp_w32(w, m->controller_id);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++)
        write_topic(w, v, &m->topics[i]);
    if (v >= 8)
        kp_w32(w, m->cluster_authorized_operations);
    kp_wtags(w);
    return kp_wdone(w);
}
