/* SPDX-License-Identifier: Apache-2.0
 *
 * DeleteRecords, CreatePartitions and AlterConfigs handlers. DeleteRecords moves the log start
 * offset (-1 = the high watermark). CreatePartitions grows a topic (never shrinks). AlterConfigs
 * changes the given topic configs (a null value resets one to its default); configs not named
 * keep their values. Internal topics and `_schemas` cannot be truncated or altered here.
 */
#include "broker/server/brk_server_int.h"

#include <string.h>

#define RES_TOPIC 2

static bool protected_topic(const char *name) {
    return strcmp(name, BRK_SCHEMAS_TOPIC) == 0 || strcmp(name, BRK_OFFSETS_TOPIC) == 0 ||
           strcmp(name, BRK_PIDS_TOPIC) == 0;
}

static void delete_part(brk_req_t *req, const char *topic, kp_dr_part_t *p) {
    brk_partition_t *part = brk_partition_get(req->srv->logs, topic, p->partition_index, NULL);
    int64_t start, hw, to;
    cn_err_t rc;
    if (!part) {
        p->error_code = brk_kerr(CN_ERR_UNKNOWN_TOPIC);
        return;
    }
    brk_partition_offsets(part, &start, &hw);
    to = p->offset == -1 ? hw : p->offset;
    if (to < 0 || to > hw)
        rc = CN_ERR_OFFSET_OUT_OF_RANGE;
    else
        rc = to > start ? brk_partition_delete_records(part, to, NULL) : CN_OK;
    brk_partition_offsets(part, &start, &hw);
    brk_partition_put(part);
    p->low_watermark = start;
    p->error_code = brk_kerr(rc);
}

brk_hres_t brk_delete_records_handle(brk_req_t *req) {
    kp_DeleteRecordsRequest_t rq;
    char name[BRK_TOPIC_MAX + 1];
    int32_t i, j;
    if (kp_DeleteRecordsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    for (i = 0; i < rq.ntopics; i++) {
        kp_dr_topic_t *t = &rq.topics[i];
        bool ok = brk_topic_name(t->name, name, sizeof(name)) == CN_OK;
        for (j = 0; j < t->nparts; j++) {
            if (ok && !protected_topic(name))
                delete_part(req, name, &t->parts[j]);
            else
                t->parts[j].error_code =
                    brk_kerr(ok ? CN_ERR_POLICY_VIOLATION : CN_ERR_UNKNOWN_TOPIC);
        }
    }
    kp_DeleteRecordsResponse_encode(&req->w, req->hdr.api_version, 0, &rq);
    return BRK_REPLY;
}

static void grow_topic(brk_req_t *req, const kp_cp_topic_t *t, bool validate_only,
                       kp_topic_result_t *out) {
    char name[BRK_TOPIC_MAX + 1];
    brk_topic_config_t cfg;
    cn_error_t err;
    cn_err_t rc = brk_topic_name(t->name, name, sizeof(name));
    cn_error_clear(&err);
    out->name = t->name;
    if (rc == CN_OK)
        rc = brk_topic_describe(req->srv->logs, name, &cfg, &err);
    else
        cn_error_set(&err, rc, "Topic name is illegal");
    if (rc == CN_OK && protected_topic(name))
        rc = cn_error_set(&err, CN_ERR_POLICY_VIOLATION, "%s cannot get more partitions", name);
    if (rc == CN_OK && t->count <= cfg.partitions)
        rc = cn_error_set(&err, CN_ERR_INVALID_PARTITIONS,
                          "Topic currently has %d partitions, which is higher than or equal to "
                          "the requested %d.",
                          (int)cfg.partitions, (int)t->count);
    if (rc == CN_OK && !validate_only)
        rc = brk_topic_add_partitions(req->srv->logs, name, t->count, &err);
    out->error_code = brk_kerr(rc);
    if (rc != CN_OK)
        out->error_message = kp_arena_strndup(req->arena, err.msg, strlen(err.msg));
}

brk_hres_t brk_create_partitions_handle(brk_req_t *req) {
    kp_CreatePartitionsRequest_t rq;
    kp_TopicResultsResponse_t rs;
    int32_t i;
    if (kp_CreatePartitionsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.topics = kp_arena_calloc(req->arena, (size_t)rq.ntopics + 1, sizeof(*rs.topics));
    for (i = 0; rs.topics && i < rq.ntopics; i++)
        grow_topic(req, &rq.topics[i], rq.validate_only, &rs.topics[rs.ntopics++]);
    kp_CreatePartitionsResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

/* Validate every pair on a copy of the config, then apply them in one durable change. */
static cn_err_t alter_topic(brk_req_t *req, const char *topic, const kp_ac_resource_t *res,
                            bool validate_only, cn_error_t *err) {
    brk_topic_config_t cfg;
    const char **names = kp_arena_calloc(req->arena, (size_t)res->nconfigs + 1, sizeof(char *));
    const char **values = kp_arena_calloc(req->arena, (size_t)res->nconfigs + 1, sizeof(char *));
    int32_t i;
    cn_err_t rc = brk_topic_describe(req->srv->logs, topic, &cfg, err);
    if (rc == CN_OK && (!names || !values))
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (i = 0; rc == CN_OK && i < res->nconfigs; i++) {
        kp_str_t n = res->configs[i].name, v = res->configs[i].value;
        names[i] = n.p ? kp_arena_strndup(req->arena, n.p, (size_t)n.len) : NULL;
        values[i] = v.p ? kp_arena_strndup(req->arena, v.p, (size_t)v.len) : NULL;
        if (!names[i])
            rc = cn_error_set(err, CN_ERR_INVALID_CONFIG, "config without a name");
        else if (values[i])
            rc = brk_topic_config_set(&cfg, names[i], values[i], err);
    }
    if (rc == CN_OK && !validate_only)
        rc = brk_topic_alter(req->srv->logs, topic, names, values, (size_t)res->nconfigs, err);
    return rc;
}

brk_hres_t brk_alter_configs_handle(brk_req_t *req) {
    kp_AlterConfigsRequest_t rq;
    char name[BRK_TOPIC_MAX + 1];
    int32_t i;
    if (kp_AlterConfigsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    for (i = 0; i < rq.nresources; i++) {
        kp_ac_resource_t *res = &rq.resources[i];
        cn_error_t err;
        cn_err_t rc;
        cn_error_clear(&err);
        if (res->resource_type != RES_TOPIC)
            rc = cn_error_set(&err, CN_ERR_INVALID_REQUEST, "only topic configs can be altered");
        else if ((rc = brk_topic_name(res->resource_name, name, sizeof(name))) != CN_OK)
            cn_error_set(&err, rc, "Topic name is illegal");
        else if (protected_topic(name))
            rc = cn_error_set(&err, CN_ERR_POLICY_VIOLATION, "%s configs cannot be altered", name);
        else
            rc = alter_topic(req, name, res, rq.validate_only, &err);
        res->error_code = brk_kerr(rc);
        res->error_message =
            rc == CN_OK ? NULL : kp_arena_strndup(req->arena, err.msg, strlen(err.msg));
    }
    kp_AlterConfigsResponse_encode(&req->w, req->hdr.api_version, 0, &rq);
    return BRK_REPLY;
}
