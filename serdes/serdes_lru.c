/* SPDX-License-Identifier: Apache-2.0
 *
 * The bounded LRU map of serdes_lru_int.h: a cn_map from key to node plus a doubly linked recency
 * list (head = most recent). Owns its nodes and key copies; values through free_val.
 */
#include "serdes/serdes_lru_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_map.h"

typedef struct serdes_lru_node {
    struct serdes_lru_node *prev, *next;
    void *val;
    int64_t expires_ms;
    size_t klen;
    unsigned char key[]; /* klen bytes */
} serdes_lru_node_t;

struct serdes_lru {
    cn_map_t *map; /* key -> node (borrowed; nodes are freed here) */
    serdes_lru_node_t *head, *tail;
    size_t capacity;
    serdes_lru_free_fn free_val;
    uint64_t evictions;
};

serdes_lru_t *serdes_lru_new(size_t capacity, serdes_lru_free_fn free_val) {
    serdes_lru_t *lru = calloc(1, sizeof(*lru));
    if (!lru)
        return NULL;
    lru->map = cn_map_new(NULL);
    if (!lru->map) {
        free(lru);
        return NULL;
    }
    lru->capacity = capacity ? capacity : 1;
    lru->free_val = free_val;
    return lru;
}

static void serdes_lru_unlink(serdes_lru_t *lru, serdes_lru_node_t *n) {
    if (n->prev)
        n->prev->next = n->next;
    else
        lru->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        lru->tail = n->prev;
    n->prev = n->next = NULL;
}

static void serdes_lru_push_front(serdes_lru_t *lru, serdes_lru_node_t *n) {
    n->prev = NULL;
    n->next = lru->head;
    if (lru->head)
        lru->head->prev = n;
    lru->head = n;
    if (!lru->tail)
        lru->tail = n;
}

static void serdes_lru_drop(serdes_lru_t *lru, serdes_lru_node_t *n) {
    serdes_lru_unlink(lru, n);
    cn_map_del(lru->map, n->key, n->klen);
    if (lru->free_val && n->val)
        lru->free_val(n->val);
    free(n);
}

void serdes_lru_clear(serdes_lru_t *lru) {
    while (lru->head)
        serdes_lru_drop(lru, lru->head);
}

void serdes_lru_free(serdes_lru_t *lru) {
    if (!lru)
        return;
    serdes_lru_clear(lru);
    cn_map_free(lru->map);
    free(lru);
}

void *serdes_lru_get(serdes_lru_t *lru, const void *key, size_t klen, int64_t now_ms) {
    serdes_lru_node_t *n = cn_map_get(lru->map, key, klen);
    if (!n)
        return NULL;
    if (n->expires_ms != 0 && n->expires_ms <= now_ms) {
        serdes_lru_drop(lru, n);
        return NULL;
    }
    if (lru->head != n) {
        serdes_lru_unlink(lru, n);
        serdes_lru_push_front(lru, n);
    }
    return n->val;
}

cn_err_t serdes_lru_put(serdes_lru_t *lru, const void *key, size_t klen, void *val,
                        int64_t expires_ms) {
    serdes_lru_node_t *n = cn_map_get(lru->map, key, klen);
    if (n) {
        if (lru->free_val && n->val && n->val != val)
            lru->free_val(n->val);
        n->val = val;
        n->expires_ms = expires_ms;
        serdes_lru_unlink(lru, n);
        serdes_lru_push_front(lru, n);
        return CN_OK;
    }
    n = malloc(sizeof(*n) + klen);
    if (!n)
        return CN_ERR_NO_MEMORY;
    memcpy(n->key, key, klen);
    n->klen = klen;
    n->val = val;
    n->expires_ms = expires_ms;
    if (cn_map_put(lru->map, n->key, klen, n) != CN_OK) {
        free(n);
        return CN_ERR_NO_MEMORY;
    }
    serdes_lru_push_front(lru, n);
    while (cn_map_count(lru->map) > lru->capacity && lru->tail) {
        serdes_lru_drop(lru, lru->tail);
        lru->evictions++;
    }
    return CN_OK;
}

bool serdes_lru_del(serdes_lru_t *lru, const void *key, size_t klen) {
    serdes_lru_node_t *n = cn_map_get(lru->map, key, klen);
    if (!n)
        return false;
    serdes_lru_drop(lru, n);
    return true;
}

size_t serdes_lru_count(const serdes_lru_t *lru) {
    return cn_map_count(lru->map);
}

uint64_t serdes_lru_evictions(const serdes_lru_t *lru) {
    return lru->evictions;
}
