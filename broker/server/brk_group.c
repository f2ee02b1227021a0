/* SPDX-License-Identifier: Apache-2.0
 *
 * The classic group coordinator (broker-protocol.md §2.9): groups move Empty ->
 * PreparingRebalance -> CompletingRebalance -> Stable. A JoinGroup starts a rebalance and waits
 * (deferred answer) until every known member has re-joined or the rebalance timeout passes;
 * then the protocol is chosen by vote, the generation bumped, the leader gets the member list,
 * and SyncGroup hands out the leader's assignments. Members that miss their session timeout are
 * dropped and the group rebalances. Static membership (group_instance_id) is accepted and
 * treated as dynamic membership. Group state lives in memory only: after a restart members
 * re-join (their heartbeats get UNKNOWN_MEMBER_ID) and resume from the committed offsets.
 */
#include "broker/server/brk_srv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_time.h"

typedef enum gstate { G_EMPTY, G_PREPARING, G_COMPLETING, G_STABLE } gstate_t;

typedef struct proto {
    char *name;
    uint8_t *meta;
    int32_t len;
} proto_t;

typedef struct member {
    struct member *next;
    char *id;
    char *instance_id;
    char *client_id;
    char *client_host;
    int32_t session_timeout;
    int32_t rebalance_timeout;
    proto_t *protos;
    int32_t nprotos;
    int64_t last_seen; /* monotonic ms */
    bool join_pending;
    brk_pending_t join_p;
    bool sync_pending;
    brk_pending_t sync_p;
    uint8_t *assignment;
    int32_t assignment_len;
} member_t;

typedef struct group {
    struct group *next;
    char *id;
    gstate_t state;
    int32_t generation;
    char *protocol_type;
    char *protocol;
    char *leader;
    member_t *members;
    int64_t deadline;   /* end of the join phase (monotonic ms) */
    int64_t hold_until; /* a new group waits this long for more members */
} group_t;

struct brk_groups {
    brk_srv_t *srv;
    group_t *groups;
    uint64_t seq;
};

static char *dup_str(kp_str_t s) {
    char *d = malloc(s.p && s.len > 0 ? (size_t)s.len + 1 : 1);
    if (!d)
        return NULL;
    if (s.p && s.len > 0)
        memcpy(d, s.p, (size_t)s.len);
    d[s.p && s.len > 0 ? s.len : 0] = '\0';
    return d;
}

static void protos_free(member_t *m) {
    int32_t i;
    for (i = 0; i < m->nprotos; i++) {
        free(m->protos[i].name);
        free(m->protos[i].meta);
    }
    free(m->protos);
    m->protos = NULL;
    m->nprotos = 0;
}

static void member_free(member_t *m) {
    protos_free(m);
    free(m->id);
    free(m->instance_id);
    free(m->client_id);
    free(m->client_host);
    free(m->assignment);
    free(m);
}

static void group_free(group_t *g) {
    while (g->members) {
        member_t *m = g->members;
        g->members = m->next;
        member_free(m);
    }
    free(g->id);
    free(g->protocol_type);
    free(g->protocol);
    free(g->leader);
    free(g);
}

brk_groups_t *brk_groups_new(brk_srv_t *srv) {
    brk_groups_t *gs = calloc(1, sizeof(*gs));
    if (gs)
        gs->srv = srv;
    return gs;
}

void brk_groups_free(brk_groups_t *gs) {
    if (!gs)
        return;
    while (gs->groups) {
        group_t *g = gs->groups;
        gs->groups = g->next;
        group_free(g);
    }
    free(gs);
}

static group_t *group_find(brk_groups_t *gs, kp_str_t id) {
    group_t *g;
    for (g = gs->groups; g; g = g->next)
        if (kp_str_eq(id, g->id))
            return g;
    return NULL;
}

static group_t *group_get(brk_groups_t *gs, kp_str_t id) {
    group_t *g = group_find(gs, id);
    if (g)
        return g;
    g = calloc(1, sizeof(*g));
    if (!g || !(g->id = dup_str(id))) {
        free(g);
        return NULL;
    }
    g->next = gs->groups;
    gs->groups = g;
    return g;
}

static member_t *member_find(group_t *g, kp_str_t id) {
    member_t *m;
    if (!g)
        return NULL;
    for (m = g->members; m; m = m->next)
        if (kp_str_eq(id, m->id))
            return m;
    return NULL;
}

static size_t member_count(const group_t *g) {
    size_t n = 0;
    const member_t *m;
    for (m = g->members; m; m = m->next)
        n++;
    return n;
}

/* ---- answers ---- */

static void reply_error(brk_groups_t *gs, const brk_pending_t *p, int16_t code) {
    cn_buf_t b;
    kp_wr_t w = {&b, p->flex};
    cn_buf_init(&b, BRK_MAX_RESPONSE);
    if (p->api_key == KP_JOIN_GROUP) {
        kp_JoinGroupResponse_t rs;
        memset(&rs, 0, sizeof(rs));
        rs.error_code = code;
        rs.generation_id = -1;
        rs.protocol_name = rs.leader = rs.member_id = kp_str_c("");
        kp_JoinGroupResponse_encode(&w, p->api_version, &rs);
    } else {
        kp_SyncGroupResponse_t rs;
        memset(&rs, 0, sizeof(rs));
        rs.error_code = code;
        kp_SyncGroupResponse_encode(&w, p->api_version, &rs);
    }
    brk_srv_reply(gs->srv, p, &b);
    cn_buf_fini(&b);
}

static const proto_t *member_proto(const member_t *m, const char *name) {
    int32_t i;
    for (i = 0; name && i < m->nprotos; i++)
        if (strcmp(m->protos[i].name, name) == 0)
            return &m->protos[i];
    return NULL;
}

static void reply_join(brk_groups_t *gs, group_t *g, member_t *m) {
    kp_JoinGroupResponse_t rs;
    kp_join_member_t *list = NULL;
    cn_buf_t b;
    kp_wr_t w = {&b, m->join_p.flex};
    memset(&rs, 0, sizeof(rs));
    rs.generation_id = g->generation;
    rs.protocol_name = kp_str_c(g->protocol);
    rs.leader = kp_str_c(g->leader);
    rs.member_id = kp_str_c(m->id);
    if (strcmp(m->id, g->leader) == 0 && (list = calloc(member_count(g), sizeof(*list)))) {
        member_t *o;
        for (o = g->members; o; o = o->next) {
            const proto_t *p = member_proto(o, g->protocol);
            list[rs.nmembers].member_id = kp_str_c(o->id);
            list[rs.nmembers].group_instance_id = kp_str_c(o->instance_id);
            list[rs.nmembers].metadata.p = p ? p->meta : NULL;
            list[rs.nmembers++].metadata.len = p ? p->len : 0;
        }
        rs.members = list;
    }
    cn_buf_init(&b, BRK_MAX_RESPONSE);
    kp_JoinGroupResponse_encode(&w, m->join_p.api_version, &rs);
    brk_srv_reply(gs->srv, &m->join_p, &b);
    cn_buf_fini(&b);
    free(list);
    m->join_pending = false;
}

static void reply_sync(brk_groups_t *gs, member_t *m) {
    kp_SyncGroupResponse_t rs;
    cn_buf_t b;
    kp_wr_t w = {&b, m->sync_p.flex};
    memset(&rs, 0, sizeof(rs));
    rs.assignment.p = m->assignment;
    rs.assignment.len = m->assignment ? m->assignment_len : 0;
    cn_buf_init(&b, BRK_MAX_RESPONSE);
    kp_SyncGroupResponse_encode(&w, m->sync_p.api_version, &rs);
    brk_srv_reply(gs->srv, &m->sync_p, &b);
    cn_buf_fini(&b);
    m->sync_pending = false;
}

/* ---- rebalancing ---- */

static void start_rebalance(brk_groups_t *gs, group_t *g, int64_t now) {
    int32_t max = 0;
    member_t *m;
    for (m = g->members; m; m = m->next) {
        if (m->sync_pending) {
            reply_error(gs, &m->sync_p, brk_kerr(CN_ERR_REBALANCE_IN_PROGRESS));
            m->sync_pending = false;
        }
        if (m->rebalance_timeout > max)
            max = m->rebalance_timeout;
    }
    if (g->state == G_EMPTY)
        g->hold_until = now + gs->srv->opts.group_initial_rebalance_delay_ms;
    if (g->state != G_PREPARING) {
        g->deadline = now + max;
        cn_log_info(gs->srv->log, "kafka: group %s: rebalance", g->id);
    }
    g->state = G_PREPARING;
}

/* Protocol every member supports, by vote of each member's first supported choice. */
static const char *choose_protocol(group_t *g) {
    const member_t *first = g->members, *m;
    const char *best = NULL;
    int32_t i, best_votes = -1;
    for (i = 0; first && i < first->nprotos; i++) {
        const char *cand = first->protos[i].name;
        int32_t votes = 0;
        bool all = true;
        for (m = g->members; m && all; m = m->next) {
            all = member_proto(m, cand) != NULL;
            if (all && m->nprotos > 0 && strcmp(m->protos[0].name, cand) == 0)
                votes++;
        }
        if (all && votes > best_votes) {
            best = cand;
            best_votes = votes;
        }
    }
    return best;
}

static void drop_member(group_t *g, member_t *victim) {
    member_t **pp = &g->members;
    while (*pp && *pp != victim)
        pp = &(*pp)->next;
    if (*pp)
        *pp = victim->next;
    member_free(victim);
}

static void complete_join(brk_groups_t *gs, group_t *g, int64_t now) {
    member_t *m, *next;
    const char *proto;
    for (m = g->members; m; m = next) {
        next = m->next;
        if (!m->join_pending)
            drop_member(g, m);
    }
    g->generation++;
    free(g->protocol);
    g->protocol = NULL;
    if (!g->members) {
        g->state = G_EMPTY;
        return;
    }
    proto = choose_protocol(g);
    g->protocol = proto ? strdup(proto) : strdup("");
    if (!g->leader || !member_find(g, kp_str_c(g->leader))) {
        free(g->leader);
        g->leader = strdup(g->members->id);
    }
    g->state = G_COMPLETING;
    cn_log_info(gs->srv->log, "kafka: group %s: generation %d with %zu members, protocol %s", g->id,
                (int)g->generation, member_count(g), g->protocol);
    for (m = g->members; m; m = m->next) {
        free(m->assignment);
        m->assignment = NULL;
        m->last_seen = now;
        reply_join(gs, g, m);
    }
}

/* Complete the join phase once every member re-joined (after the initial delay of a new
 * group), or at the deadline. */
static void try_complete_join(brk_groups_t *gs, group_t *g, int64_t now) {
    member_t *m;
    if (g->state != G_PREPARING)
        return;
    if (now < g->deadline) {
        if (now < g->hold_until)
            return;
        for (m = g->members; m; m = m->next)
            if (!m->join_pending)
                return;
    }
    complete_join(gs, g, now);
}

void brk_groups_tick(brk_groups_t *gs, int64_t now) {
    group_t *g;
    for (g = gs->groups; g; g = g->next) {
        member_t *m, *next;
        bool lost = false;
        for (m = g->members; m; m = next) {
            next = m->next;
            if (!m->join_pending && now - m->last_seen > m->session_timeout) {
                cn_log_info(gs->srv->log, "kafka: group %s: member %s timed out", g->id, m->id);
                if (m->sync_pending)
                    reply_error(gs, &m->sync_p, brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID));
                drop_member(g, m);
                lost = true;
            }
        }
        if (lost && g->state != G_PREPARING)
            start_rebalance(gs, g, now);
        try_complete_join(gs, g, now);
    }
}

/* ---- JoinGroup ---- */

static bool set_protocols(member_t *m, const kp_JoinGroupRequest_t *rq) {
    int32_t i;
    protos_free(m);
    m->protos = calloc((size_t)rq->nprotocols + 1, sizeof(*m->protos));
    if (!m->protos)
        return false;
    for (i = 0; i < rq->nprotocols; i++, m->nprotos++) {
        kp_bytes_t md = rq->protocols[i].metadata;
        proto_t *p = &m->protos[i];
        p->name = dup_str(rq->protocols[i].name);
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
            all = member_proto(m, name) != NULL;
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

static int16_t join(brk_req_t *req, const kp_JoinGroupRequest_t *rq) {
    brk_groups_t *gs = req->srv->groups;
    int64_t now = cn_mono_ms();
    int16_t code = join_check(req, rq);
    group_t *g = code ? NULL : group_get(gs, rq->group_id);
    member_t *m;
    if (code)
        return code;
    if (!g)
        return brk_kerr(CN_ERR_NO_MEMORY);
    if (!protocols_compatible(g, rq))
        return brk_kerr(CN_ERR_INCONSISTENT_GROUP_PROTOCOL);
    if (rq->member_id.p && rq->member_id.len > 0) {
        if (!(m = member_find(g, rq->member_id)))
            return brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID);
    } else if (!(m = new_member(gs, g, req->client_id))) {
        return brk_kerr(CN_ERR_NO_MEMORY);
    }
    if (!g->members->next || !g->protocol_type) {
        free(g->protocol_type);
        g->protocol_type = dup_str(rq->protocol_type);
    }
    if (!set_protocols(m, rq)) {
        drop_member(g, m);
        return brk_kerr(CN_ERR_NO_MEMORY);
    }
    free(m->instance_id);
    m->instance_id = rq->group_instance_id.p ? dup_str(rq->group_instance_id) : NULL;
    free(m->client_id);
    m->client_id = strdup(req->client_id);
    free(m->client_host);
    m->client_host = strdup(req->client_host);
    m->session_timeout = rq->session_timeout_ms;
    m->rebalance_timeout = rq->rebalance_timeout_ms;
    m->last_seen = now;
    if (m->join_pending) /* a re-sent join replaces the older one */
        reply_error(gs, &m->join_p, brk_kerr(CN_ERR_REBALANCE_IN_PROGRESS));
    m->join_pending = true;
    m->join_p = req->pending;
    cn_log_info(gs->srv->log, "kafka: group %s: member %s joins (v%d)", g->id, m->id,
                (int)req->hdr.api_version);
    start_rebalance(gs, g, now);
    try_complete_join(gs, g, now);
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
        member_t *m = member_find(g, rq->assignments[i].member_id);
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
    group_t *g = group_find(gs, rq->group_id);
    member_t *m = member_find(g, rq->member_id), *o;
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
        reply_sync(gs, m);
        return 0;
    }
    if (strcmp(m->id, g->leader) != 0)
        return 0; /* wait for the leader */
    store_assignments(g, rq);
    g->state = G_STABLE;
    for (o = g->members; o; o = o->next)
        if (o->sync_pending)
            reply_sync(gs, o);
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
    g = group_find(req->srv->groups, rq.group_id);
    m = member_find(g, rq.member_id);
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
    g = group_find(gs, rq.group_id);
    for (i = 0; i < rq.nmembers; i++) {
        member_t *m = member_find(g, rq.members[i].member_id);
        rq.members[i].error_code = m ? 0 : brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID);
        if (!m)
            continue;
        if (m->sync_pending)
            reply_error(gs, &m->sync_p, brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID));
        if (m->join_pending)
            reply_error(gs, &m->join_p, brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID));
        cn_log_info(gs->srv->log, "kafka: group %s: member %s leaves", g->id, m->id);
        drop_member(g, m);
        start_rebalance(gs, g, now);
        try_complete_join(gs, g, now);
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
    group_t *g = group_find(gs, group);
    member_t *m = member_find(g, member);
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

/* ---- administration (ListGroups, DescribeGroups, DeleteGroups) ---- */

static const char *state_name(gstate_t s) {
    switch (s) {
    case G_PREPARING:
        return "PreparingRebalance";
    case G_COMPLETING:
        return "CompletingRebalance";
    case G_STABLE:
        return "Stable";
    default:
        return "Empty";
    }
}

void brk_groups_each(brk_groups_t *gs, void (*fn)(void *arg, const char *group, const char *ptype),
                     void *arg) {
    group_t *g;
    for (g = gs->groups; g; g = g->next)
        fn(arg, g->id, g->protocol_type ? g->protocol_type : "");
}

static void describe_member(const group_t *g, const member_t *m, kp_dg_member_t *out) {
    const proto_t *p = member_proto(m, g->protocol);
    out->member_id = kp_str_c(m->id);
    out->group_instance_id = kp_str_c(m->instance_id);
    out->client_id = kp_str_c(m->client_id ? m->client_id : "");
    out->client_host = kp_str_c(m->client_host ? m->client_host : "");
    out->metadata.p = p ? p->meta : NULL;
    out->metadata.len = p ? p->len : 0;
    out->assignment.p = m->assignment;
    out->assignment.len = m->assignment ? m->assignment_len : 0;
}

void brk_group_describe(brk_groups_t *gs, kp_str_t id, kp_arena_t *arena, kp_dg_group_t *out) {
    group_t *g = group_find(gs, id);
    const member_t *m;
    memset(out, 0, sizeof(*out));
    out->group_id = id;
    out->state = kp_str_c(g ? state_name(g->state) : "Dead");
    out->protocol_type = kp_str_c(g && g->protocol_type ? g->protocol_type : "");
    out->protocol = kp_str_c(g && g->protocol && g->state == G_STABLE ? g->protocol : "");
    if (!g || !g->members)
        return;
    out->members = kp_arena_calloc(arena, member_count(g), sizeof(*out->members));
    for (m = g->members; out->members && m; m = m->next)
        describe_member(g, m, &out->members[out->nmembers++]);
}

int16_t brk_group_forget(brk_groups_t *gs, kp_str_t id) {
    group_t **pp = &gs->groups;
    while (*pp && !kp_str_eq(id, (*pp)->id))
        pp = &(*pp)->next;
    if (!*pp)
        return 0;
    if ((*pp)->members)
        return brk_kerr(CN_ERR_GROUP_NOT_EMPTY);
    {
        group_t *g = *pp;
        *pp = g->next;
        group_free(g);
    }
    return 0;
}
