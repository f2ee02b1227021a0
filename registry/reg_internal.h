/* SPDX-License-Identifier: Apache-2.0
 *
 * Internals shared by the registry's files (not a public header): the registry and context
 * structs, state mutation (reg_state.c), the write path and the parse cache (reg_registry.c).
 */
#ifndef REG_INTERNAL_H
#define REG_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "common/cn_buf.h"
#include "common/cn_map.h"
#include "registry/reg_registry.h"

#define REG_REF_DEPTH_MAX 16

struct reg_ctx {
    char *name;       /* "." or ".ctx" */
    cn_map_t *ids;    /* int32 id -> reg_schema_t (owned) */
    cn_map_t *idents; /* identity key -> reg_schema_t (borrowed) */
    int32_t max_id;
    bool announced; /* a CONTEXT record exists */
};

struct reg_registry {
    reg_options_t opts;
    pthread_rwlock_t lock;
    pthread_mutex_t writer;
    pthread_mutex_t parse_mu; /* recursive: the lazily parsed schemas */
    cn_map_t *ctxs;           /* name -> reg_ctx_t (owned) */
    cn_map_t *subjects;       /* name -> reg_subject_t (owned) */
    json_t *global_config;
    cn_map_t *configs; /* subject -> json_t (owned) */
    int global_mode;   /* -1: none */
    cn_map_t *modes;   /* subject -> int (owned, malloc'ed) */
    int64_t next_offset;
    int64_t applied, skipped;
    atomic_bool ready;
};

/* reg_state.c: the in-memory state and applying records (caller holds the write lock). */
cn_err_t reg_state_init(reg_registry_t *reg);
void reg_state_fini(reg_registry_t *reg);
reg_ctx_t *reg_ctx_get(reg_registry_t *reg, const char *name, bool create);
reg_ctx_t *reg_ctx_of_subject(reg_registry_t *reg, const char *subject, bool create);
/** Identity key of a schema: canonical text, type, references, metadata, ruleSet. */
char *reg_ident_new(const char *text, compat_type_t type, const reg_ref_t *refs, size_t nrefs,
                    const json_t *metadata, const json_t *ruleset);
/** Apply one record read from the store; garbage is logged and counted, never fatal. */
cn_err_t reg_state_apply(void *arg, const reg_rec_t *rec, cn_error_t *err);
int32_t reg_subject_max_version(const reg_subject_t *s);
const json_t *reg_config_stored(reg_registry_t *reg, const char *subject);
int reg_mode_stored(reg_registry_t *reg, const char *subject);

/* reg_registry.c: the write path. */
typedef struct reg_batch {
    cn_buf_t *keys;
    cn_buf_t *vals;
    bool *tomb;
    size_t n, cap;
} reg_batch_t;

void reg_batch_init(reg_batch_t *b);
void reg_batch_fini(reg_batch_t *b);
/** Next slot (key and value buffers): its index, SIZE_MAX without memory. */
size_t reg_batch_add(reg_batch_t *b, bool tombstone);
/** Append the batch durably, then apply it (caller holds the writer mutex). */
cn_err_t reg_write(reg_registry_t *reg, reg_batch_t *b, cn_error_t *err);
/** Read and apply everything the store holds beyond what was applied. */
cn_err_t reg_catch_up(reg_registry_t *reg, cn_error_t *err);
/** Writer entry: take the writer mutex, refuse when not ready, catch up. */
cn_err_t reg_writer_begin(reg_registry_t *reg, cn_error_t *err);
void reg_writer_end(reg_registry_t *reg);
/** The parsed form of a stored schema (cached). */
cn_err_t reg_schema_parsed(reg_registry_t *reg, reg_schema_t *sch, int depth,
                           const compat_schema_t **out, cn_error_t *err);
/** Mode that applies to a subject (subject, context, global, default). */
reg_mode_t reg_effective_mode(reg_registry_t *reg, const char *subject);
/** The tombstones that go with removing a subject entirely (config and mode). */
void reg_batch_subject_meta_tombstones(reg_registry_t *reg, reg_batch_t *b, const char *subject);

#endif
