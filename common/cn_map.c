/* SPDX-License-Identifier: Apache-2.0
 *
 * Chained hash map with owned key copies (stored inline after the node) and power-of-two bucket
 * arrays that double at load factor 1.
 */
#include "common/cn_map.h"

#include <stdlib.h>
#include <string.h>

typedef struct cn_map_node {
    struct cn_map_node *next;
    uint64_t hash;
    void *val;
    size_t klen;
    unsigned char key[]; /* klen bytes + NUL */
} cn_map_node_t;

struct cn_map {
    cn_map_node_t **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    cn_map_free_fn free_val;
};

uint64_t cn_hash64(const void *data, size_t len) {
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

cn_map_t *cn_map_new(cn_map_free_fn free_val) {
    cn_map_t *map = calloc(1, sizeof(*map));
    if (!map)
        return NULL;
    map->nbuckets = 16;
    map->buckets = calloc(map->nbuckets, sizeof(*map->buckets));
    if (!map->buckets) {
        free(map);
        return NULL;
    }
    map->free_val = free_val;
    return map;
}

void cn_map_free(cn_map_t *map) {
    if (!map)
        return;
    for (size_t i = 0; i < map->nbuckets; i++) {
        cn_map_node_t *n = map->buckets[i];
        while (n) {
            cn_map_node_t *next = n->next;
            if (map->free_val)
                map->free_val(n->val);
            free(n);
            n = next;
        }
    }
    free(map->buckets);
    free(map);
}

static cn_map_node_t **cn_map_slot(const cn_map_t *map, const void *key, size_t klen,
                                   uint64_t hash) {
    cn_map_node_t **slot = &map->buckets[hash & (map->nbuckets - 1)];
    while (*slot && !((*slot)->hash == hash && (*slot)->klen == klen &&
                      memcmp((*slot)->key, key, klen) == 0))
        slot = &(*slot)->next;
    return slot;
}

static void cn_map_grow(cn_map_t *map) {
    size_t nb = map->nbuckets * 2;
    cn_map_node_t **buckets = calloc(nb, sizeof(*buckets));
    if (!buckets)
        return; /* keep the longer chains; still correct */
    for (size_t i = 0; i < map->nbuckets; i++) {
        cn_map_node_t *n = map->buckets[i];
        while (n) {
            cn_map_node_t *next = n->next;
            n->next = buckets[n->hash & (nb - 1)];
            buckets[n->hash & (nb - 1)] = n;
            n = next;
        }
    }
    free(map->buckets);
    map->buckets = buckets;
    map->nbuckets = nb;
}

cn_err_t cn_map_put(cn_map_t *map, const void *key, size_t klen, void *val) {
    uint64_t hash = cn_hash64(key, klen);
    cn_map_node_t **slot = cn_map_slot(map, key, klen, hash);
    cn_map_node_t *n;
    if (*slot) {
        if (map->free_val && (*slot)->val != val)
            map->free_val((*slot)->val);
        (*slot)->val = val;
        return CN_OK;
    }
    n = malloc(sizeof(*n) + klen + 1);
    if (!n)
        return CN_ERR_NO_MEMORY;
    n->next = NULL;
    n->hash = hash;
    n->val = val;
    n->klen = klen;
    memcpy(n->key, key, klen);
    n->key[klen] = '\0';
    *slot = n;
    if (++map->count > map->nbuckets)
        cn_map_grow(map);
    return CN_OK;
}

void *cn_map_get(const cn_map_t *map, const void *key, size_t klen) {
    cn_map_node_t *n = *cn_map_slot(map, key, klen, cn_hash64(key, klen));
    return n ? n->val : NULL;
}

void *cn_map_take(cn_map_t *map, const void *key, size_t klen) {
    cn_map_node_t **slot = cn_map_slot(map, key, klen, cn_hash64(key, klen));
    cn_map_node_t *n = *slot;
    void *val;
    if (!n)
        return NULL;
    *slot = n->next;
    val = n->val;
    free(n);
    map->count--;
    return val;
}

bool cn_map_del(cn_map_t *map, const void *key, size_t klen) {
    cn_map_node_t **slot = cn_map_slot(map, key, klen, cn_hash64(key, klen));
    cn_map_node_t *n = *slot;
    if (!n)
        return false;
    *slot = n->next;
    if (map->free_val)
        map->free_val(n->val);
    free(n);
    map->count--;
    return true;
}

size_t cn_map_count(const cn_map_t *map) {
    return map->count;
}

bool cn_map_next(const cn_map_t *map, cn_map_iter_t *it, const void **key, size_t *klen,
                 void **val) {
    cn_map_node_t *n = it->node ? ((cn_map_node_t *)it->node)->next : NULL;
    if (!it->node)
        it->bucket = 0;
    else if (!n)
        it->bucket++;
    while (!n && it->bucket < map->nbuckets) {
        n = map->buckets[it->bucket];
        if (!n)
            it->bucket++;
    }
    it->node = n;
    if (!n)
        return false;
    if (key)
        *key = n->key;
    if (klen)
        *klen = n->klen;
    if (val)
        *val = n->val;
    return true;
}

cn_err_t cn_map_sput(cn_map_t *map, const char *key, void *val) {
    return cn_map_put(map, key, strlen(key), val);
}

void *cn_map_sget(const cn_map_t *map, const char *key) {
    return cn_map_get(map, key, strlen(key));
}

bool cn_map_sdel(cn_map_t *map, const char *key) {
    return cn_map_del(map, key, strlen(key));
}
