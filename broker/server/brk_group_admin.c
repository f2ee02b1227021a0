/* SPDX-License-Identifier: Apache-2.0
 *
 * ListGroups, DescribeGroups and DeleteGroups handlers. Listed groups are the ones the
 * coordinator holds in memory plus every group with committed offsets (protocol type "" for
 * those, as Kafka shows offset-only groups). DeleteGroups refuses groups with live members
 * (GROUP_NOT_EMPTY) and removes the offsets of the others with tombstones.
 */
#include "broker/server/brk_server_int.h"

#include <string.h>

typedef struct lg_ctx {
    kp_arena_t *arena;
    kp_lg_group_t *groups;
    int32_t n, cap;
} lg_ctx_t;

static bool lg_has(const lg_ctx_t *c, const char *group) {
    int32_t i;
    for (i = 0; i < c->n; i++)
        if (kp_str_eq(c->groups[i].group_id, group))
            return true;
    return false;
}

static void lg_add(lg_ctx_t *c, const char *group, const char *ptype) {
    if (lg_has(c, group))
        return;
    if (c->n == c->cap) {
        kp_lg_group_t *g = kp_arena_calloc(c->arena, (size_t)c->cap * 2 + 16, sizeof(*g));
        if (!g)
            return;
        if (c->n)
            memcpy(g, c->groups, (size_t)c->n * sizeof(*g));
        c->groups = g;
        c->cap = c->cap * 2 + 16;
    }
    c->groups[c->n].group_id = kp_str_c(kp_arena_strndup(c->arena, group, strlen(group)));
    c->groups[c->n++].protocol_type = kp_str_c(kp_arena_strndup(c->arena, ptype, strlen(ptype)));
}

static void lg_member_group(void *arg, const char *group, const char *ptype) {
    lg_add(arg, group, ptype);
}

static void lg_offset_group(void *arg, const char *group) {
    lg_add(arg, group, "");
}

brk_hres_t brk_list_groups_handle(brk_req_t *req) {
    kp_ListGroupsResponse_t rs;
    lg_ctx_t c = {req->arena, NULL, 0, 0};
    if (kp_ListGroupsRequest_decode(&req->rd, req->hdr.api_version, NULL) != CN_OK)
        return BRK_CLOSE;
    brk_groups_each(req->srv->groups, lg_member_group, &c);
    brk_offsets_groups(req->srv->offsets, lg_offset_group, &c);
    memset(&rs, 0, sizeof(rs));
    rs.groups = c.groups;
    rs.ngroups = c.n;
    kp_ListGroupsResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

static void found(void *arg, const char *topic, int32_t partition) {
    (void)topic;
    (void)partition;
    *(bool *)arg = true;
}

/* A group known only by its committed offsets is "Empty", as Kafka shows it. */
static void offsets_only(brk_req_t *req, kp_dg_group_t *g) {
    char group[256];
    bool has = false;
    if (!kp_str_eq(g->state, "Dead") || !kp_str_copy(g->group_id, group, sizeof(group)))
        return;
    brk_offsets_each(req->srv->offsets, group, found, &has);
    if (has)
        g->state = kp_str_c("Empty");
}

brk_hres_t brk_describe_groups_handle(brk_req_t *req) {
    kp_GroupsRequest_t rq;
    kp_DescribeGroupsResponse_t rs;
    int32_t i;
    if (kp_DescribeGroupsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.groups = kp_arena_calloc(req->arena, (size_t)rq.ngroups + 1, sizeof(*rs.groups));
    for (i = 0; rs.groups && i < rq.ngroups; i++) {
        brk_group_describe(req->srv->groups, rq.groups[i], req->arena, &rs.groups[i]);
        offsets_only(req, &rs.groups[rs.ngroups++]);
    }
    kp_DescribeGroupsResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

static int16_t delete_group(brk_req_t *req, kp_str_t id) {
    char group[256];
    cn_error_t err;
    cn_err_t rc;
    int16_t code;
    if (!kp_str_copy(id, group, sizeof(group)) || group[0] == '\0')
        return brk_kerr(CN_ERR_INVALID_GROUP_ID);
    if ((code = brk_group_forget(req->srv->groups, id)) != 0)
        return code;
    rc = brk_offsets_delete_group(req->srv->offsets, group, req->now_ms, &err);
    if (rc == CN_OK)
        cn_log_info(req->srv->log, "kafka: deleted group %s", group);
    return brk_kerr(rc);
}

brk_hres_t brk_delete_groups_handle(brk_req_t *req) {
    kp_GroupsRequest_t rq;
    kp_DeleteGroupsResponse_t rs;
    int32_t i;
    if (kp_DeleteGroupsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.results = kp_arena_calloc(req->arena, (size_t)rq.ngroups + 1, sizeof(*rs.results));
    for (i = 0; rs.results && i < rq.ngroups; i++) {
        rs.results[i].group_id = rq.groups[i];
        rs.results[i].error_code = delete_group(req, rq.groups[i]);
        rs.nresults++;
    }
    kp_DeleteGroupsResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}
