/* SPDX-License-Identifier: Apache-2.0
 *
 * Metadata handler (kafka.apache.org/protocol.html#The_Messages_Metadata): this node is the only
 * broker, the controller and every partition's leader. Unknown topics are created on the spot when
 * auto.create.topics.enable and the request allow it; otherwise UNKNOWN_TOPIC_OR_PARTITION. Bad
 * names: INVALID_TOPIC.
 */
#include "broker/server/brk_server_int.h"

#include <stdlib.h>
#include <string.h>

static bool topic_internal(const char *name) {
    return strcmp(name, BRK_OFFSETS_TOPIC) == 0 || strcmp(name, BRK_PIDS_TOPIC) == 0;
}

static void fill_partitions(brk_req_t *req, kp_md_topic_t *t, int32_t n) {
    int32_t i, *node = kp_arena_calloc(req->arena, 1, sizeof(int32_t));
    t->partitions = kp_arena_calloc(req->arena, (size_t)n, sizeof(*t->partitions));
    if (!t->partitions || !node) {
        t->error_code = brk_kerr(CN_ERR_NO_MEMORY);
        return;
    }
    *node = req->srv->opts.node_id;
    t->npartitions = n;
    for (i = 0; i < n; i++) {
        kp_md_partition_t *p = &t->partitions[i];
        p->partition_index = i;
        p->leader_id = *node;
        p->leader_epoch = 0;
        p->replicas = p->isr = node;
        p->nreplicas = p->nisr = 1;
    }
}

static void describe_topic(brk_req_t *req, kp_md_topic_t *t, const char *name, bool may_create) {
    brk_topic_config_t cfg;
    cn_err_t rc;
    t->name = kp_str_c(kp_arena_strndup(req->arena, name, strlen(name)));
    t->topic_authorized_operations = KP_AUTH_OPS_NONE;
    t->is_internal = topic_internal(name);
    if (!brk_topic_name_valid(name)) {
        t->error_code = brk_kerr(CN_ERR_INVALID_TOPIC);
        return;
    }
    rc = brk_topic_describe(req->srv->logs, name, &cfg, NULL);
    if (rc == CN_ERR_UNKNOWN_TOPIC && may_create && req->srv->opts.auto_create_topics) {
        rc = brk_srv_auto_create(req->srv, name, NULL);
        if (rc == CN_OK)
            rc = brk_topic_describe(req->srv->logs, name, &cfg, NULL);
    }
    t->error_code = brk_kerr(rc);
    if (rc == CN_OK)
        fill_partitions(req, t, cfg.partitions);
}

static void all_topics(brk_req_t *req, kp_MetadataResponse_t *rs) {
    char **names = NULL;
    size_t n = 0, i;
    if (brk_topic_list(req->srv->logs, &names, &n, NULL) != CN_OK)
        n = 0;
    rs->topics = kp_arena_calloc(req->arena, n ? n : 1, sizeof(*rs->topics));
    for (i = 0; rs->topics && i < n; i++)
        describe_topic(req, &rs->topics[rs->ntopics++], names[i], false);
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void named_topics(brk_req_t *req, const kp_MetadataRequest_t *rq,
                         kp_MetadataResponse_t *rs) {
    char name[BRK_TOPIC_MAX + 1];
    int32_t i;
    rs->topics = kp_arena_calloc(req->arena, (size_t)rq->ntopics + 1, sizeof(*rs->topics));
    for (i = 0; rs->topics && i < rq->ntopics; i++) {
        if (!kp_str_copy(rq->topics[i], name, sizeof(name))) {
            rs->topics[rs->ntopics].name = rq->topics[i];
            rs->topics[rs->ntopics].topic_authorized_operations = KP_AUTH_OPS_NONE;
            rs->topics[rs->ntopics++].error_code = brk_kerr(CN_ERR_INVALID_TOPIC);
            continue;
        }
        describe_topic(req, &rs->topics[rs->ntopics++], name, rq->allow_auto_topic_creation);
    }
}

brk_hres_t brk_metadata_handle(brk_req_t *req) {
    kp_MetadataRequest_t rq;
    kp_MetadataResponse_t rs;
    kp_md_broker_t self;
    if (kp_MetadataRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    self.node_id = req->srv->opts.node_id;
    self.host = req->srv->adv_host;
    self.port = req->srv->adv_port;
    self.rack = NULL;
    rs.brokers = &self;
    rs.nbrokers = 1;
    rs.cluster_id = req->srv->opts.cluster_id;
    rs.controller_id = req->srv->opts.node_id;
    rs.cluster_authorized_operations = KP_AUTH_OPS_NONE;
    if (rq.ntopics < 0)
        all_topics(req, &rs);
    else
        named_topics(req, &rq, &rs);
    kp_MetadataResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}
