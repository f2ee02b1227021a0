/* SPDX-License-Identifier: Apache-2.0
 *
 * The classic group coordinator (as Kafka's GroupCoordinator and GroupMetadata; KIP-62 for the
 * rebalance timeout, KIP-394 for MEMBER_ID_REQUIRED): groups move Empty -> PreparingRebalance ->
 * CompletingRebalance -> Stable. A JoinGroup starts a rebalance and waits (deferred answer) until
 * every known member has re-joined or the rebalance timeout passes; then the protocol is chosen by
 * vote, the generation bumped, the leader gets the member list, and SyncGroup hands out the
 * leader's assignments. Members that miss their session timeout are dropped and the group
 * rebalances. Static membership (group_instance_id) is accepted and treated as dynamic membership.
 * Group state lives in memory only: after a restart members re-join (their heartbeats get
 * UNKNOWN_MEMBER_ID) and resume from the committed offsets.
 */
#include "broker/server/brk_group_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_time.h"

char *brk_grp_dup_str(kp_str_t s) {
    char *d = malloc(s.p && s.len > 0 ? (size_t)s.len + 1 : 1);
    if (!d)
        return NULL;
    if (s.p && s.len > 0)
        memcpy(d, s.p, (size_t)s.len);
    d[s.p && s.len > 0 ? s.len : 0] = '\0';
    return d;
}

void brk_grp_protos_free(member_t *m) {
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
    brk_grp_protos_free(m);
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

group_t *brk_grp_group_find(brk_groups_t *gs, kp_str_t id) {
    group_t *g;
    for (g = gs->groups; g; g = g->next)
        if (kp_str_eq(id, g->id))
            return g;
    return NULL;
}

group_t *brk_grp_group_get(brk_groups_t *gs, kp_str_t id) {
    group_t *g = brk_grp_group_find(gs, id);
    if (g)
        return g;
    g = calloc(1, sizeof(*g));
    if (!g || !(g->id = brk_grp_dup_str(id))) {
        free(g);
        return NULL;
    }
    g->next = gs->groups;
    gs->groups = g;
    return g;
}

member_t *brk_grp_member_find(group_t *g, kp_str_t id) {
    member_t *m;
    if (!g)
        return NULL;
    for (m = g->members; m; m = m->next)
        if (kp_str_eq(id, m->id))
            return m;
    return NULL;
}

size_t brk_grp_member_count(const group_t *g) {
    size_t n = 0;
    const member_t *m;
    for (m = g->members; m; m = m->next)
        n++;
    return n;
}

/* ---- answers ---- */

void brk_grp_reply_error(brk_groups_t *gs, const brk_pending_t *p, int16_t code) {
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

const proto_t *brk_grp_member_proto(const member_t *m, const char *name) {
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
    if (strcmp(m->id, g->leader) == 0 && (list = calloc(brk_grp_member_count(g), sizeof(*list)))) {
        member_t *o;
        for (o = g->members; o; o = o->next) {
            const proto_t *p = brk_grp_member_proto(o, g->protocol);
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

void brk_grp_reply_sync(brk_groups_t *gs, member_t *m) {
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

void brk_grp_start_rebalance(brk_groups_t *gs, group_t *g, int64_t now) {
    int32_t max = 0;
    member_t *m;
    for (m = g->members; m; m = m->next) {
        if (m->sync_pending) {
            brk_grp_reply_error(gs, &m->sync_p, brk_kerr(CN_ERR_REBALANCE_IN_PROGRESS));
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
            all = brk_grp_member_proto(m, cand) != NULL;
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

void brk_grp_drop_member(group_t *g, member_t *victim) {
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
            brk_grp_drop_member(g, m);
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
    if (!g->leader || !brk_grp_member_find(g, kp_str_c(g->leader))) {
        free(g->leader);
        g->leader = strdup(g->members->id);
    }
    g->state = G_COMPLETING;
    cn_log_info(gs->srv->log, "kafka: group %s: generation %d with %zu members, protocol %s", g->id,
                (int)g->generation, brk_grp_member_count(g), g->protocol);
    for (m = g->members; m; m = m->next) {
        free(m->assignment);
        m->assignment = NULL;
        m->last_seen = now;
        reply_join(gs, g, m);
    }
}

/* Complete the join phase once every member re-joined (after the initial delay of a new
 * group), or at the deadline. */
void brk_grp_try_complete_join(brk_groups_t *gs, group_t *g, int64_t now) {
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
                    brk_grp_reply_error(gs, &m->sync_p, brk_kerr(CN_ERR_UNKNOWN_MEMBER_ID));
                brk_grp_drop_member(g, m);
                lost = true;
            }
        }
        if (lost && g->state != G_PREPARING)
            brk_grp_start_rebalance(gs, g, now);
        brk_grp_try_complete_join(gs, g, now);
    }
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
    const proto_t *p = brk_grp_member_proto(m, g->protocol);
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
    group_t *g = brk_grp_group_find(gs, id);
    const member_t *m;
    memset(out, 0, sizeof(*out));
    out->group_id = id;
    out->state = kp_str_c(g ? state_name(g->state) : "Dead");
    out->protocol_type = kp_str_c(g && g->protocol_type ? g->protocol_type : "");
    out->protocol = kp_str_c(g && g->protocol && g->state == G_STABLE ? g->protocol : "");
    if (!g || !g->members)
        return;
    out->members = kp_arena_calloc(arena, brk_grp_member_count(g), sizeof(*out->members));
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
