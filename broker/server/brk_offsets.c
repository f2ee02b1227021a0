/* SPDX-License-Identifier: Apache-2.0
 *
 * Committed group offsets (Kafka's group-coordinator message specs OffsetCommitKey.json and
 * OffsetCommitValue.json in apache/kafka): an in-memory map (group, topic, partition)
 * -> (offset, leader epoch, metadata), made durable in the compacted `__consumer_offsets` topic
 * before a commit is acknowledged, in Kafka's record formats:
 *   key   = version int16 1, group string, topic string, partition int32 (OffsetCommitKey)
 *   value = version int16 3, offset int64, leader_epoch int32, metadata string,
 *           commit_timestamp int64 (OffsetCommitValue; versions 0-3 are read)
 * and replayed at start. Group metadata records (key version 2) are skipped. The topic has one
 * partition here (Kafka has 50; a single node needs no spreading).
 */
#include "broker/server/brk_server_int.h"

#include <stdlib.h>
#include <string.h>

#define KEY_MAX 1024

typedef struct offset_val {
    int64_t offset;
    int32_t leader_epoch;
    char *metadata;
} offset_val_t;

struct brk_offsets {
    brk_srv_t *srv;
    cn_map_t *map;
};

static void val_free(void *p) {
    offset_val_t *v = p;
    if (v)
        free(v->metadata);
    free(v);
}

/* Map key: group NUL topic NUL be32(partition). */
static size_t map_key(uint8_t *k, const char *group, const char *topic, int32_t partition) {
    size_t g = strlen(group), t = strlen(topic);
    if (g + t + 6 > KEY_MAX)
        return 0;
    memcpy(k, group, g + 1);
    memcpy(k + g + 1, topic, t + 1);
    cn_be32_put(k + g + t + 2, (uint32_t)partition);
    return g + t + 6;
}

static void store(brk_offsets_t *o, const char *group, const char *topic, int32_t partition,
                  int64_t offset, int32_t epoch, const char *md, size_t mdlen) {
    uint8_t k[KEY_MAX];
    size_t klen = map_key(k, group, topic, partition);
    offset_val_t *v;
    if (!klen)
        return;
    if (offset < 0) {
        val_free(cn_map_take(o->map, k, klen));
        return;
    }
    v = calloc(1, sizeof(*v));
    if (!v || !(v->metadata = calloc(1, mdlen + 1))) {
        free(v);
        return;
    }
    memcpy(v->metadata, md, mdlen);
    v->offset = offset;
    v->leader_epoch = epoch;
    val_free(cn_map_take(o->map, k, klen));
    if (cn_map_put(o->map, k, klen, v) != CN_OK)
        val_free(v);
}

/* ---- replay ---- */

static void apply_record(void *arg, const brk_record_t *rec) {
    brk_offsets_t *o = arg;
    char group[256], topic[BRK_TOPIC_MAX + 1];
    kp_rd_t r, vr;
    int16_t kv, vv;
    int32_t partition, epoch = -1;
    int64_t offset;
    kp_str_t g, t, md;
    if (!rec->key || rec->key_len < 2)
        return;
    kp_rd_init(&r, rec->key, (size_t)rec->key_len, false, NULL);
    kv = kp_r16(&r);
    if (kv != 0 && kv != 1)
        return; /* group metadata and anything newer */
    g = kp_rstr(&r);
    t = kp_rstr(&r);
    partition = kp_r32(&r);
    if (!cn_rd_ok(&r.rd) || !kp_str_copy(g, group, sizeof(group)) ||
        !kp_str_copy(t, topic, sizeof(topic)))
        return;
    if (!rec->value) {
        store(o, group, topic, partition, -1, -1, NULL, 0);
        return;
    }
    kp_rd_init(&vr, rec->value, (size_t)rec->value_len, false, NULL);
    vv = kp_r16(&vr);
    offset = kp_r64(&vr);
    if (vv >= 3)
        epoch = kp_r32(&vr);
    md = kp_rstr(&vr);
    if (cn_rd_ok(&vr.rd) && vv >= 0 && vv <= 4)
        store(o, group, topic, partition, offset, epoch, md.p ? md.p : "",
              md.p ? (size_t)md.len : 0);
}

brk_offsets_t *brk_offsets_open(brk_srv_t *srv, cn_error_t *err) {
    brk_offsets_t *o = calloc(1, sizeof(*o));
    if (!o || !(o->map = cn_map_new(val_free))) {
        free(o);
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    o->srv = srv;
    if (brk_internal_topic(srv, BRK_OFFSETS_TOPIC, err) != CN_OK ||
        brk_internal_scan(srv, BRK_OFFSETS_TOPIC, apply_record, o, err) != CN_OK) {
        brk_offsets_free(o);
        return NULL;
    }
    return o;
}

void brk_offsets_free(brk_offsets_t *o) {
    if (!o)
        return;
    cn_map_free(o->map);
    free(o);
}

/* ---- commit ---- */

static void encode_item(cn_buf_t *keys, cn_buf_t *vals, const char *group,
                        const brk_offset_item_t *it, int64_t now_ms) {
    kp_wr_t kw = {keys, false}, vw = {vals, false};
    kp_w16(&kw, 1);
    kp_wcstr(&kw, group);
    kp_wcstr(&kw, it->topic);
    kp_w32(&kw, it->partition);
    kp_w16(&vw, 3);
    kp_w64(&vw, it->offset);
    kp_w32(&vw, it->leader_epoch);
    kp_wstr(&vw, it->metadata.p ? it->metadata : kp_str_c(""));
    kp_w64(&vw, now_ms);
}

static cn_err_t append_items(brk_offsets_t *o, const char *group, const brk_offset_item_t *items,
                             size_t n, int64_t now_ms, cn_error_t *err) {
    brk_record_t *recs = calloc(n, sizeof(*recs));
    size_t *kend = calloc(n, sizeof(size_t)), *vend = calloc(n, sizeof(size_t)), i;
    cn_buf_t keys, vals;
    cn_err_t rc = CN_OK;
    cn_buf_init(&keys, CN_BUF_NO_LIMIT);
    cn_buf_init(&vals, CN_BUF_NO_LIMIT);
    for (i = 0; recs && kend && vend && i < n; i++) {
        encode_item(&keys, &vals, group, &items[i], now_ms);
        kend[i] = keys.len;
        vend[i] = vals.len;
    }
    if (!recs || !kend || !vend || keys.failed || vals.failed)
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (i = 0; rc == CN_OK && i < n; i++) {
        size_t k0 = i ? kend[i - 1] : 0, v0 = i ? vend[i - 1] : 0;
        recs[i].offset = (int64_t)i;
        recs[i].timestamp = now_ms;
        recs[i].key = keys.data + k0;
        recs[i].key_len = (int32_t)(kend[i] - k0);
        recs[i].value = vals.data + v0;
        recs[i].value_len = (int32_t)(vend[i] - v0);
    }
    if (rc == CN_OK)
        rc = brk_internal_append_records(o->srv, BRK_OFFSETS_TOPIC, recs, n, err);
    cn_buf_fini(&keys);
    cn_buf_fini(&vals);
    free(recs);
    free(kend);
    free(vend);
    return rc;
}

cn_err_t brk_offsets_commit(brk_offsets_t *o, const char *group, const brk_offset_item_t *items,
                            size_t n, int64_t now_ms, cn_error_t *err) {
    size_t i;
    cn_err_t rc;
    if (n == 0)
        return CN_OK;
    rc = append_items(o, group, items, n, now_ms, err);
    for (i = 0; rc == CN_OK && i < n; i++) {
        const brk_offset_item_t *it = &items[i];
        store(o, group, it->topic, it->partition, it->offset, it->leader_epoch,
              it->metadata.p ? it->metadata.p : "", it->metadata.p ? (size_t)it->metadata.len : 0);
    }
    return rc;
}

int64_t brk_offsets_get(brk_offsets_t *o, const char *group, const char *topic, int32_t partition,
                        int32_t *leader_epoch, const char **metadata) {
    uint8_t k[KEY_MAX];
    size_t klen = map_key(k, group, topic, partition);
    offset_val_t *v = klen ? cn_map_get(o->map, k, klen) : NULL;
    *leader_epoch = v ? v->leader_epoch : -1;
    *metadata = v ? v->metadata : "";
    return v ? v->offset : -1;
}

void brk_offsets_each(brk_offsets_t *o, const char *group,
                      void (*fn)(void *arg, const char *topic, int32_t partition), void *arg) {
    size_t glen = strlen(group);
    cn_map_iter_t it;
    const void *key;
    size_t klen;
    void *val;
    memset(&it, 0, sizeof(it));
    while (cn_map_next(o->map, &it, &key, &klen, &val)) {
        const char *k = key;
        if (klen < glen + 6 || memcmp(k, group, glen + 1) != 0)
            continue;
        fn(arg, k + glen + 1, (int32_t)cn_be32_get((const uint8_t *)k + klen - 4));
    }
}

/* ---- per group ---- */

void brk_offsets_groups(brk_offsets_t *o, void (*fn)(void *arg, const char *group), void *arg) {
    cn_map_t *seen = cn_map_new(NULL);
    cn_map_iter_t it;
    const void *key;
    size_t klen;
    memset(&it, 0, sizeof(it));
    while (seen && cn_map_next(o->map, &it, &key, &klen, NULL)) {
        const char *group = key;
        if (cn_map_sget(seen, group))
            continue;
        if (cn_map_sput(seen, group, (void *)1) == CN_OK)
            fn(arg, group);
    }
    cn_map_free(seen);
}

typedef struct del_ctx {
    brk_offset_item_t *items;
    size_t n, cap;
    char **topics;
} del_ctx_t;

static void collect_del(void *arg, const char *topic, int32_t partition) {
    del_ctx_t *d = arg;
    if (d->n == d->cap)
        return;
    d->topics[d->n] = strdup(topic);
    d->items[d->n].topic = d->topics[d->n];
    d->items[d->n++].partition = partition;
}

static cn_err_t tombstones(brk_offsets_t *o, const char *group, const del_ctx_t *d, int64_t now_ms,
                           cn_error_t *err) {
    brk_record_t *recs = calloc(d->n, sizeof(*recs));
    cn_buf_t keys;
    size_t i, *ends = calloc(d->n, sizeof(size_t));
    cn_err_t rc = CN_OK;
    cn_buf_init(&keys, CN_BUF_NO_LIMIT);
    for (i = 0; recs && ends && i < d->n; i++) {
        kp_wr_t kw = {&keys, false};
        kp_w16(&kw, 1);
        kp_wcstr(&kw, group);
        kp_wcstr(&kw, d->items[i].topic);
        kp_w32(&kw, d->items[i].partition);
        ends[i] = keys.len;
    }
    if (!recs || !ends || keys.failed)
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (i = 0; rc == CN_OK && i < d->n; i++) {
        size_t k0 = i ? ends[i - 1] : 0;
        recs[i].offset = (int64_t)i;
        recs[i].timestamp = now_ms;
        recs[i].key = keys.data + k0;
        recs[i].key_len = (int32_t)(ends[i] - k0);
        recs[i].value_len = -1;
    }
    if (rc == CN_OK)
        rc = brk_internal_append_records(o->srv, BRK_OFFSETS_TOPIC, recs, d->n, err);
    cn_buf_fini(&keys);
    free(recs);
    free(ends);
    return rc;
}

cn_err_t brk_offsets_delete_group(brk_offsets_t *o, const char *group, int64_t now_ms,
                                  cn_error_t *err) {
    del_ctx_t d;
    size_t i;
    cn_err_t rc = CN_OK;
    memset(&d, 0, sizeof(d));
    d.cap = cn_map_count(o->map);
    d.items = calloc(d.cap + 1, sizeof(*d.items));
    d.topics = calloc(d.cap + 1, sizeof(char *));
    if (!d.items || !d.topics)
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK)
        brk_offsets_each(o, group, collect_del, &d);
    if (rc == CN_OK)
        rc = d.n ? tombstones(o, group, &d, now_ms, err)
                 : cn_error_set(err, CN_ERR_GROUP_ID_NOT_FOUND, "group %s not found", group);
    for (i = 0; rc == CN_OK && i < d.n; i++)
        store(o, group, d.items[i].topic, d.items[i].partition, -1, -1, NULL, 0);
    for (i = 0; d.topics && i < d.n; i++)
        free(d.topics[i]);
    free(d.items);
    free(d.topics);
    return rc;
}
