/* SPDX-License-Identifier: Apache-2.0
 *
 * The API table (docs/kafka.md, APIs and versions; the ranges meet librdkafka's feature checks in
 * its src/rdkafka_feature.c): the one source of supported versions, from which ApiVersions is
 * built. Dispatch: request header, version check before anything is decoded (unknown keys and
 * versions are answered UNSUPPORTED_VERSION and never dispatched; ApiVersions newer than ours gets
 * the v0-layout fallback that Kafka's RequestContext and ApiVersionsRequest.getErrorResponse send),
 * then the handler, then the response header. Also the small helpers every handler shares.
 */
#include "broker/server/brk_server_int.h"

#include <stdio.h>
#include <string.h>

#include "common/cn_time.h"

#define NOFLEX INT16_MAX

/* [key] = {min, max, first flexible, first served, handler} */
static const brk_api_t api_table[KP_API_KEY_MAX] = {
    [KP_PRODUCE] = {0, 7, NOFLEX, 3, brk_produce_handle},
    [KP_FETCH] = {4, 11, NOFLEX, 4, brk_fetch_handle},
    [KP_LIST_OFFSETS] = {1, 5, NOFLEX, 1, brk_list_offsets_handle},
    [KP_METADATA] = {0, 8, NOFLEX, 0, brk_metadata_handle},
    [KP_OFFSET_COMMIT] = {2, 7, NOFLEX, 2, brk_offset_commit_handle},
    [KP_OFFSET_FETCH] = {1, 5, NOFLEX, 1, brk_offset_fetch_handle},
    [KP_FIND_COORDINATOR] = {0, 2, NOFLEX, 0, brk_find_coordinator_handle},
    [KP_JOIN_GROUP] = {0, 5, NOFLEX, 0, brk_join_group_handle},
    [KP_HEARTBEAT] = {0, 3, NOFLEX, 0, brk_heartbeat_handle},
    [KP_LEAVE_GROUP] = {0, 3, NOFLEX, 0, brk_leave_group_handle},
    [KP_SYNC_GROUP] = {0, 3, NOFLEX, 0, brk_sync_group_handle},
    [KP_API_VERSIONS] = {0, 3, 3, 0, brk_api_versions_handle},
    [KP_CREATE_TOPICS] = {0, 4, NOFLEX, 0, brk_create_topics_handle},
    [KP_DELETE_TOPICS] = {0, 3, NOFLEX, 0, brk_delete_topics_handle},
    [KP_INIT_PRODUCER_ID] = {0, 1, NOFLEX, 0, brk_init_producer_id_handle},
    [KP_DESCRIBE_CONFIGS] = {0, 3, NOFLEX, 0, brk_describe_configs_handle},
    [KP_DESCRIBE_GROUPS] = {0, 4, NOFLEX, 0, brk_describe_groups_handle},
    [KP_LIST_GROUPS] = {0, 2, NOFLEX, 0, brk_list_groups_handle},
    [KP_DELETE_RECORDS] = {0, 1, NOFLEX, 0, brk_delete_records_handle},
    [KP_ALTER_CONFIGS] = {0, 1, NOFLEX, 0, brk_alter_configs_handle},
    [KP_CREATE_PARTITIONS] = {0, 1, NOFLEX, 0, brk_create_partitions_handle},
    [KP_DELETE_GROUPS] = {0, 1, NOFLEX, 0, brk_delete_groups_handle},
};

const brk_api_t *brk_api_get(int16_t key) {
    if (key < 0 || key >= KP_API_KEY_MAX || !api_table[key].fn)
        return NULL;
    return &api_table[key];
}

int32_t brk_api_ranges(kp_api_range_t *out, int32_t cap) {
    int32_t n = 0;
    int16_t k;
    for (k = 0; k < KP_API_KEY_MAX; k++) {
        if (!api_table[k].fn)
            continue;
        if (n < cap) {
            out[n].api_key = k;
            out[n].min_version = api_table[k].min_version;
            out[n].max_version = api_table[k].max_version;
        }
        n++;
    }
    return n;
}

/* ---- shared helpers ---- */

int16_t brk_kerr(cn_err_t e) {
    int code = cn_err_kafka_code(e);
    if (e == CN_OK)
        return 0;
    return (int16_t)(code == 0 ? -1 : code);
}

bool brk_topic_name_valid(const char *name) {
    size_t n = strlen(name), i;
    if (n == 0 || n > 249 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return false;
    for (i = 0; i < n; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

cn_err_t brk_topic_name(kp_str_t s, char *buf, size_t cap) {
    if (!kp_str_copy(s, buf, cap) || !brk_topic_name_valid(buf)) {
        if (cap)
            buf[0] = '\0';
        return CN_ERR_INVALID_TOPIC;
    }
    return CN_OK;
}

cn_err_t brk_srv_auto_create(brk_srv_t *srv, const char *topic, cn_error_t *err) {
    brk_topic_config_t cfg;
    cn_err_t rc;
    brk_topic_config_defaults(&cfg);
    cfg.partitions = srv->opts.default_partitions;
    rc = brk_topic_create(srv->logs, topic, &cfg, err);
    if (rc == CN_ERR_TOPIC_EXISTS)
        rc = CN_OK;
    if (rc == CN_OK)
        cn_log_info(srv->log, "kafka: auto-created topic %s (%d partitions)", topic,
                    (int)cfg.partitions);
    return rc;
}

/* ---- dispatch ---- */

/* Response header (v0) and an error-only body: for keys/versions we do not serve. */
static brk_hres_t answer_unsupported(const kp_req_hdr_t *h, cn_buf_t *out) {
    kp_wr_t w = {out, false};
    cn_buf_put_be32(out, 0);
    kp_resp_hdr_encode(out, h->correlation_id, false);
    if (h->api_key == KP_API_VERSIONS) {
        const brk_api_t *api = &api_table[KP_API_VERSIONS];
        kp_w16(&w, brk_kerr(CN_ERR_UNSUPPORTED_VERSION));
        kp_warray(&w, 1);
        kp_w16(&w, KP_API_VERSIONS);
        kp_w16(&w, api->min_version);
        kp_w16(&w, api->max_version);
    } else {
        kp_w16(&w, brk_kerr(CN_ERR_UNSUPPORTED_VERSION));
    }
    cn_buf_patch_be32(out, 0, (uint32_t)(out->len - 4));
    return BRK_REPLY;
}

static void req_init(brk_req_t *req, brk_srv_t *srv, brk_conn_t *conn, uint64_t seq,
                     kp_arena_t *arena, cn_buf_t *out, bool flex) {
    req->srv = srv;
    req->arena = arena;
    req->out = out;
    req->w.b = out;
    req->w.flex = flex;
    req->pending.conn_id = brk_conn_id(conn);
    req->pending.seq = seq;
    req->pending.correlation_id = req->hdr.correlation_id;
    req->pending.api_key = req->hdr.api_key;
    req->pending.api_version = req->hdr.api_version;
    req->pending.flex = flex;
    req->now_ms = cn_wall_ms();
    if (!kp_str_copy(req->hdr.client_id, req->client_id, sizeof(req->client_id)))
        memcpy(req->client_id, "client", 7);
    snprintf(req->client_host, sizeof(req->client_host), "%s", brk_conn_peer(conn));
}

brk_hres_t brk_api_dispatch(brk_srv_t *srv, brk_conn_t *conn, uint64_t seq, uint8_t *frame,
                            size_t len, cn_buf_t *out) {
    brk_req_t req;
    kp_arena_t arena;
    const brk_api_t *api;
    cn_rd_t rd;
    brk_hres_t res;
    bool flex;
    memset(&req, 0, sizeof(req));
    cn_rd_init(&rd, frame, len);
    if (kp_req_hdr_decode_prefix(&rd, &req.hdr, NULL) != CN_OK)
        return BRK_CLOSE;
    api = brk_api_get(req.hdr.api_key);
    if (!api || req.hdr.api_version < api->serve_from || req.hdr.api_version > api->max_version)
        return answer_unsupported(&req.hdr, out);
    flex = req.hdr.api_version >= api->flex_from;
    if (kp_req_hdr_decode_rest(&rd, flex, &req.hdr, NULL) != CN_OK)
        return BRK_CLOSE;
    kp_arena_init(&arena);
    cn_buf_put_be32(out, 0);
    kp_resp_hdr_encode(out, req.hdr.correlation_id, flex && req.hdr.api_key != KP_API_VERSIONS);
    req_init(&req, srv, conn, seq, &arena, out, flex);
    req.body = frame + rd.pos;
    req.body_len = len - rd.pos;
    kp_rd_init(&req.rd, req.body, req.body_len, flex, &arena);
    res = api->fn(&req);
    kp_arena_fini(&arena);
    if (res == BRK_REPLY)
        cn_buf_patch_be32(out, 0, (uint32_t)(out->len - 4));
    else if (res == BRK_CLOSE)
        cn_log_warn(srv->log, "kafka: malformed request key %d v%d from %s: closing",
                    (int)req.hdr.api_key, (int)req.hdr.api_version, req.client_id);
    return res;
}
