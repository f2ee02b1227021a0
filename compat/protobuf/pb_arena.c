/* SPDX-License-Identifier: Apache-2.0
 *
 * The arena that owns one parsed .proto file: bump allocation in chunks, freed at once. A
 * failed allocation marks the arena so callers can check once at the end.
 */
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_int.h"

#define CHUNK_MIN 8192

struct pb_chunk {
    pb_chunk_t *next;
    size_t used, cap;
    max_align_t data[];
};

/* The model holds pointers, ints and chars: pointer alignment is enough (and halves the
 * rounding of the many short strings). */
void *pb_alloc(pb_arena_t *a, size_t n) {
    size_t al = sizeof(void *);
    n = (n + al - 1) / al * al;
    if (!n)
        n = al;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
        pb_chunk_t *c = malloc(sizeof(*c) + cap);
        if (!c) {
            a->failed = true;
            return NULL;
        }
        c->used = 0;
        c->cap = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

char *pb_strndup(pb_arena_t *a, const char *s, size_t n) {
    char *d = pb_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *pb_strdup(pb_arena_t *a, const char *s) {
    return s ? pb_strndup(a, s, strlen(s)) : NULL;
}

/* Capacities are powers of two from 4, so n tells when the vector is full. */
void *pb_vec_push(pb_arena_t *a, void *vec, size_t n, size_t sz) {
    if (n >= 4 && (n & (n - 1)) != 0)
        return vec;
    if (n > 0 && n < 4)
        return vec;
    size_t cap = n ? n * 2 : 4;
    void *v = pb_alloc(a, cap * sz);
    if (v && n)
        memcpy(v, vec, n * sz);
    return v;
}

void pb_arena_free(pb_arena_t *a) {
    pb_chunk_t *c = a->head;
    while (c) {
        pb_chunk_t *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}
