/* SPDX-License-Identifier: Apache-2.0
 *
 * ApiVersions (key 18) v0-3 codec (kafka.apache.org/protocol.html#The_Messages_ApiVersions; KIP-511
 * added v3). v3 is flexible: compact strings in the request, a compact array with tagged fields in
 * the response; the response header is always v0. The v0 layout is also the UNSUPPORTED_VERSION
 * fallback answer.
 */
#include "broker/kafka/kp.h"

cn_err_t kp_ApiVersionsRequest_decode(kp_rd_t *r, int16_t v, kp_ApiVersionsRequest_t *m,
                                      cn_error_t *err) {
    m->client_software_name = kp_str_c(NULL);
    m->client_software_version = kp_str_c(NULL);
    if (v >= 3) {
        m->client_software_name = kp_rstr(r);
        m->client_software_version = kp_rstr(r);
        kp_rtags(r);
    }
    return kp_rdone(r, err, "ApiVersions");
}

void kp_ApiVersionsRequest_encode(kp_wr_t *w, int16_t v, const kp_ApiVersionsRequest_t *m) {
    if (v >= 3) {
        kp_wstr(w, m->client_software_name);
        kp_wstr(w, m->client_software_version);
        kp_wtags(w);
    }
}

cn_err_t kp_ApiVersionsResponse_encode(kp_wr_t *w, int16_t v, const kp_ApiVersionsResponse_t *m) {
    int32_t i;
    kp_w16(w, m->error_code);
    kp_warray(w, m->nkeys);
    for (i = 0; i < m->nkeys; i++) {
        kp_w16(w, m->keys[i].api_key);
        kp_w16(w, m->keys[i].min_version);
        kp_w16(w, m->keys[i].max_version);
        kp_wtags(w);
    }
    if (v >= 1)
        kp_w32(w, m->throttle_time_ms);
    kp_wtags(w);
    return kp_wdone(w);
}

cn_err_t kp_ApiVersionsResponse_decode(kp_rd_t *r, int16_t v, kp_ApiVersionsResponse_t *m,
                                       cn_error_t *err) {
    int32_t i;
    m->error_code = kp_r16(r);
    m->nkeys = kp_rarray(r, 6);
    m->keys = kp_ralloc(r, m->nkeys, sizeof(*m->keys));
    for (i = 0; m->keys && i < m->nkeys; i++) {
        m->keys[i].api_key = kp_r16(r);
        m->keys[i].min_version = kp_r16(r);
        m->keys[i].max_version = kp_r16(r);
        kp_rtags(r);
    }
    m->throttle_time_ms = v >= 1 ? kp_r32(r) : 0;
    kp_rtags(r);
    return kp_rdone(r, err, "ApiVersions response");
}
