/* SPDX-License-Identifier: Apache-2.0
 *
 * Group administration codecs: ListGroups (16) v0-2, DescribeGroups (15) v0-4, DeleteGroups
 * (42) v0-1 (Kafka 3.8 message specs; all non-flexible at these versions).
 */
#include "broker/kafka/kp.h"

cn_err_t kp_ListGroupsRequest_decode(kp_rd_t *r, int16_t v, cn_error_t *err) {
    (void)v;
    return kp_rdone(r, err, "ListGroups");
}

cn_err_t kp_ListGroupsResponse_encode(kp_wr_t *w, int16_t v, const kp_ListGroupsResponse_t *m) {
    int32_t i;
    if (v >= 1)
        kp_w32(w, m->throttle_time_ms);
    kp_w16(w, m->error_code);
    kp_warray(w, m->ngroups);
    for (i = 0; i < m->ngroups; i++) {
        kp_wstr(w, m->groups[i].group_id);
        kp_wstr(w, m->groups[i].protocol_type);
    }
    return kp_wdone(w);
}

static void read_names(kp_rd_t *r, kp_GroupsRequest_t *m) {
    int32_t i;
    m->ngroups = kp_rarray(r, 2);
    m->groups = kp_ralloc(r, m->ngroups, sizeof(*m->groups));
    for (i = 0; m->groups && i < m->ngroups; i++)
        m->groups[i] = kp_rstr(r);
    if (m->ngroups < 0)
        kp_rfail(r);
}

static void write_names(kp_wr_t *w, const kp_GroupsRequest_t *m) {
    int32_t i;
    kp_warray(w, m->ngroups);
    for (i = 0; i < m->ngroups; i++)
        kp_wstr(w, m->groups[i]);
}

cn_err_t kp_DescribeGroupsRequest_decode(kp_rd_t *r, int16_t v, kp_GroupsRequest_t *m,
                                         cn_error_t *err) {
    read_names(r, m);
    m->include_authorized_operations = v >= 3 ? kp_rbool(r) : false;
    return kp_rdone(r, err, "DescribeGroups");
}

void kp_DescribeGroupsRequest_encode(kp_wr_t *w, int16_t v, const kp_GroupsRequest_t *m) {
    write_names(w, m);
    if (v >= 3)
        kp_wbool(w, m->include_authorized_operations);
}

static void write_member(kp_wr_t *w, int16_t v, const kp_dg_member_t *mb) {
    kp_wstr(w, mb->member_id);
    if (v >= 4)
        kp_wstr(w, mb->group_instance_id);
    kp_wstr(w, mb->client_id);
    kp_wstr(w, mb->client_host);
    kp_wbytes(w, mb->metadata.p, mb->metadata.p ? mb->metadata.len : 0);
    kp_wbytes(w, mb->assignment.p, mb->assignment.p ? mb->assignment.len : 0);
}

cn_err_t kp_DescribeGroupsResponse_encode(kp_wr_t *w, int16_t v,
                                          const kp_DescribeGroupsResponse_t *m) {
    int32_t i, j;
    if (v >= 1)
        kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->ngroups);
    for (i = 0; i < m->ngroups; i++) {
        const kp_dg_group_t *g = &m->groups[i];
        kp_w16(w, g->error_code);
        kp_wstr(w, g->group_id);
        kp_wstr(w, g->state);
        kp_wstr(w, g->protocol_type);
        kp_wstr(w, g->protocol);
        kp_warray(w, g->nmembers);
        for (j = 0; j < g->nmembers; j++)
            write_member(w, v, &g->members[j]);
        if (v >= 3)
            kp_w32(w, KP_AUTH_OPS_NONE);
    }
    return kp_wdone(w);
}

cn_err_t kp_DeleteGroupsRequest_decode(kp_rd_t *r, int16_t v, kp_GroupsRequest_t *m,
                                       cn_error_t *err) {
    (void)v;
    read_names(r, m);
    m->include_authorized_operations = false;
    return kp_rdone(r, err, "DeleteGroups");
}

void kp_DeleteGroupsRequest_encode(kp_wr_t *w, int16_t v, const kp_GroupsRequest_t *m) {
    (void)v;
    write_names(w, m);
}

cn_err_t kp_DeleteGroupsResponse_encode(kp_wr_t *w, int16_t v, const kp_DeleteGroupsResponse_t *m) {
    int32_t i;
    (void)v;
    kp_w32(w, m->throttle_time_ms);
    kp_warray(w, m->nresults);
    for (i = 0; i < m->nresults; i++) {
        kp_wstr(w, m->results[i].group_id);
        kp_w16(w, m->results[i].error_code);
    }
    return kp_wdone(w);
}
