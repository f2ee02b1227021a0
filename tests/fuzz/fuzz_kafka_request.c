/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for the Kafka request decoder: the input is one request frame without its
 * size prefix (header, then body). The header is decoded, and the body goes to the decoder of
 * the API named by the key, at the version named in the header (taken modulo the range each
 * codec knows), with classic and flexible encodings. Every decoder must fail cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "broker/kafka/kp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef union any_req {
    kp_ApiVersionsRequest_t api_versions;
    kp_MetadataRequest_t metadata;
    kp_ProduceRequest_t produce;
    kp_FetchRequest_t fetch;
    kp_ListOffsetsRequest_t list_offsets;
    kp_FindCoordinatorRequest_t find_coordinator;
    kp_InitProducerIdRequest_t init_pid;
    kp_JoinGroupRequest_t join;
    kp_SyncGroupRequest_t sync;
    kp_HeartbeatRequest_t heartbeat;
    kp_LeaveGroupRequest_t leave;
    kp_OffsetCommitRequest_t commit;
    kp_OffsetFetchRequest_t offset_fetch;
    kp_CreateTopicsRequest_t create;
    kp_DeleteTopicsRequest_t del;
    kp_DescribeConfigsRequest_t describe;
    kp_GroupsRequest_t groups;
    kp_DeleteRecordsRequest_t delete_records;
    kp_CreatePartitionsRequest_t create_partitions;
    kp_AlterConfigsRequest_t alter;
} any_req_t;

static int16_t clamp(int16_t v, int16_t lo, int16_t hi) {
    int span = hi - lo + 1;
    int x = v < 0 ? -v : v;
    return (int16_t)(lo + x % span);
}

static void decode(kp_rd_t *r, int16_t key, int16_t v, any_req_t *m) {
    switch (key) {
    case KP_API_VERSIONS:
        kp_ApiVersionsRequest_decode(r, clamp(v, 0, 3), &m->api_versions, NULL);
        break;
    case KP_METADATA:
        kp_MetadataRequest_decode(r, clamp(v, 0, 8), &m->metadata, NULL);
        break;
    case KP_PRODUCE:
        kp_ProduceRequest_decode(r, clamp(v, 3, 7), &m->produce, NULL);
        break;
    case KP_FETCH:
        kp_FetchRequest_decode(r, clamp(v, 4, 11), &m->fetch, NULL);
        break;
    case KP_LIST_OFFSETS:
        kp_ListOffsetsRequest_decode(r, clamp(v, 1, 5), &m->list_offsets, NULL);
        break;
    case KP_FIND_COORDINATOR:
        kp_FindCoordinatorRequest_decode(r, clamp(v, 0, 2), &m->find_coordinator, NULL);
        break;
    case KP_INIT_PRODUCER_ID:
        kp_InitProducerIdRequest_decode(r, clamp(v, 0, 1), &m->init_pid, NULL);
        break;
    case KP_JOIN_GROUP:
        kp_JoinGroupRequest_decode(r, clamp(v, 0, 5), &m->join, NULL);
        break;
    case KP_SYNC_GROUP:
        kp_SyncGroupRequest_decode(r, clamp(v, 0, 3), &m->sync, NULL);
        break;
    case KP_HEARTBEAT:
        kp_HeartbeatRequest_decode(r, clamp(v, 0, 3), &m->heartbeat, NULL);
        break;
    case KP_LEAVE_GROUP:
        kp_LeaveGroupRequest_decode(r, clamp(v, 0, 3), &m->leave, NULL);
        break;
    case KP_OFFSET_COMMIT:
        kp_OffsetCommitRequest_decode(r, clamp(v, 2, 7), &m->commit, NULL);
        break;
    case KP_OFFSET_FETCH:
        kp_OffsetFetchRequest_decode(r, clamp(v, 1, 5), &m->offset_fetch, NULL);
        break;
    case KP_CREATE_TOPICS:
        kp_CreateTopicsRequest_decode(r, clamp(v, 0, 4), &m->create, NULL);
        break;
    case KP_DELETE_TOPICS:
        kp_DeleteTopicsRequest_decode(r, clamp(v, 0, 3), &m->del, NULL);
        break;
    case KP_DESCRIBE_CONFIGS:
        kp_DescribeConfigsRequest_decode(r, clamp(v, 0, 3), &m->describe, NULL);
        break;
    case KP_LIST_GROUPS:
        kp_ListGroupsRequest_decode(r, clamp(v, 0, 2), NULL);
        break;
    case KP_DESCRIBE_GROUPS:
        kp_DescribeGroupsRequest_decode(r, clamp(v, 0, 4), &m->groups, NULL);
        break;
    case KP_DELETE_GROUPS:
        kp_DeleteGroupsRequest_decode(r, clamp(v, 0, 1), &m->groups, NULL);
        break;
    case KP_DELETE_RECORDS:
        kp_DeleteRecordsRequest_decode(r, clamp(v, 0, 1), &m->delete_records, NULL);
        break;
    case KP_CREATE_PARTITIONS:
        kp_CreatePartitionsRequest_decode(r, clamp(v, 0, 1), &m->create_partitions, NULL);
        break;
    case KP_ALTER_CONFIGS:
        kp_AlterConfigsRequest_decode(r, clamp(v, 0, 1), &m->alter, NULL);
        break;
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kp_req_hdr_t h;
    kp_arena_t arena;
    any_req_t m;
    cn_rd_t rd;
    kp_rd_t r;
    bool flex;
    cn_rd_init(&rd, data, size);
    if (kp_req_hdr_decode_prefix(&rd, &h, NULL) != CN_OK)
        return 0;
    flex = (h.correlation_id & 1) != 0; /* exercise both encodings */
    if (kp_req_hdr_decode_rest(&rd, flex, &h, NULL) != CN_OK)
        return 0;
    kp_arena_init(&arena);
    kp_rd_init(&r, data + rd.pos, size - rd.pos, flex, &arena);
    memset(&m, 0, sizeof(m));
    decode(&r, h.api_key, h.api_version, &m);
    kp_arena_fini(&arena);
    return 0;
}
