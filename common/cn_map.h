/* SPDX-License-Identifier: Apache-2.0
 *
 * A hash map from byte-string keys to pointers, with separate chaining and doubling. The map
 * owns copies of the keys; values are owned by the map when a free function is given (called on
 * replace, delete and cn_map_free), borrowed otherwise. Not thread-safe: callers lock.
 */
#ifndef CN_MAP_H
#define CN_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_err.h"

typedef struct cn_map cn_map_t;
typedef void (*cn_map_free_fn)(void *val);

typedef struct cn_map_iter {
    size_t bucket;
    void *node;
} cn_map_iter_t;

cn_map_t *cn_map_new(cn_map_free_fn free_val);
void cn_map_free(cn_map_t *map);
/** @brief Insert or replace (the old value is freed). On failure val is not taken. */
cn_err_t cn_map_put(cn_map_t *map, const void *key, size_t klen, void *val);
/** @brief The value, or NULL (borrowed). */
void *cn_map_get(const cn_map_t *map, const void *key, size_t klen);
/** @brief Remove key and free its value; false when absent. */
bool cn_map_del(cn_map_t *map, const void *key, size_t klen);
/** @brief Remove key and hand its value to the caller (NULL when absent). */
void *cn_map_take(cn_map_t *map, const void *key, size_t klen);
size_t cn_map_count(const cn_map_t *map);
/** @brief Iterate in no particular order: start with a zeroed iterator; the map must not change
 *  meanwhile. key/klen/val may be NULL. */
bool cn_map_next(const cn_map_t *map, cn_map_iter_t *it, const void **key, size_t *klen,
                 void **val);

/* String-key conveniences. */
cn_err_t cn_map_sput(cn_map_t *map, const char *key, void *val);
void *cn_map_sget(const cn_map_t *map, const char *key);
bool cn_map_sdel(cn_map_t *map, const char *key);

/** @brief 64-bit hash of bytes (FNV-1a with a final mix). */
uint64_t cn_hash64(const void *data, size_t len);

#endif
