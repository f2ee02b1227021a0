/* SPDX-License-Identifier: Apache-2.0
 *
 * CreateTopics and DeleteTopics handlers (kafka.apache.org/protocol.html#The_Messages_CreateTopics,
 * #The_Messages_DeleteTopics). Topics are created synchronously with the given configs
 * (validate-only supported); a single node accepts replication factor 1 or -1 only. `_schemas` (the
 * registry's store) and the broker's internal topics cannot be deleted by a client:
 * POLICY_VIOLATION.
 */
#include "broker/server/brk_server_int.h"

#include <string.h>

static bool protected_topic(const char *name) {
    return strcmp(name, BRK_SCHEMAS_TOPIC) == 0 || strcmp(name, BRK_OFFSETS_TOPIC) == 0 ||
           strcmp(name, BRK_PIDS_TOPIC) == 0;
}

static cn_err_t topic_config(brk_srv_t *srv, const kp_ct_topic_t *t, brk_topic_config_t *cfg,
                             cn_error_t *err) {
    char name[256], value[4096];
    int32_t i;
    brk_topic_config_defaults(cfg);
    cfg->partitions = t->num_partitions == -1 ? srv->opts.default_partitions : t->num_partitions;
    if (t->nassignments > 0 && t->num_partitions == -1)
        cfg->partitions = t->nassignments;
    if (cfg->partitions < 1)
        return cn_error_set(err, CN_ERR_INVALID_PARTITIONS,
                            "Number of partitions must be larger "
                            "than 0.");
    if (t->replication_factor != -1 && t->replication_factor != 1)
        return cn_error_set(err, CN_ERR_INVALID_REPLICATION_FACTOR,
                            "Replication factor must be 1 on this single-node broker.");
    for (i = 0; i < t->nconfigs; i++) {
        cn_err_t rc;
        if (!kp_str_copy(t->configs[i].name, name, sizeof(name)))
            return cn_error_set(err, CN_ERR_INVALID_CONFIG, "bad config name");
        if (!t->configs[i].value.p)
            continue;
        if (!kp_str_copy(t->configs[i].value, value, sizeof(value)))
            return cn_error_set(err, CN_ERR_INVALID_CONFIG, "bad value for %s", name);
        if (strcmp(name, "compression.type") == 0 && strcmp(value, "producer") == 0)
            continue;
        rc = brk_topic_config_set(cfg, name, value, err);
        if (rc != CN_OK)
            return rc;
    }
    return CN_OK;
}

static void create_one(brk_req_t *req, const kp_ct_topic_t *t, bool validate_only,
                       kp_topic_result_t *out) {
    char name[BRK_TOPIC_MAX + 1];
    brk_topic_config_t cfg, old;
    cn_error_t err;
    cn_err_t rc;
    out->name = t->name;
    cn_error_clear(&err);
    rc = brk_topic_name(t->name, name, sizeof(name));
    if (rc != CN_OK)
        cn_error_set(&err, rc, "Topic name is illegal");
    if (rc == CN_OK && brk_topic_describe(req->srv->logs, name, &old, NULL) == CN_OK)
        rc = cn_error_set(&err, CN_ERR_TOPIC_EXISTS, "Topic '%s' already exists.", name);
    if (rc == CN_OK)
        rc = topic_config(req->srv, t, &cfg, &err);
    if (rc == CN_OK && !validate_only)
        rc = brk_topic_create(req->srv->logs, name, &cfg, &err);
    out->error_code = brk_kerr(rc);
    if (rc != CN_OK)
        out->error_message = kp_arena_strndup(req->arena, err.msg, strlen(err.msg));
    else if (!validate_only)
        cn_log_info(req->srv->log, "kafka: created topic %s (%d partitions)", name,
                    (int)cfg.partitions);
}

brk_hres_t brk_create_topics_handle(brk_req_t *req) {
    kp_CreateTopicsRequest_t rq;
    kp_TopicResultsResponse_t rs;
    int32_t i;
    if (kp_CreateTopicsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.topics = kp_arena_calloc(req->arena, (size_t)rq.ntopics + 1, sizeof(*rs.topics));
    for (i = 0; rs.topics && i < rq.ntopics; i++)
        create_one(req, &rq.topics[i], rq.validate_only, &rs.topics[rs.ntopics++]);
    kp_CreateTopicsResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

static int16_t delete_one(brk_req_t *req, kp_str_t s) {
    char name[BRK_TOPIC_MAX + 1];
    cn_error_t err;
    cn_err_t rc = brk_topic_name(s, name, sizeof(name));
    if (rc != CN_OK)
        return brk_kerr(CN_ERR_UNKNOWN_TOPIC);
    if (protected_topic(name)) {
        cn_log_warn(req->srv->log, "kafka: refused to delete topic %s: it belongs to the %s", name,
                    strcmp(name, BRK_SCHEMAS_TOPIC) == 0 ? "schema registry" : "broker");
        return brk_kerr(CN_ERR_POLICY_VIOLATION);
    }
    rc = brk_topic_delete(req->srv->logs, name, &err);
    if (rc == CN_OK)
        cn_log_info(req->srv->log, "kafka: deleted topic %s", name);
    return brk_kerr(rc);
}

brk_hres_t brk_delete_topics_handle(brk_req_t *req) {
    kp_DeleteTopicsRequest_t rq;
    kp_TopicResultsResponse_t rs;
    int32_t i;
    if (kp_DeleteTopicsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.topics = kp_arena_calloc(req->arena, (size_t)rq.nnames + 1, sizeof(*rs.topics));
    for (i = 0; rs.topics && i < rq.nnames; i++) {
        rs.topics[i].name = rq.names[i];
        rs.topics[i].error_code = delete_one(req, rq.names[i]);
        rs.ntopics++;
    }
    kp_DeleteTopicsResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}
