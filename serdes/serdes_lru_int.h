/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: a bounded LRU map from byte-string keys to values, with an optional expiry per entry
 * (TTL caches, the negative cache). Not thread-safe: the registry client locks around it and
 * never holds that lock across an HTTP call. The cache owns key copies; values are released with
 * the free function given at creation (on eviction, expiry, replacement, delete and free).
 */
#ifndef SERDES_LRU_INT_H
#define SERDES_LRU_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_err.h"

typedef struct serdes_lru serdes_lru_t;
typedef void (*serdes_lru_free_fn)(void *val);

serdes_lru_t *serdes_lru_new(size_t capacity, serdes_lru_free_fn free_val);
void serdes_lru_free(serdes_lru_t *lru);
/** @brief The value for key, or NULL (borrowed until the next call that changes the cache).
 *  An entry whose expiry (ms, monotonic) is <= now_ms is removed and reported absent. A hit
 *  makes the entry the most recently used. */
void *serdes_lru_get(serdes_lru_t *lru, const void *key, size_t klen, int64_t now_ms);
/** @brief Insert or replace; expires_ms 0 never expires. Evicts the least recently used entry
 *  when full. On failure the value is not taken. */
cn_err_t serdes_lru_put(serdes_lru_t *lru, const void *key, size_t klen, void *val,
                        int64_t expires_ms);
bool serdes_lru_del(serdes_lru_t *lru, const void *key, size_t klen);
void serdes_lru_clear(serdes_lru_t *lru);
size_t serdes_lru_count(const serdes_lru_t *lru);
/** @brief Entries evicted because the cache was full (not expiries). */
uint64_t serdes_lru_evictions(const serdes_lru_t *lru);

#endif
