/* SPDX-License-Identifier: Apache-2.0
 *
 * Classic group membership codecs (kafka.apache.org/protocol.html#The_Messages_JoinGroup and the
 * following): JoinGroup (11) v0-5, Heartbeat (12) v0-3, LeaveGroup (13) v0-3, SyncGroup (14) v0-3.
 * Protocol metadata and assignments are opaque.
 */
#include "broker/kafka/kp.h"

cn_err_t kp_JoinGroupRequest_decode(kp_rd_t *r, int16_t v, kp_JoinGroupRequest_t *m,
                                    cn_error_t *err) {
    int32_t i;
    m->group_id = kp_rstr(r);
    m->session_timeout_ms = kp_r32(r);
    m->rebalance_timeout_ms = v >= 1 ? kp_r32(r) : m->session_timeout_ms;
    m->member_id = kp_rstr(r);
    m->group_instance_id = v >= 5 ? kp_rstr(r) : kp_str_c(NULL);
    m->protocol_type = kp_rstr(r);
    m->nprotocols = kp_rarray(r, 6);
    m->protocols = kp_ralloc(r, m->nprotocols, sizeof(*m->protocols));
    for (i = 0; m->protocols && i < m->nprotocols; i++) {
        m->protocols[i].name = kp_rstr(r);
        m->protocols[i].metadata = kp_rbytes(r);
    }
    if (m->nprotocols < 0)
        kp_rfail(r);
    return kp_rdone(r, err, "JoinGroup");
}

void kp_JoinGroupRequest_encode(kp_wr_t *w, int16_t v, const kp_JoinGroupRequest_t *m) {
    int32_t i;
    kp_wstr(w, m->group_id);
    kp_w32(w, m->session_timeout_ms);
    if (v >= 1)
        kp_w32(w, m->rebalance_timeout_ms);
    kp_wstr(w, m->member_id);
    if (v >= 5)
        kp_wstr(w, m->group_instance_id);
    kp_wstr(w, m->protocol_type);
    kp_warray(w, m->nprotocols);
    for (i = 0; i < m->nprotocols; i++) {
        kp_wstr(w, m->protocols[i].name);
        kp_wbytes(w, m->protocols[i].metadata.p, m->protocols[i].metadata.len);
    }
}

cn_err_t kp_JoinGroupResponse_encode(kp_wr_t *w, int16_t v, const kp_JoinGroupResponse_t *m) {
    int32_t i;
    if (v >= 2)
        kp_w32(w, m->throttle_time_ms);
    kp_w16(w, m->error_code);
    kp_w32(w, m->generation_id);
    kp_wstr(w, m->protocol_name);
    kp_wstr(w, m->leader);
    kp_wstr(w, m->member_id);
    kp_warray(w, m->nmembers);
    for (i = 0; i < m->nmembers; i++) {
        kp_wstr(w, m->members[i].member_id);
        if (v >= 5)
            kp_wstr(w, m->members[i].group_instance_id);
        kp_wbytes(w, m->members[i].metadata.p, m->members[i].metadata.len);
    }
    return kp_wdone(w);
}

cn_err_t kp_SyncGroupRequest_decode(kp_rd_t *r, int16_t v, kp_SyncGroupRequest_t *m,
                                    cn_error_t *err) {
    int32_t i;
    m->group_id = kp_rstr(r);
    m->generation_id = kp_r32(r);
    m->member_id = kp_rstr(r);
    m->group_instance_id = v >= 3 ? kp_rstr(r) : kp_str_c(NULL);
    m->nassignments = kp_rarray(r, 6);
    m->assignments = kp_ralloc(r, m->nassignments, sizeof(*m->assignments));
    for (i = 0; m->assignments && i < m->nassignments; i++) {
        m->assignments[i].member_id = kp_rstr(r);
        m->assignments[i].assignment = kp_rbytes(r);
    }
    if (m->nassignments < 0)
        m->nassignments = 0;
    return kp_rdone(r, err, "SyncGroup");
}

void kp_SyncGroupRequest_encode(kp_wr_t *w, int16_t v, const kp_SyncGroupRequest_t *m) {
    int32_t i;
    kp_wstr(w, m->group_id);
    kp_w32(w, m->generation_id);
    kp_wstr(w, m->member_id);
    if (v >= 3)
        kp_wstr(w, m->group_instance_id);
    kp_warray(w, m->nassignments);
    for (i = 0; i < m->nassignments; i++) {
        kp_wstr(w, m->assignments[i].member_id);
        kp_wbytes(w, m->assignments[i].assignment.p, m->assignments[i].assignment.len);
    }
}

cn_err_t kp_SyncGroupResponse_encode(kp_wr_t *w, int16_t v, const kp_SyncGroupResponse_t *m) {
    if (v >= 1)
        kp_w32(w, m->throttle_time_ms);
    kp_w16(w, m->error_code);
    kp_wbytes(w, m->assignment.p, m->assignment.p ? m->assignment.len : 0);
    return kp_wdone(w);
}

cn_err_t kp_HeartbeatRequest_decode(kp_rd_t *r, int16_t v, kp_HeartbeatRequest_t *m,
                                    cn_error_t *err) {
    m->group_id = kp_rstr(r);
    m->generation_id = kp_r32(r);
    m->member_id = kp_rstr(r);
    m->group_instance_id = v >= 3 ? kp_rstr(r) : kp_str_c(NULL);
    return kp_rdone(r, err, "Heartbeat");
}

void kp_HeartbeatRequest_encode(kp_wr_t *w, int16_t v, const kp_HeartbeatRequest_t *m) {
    kp_wstr(w, m->group_id);
    kp_w32(w, m->generation_id);
    kp_wstr(w, m->member_id);
    if (v >= 3)
        kp_wstr(w, m->group_instance_id);
}

cn_err_t kp_HeartbeatResponse_encode(kp_wr_t *w, int16_t v, const kp_ErrorResponse_t *m) {
    if (v >= 1)
        kp_w32(w, m->throttle_time_ms);
    kp_w16(w, m->error_code);
    return kp_wdone(w);
}

cn_err_t kp_LeaveGroupRequest_decode(kp_rd_t *r, int16_t v, kp_LeaveGroupRequest_t *m,
                                     cn_error_t *err) {
    int32_t i;
    m->group_id = kp_rstr(r);
    if (v <= 2) {
        m->nmembers = 1;
        m->members = kp_ralloc(r, 1, sizeof(*m->members));
        if (m->members) {
            m->members[0].member_id = kp_rstr(r);
            m->members[0].group_instance_id = kp_str_c(NULL);
        }
        return kp_rdone(r, err, "LeaveGroup");
    }
    m->nmembers = kp_rarray(r, 4);
    m->members = kp_ralloc(r, m->nmembers, sizeof(*m->members));
    for (i = 0; m->members && i < m->nmembers; i++) {
        m->members[i].member_id = kp_rstr(r);
        m->members[i].group_instance_id = kp_rstr(r);
    }
    if (m->nmembers < 0)
        kp_rfail(r);
    return kp_rdone(r, err, "LeaveGroup");
}

void kp_LeaveGroupRequest_encode(kp_wr_t *w, int16_t v, const kp_LeaveGroupRequest_t *m) {
    int32_t i;
    kp_wstr(w, m->group_id);
    if (v <= 2) {
        kp_wstr(w, m->nmembers > 0 ? m->members[0].member_id : kp_str_c(""));
        return;
    }
    kp_warray(w, m->nmembers);
    for (i = 0; i < m->nmembers; i++) {
        kp_wstr(w, m->members[i].member_id);
        kp_wstr(w, m->members[i].group_instance_id);
    }
}

cn_err_t kp_LeaveGroupResponse_encode(kp_wr_t *w, int16_t v, const kp_LeaveGroupResponse_t *m) {
    int32_t i;
    if (v >= 1)
        kp_w32(w, m->throttle_time_ms);
    kp_w16(w, m->error_code);
    if (v >= 3) {
        kp_warray(w, m->nmembers);
        for (i = 0; i < m->nmembers; i++) {
            kp_wstr(w, m->members[i].member_id);
            kp_wstr(w, m->members[i].group_instance_id);
            kp_w16(w, m->members[i].error_code);
        }
    }
    return kp_wdone(w);
}
