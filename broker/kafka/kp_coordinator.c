/* SPDX-License-Identifier: Apache-2.0
 *
 * FindCoordinator (key 10) v0-2 and InitProducerId (key 22) v0-1 codecs
 * (kafka.apache.org/protocol.html#The_Messages_FindCoordinator, #The_Messages_InitProducerId).
 */
#include "broker/kafka/kp.h"

cn_err_t kp_FindCoordinatorRequest_decode(kp_rd_t *r, int16_t v, kp_FindCoordinatorRequest_t *m,
                                          cn_error_t *err) {
    m->key = kp_rstr(r);
    m->key_type = v >= 1 ? kp_r8(r) : 0;
    kp_rtags(r);
    return kp_rdone(r, err, "FindCoordinator");
}

void kp_FindCoordinatorRequest_encode(kp_wr_t *w, int16_t v, const kp_FindCoordinatorRequest_t *m) {
    kp_wstr(w, m->key);
    if (v >= 1)
        kp_w8(w, m->key_type);
}

cn_err_t kp_FindCoordinatorResponse_encode(kp_wr_t *w, int16_t v,
                                           const kp_FindCoordinatorResponse_t *m) {
    if (v >= 1)
        kp_w32(w, m->throttle_time_ms);
    kp_w16(w, m->error_code);
    if (v >= 1)
        kp_wcstr(w, m->error_message);
    kp_w32(w, m->node_id);
    kp_wcstr(w, m->host);
    kp_w32(w, m->port);
    kp_wtags(w);
    return kp_wdone(w);
}

cn_err_t kp_InitProducerIdRequest_decode(kp_rd_t *r, int16_t v, kp_InitProducerIdRequest_t *m,
                                         cn_error_t *err) {
    (void)v;
    m->transactional_id = kp_rstr(r);
    m->transaction_timeout_ms = kp_r32(r);
    kp_rtags(r);
    return kp_rdone(r, err, "InitProducerId");
}

void kp_InitProducerIdRequest_encode(kp_wr_t *w, int16_t v, const kp_InitProducerIdRequest_t *m) {
    (void)v;
    kp_wstr(w, m->transactional_id);
    kp_w32(w, m->transaction_timeout_ms);
}

cn_err_t kp_InitProducerIdResponse_encode(kp_wr_t *w, int16_t v,
                                          const kp_InitProducerIdResponse_t *m) {
    (void)v;
    kp_w32(w, m->throttle_time_ms);
    kp_w16(w, m->error_code);
    kp_w64(w, m->producer_id);
    kp_w16(w, m->producer_epoch);
    kp_wtags(w);
    return kp_wdone(w);
}
