/* SPDX-License-Identifier: Apache-2.0
 *
 * ApiVersions handler (kafka.apache.org/protocol.html#The_Messages_ApiVersions): the answer is
 * built from the API table. Newer-than-supported versions never get here (brk_api.c answers them
 * with the v0 fallback).
 */
#include "broker/server/brk_server_int.h"

brk_hres_t brk_api_versions_handle(brk_req_t *req) {
    kp_ApiVersionsRequest_t rq;
    kp_ApiVersionsResponse_t rs = {0};
    kp_api_range_t keys[KP_API_KEY_MAX];
    if (kp_ApiVersionsRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    rs.keys = keys;
    rs.nkeys = brk_api_ranges(keys, KP_API_KEY_MAX);
    kp_ApiVersionsResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}
