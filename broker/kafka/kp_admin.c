/* SPDX-License-Identifier: Apache-2.0
 *
 * Topic admin codecs (Kafka protocol guide,
 * kafka.apache.org/protocol.html#The_Messages_CreateTopics and the following): CreateTopics (19)
 * v0-4, DeleteTopics (20) v0-3, DescribeConfigs (32) v0-3. Manual replica assignments are read and
 * counted only (a single node has nothing to assign).
 */
#include "broker/kafka/kp.h"

static void skip_assignments(kp_rd_t *r, kp_ct_topic_t *t) {
    int32_t i, n;
    t->nassignments = kp_rarray(r, 8);
    for (i = 0; i < t->nassignments && cn_rd_ok(&r->rd); i++) {
        (void)kp_r32(r);
        (void)kp_rarray_i32(r, &n);
    }
}

static void read_ct_topic(kp_rd_t *r, kp_ct_topic_t *t) {
    int32_t i;
    t->name = kp_rstr(r);
    t->num_partitions = kp_r32(r);
    t->replication_factor = kp_r16(r);
    skip_assignments(r, t);
    t->nconfigs = kp_rarray(r, 4);
    t->configs = kp_ralloc(r, t->nconfigs, sizeof(*t->configs));
    for (i = 0; t->configs && i < t->nconfigs; i++) {
        t->configs[i].name = kp_rstr(r);
        t->configs[i].value = kp_rstr(r);
    }
    if (t->nconfigs < 0)
        t->nconfigs = 0;
}

cn_err_t kp_CreateTopicsRequest_decode(kp_rd_t *r, int16_t v, kp_CreateTopicsRequest_t *m,
                                       cn_error_t *err) {
    int32_t i;
    m->ntopics = kp_rarray(r, 16);
    m->topics = kp_ralloc(r, m->ntopics, sizeof(*m->topics));
    for (i = 0; m->topics && i < m->ntopics; i++)
        read_ct_topic(r, &m->topics[i]);
    if (m->ntopics < 0)
        kp_rfail(r);
    m->timeout_ms = kp_r32(r);
    m->validate_only = v >= 1 ? kp_rbool(r) : false;
    return kp_rdone(r, err, "CreateTopics");
}

void kp_CreateTopicsRequest_encode(kp_wr_t *w, int16_t v, const kp_CreateTopicsRequest_t *m) {
    int32_t i, j;
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        const kp_ct_topic_t *t = &m->topics[i];
        kp_wstr(w, t->name);
        kp_w32(w, t->num_partitions);
        kp_w16(w, t->replication_factor);
        kp_warray(w, 0);
        kp_warray(w, t->nconfigs);
        for (j = 0; j < t->nconfigs; j++) {
            kp_wstr(w, t->configs[j].name);
            kp_wstr(w, t->configs[j].value);
        }
    }
    kp_w32(w, m->timeout_ms);
    if (v >= 1)
        kp_wbool(w, m->validate_only);
}

cn_err_t kp_CreateTopicsResponse_encode(kp_wr_t *w, int16_t v, const kp_TopicResultsResponse_t *m) {
    int32_t i;
    if (v >= 2)
        kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_w16(w, m->topics[i].error_code);
        if (v >= 1)
            kp_wcstr(w, m->topics[i].error_message);
    }
    return kp_wdone(w);
}

cn_err_t kp_DeleteTopicsRequest_decode(kp_rd_t *r, int16_t v, kp_DeleteTopicsRequest_t *m,
                                       cn_error_t *err) {
    int32_t i;
    (void)v;
    m->nnames = kp_rarray(r, 2);
    m->names = kp_ralloc(r, m->nnames, sizeof(*m->names));
    for (i = 0; m->names && i < m->nnames; i++)
        m->names[i] = kp_rstr(r);
    if (m->nnames < 0)
        kp_rfail(r);
    m->timeout_ms = kp_r32(r);
    return kp_rdone(r, err, "DeleteTopics");
}

void kp_DeleteTopicsRequest_encode(kp_wr_t *w, int16_t v, const kp_DeleteTopicsRequest_t *m) {
    int32_t i;
    (void)v;
    kp_warray(w, m->nnames);
    for (i = 0; i < m->nnames; i++)
        kp_wstr(w, m->names[i]);
    kp_w32(w, m->timeout_ms);
}

cn_err_t kp_DeleteTopicsResponse_encode(kp_wr_t *w, int16_t v, const kp_TopicResultsResponse_t *m) {
    int32_t i;
    if (v >= 1)
        kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->ntopics);
    for (i = 0; i < m->ntopics; i++) {
        kp_wstr(w, m->topics[i].name);
        kp_w16(w, m->topics[i].error_code);
    }
    return kp_wdone(w);
}

cn_err_t kp_DescribeConfigsRequest_decode(kp_rd_t *r, int16_t v, kp_DescribeConfigsRequest_t *m,
                                          cn_error_t *err) {
    int32_t i, j;
    m->nresources = kp_rarray(r, 7);
    m->resources = kp_ralloc(r, m->nresources, sizeof(*m->resources));
    for (i = 0; m->resources && i < m->nresources; i++) {
        kp_dc_resource_t *res = &m->resources[i];
        res->resource_type = kp_r8(r);
        res->resource_name = kp_rstr(r);
        res->nkeys = kp_rarray(r, 2);
        res->keys = kp_ralloc(r, res->nkeys, sizeof(*res->keys));
        for (j = 0; res->keys && j < res->nkeys; j++)
            res->keys[j] = kp_rstr(r);
    }
    if (m->nresources < 0)
        kp_rfail(r);
    m->include_synonyms = v >= 1 ? kp_rbool(r) : false;
    m->include_documentation = v >= 3 ? kp_rbool(r) : false;
    return kp_rdone(r, err, "DescribeConfigs");
}

void kp_DescribeConfigsRequest_encode(kp_wr_t *w, int16_t v, const kp_DescribeConfigsRequest_t *m) {
    int32_t i, j;
    kp_warray(w, m->nresources);
    for (i = 0; i < m->nresources; i++) {
        kp_w8(w, m->resources[i].resource_type);
        kp_wstr(w, m->resources[i].resource_name);
        kp_warray(w, m->resources[i].nkeys);
        for (j = 0; j < m->resources[i].nkeys; j++)
            kp_wstr(w, m->resources[i].keys[j]);
    }
    if (v >= 1)
        kp_wbool(w, m->include_synonyms);
    if (v >= 3)
        kp_wbool(w, m->include_documentation);
}

static void write_entry(kp_wr_t *w, int16_t v, const kp_dc_entry_t *e) {
    kp_wcstr(w, e->name);
    kp_wcstr(w, e->value);
    kp_wbool(w, e->read_only);
    if (v == 0)
        kp_wbool(w, e->is_default);
    else
        kp_w8(w, e->source);
    kp_wbool(w, e->is_sensitive);
    if (v >= 1)
        kp_warray(w, 0); /* synonyms */
    if (v >= 3) {
        kp_w8(w, e->config_type);
        kp_wcstr(w, NULL);
    }
}

cn_err_t kp_DescribeConfigsResponse_encode(kp_wr_t *w, int16_t v,
                                           const kp_DescribeConfigsResponse_t *m) {
    int32_t i, j;
    kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->nresults);
    for (i = 0; i < m->nresults; i++) {
        const kp_dc_result_t *res = &m->results[i];
        kp_w16(w, res->error_code);
        kp_wcstr(w, res->error_message);
        kp_w8(w, res->resource_type);
        kp_wstr(w, res->resource_name);
        kp_warray(w, res->nconfigs);
        for (j = 0; j < res->nconfigs; j++)
            write_entry(w, v, &res->configs[j]);
    }
    return kp_wdone(w);
}
