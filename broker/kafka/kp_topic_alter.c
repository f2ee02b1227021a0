/* SPDX-License-Identifier: Apache-2.0
 *
 * More topic administration codecs: DeleteRecords (21) v0-1, CreatePartitions (37) v0-1,
 * AlterConfigs (33) v0-1 (Kafka 3.8 message specs; non-flexible at these versions).
 */
#include "broker/kafka/kp.h"

static void read_dr_topic(kp_rd_t *r, kp_dr_topic_t *t) {
    int32_t i;
    t->name = kp_rstr(r);
    t->nparts = kp_rarray(r, 12);
    t->parts = kp_ralloc(r, t->nparts, sizeof(*t->parts));
    for (i = 0; t->parts && i < t->nparts; i++) {
        t->parts[i].partition_index = kp_r32(r);
        t->parts[i].offset = kp_r64(r);
        t->parts[i].low_watermark = -1;
    }
    if (t->nparts < 0)
        kp_rfail(r);
}

cn_err_t kp_DeleteRecordsRequest_decode(kp_rd_t *r, int16_t v, kp_DeleteRecordsRequest_t *m,
                                        cn_error_t *err) {
    int32_t i;
    (void)v;
    m->ntopics = kp_rarray(r, 6);
    m->topics = kp_ralloc(r, m->ntopics, sizeof(*m->topics));
    for (i = 0; m->topics && i < m->ntopics; i++)
        read_dr_topic(r, &m->topics[i]);
    if (m->ntopics < 0)
        kp_rfail(r);
    m->timeout_ms = kp_r32(r);
    return kp_rdone(r, err, "DeleteRecords");
}

void kp_DeleteRecordsRequest_encode(kp_wr_t *w, int16_t v, const kp_DeleteRecordsRequest_t *m) {
    int32_t i, j;
    (void)v;
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_warray(w, m->topics[i].nparts);
        for (j = 0; j < m->topics[i].nparts; j++) {
            kp_w32(w, m->topics[i].parts[j].partition_index);
            kp_w64(w, m->topics[i].parts[j].offset);
        }
    }
    kp_w32(w, m->timeout_ms);
}

cn_err_t kp_DeleteRecordsResponse_encode(kp_wr_t *w, int16_t v, int32_t throttle_time_ms,
                                         const kp_DeleteRecordsRequest_t *m) {
    int32_t i, j;
    (void)v;
    kp_w32(w, throttle_time_ms);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_warray(w, m->topics[i].nparts);
        for (j = 0; j < m->topics[i].nparts; j++) {
            kp_w32(w, m->topics[i].parts[j].partition_index);
            kp_w64(w, m->topics[i].parts[j].low_watermark);
            kp_w16(w, m->topics[i].parts[j].error_code);
        }
    }
    return kp_wdone(w);
}

static void read_cp_topic(kp_rd_t *r, kp_cp_topic_t *t) {
    int32_t i, n;
    t->name = kp_rstr(r);
    t->count = kp_r32(r);
    t->nassignments = kp_rarray(r, 4);
    for (i = 0; i < t->nassignments && cn_rd_ok(&r->rd); i++)
        (void)kp_rarray_i32(r, &n);
}

cn_err_t kp_CreatePartitionsRequest_decode(kp_rd_t *r, int16_t v, kp_CreatePartitionsRequest_t *m,
                                           cn_error_t *err) {
    int32_t i;
    (void)v;
    m->ntopics = kp_rarray(r, 10);
    m->topics = kp_ralloc(r, m->ntopics, sizeof(*m->topics));
    for (i = 0; m->topics && i < m->ntopics; i++)
        read_cp_topic(r, &m->topics[i]);
    if (m->ntopics < 0)
        kp_rfail(r);
    m->timeout_ms = kp_r32(r);
    m->validate_only = kp_rbool(r);
    return kp_rdone(r, err, "CreatePartitions");
}

void kp_CreatePartitionsRequest_encode(kp_wr_t *w, int16_t v,
                                       const kp_CreatePartitionsRequest_t *m) {
    int32_t i;
    (void)v;
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_w32(w, m->topics[i].count);
        kp_warray(w, -1);
    }
    kp_w32(w, m->timeout_ms);
    kp_wbool(w, m->validate_only);
}

cn_err_t kp_CreatePartitionsResponse_encode(kp_wr_t *w, int16_t v,
                                            const kp_TopicResultsResponse_t *m) {
    int32_t i;
    (void)v;
    kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_w16(w, m->topics[i].error_code);
        kp_wcstr(w, m->topics[i].error_message);
    }
    return kp_wdone(w);
}

static void read_ac_resource(kp_rd_t *r, kp_ac_resource_t *res) {
    int32_t i;
    res->resource_type = kp_r8(r);
    res->resource_name = kp_rstr(r);
    res->nconfigs = kp_rarray(r, 4);
    res->configs = kp_ralloc(r, res->nconfigs, sizeof(*res->configs));
    for (i = 0; res->configs && i < res->nconfigs; i++) {
        res->configs[i].name = kp_rstr(r);
        res->configs[i].value = kp_rstr(r);
    }
    if (res->nconfigs < 0)
        kp_rfail(r);
}

cn_err_t kp_AlterConfigsRequest_decode(kp_rd_t *r, int16_t v, kp_AlterConfigsRequest_t *m,
                                       cn_error_t *err) {
    int32_t i;
    (void)v;
    m->nresources = kp_rarray(r, 7);
    m->resources = kp_ralloc(r, m->nresources, sizeof(*m->resources));
    for (i = 0; m->resources && i < m->nresources; i++)
        read_ac_resource(r, &m->resources[i]);
    if (m->nresources < 0)
        kp_rfail(r);
    m->validate_only = kp_rbool(r);
    return kp_rdone(r, err, "AlterConfigs");
}

void kp_AlterConfigsRequest_encode(kp_wr_t *w, int16_t v, const kp_AlterConfigsRequest_t *m) {
    int32_t i, j;
    (void)v;
    kp_warray(w, m->nresources);
    for (i = 0; i < m->nresources; i++) {
        const kp_ac_resource_t *res = &m->resources[i];
        kp_w8(w, res->resource_type);
        kp_wstr(w, res->resource_name);
        kp_warray(w, res->nconfigs);
        for (j = 0; j < res->nconfigs; j++) {
            kp_wstr(w, res->configs[j].name);
            kp_wstr(w, res->configs[j].value);
        }
    }
    kp_wbool(w, m->validate_only);
}

cn_err_t kp_AlterConfigsResponse_encode(kp_wr_t *w, int16_t v, int32_t throttle_time_ms,
                                        const kp_AlterConfigsRequest_t *m) {
    int32_t i;
    (void)v;
    kp_w32(w, throttle_time_ms);
    kp_warray(w, m->nresources);
    for (i = 0; i < m->nresources; i++) {
        kp_w16(w, m->resources[i].error_code);
        kp_wcstr(w, m->resources[i].error_message);
        kp_w8(w, m->resources[i].resource_type);
        kp_wstr(w, m->resources[i].resource_name);
    }
    return kp_wdone(w);
}
