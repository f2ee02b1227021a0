/* SPDX-License-Identifier: Apache-2.0
 *
 * ListOffsets handler (kafka.apache.org/protocol.html#The_Messages_ListOffsets): -1 latest (the
 * high watermark; the same as the last stable offset without transactions), -2 earliest (log
 * start), t >= 0 the first offset whose timestamp is >= t through the log's time index (-1/-1 when
 * there is none).
 */
#include "broker/server/brk_server_int.h"

#include <string.h>

static void list_part(brk_req_t *req, const char *topic, const kp_lo_part_t *in,
                      kp_lo_part_resp_t *out) {
    brk_partition_t *part = brk_partition_get(req->srv->logs, topic, in->partition_index, NULL);
    int64_t start, hw;
    cn_err_t rc = CN_OK;
    out->partition_index = in->partition_index;
    out->timestamp = -1;
    out->offset = -1;
    out->leader_epoch = 0;
    if (!part) {
        out->error_code = brk_kerr(CN_ERR_UNKNOWN_TOPIC);
        return;
    }
    brk_partition_offsets(part, &start, &hw);
    if (in->timestamp == -1)
        out->offset = hw;
    else if (in->timestamp == -2)
        out->offset = start;
    else if (in->timestamp >= 0)
        rc =
            brk_partition_offset_for_time(part, in->timestamp, &out->offset, &out->timestamp, NULL);
    else
        rc = CN_ERR_INVALID_REQUEST;
    brk_partition_put(part);
    out->error_code = brk_kerr(rc);
}

brk_hres_t brk_list_offsets_handle(brk_req_t *req) {
    kp_ListOffsetsRequest_t rq;
    kp_ListOffsetsResponse_t rs;
    char name[BRK_TOPIC_MAX + 1];
    int32_t i, j;
    if (kp_ListOffsetsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.topics = kp_arena_calloc(req->arena, (size_t)rq.ntopics + 1, sizeof(*rs.topics));
    for (i = 0; rs.topics && i < rq.ntopics; i++) {
        const kp_lo_topic_t *t = &rq.topics[i];
        kp_lo_topic_resp_t *o = &rs.topics[rs.ntopics++];
        bool ok = brk_topic_name(t->name, name, sizeof(name)) == CN_OK;
        o->name = t->name;
        o->parts = kp_arena_calloc(req->arena, (size_t)t->nparts + 1, sizeof(*o->parts));
        for (j = 0; o->parts && j < t->nparts; j++, o->nparts++) {
            if (ok) {
                list_part(req, name, &t->parts[j], &o->parts[j]);
                continue;
            }
            o->parts[j].partition_index = t->parts[j].partition_index;
            o->parts[j].error_code = brk_kerr(CN_ERR_UNKNOWN_TOPIC);
            o->parts[j].offset = o->parts[j].timestamp = -1;
        }
    }
    kp_ListOffsetsResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}
