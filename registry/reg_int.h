/* SPDX-License-Identifier: Apache-2.0
 *
 * Internals shared by the registry's files (not a public header): the registry and context
 * structs and the functions each file offers the others. The files call one another in one
 * direction only, from top to bottom:
 *
 *   reg_register.c reg_delete.c   commands (registration, lookup, compatibility, deletes)
 *   reg_contract.c                data contracts: merges, ruleSet validation, groups, reserved
 *   reg_config.c reg_format.c     config and mode (resolution, records); the `format` reads
 *   reg_registry.c                lifecycle: new/free, replay, refresh, stats
 *   reg_writer.c                  the writer: batches, append (pipelined), apply, catch up
 *   reg_state.c                   state mutation and applying records
 *   reg_parse_cache.c             the parsed form of stored schemas (a bounded LRU)
 *   reg_view.c                    the state lock, read views (lookups, listings), durability
 *   reg_names.c                   names, qualified subjects and their rules
 *   reg_record.c                  the `_schemas` record codec (reg_record.h)
 *   reg_store_*.c                 the store backends (reg_store.h)
 */
#ifndef REG_INT_H
#define REG_INT_H

#include <assert.h>
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
    cn_map_t *guids;  /* 16-byte GUID -> the first reg_schema_t with it (borrowed) */
    int32_t max_id;
    bool announced; /* a CONTEXT record exists */
};

/** Key of reg_registry.uses: a subject and a schema. */
typedef struct reg_use_key {
    const reg_subject_t *subject;
    const reg_schema_t *schema;
} reg_use_key_t;

struct reg_registry {
    reg_options_t opts;
    pthread_rwlock_t lock;
    pthread_mutex_t writer;
    pthread_mutex_t parse_mu;          /* recursive: the parse cache (reg_parse_cache.c) */
    reg_schema_t *lru_head, *lru_tail; /* parsed schemas, most recently used first */
    size_t nparsed;
    uint64_t parses;
    _Atomic(pthread_t) writer_tid; /* valid while writing: the thread holding the writer mutex */
    atomic_bool writing;
    _Atomic(pthread_t) wrlock_tid; /* valid while wrlocked: the thread holding the write lock */
    atomic_bool wrlocked;
    cn_map_t *ctxs;     /* name -> reg_ctx_t (owned) */
    cn_map_t *subjects; /* name -> reg_subject_t (owned) */
    cn_map_t *uses;     /* reg_use_key_t -> the newest reg_version_t of the subject holding the
                           schema (borrowed): the identity lookup under a subject */
    json_t *global_config;
    cn_map_t *configs;       /* subject -> json_t (owned) */
    int global_mode;         /* -1: none */
    cn_map_t *modes;         /* subject -> int (owned, malloc'ed) */
    int64_t next_offset;     /* applied below it (changes under the writer and the write lock) */
    _Atomic int64_t durable; /* pipelined stores: everything below it is known durable */
    pthread_mutex_t lost_mu; /* with lost_cv: where threads wait for ever after a failed sync */
    pthread_cond_t lost_cv;
    int64_t own_first, own_last; /* the writer's last append, verified to decode (-1: none) */
    int64_t applied, skipped;
    atomic_bool ready;
};

/* ---- lock invariants (assert()ed in debug and asan builds) ---- */

/** Whether some thread holds the state lock (read or write). A debugging aid for assert(). */
bool reg_lock_held(reg_registry_t *reg);
/** Whether this thread may read the state: it holds the lock, or it is the writer (the state
 *  changes only under the writer). */
bool reg_may_read(reg_registry_t *reg);
/** Whether this thread holds the state's write lock. */
bool reg_wrlock_held(reg_registry_t *reg);
/** Whether this thread is the writer (holds the writer mutex). */
bool reg_writer_held(reg_registry_t *reg);
void reg_wrlock(reg_registry_t *reg);
/** Release the read lock without waiting until what was read is durable (reg_unlock waits);
 *  returns the applied offset seen, to reg_settle() before anything read is answered. */
int64_t reg_unlock_nowait(reg_registry_t *reg);
/** Wait until every record below end is durable (pipelined stores; at once otherwise). A failed
 *  sync is fatal: the thread never returns, so that nothing read from a record that may be lost
 *  is ever answered (the owner exits when the log failed). */
void reg_settle(reg_registry_t *reg, int64_t end);
void reg_wrunlock(reg_registry_t *reg);

/* ---- reg_view.c: lookups that only read the state (caller holds the lock) ---- */

/** The context of a name (NULL when it has none yet). */
reg_ctx_t *reg_ctx_find(reg_registry_t *reg, const reg_name_t *name);
reg_subject_t *reg_subject_find(reg_registry_t *reg, const reg_name_t *name);
/** The subject that ref (a reference's subject, as written) names from within name's context. */
reg_subject_t *reg_ref_subject(reg_registry_t *reg, const reg_name_t *name, const char *ref);
int32_t reg_subject_max_version(const reg_subject_t *s);
/** The newest version of s holding sch, live only unless deleted (an index lookup). */
reg_version_t *reg_subject_version_of(reg_registry_t *reg, const reg_subject_t *s,
                                      const reg_schema_t *sch, bool deleted);
/** The config or mode stored for a scope of len bytes (a subject, ":.ctx:"; NULL: global). */
const json_t *reg_config_at(reg_registry_t *reg, const char *scope, size_t len);
int reg_mode_at(reg_registry_t *reg, const char *scope, size_t len);
const json_t *reg_config_stored(reg_registry_t *reg, const char *subject);
int reg_mode_stored(reg_registry_t *reg, const char *subject);
/** Whether (subject, version) is referenced by a live (or, with deleted, any) version of a
 *  subject other than except (NULL: any subject). */
bool reg_is_referenced(reg_registry_t *reg, const char *subject, int32_t version, bool deleted,
                       const char *except);

/* ---- reg_state.c: the in-memory state and applying records (caller holds the write lock) ---- */

cn_err_t reg_state_init(reg_registry_t *reg);
void reg_state_fini(reg_registry_t *reg);
/** Identity key of a schema: canonical text, type, references, metadata, ruleSet. */
char *reg_ident_new(const char *text, compat_type_t type, const reg_ref_t *refs, size_t nrefs,
                    const json_t *metadata, const json_t *ruleset);
/** Apply one record read from the store; garbage is logged, counted and skipped, never fatal.
 *  A record that could not be applied for lack of memory stops the read (CN_ERR_NO_MEMORY)
 *  before it, so that the next catch-up applies it. So does one of the writer's own records
 *  (reg->own_first..own_last) that fails to decode: it decoded before it was appended, and the
 *  JSON parser does not tell a lack of memory from a syntax error. */
cn_err_t reg_state_apply(void *arg, const reg_rec_t *rec, cn_error_t *err);

/* ---- reg_parse_cache.c ---- */

/** The parsed form of a stored schema, from the cache or parsed now (its references resolved
 *  in its context down to REG_REF_DEPTH_MAX). The result is pinned: the caller borrows it until
 *  reg_schema_unpin(sch); at most opts.parse_cache_size unpinned ones stay cached (LRU). */
cn_err_t reg_schema_parsed(reg_registry_t *reg, reg_schema_t *sch, int depth,
                           const compat_schema_t **out, cn_error_t *err);
void reg_schema_unpin(reg_registry_t *reg, reg_schema_t *sch);
/** Drop the parsed form of a schema about to be freed (not pinned; caller holds the write
 *  lock), or of every schema (sch NULL, at reg_free). */
void reg_parse_forget(reg_registry_t *reg, reg_schema_t *sch);

/* ---- reg_writer.c: the write path ---- */

/** The records of one write. Adding never fails: the first failure (no memory for a slot or
 *  its encoding) is remembered, and reg_write reports it without appending anything. */
typedef struct reg_batch {
    cn_buf_t *keys;
    cn_buf_t *vals;
    bool *tomb;
    size_t n, cap;
    bool failed;
} reg_batch_t;

void reg_batch_init(reg_batch_t *b);
void reg_batch_fini(reg_batch_t *b);
/** A SCHEMA record (key from sv->subject and sv->version). */
void reg_batch_schema(reg_batch_t *b, const reg_schema_value_t *sv);
void reg_batch_schema_tombstone(reg_batch_t *b, const char *subject, int32_t version);
/** A CONFIG record; config NULL: its tombstone. subject NULL: global. */
void reg_batch_config(reg_batch_t *b, const char *subject, const json_t *config);
/** A MODE record; mode NULL: its tombstone. subject NULL: global. */
void reg_batch_mode(reg_batch_t *b, const char *subject, const char *mode);
void reg_batch_delete_subject(reg_batch_t *b, const char *subject, int32_t version);
void reg_batch_clear_subject(reg_batch_t *b, const char *subject);
void reg_batch_context(reg_batch_t *b, const char *tenant, const char *context);
/** Append the batch durably, then apply it (caller is the writer). Nothing is appended when
 *  the batch failed. */
cn_err_t reg_write(reg_registry_t *reg, reg_batch_t *b, cn_error_t *err);
/** Read and apply everything the store holds beyond what was applied (caller is the writer). */
cn_err_t reg_catch_up(reg_registry_t *reg, cn_error_t *err);
/** Take the writer mutex (trylock: false when another thread writes). */
void reg_writer_lock(reg_registry_t *reg);
bool reg_writer_trylock(reg_registry_t *reg);
/** Writer entry: take the writer mutex, refuse when not ready, catch up. */
cn_err_t reg_writer_begin(reg_registry_t *reg, cn_error_t *err);
/** Release the writer mutex (after reg_writer_begin or reg_writer_lock), then wait until the
 *  state the writer saw (what it appended included) is durable: the caller answers after. */
void reg_writer_end(reg_registry_t *reg);
/** Release the writer mutex without waiting (the caller answers nothing from the state);
 *  returns the applied offset the writer saw. */
int64_t reg_writer_release(reg_registry_t *reg);

/* ---- reg_contract.c: data contracts in registration ---- */

/** Step 4 of registration: config defaultMetadata / defaultRuleSet, then the version's own md
 *  and rs (the request's or the previous version's), then overrideMetadata / overrideRuleSet,
 *  later winning (reg_metadata_merge, reg_ruleset_merge); each config member from the subject,
 *  else its context, else the global scopes. New references in *md_out, *rs_out (NULL: empty). */
cn_err_t reg_contract_merge(reg_registry_t *reg, const reg_name_t *name, const json_t *md,
                            const json_t *rs, json_t **md_out, json_t **rs_out, cn_error_t *err);
/** properties["confluent:version"] of a new version (*md owned, made when NULL): set to version
 *  when the request gave one (given) or the property is there; *changed then. */
cn_err_t reg_contract_version(json_t **md, int32_t version, bool given, bool *changed,
                              cn_error_t *err);
/** Whether config defaults or overrides of metadata or ruleSet apply to name: registration's
 *  read-only fast path is then skipped, as Confluent's, since what is stored depends on them. */
bool reg_contract_configured(reg_registry_t *reg, const reg_name_t *name);
/** Confluent's compatibilityGroup: the live versions of s (oldest first, *out malloc'ed) whose
 *  metadata.properties[group] equals metadata's (both absent counts as equal). *out NULL with a
 *  non-empty s: no memory. */
size_t reg_group_history(const reg_subject_t *s, const char *group, const json_t *metadata,
                         reg_version_t ***out);
/** Confluent's validateFields reserved-field checks of a new schema (parsed, with its merged
 *  metadata; the language's has_field) against the latest live version of s: a field reserved
 * earlier dropped from metadata.properties["confluent:reserved"], a top-level field that is
 * reserved. Appends Confluent's messages to msgs; returns how many. */
size_t reg_reserved_check(const reg_subject_t *s, const reg_lang_ops_t *lang,
                          const compat_schema_t *parsed, const json_t *metadata, json_t *msgs);

/* ---- reg_config.c: config and mode resolution ---- */

/** Mode that applies to a subject (subject, context, global, default). */
reg_mode_t reg_effective_mode_of(reg_registry_t *reg, const reg_name_t *name);
/** READONLY or READONLY_OVERRIDE. */
bool reg_mode_readonly(reg_mode_t mode);
/** @brief The compatibilityPolicy in force for name: the most specific scope that sets one
 *  (subject, context, global, ":.__GLOBAL:"), else STRICT. */
compat_policy_t reg_effective_policy(reg_registry_t *reg, const reg_name_t *name);
/** 42205 "... is in read-only mode" when the effective mode is READONLY (or _OVERRIDE). */
cn_err_t reg_check_writable(reg_registry_t *reg, const reg_name_t *name, cn_error_t *err);
/** 42205 with Confluent's message: "Subject S in context C <what>". */
cn_err_t reg_mode_error(cn_error_t *err, const reg_name_t *name, const char *what);
/** A config member (e.g. "compatibilityGroup", "validateFields") from the most specific scope
 *  that sets it (subject, context, global, ":.__GLOBAL:"); NULL when none does. */
const json_t *reg_config_value(reg_registry_t *reg, const reg_name_t *name, const char *key);
/** The tombstones that go with removing a subject entirely (config and mode). */
void reg_batch_subject_meta_tombstones(reg_registry_t *reg, reg_batch_t *b, const char *subject);

#endif
