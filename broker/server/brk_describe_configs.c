/* SPDX-License-Identifier: Apache-2.0
 *
 * DescribeConfigs handler (kafka.apache.org/protocol.html#The_Messages_DescribeConfigs): topic
 * resources show every config the log engine knows (plus compression.type=producer), marked default
 * or topic override by comparing with the defaults; the broker resource shows the listener's own
 * settings.
 */
#include "broker/server/brk_server_int.h"

#include <stdio.h>
#include <string.h>

#define RES_TOPIC   2
#define RES_BROKER  4
#define SRC_TOPIC   1
#define SRC_STATIC  4
#define SRC_DEFAULT 5

static bool wanted(const kp_dc_resource_t *res, const char *name) {
    int32_t i;
    if (res->nkeys < 0)
        return true;
    for (i = 0; i < res->nkeys; i++)
        if (kp_str_eq(res->keys[i], name))
            return true;
    return false;
}

static void add_entry(brk_req_t *req, kp_dc_result_t *out, const char *name, const char *value,
                      bool is_default, int8_t source) {
    kp_dc_entry_t *e = &out->configs[out->nconfigs++];
    e->name = name;
    e->value = kp_arena_strndup(req->arena, value, strlen(value));
    e->is_default = is_default;
    e->source = is_default ? SRC_DEFAULT : source;
    e->config_type = 2; /* STRING */
}

static void describe_topic(brk_req_t *req, const kp_dc_resource_t *res, kp_dc_result_t *out) {
    const char *const *names = brk_topic_config_names();
    brk_topic_config_t cfg, def;
    char topic[BRK_TOPIC_MAX + 1], val[512], dval[512];
    size_t n = 0, i;
    cn_err_t rc = brk_topic_name(res->resource_name, topic, sizeof(topic));
    if (rc == CN_OK)
        rc = brk_topic_describe(req->srv->logs, topic, &cfg, NULL);
    out->error_code = brk_kerr(rc);
    if (rc != CN_OK) {
        out->error_message = "unknown topic";
        return;
    }
    brk_topic_config_defaults(&def);
    while (names[n])
        n++;
    out->configs = kp_arena_calloc(req->arena, n + 1, sizeof(*out->configs));
    for (i = 0; out->configs && i < n; i++) {
        if (!wanted(res, names[i]) ||
            brk_topic_config_get(&cfg, names[i], val, sizeof(val), NULL) != CN_OK)
            continue;
        if (brk_topic_config_get(&def, names[i], dval, sizeof(dval), NULL) != CN_OK)
            dval[0] = '\0';
        add_entry(req, out, names[i], val, strcmp(val, dval) == 0, SRC_TOPIC);
    }
    if (out->configs && wanted(res, "compression.type"))
        add_entry(req, out, "compression.type", "producer", true, SRC_TOPIC);
}

static void describe_broker(brk_req_t *req, const kp_dc_resource_t *res, kp_dc_result_t *out) {
    const brk_server_opts_t *o = &req->srv->opts;
    char buf[64];
    out->configs = kp_arena_calloc(req->arena, 4, sizeof(*out->configs));
    if (!out->configs)
        return;
    if (wanted(res, "auto.create.topics.enable"))
        add_entry(req, out, "auto.create.topics.enable", o->auto_create_topics ? "true" : "false",
                  false, SRC_STATIC);
    snprintf(buf, sizeof(buf), "%d", (int)o->default_partitions);
    if (wanted(res, "num.partitions"))
        add_entry(req, out, "num.partitions", buf, false, SRC_STATIC);
    snprintf(buf, sizeof(buf), "%zu", o->max_request_bytes);
    if (wanted(res, "socket.request.max.bytes"))
        add_entry(req, out, "socket.request.max.bytes", buf, false, SRC_STATIC);
}

brk_hres_t brk_describe_configs_handle(brk_req_t *req) {
    kp_DescribeConfigsRequest_t rq;
    kp_DescribeConfigsResponse_t rs;
    int32_t i;
    if (kp_DescribeConfigsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.results = kp_arena_calloc(req->arena, (size_t)rq.nresources + 1, sizeof(*rs.results));
    for (i = 0; rs.results && i < rq.nresources; i++) {
        const kp_dc_resource_t *res = &rq.resources[i];
        kp_dc_result_t *out = &rs.results[rs.nresults++];
        out->resource_type = res->resource_type;
        out->resource_name = res->resource_name;
        if (res->resource_type == RES_TOPIC) {
            describe_topic(req, res, out);
        } else if (res->resource_type == RES_BROKER) {
            describe_broker(req, res, out);
        } else {
            out->error_code = brk_kerr(CN_ERR_INVALID_REQUEST);
            out->error_message = "unsupported resource type";
        }
    }
    kp_DescribeConfigsResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}
