/* SPDX-License-Identifier: Apache-2.0
 *
 * FindCoordinator and InitProducerId handlers
 * (kafka.apache.org/protocol.html#The_Messages_FindCoordinator, #The_Messages_InitProducerId). This
 * node coordinates every group. Transactions are not supported: transaction coordinator lookups and
 * InitProducerId with a transactional id get TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53, the
 * TRANSACTIONS_UNSUPPORTED row of cn_err.def), which clients treat as fatal instead of retrying
 * forever. Producer ids come from blocks whose end is persisted in BRK_PIDS_TOPIC before any id
 * of the block is handed out, so ids are never reused after a restart.
 */
#include "broker/server/brk_server_int.h"

#include <string.h>

brk_hres_t brk_find_coordinator_handle(brk_req_t *req) {
    kp_FindCoordinatorRequest_t rq;
    kp_FindCoordinatorResponse_t rs;
    if (kp_FindCoordinatorRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.node_id = req->srv->opts.node_id;
    rs.host = req->srv->adv_host;
    rs.port = req->srv->adv_port;
    if (rq.key_type != 0) {
        rs.error_code = brk_kerr(CN_ERR_TRANSACTIONS_UNSUPPORTED);
        rs.error_message = "transactions are not supported by this broker";
        rs.node_id = -1;
        rs.host = "";
        rs.port = -1;
    } else if (!rq.key.p || rq.key.len == 0) {
        rs.error_code = brk_kerr(CN_ERR_INVALID_GROUP_ID);
    }
    kp_FindCoordinatorResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}

static cn_err_t persist_block(brk_srv_t *srv, int64_t end, cn_error_t *err) {
    uint8_t val[8];
    cn_be64_put(val, (uint64_t)end);
    return brk_internal_append(srv, BRK_PIDS_TOPIC, "block", 5, val, 8, err);
}

static void scan_block(void *arg, const brk_record_t *rec) {
    brk_srv_t *srv = arg;
    if (rec->value && rec->value_len == 8) {
        int64_t end = (int64_t)cn_be64_get(rec->value);
        if (end > srv->pid_end)
            srv->pid_end = end;
    }
}

cn_err_t brk_pids_load(brk_srv_t *srv, cn_error_t *err) {
    cn_err_t rc = brk_internal_topic(srv, BRK_PIDS_TOPIC, err);
    srv->pid_end = 0;
    if (rc == CN_OK)
        rc = brk_internal_scan(srv, BRK_PIDS_TOPIC, scan_block, srv, err);
    srv->pid_next = srv->pid_end; /* the rest of the last block may have been handed out */
    return rc;
}

static cn_err_t next_pid(brk_srv_t *srv, int64_t *pid, cn_error_t *err) {
    if (srv->pid_next >= srv->pid_end) {
        cn_err_t rc = persist_block(srv, srv->pid_end + BRK_PID_BLOCK, err);
        if (rc != CN_OK)
            return rc;
        srv->pid_end += BRK_PID_BLOCK;
    }
    *pid = srv->pid_next++;
    return CN_OK;
}

brk_hres_t brk_init_producer_id_handle(brk_req_t *req) {
    kp_InitProducerIdRequest_t rq;
    kp_InitProducerIdResponse_t rs;
    cn_error_t err;
    cn_err_t rc;
    if (kp_InitProducerIdRequest_decode(&req->rd, req->hdr.api_version, &rq, NULL) != CN_OK)
        return BRK_CLOSE;
    memset(&rs, 0, sizeof(rs));
    rs.producer_id = -1;
    rs.producer_epoch = -1;
    if (rq.transactional_id.p) {
        rs.error_code = brk_kerr(CN_ERR_TRANSACTIONS_UNSUPPORTED);
    } else if ((rc = next_pid(req->srv, &rs.producer_id, &err)) != CN_OK) {
        cn_log_error(req->srv->log, "kafka: cannot persist producer ids: %s", err.msg);
        rs.error_code = brk_kerr(CN_ERR_COORDINATOR_NOT_AVAILABLE);
    } else {
        rs.producer_epoch = 0;
    }
    kp_InitProducerIdResponse_encode(&req->w, req->hdr.api_version, &rs);
    return BRK_REPLY;
}
