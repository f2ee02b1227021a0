/* SPDX-License-Identifier: Apache-2.0
 *
 * Internals of the group coordinator shared by brk_group.c (state, rebalancing, timers,
 * administration) and brk_group_api.c (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, commit
 * checks). Not a public header.
 */
#ifndef BRK_GROUP_INT_H
#define BRK_GROUP_INT_H

#include "broker/server/brk_server_int.h"

typedef enum gstate { G_EMPTY, G_PREPARING, G_COMPLETING, G_STABLE } gstate_t;

typedef struct proto {
    char *name;
    uint8_t *meta;
    int32_t len;
} proto_t;

typedef struct member {
    struct member *next;
    char *id;
    char *instance_id;
    char *client_id;
    char *client_host;
    int32_t session_timeout;
    int32_t rebalance_timeout;
    proto_t *protos;
    int32_t nprotos;
    int64_t last_seen; /* monotonic ms */
    bool join_pending;
    brk_pending_t join_p;
    bool sync_pending;
    brk_pending_t sync_p;
    uint8_t *assignment;
    int32_t assignment_len;
} member_t;

typedef struct group {
    struct group *next;
    char *id;
    gstate_t state;
    int32_t generation;
    char *protocol_type;
    char *protocol;
    char *leader;
    member_t *members;
    int64_t deadline;   /* end of the join phase (monotonic ms) */
    int64_t hold_until; /* a new group waits this long for more members */
} group_t;

struct brk_groups {
    brk_srv_t *srv;
    group_t *groups;
    uint64_t seq;
};

char *brk_grp_dup_str(kp_str_t s);
void brk_grp_protos_free(member_t *m);
group_t *brk_grp_group_find(brk_groups_t *gs, kp_str_t id);
group_t *brk_grp_group_get(brk_groups_t *gs, kp_str_t id);
member_t *brk_grp_member_find(group_t *g, kp_str_t id);
size_t brk_grp_member_count(const group_t *g);
const proto_t *brk_grp_member_proto(const member_t *m, const char *name);
/** @brief Answer a deferred JoinGroup or SyncGroup with an error. */
void brk_grp_reply_error(brk_groups_t *gs, const brk_pending_t *p, int16_t code);
void brk_grp_reply_sync(brk_groups_t *gs, member_t *m);
void brk_grp_start_rebalance(brk_groups_t *gs, group_t *g, int64_t now);
void brk_grp_try_complete_join(brk_groups_t *gs, group_t *g, int64_t now);
void brk_grp_drop_member(group_t *g, member_t *victim);

#endif
