/* SPDX-License-Identifier: Apache-2.0
 *
 * Internals of the Kafka listener shared by its files (its public header is brk_server.h): the
 * server and connection state, the request context handed to each API handler, deferred answers
 * (long-poll Fetch, JoinGroup/SyncGroup waiting for a rebalance), the API table, the group
 * coordinator and the group offset store.
 */
#ifndef BRK_SERVER_INT_H
#define BRK_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "broker/kafka/kp.h"
#include "broker/log/brk_log.h"
#include "broker/server/brk_server.h"
#include "common/cn_buf.h"
#include "common/cn_map.h"

#define BRK_OFFSETS_TOPIC "__consumer_offsets"
#define BRK_PIDS_TOPIC    "__cairn_producer_ids"
#define BRK_SCHEMAS_TOPIC "_schemas"
#define BRK_PID_BLOCK     1000
#define BRK_MAX_RESPONSE  ((size_t)128 << 20)
#define BRK_MAX_PIPELINE  1024 /* unanswered requests per connection before reads pause */
#define BRK_MAX_QUEUED    ((size_t)64 << 20)  /* answer bytes queued per connection, idem */
#define BRK_MAX_FETCH     ((int64_t)64 << 20) /* cap on the records of one Fetch answer */
#define BRK_TOPIC_MAX     250
#define BRK_IDLE_MS       600000 /* connections.max.idle.ms */

typedef struct brk_conn brk_conn_t;
typedef struct brk_groups brk_groups_t;
typedef struct brk_offsets brk_offsets_t;
typedef struct brk_fetch_wait brk_fetch_wait_t;
typedef struct brk_syncer brk_syncer_t;

/* Where a deferred answer goes once it is ready. */
typedef struct brk_pending {
    uint64_t conn_id;
    uint64_t seq;
    int32_t correlation_id;
    int16_t api_key;
    int16_t api_version;
    bool flex;
} brk_pending_t;

struct brk_server {
    brk_logs_t *logs;
    brk_server_opts_t opts;
    char listen_host[256];
    char adv_host[256];
    int port;
    int adv_port;
    int lfd, epfd, evfd;
    pthread_t thread;
    bool started;
    atomic_bool stop;
    atomic_bool data_arrived;
    brk_conn_t **conns; /* by fd */
    size_t conns_cap;
    uint64_t next_conn_id;
    bool replies_pending; /* deferred answers were filled; flush after this pass */
    int64_t last_idle_check;
    brk_fetch_wait_t *waits;
    brk_groups_t *groups;
    brk_offsets_t *offsets;
    brk_syncer_t *syncer;
    int64_t pid_next, pid_end; /* producer ids handed out from a persisted block */
    const cn_log_t *log;
};
typedef struct brk_server brk_srv_t;

typedef enum brk_hres {
    BRK_REPLY,   /* the body is in req->out */
    BRK_NOREPLY, /* acks=0 */
    BRK_DEFER,   /* someone keeps req->pending and answers later with brk_srv_reply */
    BRK_CLOSE    /* malformed: close the connection */
} brk_hres_t;

typedef struct brk_req {
    brk_srv_t *srv;
    kp_req_hdr_t hdr;
    char client_id[128];
    char client_host[64];
    kp_rd_t rd; /* the body */
    const uint8_t *body;
    size_t body_len;
    kp_arena_t *arena;
    cn_buf_t *out; /* the response body */
    kp_wr_t w;     /* writer over out, flexible as the request */
    brk_pending_t pending;
    int64_t now_ms;
} brk_req_t;

typedef brk_hres_t (*brk_handler_fn)(brk_req_t *req);

typedef struct brk_api {
    int16_t min_version;
    int16_t max_version;
    int16_t flex_from;  /* first flexible version; INT16_MAX: none */
    int16_t serve_from; /* versions below are advertised but answered UNSUPPORTED_VERSION */
    brk_handler_fn fn;
} brk_api_t;

/* brk_api.c: the API table, the one source of supported versions. */
const brk_api_t *brk_api_get(int16_t key);
int32_t brk_api_ranges(kp_api_range_t *out, int32_t cap);
/** @brief Handle one complete request frame (header + body, without the size prefix).
 *  Fills out with the response frame body (header included, size prefix excluded). */
brk_hres_t brk_api_dispatch(brk_srv_t *srv, brk_conn_t *conn, uint64_t seq, uint8_t *frame,
                            size_t len, cn_buf_t *out);

/* brk_server.c */
/** @brief Complete a deferred answer: body is the response body; the header is added here.
 *  A connection that went away meanwhile is ignored. */
void brk_srv_reply(brk_srv_t *srv, const brk_pending_t *p, const cn_buf_t *body);
/** @brief Give up on a deferred answer: the connection is closed when its turn comes. */
void brk_srv_abort(brk_srv_t *srv, const brk_pending_t *p);
uint64_t brk_conn_id(const brk_conn_t *conn);
/** @brief "/1.2.3.4" of the peer, as Kafka shows client hosts. */
const char *brk_conn_peer(const brk_conn_t *conn);
void brk_srv_conn_client_id(const brk_conn_t *conn, char *out, size_t cap);
/** @brief Kafka's int16 code for a cn_err_t. */
int16_t brk_kerr(cn_err_t e);
bool brk_topic_name_valid(const char *name);
/** @brief Create a topic with the server's defaults (auto-creation). */
cn_err_t brk_srv_auto_create(brk_srv_t *srv, const char *topic, cn_error_t *err);

/* Handlers (one file per API or API family). */
brk_hres_t brk_api_versions_handle(brk_req_t *req);
brk_hres_t brk_metadata_handle(brk_req_t *req);
brk_hres_t brk_produce_handle(brk_req_t *req);
brk_hres_t brk_fetch_handle(brk_req_t *req);
brk_hres_t brk_list_offsets_handle(brk_req_t *req);
brk_hres_t brk_find_coordinator_handle(brk_req_t *req);
brk_hres_t brk_init_producer_id_handle(brk_req_t *req);
brk_hres_t brk_join_group_handle(brk_req_t *req);
brk_hres_t brk_sync_group_handle(brk_req_t *req);
brk_hres_t brk_heartbeat_handle(brk_req_t *req);
brk_hres_t brk_leave_group_handle(brk_req_t *req);
brk_hres_t brk_offset_commit_handle(brk_req_t *req);
brk_hres_t brk_offset_fetch_handle(brk_req_t *req);
brk_hres_t brk_create_topics_handle(brk_req_t *req);
brk_hres_t brk_delete_topics_handle(brk_req_t *req);
brk_hres_t brk_describe_configs_handle(brk_req_t *req);
brk_hres_t brk_list_groups_handle(brk_req_t *req);
brk_hres_t brk_describe_groups_handle(brk_req_t *req);
brk_hres_t brk_delete_groups_handle(brk_req_t *req);
brk_hres_t brk_delete_records_handle(brk_req_t *req);
brk_hres_t brk_create_partitions_handle(brk_req_t *req);
brk_hres_t brk_alter_configs_handle(brk_req_t *req);

/* brk_fetch.c: long polls waiting for data. */
/** @brief Retry the waiting fetches (all when data arrived, else only the expired ones). */
void brk_fetch_waits_run(brk_srv_t *srv, int64_t now_ms, bool data_arrived);
/** @brief Milliseconds until the earliest waiting fetch expires, or -1 when none wait. */
int64_t brk_fetch_waits_next(const brk_srv_t *srv, int64_t now_ms);
void brk_fetch_waits_free(brk_srv_t *srv);

/* brk_sync.c: group commit of acks=-1 produce. */
brk_syncer_t *brk_syncer_new(brk_srv_t *srv);
void brk_syncer_free(brk_syncer_t *s);
/** @brief Mark a partition to flush in the next round; takes over the caller's reference. */
bool brk_syncer_mark(brk_syncer_t *s, brk_partition_t *part);
/** @brief Park an answer (body without header) until the next flush round completes. */
bool brk_syncer_park(brk_syncer_t *s, const brk_pending_t *p, const uint8_t *body, size_t len);
/** @brief Loop thread: send the answers whose flush round completed. */
void brk_syncer_collect(brk_syncer_t *s);

/* brk_coordinator.c */
cn_err_t brk_pids_load(brk_srv_t *srv, cn_error_t *err);

/* brk_internal.c: the broker's own compacted one-partition topics. */
typedef void (*brk_record_fn)(void *arg, const brk_record_t *rec);
cn_err_t brk_internal_topic(brk_srv_t *srv, const char *topic, cn_error_t *err);
/** @brief Append n records in one batch and fsync. */
cn_err_t brk_internal_append_records(brk_srv_t *srv, const char *topic, const brk_record_t *recs,
                                     size_t n, cn_error_t *err);
/** @brief Append one record (value NULL: tombstone) and fsync. */
cn_err_t brk_internal_append(brk_srv_t *srv, const char *topic, const void *key, size_t klen,
                             const void *val, size_t vlen, cn_error_t *err);
/** @brief Call fn for every record from the log start to the high watermark. */
cn_err_t brk_internal_scan(brk_srv_t *srv, const char *topic, brk_record_fn fn, void *arg,
                           cn_error_t *err);

/* brk_group.c: the classic group coordinator. */
brk_groups_t *brk_groups_new(brk_srv_t *srv);
void brk_groups_free(brk_groups_t *g);
/** @brief Session and rebalance timeouts. */
void brk_groups_tick(brk_groups_t *g, int64_t now_ms);
/** @brief Call fn for every group the coordinator holds in memory. */
void brk_groups_each(brk_groups_t *g, void (*fn)(void *arg, const char *group, const char *ptype),
                     void *arg);
/** @brief Fill out for DescribeGroups (strings borrowed from the group or the arena); an unknown
 *  group is described as "Dead" with no members. */
void brk_group_describe(brk_groups_t *g, kp_str_t group, kp_arena_t *arena, kp_dg_group_t *out);
/** @brief Forget a group without members: GROUP_NOT_EMPTY (68) when it has some, else 0. */
int16_t brk_group_forget(brk_groups_t *g, kp_str_t group);
/** @brief Whether the group has live members (assign()-only commits need it empty). */
bool brk_group_commit_allowed(brk_groups_t *g, kp_str_t group, int32_t generation, kp_str_t member,
                              int16_t *error_code);

/* brk_offsets.c: committed offsets, durable in __consumer_offsets (Kafka's record formats:
 * OffsetCommitKey v1, OffsetCommitValue v3). */
typedef struct brk_offset_item {
    const char *topic;
    int32_t partition;
    int64_t offset;
    int32_t leader_epoch;
    kp_str_t metadata;
} brk_offset_item_t;

brk_offsets_t *brk_offsets_open(brk_srv_t *srv, cn_error_t *err);
void brk_offsets_free(brk_offsets_t *o);
/** @brief Store n commits of one group in one durable append. */
cn_err_t brk_offsets_commit(brk_offsets_t *o, const char *group, const brk_offset_item_t *items,
                            size_t n, int64_t now_ms, cn_error_t *err);
/** @brief The committed offset (-1 when none), its epoch and metadata (borrowed). */
int64_t brk_offsets_get(brk_offsets_t *o, const char *group, const char *topic, int32_t partition,
                        int32_t *leader_epoch, const char **metadata);
/** @brief Call fn once for every group that has committed offsets. */
void brk_offsets_groups(brk_offsets_t *o, void (*fn)(void *arg, const char *group), void *arg);
/** @brief Delete every offset of group (tombstones, durable). CN_ERR_GROUP_ID_NOT_FOUND when
 *  it has none. */
cn_err_t brk_offsets_delete_group(brk_offsets_t *o, const char *group, int64_t now_ms,
                                  cn_error_t *err);
/** @brief Call fn for every committed (topic, partition) of group. */
void brk_offsets_each(brk_offsets_t *o, const char *group,
                      void (*fn)(void *arg, const char *topic, int32_t partition), void *arg);

/* Shared helpers for topic/partition lookups in handlers. */
/** @brief Copy a wire topic name into buf; INVALID_TOPIC when it is not a valid name. */
cn_err_t brk_topic_name(kp_str_t s, char *buf, size_t cap);

#endif
