/* SPDX-License-Identifier: Apache-2.0
 *
 * The Kafka protocol codecs (the Kafka protocol guide, https://kafka.apache.org/protocol.html, and
 * the message specs in apache/kafka clients/src/main/resources/common/message/ (one JSON spec per
 * message)): primitives over cn_rd_t / cn_buf_t with a "flexible" switch (compact strings and
 * arrays, tagged fields), the request and response headers, and one decode/encode pair per API
 * (kp_<Api>Request_decode, kp_<Api>Response_encode, each in kp_<api>.c). Pure: no I/O, no state.
 *
 * Decoders borrow strings and bytes from the request frame and allocate arrays from a kp_arena_t
 * that lives as long as the request. Every length and count is checked against the bytes left
 * and against KP_MAX_ARRAY before anything is allocated; negative lengths other than -1 (null)
 * fail. A decode error is CN_ERR_PARSE and leaves the struct partly filled (free the arena).
 * Encoders also implement the requests and decoders the responses where tests need round trips.
 */
#ifndef KP_H
#define KP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_buf.h"
#include "common/cn_err.h"

#define KP_MAX_ARRAY     (1 << 20) /* elements in any one array */
#define KP_ARENA_MAX     ((size_t)256 << 20)
#define KP_AUTH_OPS_NONE INT32_MIN

/* ---- request-scoped arena ---- */

typedef struct kp_chunk kp_chunk_t;
typedef struct kp_arena {
    kp_chunk_t *head;
    size_t total; /* bytes allocated so far, bounded by KP_ARENA_MAX */
} kp_arena_t;

void kp_arena_init(kp_arena_t *a);
void kp_arena_fini(kp_arena_t *a);
/** @brief Zeroed memory for n elements of size bytes, NULL when over the limit. */
void *kp_arena_calloc(kp_arena_t *a, size_t n, size_t size);
/** @brief A NUL-terminated copy of len bytes. */
char *kp_arena_strndup(kp_arena_t *a, const char *s, size_t len);

/* ---- primitives ---- */

typedef struct kp_str {
    const char *p;
    int32_t len; /* -1: null */
} kp_str_t;

typedef struct kp_bytes {
    const uint8_t *p;
    int32_t len; /* -1: null */
} kp_bytes_t;

typedef struct kp_rd {
    cn_rd_t rd;
    bool flex;
    kp_arena_t *arena;
} kp_rd_t;

void kp_rd_init(kp_rd_t *r, const void *data, size_t len, bool flex, kp_arena_t *arena);
int8_t kp_r8(kp_rd_t *r);
int16_t kp_r16(kp_rd_t *r);
int32_t kp_r32(kp_rd_t *r);
int64_t kp_r64(kp_rd_t *r);
bool kp_rbool(kp_rd_t *r);
kp_str_t kp_rstr(kp_rd_t *r);
kp_bytes_t kp_rbytes(kp_rd_t *r);
/** @brief An array count (-1 = null); fails on other negatives, on counts above KP_MAX_ARRAY and
 *  on counts whose elements (at least min_elem bytes each) cannot fit in the bytes left. */
int32_t kp_rarray(kp_rd_t *r, size_t min_elem);
/** @brief Arena memory for n (>= 0) elements; marks the reader failed on exhaustion. */
void *kp_ralloc(kp_rd_t *r, int32_t n, size_t size);
/** @brief Skip a tagged-field section (flexible only). */
void kp_rtags(kp_rd_t *r);
/** @brief Int32 array (null -> count -1, vals NULL). */
int32_t *kp_rarray_i32(kp_rd_t *r, int32_t *count);
void kp_rfail(kp_rd_t *r);
cn_err_t kp_rdone(kp_rd_t *r, cn_error_t *err, const char *what);

typedef struct kp_wr {
    cn_buf_t *b;
    bool flex;
} kp_wr_t;

void kp_w8(kp_wr_t *w, int8_t v);
void kp_w16(kp_wr_t *w, int16_t v);
void kp_w32(kp_wr_t *w, int32_t v);
void kp_w64(kp_wr_t *w, int64_t v);
void kp_wbool(kp_wr_t *w, bool v);
void kp_wstrn(kp_wr_t *w, const char *s, int32_t len); /* len -1: null */
void kp_wstr(kp_wr_t *w, kp_str_t s);
void kp_wcstr(kp_wr_t *w, const char *s); /* NULL: null */
void kp_wbytes(kp_wr_t *w, const void *p, int32_t len);
void kp_warray(kp_wr_t *w, int32_t n); /* -1: null */
void kp_wtags(kp_wr_t *w);
cn_err_t kp_wdone(kp_wr_t *w);

kp_str_t kp_str_c(const char *s);
bool kp_str_eq(kp_str_t s, const char *c);
/** @brief Copy into out (cap bytes incl. NUL); false when null or too long. */
bool kp_str_copy(kp_str_t s, char *out, size_t cap);

/* ---- headers ---- */

typedef struct kp_req_hdr {
    int16_t api_key;
    int16_t api_version;
    int32_t correlation_id;
    kp_str_t client_id;
} kp_req_hdr_t;

/** @brief The fixed prefix of every request header (key, version, correlation id). */
cn_err_t kp_req_hdr_decode_prefix(cn_rd_t *rd, kp_req_hdr_t *h, cn_error_t *err);
/** @brief The rest: client id (always an int16 string) and, for header v2, tagged fields. */
cn_err_t kp_req_hdr_decode_rest(cn_rd_t *rd, bool flex, kp_req_hdr_t *h, cn_error_t *err);
void kp_req_hdr_encode(cn_buf_t *b, const kp_req_hdr_t *h, bool flex);
/** @brief Response header v0 (correlation id) or v1 (+ empty tags). */
void kp_resp_hdr_encode(cn_buf_t *b, int32_t correlation_id, bool flex);

/* ---- API keys ---- */

enum {
    KP_PRODUCE = 0,
    KP_FETCH = 1,
    KP_LIST_OFFSETS = 2,
    KP_METADATA = 3,
    KP_OFFSET_COMMIT = 8,
    KP_OFFSET_FETCH = 9,
    KP_FIND_COORDINATOR = 10,
    KP_JOIN_GROUP = 11,
    KP_HEARTBEAT = 12,
    KP_LEAVE_GROUP = 13,
    KP_SYNC_GROUP = 14,
    KP_DESCRIBE_GROUPS = 15,
    KP_LIST_GROUPS = 16,
    KP_API_VERSIONS = 18,
    KP_CREATE_TOPICS = 19,
    KP_DELETE_TOPICS = 20,
    KP_DELETE_RECORDS = 21,
    KP_INIT_PRODUCER_ID = 22,
    KP_DESCRIBE_CONFIGS = 32,
    KP_ALTER_CONFIGS = 33,
    KP_CREATE_PARTITIONS = 37,
    KP_DELETE_GROUPS = 42,
    KP_API_KEY_MAX = 70
};

/* ---- ApiVersions (18) ---- */

typedef struct kp_ApiVersionsRequest {
    kp_str_t client_software_name; /* v3+ */
    kp_str_t client_software_version;
} kp_ApiVersionsRequest_t;

typedef struct kp_api_range {
    int16_t api_key, min_version, max_version;
} kp_api_range_t;

typedef struct kp_ApiVersionsResponse {
    int16_t error_code;
    kp_api_range_t *keys;
    int32_t nkeys;
    int32_t throttle_time_ms; /* v1+ */
} kp_ApiVersionsResponse_t;

cn_err_t kp_ApiVersionsRequest_decode(kp_rd_t *r, int16_t v, kp_ApiVersionsRequest_t *m,
                                      cn_error_t *err);
void kp_ApiVersionsRequest_encode(kp_wr_t *w, int16_t v, const kp_ApiVersionsRequest_t *m);
cn_err_t kp_ApiVersionsResponse_encode(kp_wr_t *w, int16_t v, const kp_ApiVersionsResponse_t *m);
cn_err_t kp_ApiVersionsResponse_decode(kp_rd_t *r, int16_t v, kp_ApiVersionsResponse_t *m,
                                       cn_error_t *err);

/* ---- Metadata (3) v0-8 ---- */

typedef struct kp_MetadataRequest {
    kp_str_t *topics;
    int32_t ntopics;                            /* -1: all topics (v1+); v0: 0 means all */
    bool allow_auto_topic_creation;             /* v4+; true before */
    bool include_cluster_authorized_operations; /* v8+ */
    bool include_topic_authorized_operations;   /* v8+ */
} kp_MetadataRequest_t;

typedef struct kp_md_broker {
    int32_t node_id;
    const char *host;
    int32_t port;
    const char *rack; /* v1+ */
} kp_md_broker_t;

typedef struct kp_md_partition {
    int16_t error_code;
    int32_t partition_index;
    int32_t leader_id;
    int32_t leader_epoch; /* v7+ */
    int32_t *replicas;
    int32_t nreplicas;
    int32_t *isr;
    int32_t nisr;
    int32_t noffline; /* v5+: always empty */
} kp_md_partition_t;

typedef struct kp_md_topic {
    int16_t error_code;
    kp_str_t name;
    bool is_internal; /* v1+ */
    kp_md_partition_t *partitions;
    int32_t npartitions;
    int32_t topic_authorized_operations; /* v8+ */
} kp_md_topic_t;

typedef struct kp_MetadataResponse {
    int32_t throttle_time_ms; /* v3+ */
    kp_md_broker_t *brokers;
    int32_t nbrokers;
    const char *cluster_id; /* v2+ */
    int32_t controller_id;  /* v1+ */
    kp_md_topic_t *topics;
    int32_t ntopics;
    int32_t cluster_authorized_operations; /* v8+ */
} kp_MetadataResponse_t;

cn_err_t kp_MetadataRequest_decode(kp_rd_t *r, int16_t v, kp_MetadataRequest_t *m, cn_error_t *err);
void kp_MetadataRequest_encode(kp_wr_t *w, int16_t v, const kp_MetadataRequest_t *m);
cn_err_t kp_MetadataResponse_encode(kp_wr_t *w, int16_t v, const kp_MetadataResponse_t *m);

/* ---- Produce (0) v3-7 ---- */

typedef struct kp_produce_part {
    int32_t index;
    kp_bytes_t records;
} kp_produce_part_t;

typedef struct kp_produce_topic {
    kp_str_t name;
    kp_produce_part_t *parts;
    int32_t nparts;
} kp_produce_topic_t;

typedef struct kp_ProduceRequest {
    kp_str_t transactional_id;
    int16_t acks;
    int32_t timeout_ms;
    kp_produce_topic_t *topics;
    int32_t ntopics;
} kp_ProduceRequest_t;

typedef struct kp_produce_part_resp {
    int32_t index;
    int16_t error_code;
    int64_t base_offset;
    int64_t log_append_time_ms;
    int64_t log_start_offset; /* v5+ */
} kp_produce_part_resp_t;

typedef struct kp_produce_topic_resp {
    kp_str_t name;
    kp_produce_part_resp_t *parts;
    int32_t nparts;
} kp_produce_topic_resp_t;

typedef struct kp_ProduceResponse {
    kp_produce_topic_resp_t *topics;
    int32_t ntopics;
    int32_t throttle_time_ms;
} kp_ProduceResponse_t;

cn_err_t kp_ProduceRequest_decode(kp_rd_t *r, int16_t v, kp_ProduceRequest_t *m, cn_error_t *err);
void kp_ProduceRequest_encode(kp_wr_t *w, int16_t v, const kp_ProduceRequest_t *m);
cn_err_t kp_ProduceResponse_encode(kp_wr_t *w, int16_t v, const kp_ProduceResponse_t *m);

/* ---- Fetch (1) v4-11 ---- */

typedef struct kp_fetch_part {
    int32_t partition;
    int32_t current_leader_epoch; /* v9+ */
    int64_t fetch_offset;
    int64_t log_start_offset; /* v5+ */
    int32_t partition_max_bytes;
} kp_fetch_part_t;

typedef struct kp_fetch_topic {
    kp_str_t topic;
    kp_fetch_part_t *parts;
    int32_t nparts;
} kp_fetch_topic_t;

typedef struct kp_FetchRequest {
    int32_t replica_id;
    int32_t max_wait_ms;
    int32_t min_bytes;
    int32_t max_bytes;
    int8_t isolation_level;
    int32_t session_id;    /* v7+ */
    int32_t session_epoch; /* v7+ */
    kp_fetch_topic_t *topics;
    int32_t ntopics;
    kp_str_t rack_id; /* v11+ */
} kp_FetchRequest_t;

typedef struct kp_fetch_part_resp {
    int32_t partition_index;
    int16_t error_code;
    int64_t high_watermark;
    int64_t last_stable_offset;
    int64_t log_start_offset; /* v5+ */
    const uint8_t *records;   /* borrowed */
    int32_t records_len;      /* -1: null */
} kp_fetch_part_resp_t;

typedef struct kp_fetch_topic_resp {
    kp_str_t topic;
    kp_fetch_part_resp_t *parts;
    int32_t nparts;
} kp_fetch_topic_resp_t;

typedef struct kp_FetchResponse {
    int32_t throttle_time_ms;
    int16_t error_code; /* v7+ */
    int32_t session_id; /* v7+ */
    kp_fetch_topic_resp_t *topics;
    int32_t ntopics;
} kp_FetchResponse_t;

cn_err_t kp_FetchRequest_decode(kp_rd_t *r, int16_t v, kp_FetchRequest_t *m, cn_error_t *err);
void kp_FetchRequest_encode(kp_wr_t *w, int16_t v, const kp_FetchRequest_t *m);
cn_err_t kp_FetchResponse_encode(kp_wr_t *w, int16_t v, const kp_FetchResponse_t *m);

/* ---- ListOffsets (2) v1-5 ---- */

typedef struct kp_lo_part {
    int32_t partition_index;
    int32_t current_leader_epoch; /* v4+ */
    int64_t timestamp;
} kp_lo_part_t;

typedef struct kp_lo_topic {
    kp_str_t name;
    kp_lo_part_t *parts;
    int32_t nparts;
} kp_lo_topic_t;

typedef struct kp_ListOffsetsRequest {
    int32_t replica_id;
    int8_t isolation_level; /* v2+ */
    kp_lo_topic_t *topics;
    int32_t ntopics;
} kp_ListOffsetsRequest_t;

typedef struct kp_lo_part_resp {
    int32_t partition_index;
    int16_t error_code;
    int64_t timestamp;
    int64_t offset;
    int32_t leader_epoch; /* v4+ */
} kp_lo_part_resp_t;

typedef struct kp_lo_topic_resp {
    kp_str_t name;
    kp_lo_part_resp_t *parts;
    int32_t nparts;
} kp_lo_topic_resp_t;

typedef struct kp_ListOffsetsResponse {
    int32_t throttle_time_ms; /* v2+ */
    kp_lo_topic_resp_t *topics;
    int32_t ntopics;
} kp_ListOffsetsResponse_t;

cn_err_t kp_ListOffsetsRequest_decode(kp_rd_t *r, int16_t v, kp_ListOffsetsRequest_t *m,
                                      cn_error_t *err);
void kp_ListOffsetsRequest_encode(kp_wr_t *w, int16_t v, const kp_ListOffsetsRequest_t *m);
cn_err_t kp_ListOffsetsResponse_encode(kp_wr_t *w, int16_t v, const kp_ListOffsetsResponse_t *m);

/* ---- FindCoordinator (10) v0-2 ---- */

typedef struct kp_FindCoordinatorRequest {
    kp_str_t key;
    int8_t key_type; /* v1+ */
} kp_FindCoordinatorRequest_t;

typedef struct kp_FindCoordinatorResponse {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    const char *error_message; /* v1+ */
    int32_t node_id;
    const char *host;
    int32_t port;
} kp_FindCoordinatorResponse_t;

cn_err_t kp_FindCoordinatorRequest_decode(kp_rd_t *r, int16_t v, kp_FindCoordinatorRequest_t *m,
                                          cn_error_t *err);
void kp_FindCoordinatorRequest_encode(kp_wr_t *w, int16_t v, const kp_FindCoordinatorRequest_t *m);
cn_err_t kp_FindCoordinatorResponse_encode(kp_wr_t *w, int16_t v,
                                           const kp_FindCoordinatorResponse_t *m);

/* ---- InitProducerId (22) v0-1 ---- */

typedef struct kp_InitProducerIdRequest {
    kp_str_t transactional_id;
    int32_t transaction_timeout_ms;
} kp_InitProducerIdRequest_t;

typedef struct kp_InitProducerIdResponse {
    int32_t throttle_time_ms;
    int16_t error_code;
    int64_t producer_id;
    int16_t producer_epoch;
} kp_InitProducerIdResponse_t;

cn_err_t kp_InitProducerIdRequest_decode(kp_rd_t *r, int16_t v, kp_InitProducerIdRequest_t *m,
                                         cn_error_t *err);
void kp_InitProducerIdRequest_encode(kp_wr_t *w, int16_t v, const kp_InitProducerIdRequest_t *m);
cn_err_t kp_InitProducerIdResponse_encode(kp_wr_t *w, int16_t v,
                                          const kp_InitProducerIdResponse_t *m);

/* ---- group membership (11-14) ---- */

typedef struct kp_join_protocol {
    kp_str_t name;
    kp_bytes_t metadata;
} kp_join_protocol_t;

typedef struct kp_JoinGroupRequest {
    kp_str_t group_id;
    int32_t session_timeout_ms;
    int32_t rebalance_timeout_ms; /* v1+; v0: = session timeout */
    kp_str_t member_id;
    kp_str_t group_instance_id; /* v5+ */
    kp_str_t protocol_type;
    kp_join_protocol_t *protocols;
    int32_t nprotocols;
} kp_JoinGroupRequest_t;

typedef struct kp_join_member {
    kp_str_t member_id;
    kp_str_t group_instance_id; /* v5+ */
    kp_bytes_t metadata;
} kp_join_member_t;

typedef struct kp_JoinGroupResponse {
    int32_t throttle_time_ms; /* v2+ */
    int16_t error_code;
    int32_t generation_id;
    kp_str_t protocol_name;
    kp_str_t leader;
    kp_str_t member_id;
    kp_join_member_t *members;
    int32_t nmembers;
} kp_JoinGroupResponse_t;

cn_err_t kp_JoinGroupRequest_decode(kp_rd_t *r, int16_t v, kp_JoinGroupRequest_t *m,
                                    cn_error_t *err);
void kp_JoinGroupRequest_encode(kp_wr_t *w, int16_t v, const kp_JoinGroupRequest_t *m);
cn_err_t kp_JoinGroupResponse_encode(kp_wr_t *w, int16_t v, const kp_JoinGroupResponse_t *m);

typedef struct kp_sync_assignment {
    kp_str_t member_id;
    kp_bytes_t assignment;
} kp_sync_assignment_t;

typedef struct kp_SyncGroupRequest {
    kp_str_t group_id;
    int32_t generation_id;
    kp_str_t member_id;
    kp_str_t group_instance_id; /* v3+ */
    kp_sync_assignment_t *assignments;
    int32_t nassignments;
} kp_SyncGroupRequest_t;

typedef struct kp_SyncGroupResponse {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    kp_bytes_t assignment;
} kp_SyncGroupResponse_t;

cn_err_t kp_SyncGroupRequest_decode(kp_rd_t *r, int16_t v, kp_SyncGroupRequest_t *m,
                                    cn_error_t *err);
void kp_SyncGroupRequest_encode(kp_wr_t *w, int16_t v, const kp_SyncGroupRequest_t *m);
cn_err_t kp_SyncGroupResponse_encode(kp_wr_t *w, int16_t v, const kp_SyncGroupResponse_t *m);

typedef struct kp_HeartbeatRequest {
    kp_str_t group_id;
    int32_t generation_id;
    kp_str_t member_id;
    kp_str_t group_instance_id; /* v3+ */
} kp_HeartbeatRequest_t;

/* Heartbeat, and every response that is only (throttle v1+, error_code). */
typedef struct kp_ErrorResponse {
    int32_t throttle_time_ms;
    int16_t error_code;
} kp_ErrorResponse_t;

cn_err_t kp_HeartbeatRequest_decode(kp_rd_t *r, int16_t v, kp_HeartbeatRequest_t *m,
                                    cn_error_t *err);
void kp_HeartbeatRequest_encode(kp_wr_t *w, int16_t v, const kp_HeartbeatRequest_t *m);
cn_err_t kp_HeartbeatResponse_encode(kp_wr_t *w, int16_t v, const kp_ErrorResponse_t *m);

typedef struct kp_leave_member {
    kp_str_t member_id;
    kp_str_t group_instance_id;
    int16_t error_code; /* response */
} kp_leave_member_t;

typedef struct kp_LeaveGroupRequest {
    kp_str_t group_id;
    kp_leave_member_t *members; /* v0-2: one entry made from member_id */
    int32_t nmembers;
} kp_LeaveGroupRequest_t;

typedef struct kp_LeaveGroupResponse {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    kp_leave_member_t *members; /* v3+ */
    int32_t nmembers;
} kp_LeaveGroupResponse_t;

cn_err_t kp_LeaveGroupRequest_decode(kp_rd_t *r, int16_t v, kp_LeaveGroupRequest_t *m,
                                     cn_error_t *err);
void kp_LeaveGroupRequest_encode(kp_wr_t *w, int16_t v, const kp_LeaveGroupRequest_t *m);
cn_err_t kp_LeaveGroupResponse_encode(kp_wr_t *w, int16_t v, const kp_LeaveGroupResponse_t *m);

/* ---- OffsetCommit (8) v2-7, OffsetFetch (9) v1-5 ---- */

typedef struct kp_oc_part {
    int32_t partition_index;
    int64_t committed_offset;
    int32_t committed_leader_epoch; /* v6+ */
    kp_str_t committed_metadata;
    int16_t error_code; /* response */
} kp_oc_part_t;

typedef struct kp_oc_topic {
    kp_str_t name;
    kp_oc_part_t *parts;
    int32_t nparts;
} kp_oc_topic_t;

typedef struct kp_OffsetCommitRequest {
    kp_str_t group_id;
    int32_t generation_id;
    kp_str_t member_id;
    int64_t retention_time_ms;  /* v2-4 */
    kp_str_t group_instance_id; /* v7+ */
    kp_oc_topic_t *topics;
    int32_t ntopics;
} kp_OffsetCommitRequest_t;

typedef struct kp_OffsetCommitResponse {
    int32_t throttle_time_ms; /* v3+ */
    kp_oc_topic_t *topics;    /* partition_index and error_code are written */
    int32_t ntopics;
} kp_OffsetCommitResponse_t;

cn_err_t kp_OffsetCommitRequest_decode(kp_rd_t *r, int16_t v, kp_OffsetCommitRequest_t *m,
                                       cn_error_t *err);
void kp_OffsetCommitRequest_encode(kp_wr_t *w, int16_t v, const kp_OffsetCommitRequest_t *m);
cn_err_t kp_OffsetCommitResponse_encode(kp_wr_t *w, int16_t v, const kp_OffsetCommitResponse_t *m);

typedef struct kp_of_topic {
    kp_str_t name;
    int32_t *partitions;
    int32_t npartitions;
} kp_of_topic_t;

typedef struct kp_OffsetFetchRequest {
    kp_str_t group_id;
    kp_of_topic_t *topics;
    int32_t ntopics; /* -1 (v2+): every partition the group committed */
} kp_OffsetFetchRequest_t;

typedef struct kp_OffsetFetchResponse {
    int32_t throttle_time_ms; /* v3+ */
    kp_oc_topic_t *topics;    /* every field of kp_oc_part_t is written */
    int32_t ntopics;
    int16_t error_code; /* v2+ */
} kp_OffsetFetchResponse_t;

cn_err_t kp_OffsetFetchRequest_decode(kp_rd_t *r, int16_t v, kp_OffsetFetchRequest_t *m,
                                      cn_error_t *err);
void kp_OffsetFetchRequest_encode(kp_wr_t *w, int16_t v, const kp_OffsetFetchRequest_t *m);
cn_err_t kp_OffsetFetchResponse_encode(kp_wr_t *w, int16_t v, const kp_OffsetFetchResponse_t *m);

/* ---- CreateTopics (19) v0-4, DeleteTopics (20) v0-3 ---- */

typedef struct kp_config_kv {
    kp_str_t name;
    kp_str_t value;
} kp_config_kv_t;

typedef struct kp_ct_topic {
    kp_str_t name;
    int32_t num_partitions;
    int16_t replication_factor;
    int32_t nassignments;
    kp_config_kv_t *configs;
    int32_t nconfigs;
} kp_ct_topic_t;

typedef struct kp_CreateTopicsRequest {
    kp_ct_topic_t *topics;
    int32_t ntopics;
    int32_t timeout_ms;
    bool validate_only; /* v1+ */
} kp_CreateTopicsRequest_t;

typedef struct kp_topic_result {
    kp_str_t name;
    int16_t error_code;
    const char *error_message; /* CreateTopics v1+ */
} kp_topic_result_t;

typedef struct kp_TopicResultsResponse {
    int32_t throttle_time_ms;
    kp_topic_result_t *topics;
    int32_t ntopics;
} kp_TopicResultsResponse_t;

cn_err_t kp_CreateTopicsRequest_decode(kp_rd_t *r, int16_t v, kp_CreateTopicsRequest_t *m,
                                       cn_error_t *err);
void kp_CreateTopicsRequest_encode(kp_wr_t *w, int16_t v, const kp_CreateTopicsRequest_t *m);
cn_err_t kp_CreateTopicsResponse_encode(kp_wr_t *w, int16_t v, const kp_TopicResultsResponse_t *m);

typedef struct kp_DeleteTopicsRequest {
    kp_str_t *names;
    int32_t nnames;
    int32_t timeout_ms;
} kp_DeleteTopicsRequest_t;

cn_err_t kp_DeleteTopicsRequest_decode(kp_rd_t *r, int16_t v, kp_DeleteTopicsRequest_t *m,
                                       cn_error_t *err);
void kp_DeleteTopicsRequest_encode(kp_wr_t *w, int16_t v, const kp_DeleteTopicsRequest_t *m);
cn_err_t kp_DeleteTopicsResponse_encode(kp_wr_t *w, int16_t v, const kp_TopicResultsResponse_t *m);

/* ---- DescribeConfigs (32) v0-3 ---- */

typedef struct kp_dc_resource {
    int8_t resource_type; /* 2 topic, 4 broker */
    kp_str_t resource_name;
    kp_str_t *keys;
    int32_t nkeys; /* -1: all */
} kp_dc_resource_t;

typedef struct kp_DescribeConfigsRequest {
    kp_dc_resource_t *resources;
    int32_t nresources;
    bool include_synonyms;      /* v1+ */
    bool include_documentation; /* v3+ */
} kp_DescribeConfigsRequest_t;

typedef struct kp_dc_entry {
    const char *name;
    const char *value;
    bool read_only;
    bool is_default; /* v0 */
    int8_t source;   /* v1+: 1 topic override, 4 static broker, 5 default */
    bool is_sensitive;
    int8_t config_type; /* v3+ */
} kp_dc_entry_t;

typedef struct kp_dc_result {
    int16_t error_code;
    const char *error_message;
    int8_t resource_type;
    kp_str_t resource_name;
    kp_dc_entry_t *configs;
    int32_t nconfigs;
} kp_dc_result_t;

typedef struct kp_DescribeConfigsResponse {
    int32_t throttle_time_ms;
    kp_dc_result_t *results;
    int32_t nresults;
} kp_DescribeConfigsResponse_t;

cn_err_t kp_DescribeConfigsRequest_decode(kp_rd_t *r, int16_t v, kp_DescribeConfigsRequest_t *m,
                                          cn_error_t *err);
void kp_DescribeConfigsRequest_encode(kp_wr_t *w, int16_t v, const kp_DescribeConfigsRequest_t *m);
cn_err_t kp_DescribeConfigsResponse_encode(kp_wr_t *w, int16_t v,
                                           const kp_DescribeConfigsResponse_t *m);

/* ---- ListGroups (16) v0-2, DescribeGroups (15) v0-4, DeleteGroups (42) v0-1 ---- */

typedef struct kp_lg_group {
    kp_str_t group_id;
    kp_str_t protocol_type;
} kp_lg_group_t;

typedef struct kp_ListGroupsResponse {
    int32_t throttle_time_ms; /* v1+ */
    int16_t error_code;
    kp_lg_group_t *groups;
    int32_t ngroups;
} kp_ListGroupsResponse_t;

cn_err_t kp_ListGroupsRequest_decode(kp_rd_t *r, int16_t v, cn_error_t *err);
cn_err_t kp_ListGroupsResponse_encode(kp_wr_t *w, int16_t v, const kp_ListGroupsResponse_t *m);

typedef struct kp_GroupsRequest { /* DescribeGroups and DeleteGroups */
    kp_str_t *groups;
    int32_t ngroups;
    bool include_authorized_operations; /* DescribeGroups v3+ */
} kp_GroupsRequest_t;

typedef struct kp_dg_member {
    kp_str_t member_id;
    kp_str_t group_instance_id; /* v4+ */
    kp_str_t client_id;
    kp_str_t client_host;
    kp_bytes_t metadata;
    kp_bytes_t assignment;
} kp_dg_member_t;

typedef struct kp_dg_group {
    int16_t error_code;
    kp_str_t group_id;
    kp_str_t state;
    kp_str_t protocol_type;
    kp_str_t protocol;
    kp_dg_member_t *members;
    int32_t nmembers;
} kp_dg_group_t;

typedef struct kp_DescribeGroupsResponse {
    int32_t throttle_time_ms; /* v1+ */
    kp_dg_group_t *groups;
    int32_t ngroups;
} kp_DescribeGroupsResponse_t;

cn_err_t kp_DescribeGroupsRequest_decode(kp_rd_t *r, int16_t v, kp_GroupsRequest_t *m,
                                         cn_error_t *err);
void kp_DescribeGroupsRequest_encode(kp_wr_t *w, int16_t v, const kp_GroupsRequest_t *m);
cn_err_t kp_DescribeGroupsResponse_encode(kp_wr_t *w, int16_t v,
                                          const kp_DescribeGroupsResponse_t *m);

typedef struct kp_group_result {
    kp_str_t group_id;
    int16_t error_code;
} kp_group_result_t;

typedef struct kp_DeleteGroupsResponse {
    int32_t throttle_time_ms;
    kp_group_result_t *results;
    int32_t nresults;
} kp_DeleteGroupsResponse_t;

cn_err_t kp_DeleteGroupsRequest_decode(kp_rd_t *r, int16_t v, kp_GroupsRequest_t *m,
                                       cn_error_t *err);
void kp_DeleteGroupsRequest_encode(kp_wr_t *w, int16_t v, const kp_GroupsRequest_t *m);
cn_err_t kp_DeleteGroupsResponse_encode(kp_wr_t *w, int16_t v, const kp_DeleteGroupsResponse_t *m);

/* ---- DeleteRecords (21) v0-1 ---- */

typedef struct kp_dr_part {
    int32_t partition_index;
    int64_t offset;        /* request; -1 = high watermark */
    int64_t low_watermark; /* response */
    int16_t error_code;    /* response */
} kp_dr_part_t;

typedef struct kp_dr_topic {
    kp_str_t name;
    kp_dr_part_t *parts;
    int32_t nparts;
} kp_dr_topic_t;

typedef struct kp_DeleteRecordsRequest {
    kp_dr_topic_t *topics;
    int32_t ntopics;
    int32_t timeout_ms;
} kp_DeleteRecordsRequest_t;

cn_err_t kp_DeleteRecordsRequest_decode(kp_rd_t *r, int16_t v, kp_DeleteRecordsRequest_t *m,
                                        cn_error_t *err);
void kp_DeleteRecordsRequest_encode(kp_wr_t *w, int16_t v, const kp_DeleteRecordsRequest_t *m);
/** @brief The response is the request's topics with low_watermark and error_code filled. */
cn_err_t kp_DeleteRecordsResponse_encode(kp_wr_t *w, int16_t v, int32_t throttle_time_ms,
                                         const kp_DeleteRecordsRequest_t *m);

/* ---- CreatePartitions (37) v0-1 ---- */

typedef struct kp_cp_topic {
    kp_str_t name;
    int32_t count;
    int32_t nassignments; /* -1: none */
} kp_cp_topic_t;

typedef struct kp_CreatePartitionsRequest {
    kp_cp_topic_t *topics;
    int32_t ntopics;
    int32_t timeout_ms;
    bool validate_only;
} kp_CreatePartitionsRequest_t;

cn_err_t kp_CreatePartitionsRequest_decode(kp_rd_t *r, int16_t v, kp_CreatePartitionsRequest_t *m,
                                           cn_error_t *err);
void kp_CreatePartitionsRequest_encode(kp_wr_t *w, int16_t v,
                                       const kp_CreatePartitionsRequest_t *m);
/** @brief throttle, results [name, error_code, error_message]. */
cn_err_t kp_CreatePartitionsResponse_encode(kp_wr_t *w, int16_t v,
                                            const kp_TopicResultsResponse_t *m);

/* ---- AlterConfigs (33) v0-1 ---- */

typedef struct kp_ac_resource {
    int8_t resource_type;
    kp_str_t resource_name;
    kp_config_kv_t *configs;
    int32_t nconfigs;
    int16_t error_code;        /* response */
    const char *error_message; /* response */
} kp_ac_resource_t;

typedef struct kp_AlterConfigsRequest {
    kp_ac_resource_t *resources;
    int32_t nresources;
    bool validate_only;
} kp_AlterConfigsRequest_t;

cn_err_t kp_AlterConfigsRequest_decode(kp_rd_t *r, int16_t v, kp_AlterConfigsRequest_t *m,
                                       cn_error_t *err);
void kp_AlterConfigsRequest_encode(kp_wr_t *w, int16_t v, const kp_AlterConfigsRequest_t *m);
/** @brief The response is the request's resources with error_code and error_message filled. */
cn_err_t kp_AlterConfigsResponse_encode(kp_wr_t *w, int16_t v, int32_t throttle_time_ms,
                                        const kp_AlterConfigsRequest_t *m);

#endif
