/* SPDX-License-Identifier: Apache-2.0
 *
 * The group membership APIs over the coordinator
 * (kafka.apache.org/protocol.html#The_Messages_JoinGroup and the following): JoinGroup (answered
 * when the join phase completes), SyncGroup (followers wait for the leader's assignments),
 * Heartbeat, LeaveGroup, and the membership check of OffsetCommit.
 */
#include "broker/server/brk_group_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_time.h"

/* ---- JoinGroup ---- */

static bool set_protocols(member_t *m, const kp_JoinGroupRequest_t *rq) {
    int32_t i;
    brk_grp_protos_free(m);
    m->protos = calloc((size_t)rq->nprotocols + 1, sizeof(*m->protos));
    if (!m->protos)
        return false;
    for (i = 0; i < rq->nprotocols; i++, m->nprotos++) {
        kp_bytes_t md = rq->protocols[i].metadata;
        proto_t *p = &m->protos[i];
        p->name = brk_grp_dup_str(rq->protocols[i].name);
        p->len = md.p ? md.len : 0;
        p->meta = malloc(p->len ? (size_t)p->len : 1);
        if (!p->name || !p->meta)
            return false;
        if (p->len)
            memcpy(p->meta, md.p, (size_t)p->len);
    }
    return true;
}

static bool protocols_compatible(const group_t *g, const kp_JoinGroupRequest_t *rq) {
    const member_t *m;
    int32_t i;
    if (rq->nprotocols <= 0 || !rq->protocol_type.p || rq->protocol_type.len == 0)
        return false;
    if (!g->members)
        return true;
    if (!kp_str_eq(rq->protocol_type, g->protocol_type))
        return false;
    for (i = 0; i < rq->nprotocols; i++) {
        bool all = true;
        char name[256];
        if (!kp_str_copy(rq->protocols[i].name, name, sizeof(name)))
            continue;
        for (m = g->members; m && all; m = m->next)
            all = brk_grp_member_proto(m, name) != NULL;
        if (all)
            return true;
    }
    return false;
}

static member_t *new_member(brk_groups_t *gs, group_t *g, const char *client_id) {
    member_t *m = calloc(1, sizeof(*m));
    char id[256];
    snprintf(id, sizeof(id), "%s-%08llx-%08llx", client_id,
             (unsigned long long)(cn_wall_ms() & 0xffffffffULL), (unsigned long long)++gs->seq);
    if (!m || !(m->id = strdup(id))) {
        free(m);
        return NULL;
    }
    m->next = g->members;
    g->members = m;
    return m;
}

static int16_t join_check(brk_req_t *req, const kp_JoinGroupRequest_t *rq) {
    const brk_server_opts_t *o = &req->srv->opts;
    if (!rq->group_id.p || rq->group_id.len == 0)
        return brk_kerr(CN_ERR_INVALID_GROUP_ID);
    if (rq->session_timeout_ms < o->group_min_session_timeout_ms ||
        rq->session_timeout_ms > o->group_max_session_timeout_ms)
        return brk_kerr(CN_ERR_INVALID_SESSION_TIMEOUT);
    return 0;
}

static void member_update(member_t *m, const brk_req_t *req, const kp_JoinGroupRequest_t *rq,
                          int64_t now) {
    free(m->instance_id);
    m->instance_id = rq->group_instance_id.p ? brk_grp_dup_str(rq->group_instance_id) : NULL;
    free(m->client_id);
    m->client_id = strdup(req->client_id);
    free(m->client_host);
    m->client_host = strdup(req->client_host);
    m->session_timeout = rq->session_timeout_ms;
    m->rebalance_timeout = rq->rebalance_timeout_ms;
    m->last_seen = now;
}

static int16_t join(brk_req_t *req, const kp_JoinGroupRequest_t *rq) {
    brk_groups_t *gs = req->srv->groups;
    int64_t now = cn_mono_ms();
    int16_t code = join_check(req, rq);
    group_t *g = code ? NULL : brk_grp_group_get(gs, rq->group_id);
    member_t *m;
    if (code)
        return code;
    if (!g)
        return brk_kerr(CN_ERR_NO_MEMORY);
    if (!protocols_compatible(g, rq))
        return brk_kerr(CN_ERR_INCONSISTENT_GROUP_PROTOCOL);
    if (rq->member_id.p && rq->member_id.len > 0) {
        if (!(m = brk_grp_member_find(g, rq->member_id)))
            return brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID);
    } else if (!(m = new_member(gs, g, req->client_id))) {
        return brk_kerr(CN_ERR_NO_MEMORY);
    }
    if (!g->members->next || !g->protocol_type) {
        free(g->protocol_type);
        g->protocol_type = brk_grp_dup_str(rq->protocol_type);
    }
    if (!set_protocols(m, rq)) {
        brk_grp_drop_member(g, m);
        return brk_kerr(CN_ERR_NO_MEMORY);
    }
    member_update(m, req, rq, now);
    if (m->join_pending) /* a re-sent join replaces the older one */
        brk_grp_reply_error(gs, &m->join_p, brk_kerr(CN_ERR_REBALANCE_IN_PROGRESS));
    m->join_pending = true;
    m->join_p = req->pending;
    cn_log_info(gs->srv->log, "kafka: group %s: member %s joins (v%d)", g->id, m->id,
                (int)req->hdr.api_version);
    brk_grp_start_rebalance(gs, g, now);
    brk_grp_try_complete_join(gs, g, now);
    return 0;
}

brk_hres_t brk_join_group_handle(brk_req_t *req) {
    kp_JoinGroupRequest_t rq;
    kp_JoinGroupResponse_t rs;
    int16_t code;
    if (kp_JoinGroupRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    code = join(req, &rq);
    if (code == 0)
        return BRK_DEFER;
    memset(&rs, 0, sizeof(rs));
    rs.error_code = code;
    rs.generation_id = -1;
    rs.protocol_name = rs.leader = kp_str_c("");
    rs.member_id = rq.member_id.p ? rq.member_id : kp_str_c("");
    kp_JoinGroupResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

/* ---- SyncGroup ---- */

static void store_assignments(group_t *g, const kp_SyncGroupRequest_t *rq) {
    int32_t i;
    for (i = 0; i < rq->nassignments; i++) {
        member_t *m = brk_grp_member_find(g, rq->assignments[i].member_id);
        kp_bytes_t a = rq->assignments[i].assignment;
        if (!m)
            continue;
        free(m->assignment);
        m->assignment_len = a.p ? a.len : 0;
        m->assignment = malloc(m->assignment_len ? (size_t)m->assignment_len : 1);
        if (m->assignment && m->assignment_len)
            memcpy(m->assignment, a.p, (size_t)m->assignment_len);
    }
}

static int16_t sync_group(brk_req_t *req, const kp_SyncGroupRequest_t *rq) {
    brk_groups_t *gs = req->srv->groups;
    group_t *g = brk_grp_group_find(gs, rq->group_id);
    member_t *m = brk_grp_member_find(g, rq->member_id), *o;
    if (!m)
        return brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID);
    if (rq->generation_id != g->generation)
        return brk_kerr(CN_ERR_ILLEGAL_GENERATION);
    if (g->state == G_PREPARING)
        return brk_kerr(CN_ERR_REBALANCE_IN_PROGRESS);
    m->last_seen = cn_mono_ms();
    m->sync_pending = true;
    m->sync_p = req->pending;
    if (g->state == G_STABLE) {
        brk_grp_reply_sync(gs, m);
        return 0;
    }
    if (strcmp(m->id, g->leader) != 0)
        return 0; /* wait for the leader */
    store_assignments(g, rq);
    g->state = G_STABLE;
    for (o = g->members; o; o = o->next)
        if (o->sync_pending)
            brk_grp_reply_sync(gs, o);
    return 0;
}

brk_hres_t brk_sync_group_handle(brk_req_t *req) {
    kp_SyncGroupRequest_t rq;
    kp_SyncGroupResponse_t rs;
    int16_t code;
    if (kp_SyncGroupRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    code = sync_group(req, &rq);
    if (code == 0)
        return BRK_DEFER;
    memset(&rs, 0, sizeof(rs));
    rs.error_code = code;
    kp_SyncGroupResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

/* ---- Heartbeat, LeaveGroup, commits ---- */

static int16_t member_check(group_t *g, member_t *m, int32_t generation) {
    if (!m)
        return brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID);
    if (generation != g->generation)
        return brk_kerr(CN_ERR_ILLEGAL_GENERATION);
    if (g->state == G_PREPARING)
        return brk_kerr(CN_ERR_REBALANCE_IN_PROGRESS);
    return 0;
}

brk_hres_t brk_heartbeat_handle(brk_req_t *req) {
    kp_HeartbeatRequest_t rq;
    kp_ErrorResponse_t rs = {0, 0};
    group_t *g;
    member_t *m;
    if (kp_HeartbeatRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    g = brk_grp_group_find(req->srv->groups, rq.group_id);
    m = brk_grp_member_find(g, rq.member_id);
    rs.error_code = member_check(g, m, rq.generation_id);
    if (m)
        m->last_seen = cn_mono_ms();
    kp_HeartbeatResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

brk_hres_t brk_leave_group_handle(brk_req_t *req) {
    kp_LeaveGroupRequest_t rq;
    kp_LeaveGroupResponse_t rs;
    brk_groups_t *gs = req->srv->groups;
    int64_t now = cn_mono_ms();
    group_t *g;
    int32_t i;
    if (kp_LeaveGroupRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    g = brk_grp_group_find(gs, rq.group_id);
    for (i = 0; i < rq.nmembers; i++) {
        member_t *m = brk_grp_member_find(g, rq.members[i].member_id);
        rq.members[i].error_code = m ? 0 : brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID);
        if (!m)
            continue;
        if (m->sync_pending)
            brk_grp_reply_error(gs, &m->sync_p, brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID));
        if (m->join_pending)
            brk_grp_reply_error(gs, &m->join_p, brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID));
        cn_log_info(gs->srv->log, "kafka: group %s: member %s leaves", g->id, m->id);
        brk_grp_drop_member(g, m);
        brk_grp_start_rebalance(gs, g, now);
        brk_grp_try_complete_join(gs, g, now);
    }
    if (req->hdr.api_version < 3 && rq.nmembers == 1)
        rs.error_code = rq.members[0].error_code;
    rs.members = rq.members;
    rs.nmembers = rq.nmembers;
    kp_LeaveGroupResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

/* As Kafka: assign()-only commits (generation < 0) need a group without members; members
 * commit with their current generation, also while a rebalance is being prepared (commits on
 * revocation), but not between JoinGroup and SyncGroup. */
bool brk_group_commit_allowed(brk_groups_t *gs, kp_str_t group, int32_t generation, kp_str_t member,
                              int16_t *error_code) {
    group_t *g = brk_grp_group_find(gs, group);
    member_t *m = brk_grp_member_find(g, member);
    *error_code = 0;
    if (!g || !g->members) {
        if (generation >= 0)
            *error_code = brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID);
    } else if (g->state == G_COMPLETING) {
        *error_code = brk_kerr(CN_ERR_REBALANCE_IN_PROGRESS);
    } else if (!m) {
        *error_code = brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID);
    } else if (generation != g->generation) {
        *error_code = brk_kerr(CN_ERR_ILLEGAL_GENERATION);
    }
    return *error_code == 0;
}
