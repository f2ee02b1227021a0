/* SPDX-License-Identifier: Apache-2.0
 *
 * OffsetCommit and OffsetFetch handlers (kafka.apache.org/protocol.html#The_Messages_OffsetCommit,
 * #The_Messages_OffsetFetch). Commits from group members
 * are checked against the coordinator (generation, member id, rebalance state); commits from
 * assign()-only consumers (generation -1, empty member id, no live members) are accepted. All
 * partitions of one request are made durable with one append to `__consumer_offsets`.
 */
#include "broker/server/brk_server_int.h"

#include <stdlib.h>
#include <string.h>

#define METADATA_MAX 4096

static int16_t check_partition(brk_req_t *req, kp_str_t topic, char *name, int32_t partition) {
    brk_topic_config_t cfg;
    if (brk_topic_name(topic, name, BRK_TOPIC_MAX + 1) != CN_OK)
        return brk_kerr(CN_ERR_UNKNOWN_TOPIC);
    if (brk_topic_describe(req->srv->logs, name, &cfg, NULL) != CN_OK || partition < 0 ||
        partition >= cfg.partitions)
        return brk_kerr(CN_ERR_UNKNOWN_TOPIC);
    return 0;
}

static size_t collect(brk_req_t *req, kp_OffsetCommitRequest_t *rq, int16_t group_err,
                      brk_offset_item_t *items) {
    size_t n = 0;
    int32_t i, j;
    for (i = 0; i < rq->ntopics; i++) {
        kp_oc_topic_t *t = &rq->topics[i];
        char *name = kp_arena_calloc(req->arena, BRK_TOPIC_MAX + 1, 1);
        for (j = 0; name && j < t->nparts; j++) {
            kp_oc_part_t *p = &t->parts[j];
            p->error_code =
                group_err ? group_err : check_partition(req, t->name, name, p->partition_index);
            if (!p->error_code && p->committed_metadata.len > METADATA_MAX)
                p->error_code = brk_kerr(CN_ERR_OFFSET_METADATA_TOO_LARGE);
            if (p->error_code)
                continue;
            items[n].topic = name;
            items[n].partition = p->partition_index;
            items[n].offset = p->committed_offset;
            items[n].leader_epoch = p->committed_leader_epoch;
            items[n++].metadata = p->committed_metadata;
        }
    }
    return n;
}

static void fail_stored(kp_OffsetCommitRequest_t *rq, int16_t code) {
    int32_t i, j;
    for (i = 0; i < rq->ntopics; i++)
        for (j = 0; j < rq->topics[i].nparts; j++)
            if (rq->topics[i].parts[j].error_code == 0)
                rq->topics[i].parts[j].error_code = code;
}

brk_hres_t brk_offset_commit_handle(brk_req_t *req) {
    kp_OffsetCommitRequest_t rq;
    kp_OffsetCommitResponse_t rs;
    char group[256];
    brk_offset_item_t *items;
    int16_t group_err = 0;
    size_t total = 0, n;
    cn_error_t err;
    int32_t i;
    if (kp_OffsetCommitRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    for (i = 0; i < rq.ntopics; i++)
        total += (size_t)rq.topics[i].nparts;
    if (!kp_str_copy(rq.group_id, group, sizeof(group)) || group[0] == '\0')
        group_err = brk_kerr(CN_ERR_INVALID_GROUP_ID);
    else
        brk_group_commit_allowed(req->srv->groups, rq.group_id, rq.generation_id, rq.member_id,
                                 &group_err);
    if (group_err)
        cn_log_info(req->srv->log, "kafka: offset commit for group %s refused (error %d)", group,
                    (int)group_err);
    items = kp_arena_calloc(req->arena, total + 1, sizeof(*items));
    n = items ? collect(req, &rq, group_err, items) : 0;
    if (n && brk_offsets_commit(req->srv->offsets, group, items, n, req->now_ms, &err) != CN_OK) {
        cn_log_error(req->srv->log, "kafka: offset commit for %s failed: %s", group, err.msg);
        fail_stored(&rq, brk_kerr(err.code));
    }
    memset(&rs, 0, sizeof(rs));
    rs.topics = rq.topics;
    rs.ntopics = rq.ntopics;
    kp_OffsetCommitResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

/* ---- OffsetFetch ---- */

typedef struct tp_list {
    kp_arena_t *arena;
    kp_oc_topic_t *topics;
    int32_t ntopics, cap;
} tp_list_t;

static kp_oc_topic_t *tp_topic(tp_list_t *l, const char *topic) {
    int32_t i;
    for (i = 0; i < l->ntopics; i++)
        if (kp_str_eq(l->topics[i].name, topic))
            return &l->topics[i];
    if (l->ntopics == l->cap) {
        kp_oc_topic_t *n = kp_arena_calloc(l->arena, (size_t)l->cap * 2 + 8, sizeof(*n));
        if (!n)
            return NULL;
        if (l->ntopics)
            memcpy(n, l->topics, (size_t)l->ntopics * sizeof(*n));
        l->topics = n;
        l->cap = l->cap * 2 + 8;
    }
    l->topics[l->ntopics].name = kp_str_c(kp_arena_strndup(l->arena, topic, strlen(topic)));
    return &l->topics[l->ntopics++];
}

static void tp_add(void *arg, const char *topic, int32_t partition) {
    tp_list_t *l = arg;
    kp_oc_topic_t *t = tp_topic(l, topic);
    kp_oc_part_t *n;
    if (!t)
        return;
    n = kp_arena_calloc(l->arena, (size_t)t->nparts + 1, sizeof(*n));
    if (!n)
        return;
    if (t->nparts)
        memcpy(n, t->parts, (size_t)t->nparts * sizeof(*n));
    n[t->nparts].partition_index = partition;
    t->parts = n;
    t->nparts++;
}

static void fill_part(brk_req_t *req, const char *group, kp_str_t topic, kp_oc_part_t *p) {
    char name[BRK_TOPIC_MAX + 1];
    const char *md = "";
    p->committed_offset = -1;
    p->committed_leader_epoch = -1;
    if (kp_str_copy(topic, name, sizeof(name)))
        p->committed_offset = brk_offsets_get(req->srv->offsets, group, name, p->partition_index,
                                              &p->committed_leader_epoch, &md);
    p->committed_metadata = kp_str_c(md);
    p->error_code = 0;
}

static void requested(brk_req_t *req, const kp_OffsetFetchRequest_t *rq, tp_list_t *l) {
    int32_t i, j;
    l->topics = kp_arena_calloc(req->arena, (size_t)rq->ntopics + 1, sizeof(*l->topics));
    for (i = 0; l->topics && i < rq->ntopics; i++) {
        kp_oc_topic_t *t = &l->topics[l->ntopics++];
        t->name = rq->topics[i].name;
        t->parts =
            kp_arena_calloc(req->arena, (size_t)rq->topics[i].npartitions + 1, sizeof(*t->parts));
        for (j = 0; t->parts && j < rq->topics[i].npartitions; j++)
            t->parts[t->nparts++].partition_index = rq->topics[i].partitions[j];
    }
}

brk_hres_t brk_offset_fetch_handle(brk_req_t *req) {
    kp_OffsetFetchRequest_t rq;
    kp_OffsetFetchResponse_t rs;
    tp_list_t l = {req->arena, NULL, 0, 0};
    char group[256];
    int32_t i, j;
    if (kp_OffsetFetchRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    if (!kp_str_copy(rq.group_id, group, sizeof(group)) || group[0] == '\0') {
        rs.error_code = brk_kerr(CN_ERR_INVALID_GROUP_ID);
    } else {
        if (rq.ntopics < 0)
            brk_offsets_each(req->srv->offsets, group, tp_add, &l);
        else
            requested(req, &rq, &l);
        for (i = 0; i < l.ntopics; i++)
            for (j = 0; j < l.topics[i].nparts; j++)
                fill_part(req, group, l.topics[i].name, &l.topics[i].parts[j]);
        rs.topics = l.topics;
        rs.ntopics = l.ntopics;
    }
    kp_OffsetFetchResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}
