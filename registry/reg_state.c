/* SPDX-License-Identifier: Apache-2.0
 *
 * The registry's in-memory state and the record reader (as Confluent's KafkaStoreReaderThread
 * applies `_schemas`; docs/registry.md, Replay): contexts with their id and identity indexes,
 * subjects with sorted versions, configs and modes. Owns every reg_ctx_t, reg_subject_t,
 * reg_version_t and reg_schema_t. Callers hold the write lock. Applying a record is idempotent, so
 * that a record that ran out of memory half-way can be applied again by the next catch-up.
 */
#include "registry/reg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void schema_free(void *p) {
    reg_schema_t *s = p;
    if (!s)
        return;
    free(s->text);
    reg_refs_free(s->refs, s->nrefs);
    json_decref(s->metadata);
    json_decref(s->ruleset);
    free(s->ident);
    free(atomic_load(&s->wire));
    /* parsed is released by the registry that knows the language table */
    free(s);
}

static void ctx_free(void *p) {
    reg_ctx_t *c = p;
    if (!c)
        return;
    cn_map_free(c->idents);
    cn_map_free(c->guids);
    cn_map_free(c->ids);
    free(c->name);
    free(c);
}

static void subject_free(void *p) {
    reg_subject_t *s = p;
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    free(s->name);
    free(s);
}

static void config_free(void *p) {
    json_decref(p);
}

void reg_state_fini(reg_registry_t *reg) {
    reg_parse_forget(reg, NULL);
    cn_map_free(reg->uses);
    cn_map_free(reg->subjects);
    cn_map_free(reg->ctxs);
    cn_map_free(reg->configs);
    cn_map_free(reg->modes);
    json_decref(reg->global_config);
}

/* The context named ctx (len bytes), created when asked to. */
static reg_ctx_t *ctx_get(reg_registry_t *reg, const char *ctx, size_t len, bool create) {
    reg_ctx_t *c = cn_map_get(reg->ctxs, ctx, len);
    if (c || !create)
        return c;
    c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->name = strndup(ctx, len);
    c->ids = cn_map_new(schema_free);
    c->idents = cn_map_new(NULL);
    c->guids = cn_map_new(NULL);
    c->announced = len == 1 && ctx[0] == '.';
    if (!c->name || !c->ids || !c->idents || !c->guids ||
        cn_map_put(reg->ctxs, ctx, len, c) != CN_OK) {
        ctx_free(c);
        return NULL;
    }
    return c;
}

cn_err_t reg_state_init(reg_registry_t *reg) {
    reg->ctxs = cn_map_new(ctx_free);
    reg->subjects = cn_map_new(subject_free);
    reg->uses = cn_map_new(NULL);
    reg->configs = cn_map_new(config_free);
    reg->modes = cn_map_new(free);
    reg->global_mode = -1;
    reg->own_first = reg->own_last = -1;
    if (!reg->ctxs || !reg->subjects || !reg->uses || !reg->configs || !reg->modes)
        return CN_ERR_NO_MEMORY;
    return ctx_get(reg, ".", 1, true) ? CN_OK : CN_ERR_NO_MEMORY;
}

static void put_json(cn_buf_t *b, const json_t *j) {
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (s)
        cn_buf_put_str(b, s);
    free(s);
    cn_buf_put_u8(b, 0x1f);
}

char *reg_ident_new(const char *text, compat_type_t type, const reg_ref_t *refs, size_t nrefs,
                    const json_t *metadata, const json_t *ruleset) {
    cn_buf_t b;
    size_t len;
    char *out;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_printf(&b, "%d\x1f", (int)type);
    cn_buf_put_str(&b, text);
    cn_buf_put_u8(&b, 0x1f);
    for (size_t i = 0; i < nrefs; i++)
        cn_buf_printf(&b, "%s\x1e%s\x1e%d\x1e", refs[i].name, refs[i].subject,
                      (int)refs[i].version);
    cn_buf_put_u8(&b, 0x1f);
    put_json(&b, metadata);
    put_json(&b, ruleset);
    if (cn_buf_put_u8(&b, 0) != CN_OK) {
        cn_buf_fini(&b);
        return NULL;
    }
    out = (char *)cn_buf_steal(&b, &len);
    return out;
}

/* ---- subjects and versions ---- */

static reg_subject_t *subject_get_or_create(reg_registry_t *reg, const reg_name_t *name) {
    reg_subject_t *s = reg_subject_find(reg, name);
    if (s)
        return s;
    s = calloc(1, sizeof(*s));
    if (!s || !(s->name = strdup(name->subject))) {
        free(s);
        return NULL;
    }
    s->qname = reg_name(s->name);
    s->ctx = ctx_get(reg, name->ctx, name->ctx_len, true);
    if (!s->ctx || cn_map_sput(reg->subjects, name->subject, s) != CN_OK) {
        subject_free(s);
        return NULL;
    }
    return s;
}

static reg_version_t *version_insert(reg_subject_t *s, int32_t version) {
    size_t at = s->n;
    reg_version_t *v;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        reg_version_t **nv = realloc(s->v, cap * sizeof(*nv));
        if (!nv)
            return NULL;
        s->v = nv;
        s->cap = cap;
    }
    if (!(v = calloc(1, sizeof(*v))))
        return NULL;
    while (at > 0 && s->v[at - 1]->version > version)
        at--;
    memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof(*s->v));
    s->v[at] = v;
    s->n++;
    v->version = version;
    v->subject = s;
    assert(at == 0 || s->v[at - 1]->version < version);
    assert(at + 1 == s->n || s->v[at + 1]->version > version);
    return v;
}

/* ---- the identity index under subjects: (subject, schema) -> newest version ---- */

static cn_err_t use_note(reg_registry_t *reg, reg_subject_t *s, reg_version_t *v) {
    reg_use_key_t k = {s, v->schema};
    reg_version_t *cur = cn_map_get(reg->uses, &k, sizeof(k));
    if (cur && cur->version >= v->version)
        return CN_OK;
    return cn_map_put(reg->uses, &k, sizeof(k), v); /* replacing allocates nothing */
}

/* v no longer holds sch in s (v is gone from s->v, or changes schema). */
static void use_forget(reg_registry_t *reg, reg_subject_t *s, reg_version_t *v, reg_schema_t *sch) {
    reg_use_key_t k = {s, sch};
    if (cn_map_get(reg->uses, &k, sizeof(k)) != v)
        return;
    for (size_t i = s->n; i > 0; i--) {
        if (s->v[i - 1] != v && s->v[i - 1]->schema == sch) {
            cn_map_put(reg->uses, &k, sizeof(k), s->v[i - 1]);
            return;
        }
    }
    cn_map_del(reg->uses, &k, sizeof(k));
}

static void schema_detach(reg_registry_t *reg, reg_schema_t *sch) {
    reg_ctx_t *c = sch->ctx;
    int32_t id = sch->id;
    if (--sch->users > 0)
        return;
    if (cn_map_sget(c->idents, sch->ident) == sch)
        cn_map_sdel(c->idents, sch->ident);
    if (cn_map_get(c->guids, sch->guid, 16) == sch)
        cn_map_del(c->guids, sch->guid, 16);
    reg_parse_forget(reg, sch);
    cn_map_del(c->ids, &id, sizeof(id)); /* frees sch; max_id stays */
}

static void version_remove(reg_registry_t *reg, reg_subject_t *s, reg_version_t *v) {
    size_t i = 0;
    while (i < s->n && s->v[i] != v)
        i++;
    if (i == s->n)
        return;
    memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
    s->n--;
    if (v->schema) {
        use_forget(reg, s, v, v->schema);
        schema_detach(reg, v->schema);
    }
    free(v);
    if (s->n == 0)
        cn_map_sdel(reg->subjects, s->name);
}

/* ---- applying records ---- */

/* A schema taking sv's text, references and JSON, and ident (freed on failure too). */
static reg_schema_t *schema_new(reg_ctx_t *c, reg_schema_value_t *sv, compat_type_t type,
                                char *ident) {
    reg_schema_t *sch = calloc(1, sizeof(*sch));
    if (!sch) {
        free(ident);
        return NULL;
    }
    sch->id = sv->id;
    sch->type = type;
    sch->ctx = c;
    sch->ident = ident;
    sch->text = sv->schema;
    sch->refs = sv->refs;
    sch->nrefs = sv->nrefs;
    sch->metadata = sv->metadata;
    sch->ruleset = sv->ruleset;
    sv->schema = NULL; /* taken */
    sv->refs = NULL;
    sv->nrefs = 0;
    sv->metadata = sv->ruleset = NULL;
    if (!reg_guid_compute(sch->text, sch->refs, sch->nrefs, sch->metadata, sch->ruleset,
                          sch->guid)) {
        schema_free(sch);
        return NULL;
    }
    if (cn_map_put(c->ids, &sch->id, sizeof(sch->id), sch) != CN_OK) {
        schema_free(sch);
        return NULL;
    }
    if (!cn_map_sget(c->idents, ident) && cn_map_sput(c->idents, ident, sch) != CN_OK) {
        cn_map_del(c->ids, &sch->id, sizeof(sch->id)); /* frees sch and ident */
        return NULL;
    }
    if (!cn_map_get(c->guids, sch->guid, 16) && cn_map_put(c->guids, sch->guid, 16, sch) != CN_OK) {
        if (cn_map_sget(c->idents, ident) == sch)
            cn_map_sdel(c->idents, ident);
        cn_map_del(c->ids, &sch->id, sizeof(sch->id));
        return NULL;
    }
    if (sch->id > c->max_id)
        c->max_id = sch->id;
    return sch;
}

static cn_err_t schema_for_value(reg_registry_t *reg, reg_ctx_t *c, reg_schema_value_t *sv,
                                 reg_schema_t **out, cn_error_t *err) {
    compat_type_t type;
    char *ident;
    reg_schema_t *sch;
    (void)reg;
    if (!reg_type_parse(sv->type, &type))
        return cn_error_set(err, CN_ERR_PARSE, "unknown schemaType %s", sv->type);
    ident = reg_ident_new(sv->schema, type, sv->refs, sv->nrefs, sv->metadata, sv->ruleset);
    if (!ident)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    sch = cn_map_get(c->ids, &sv->id, sizeof(sv->id));
    if (sch) {
        bool same = strcmp(sch->ident, ident) == 0;
        free(ident);
        if (!same)
            return cn_error_set(err, CN_ERR_EXISTS,
                                "id %d already holds another schema in context %s: kept the "
                                "first",
                                (int)sv->id, c->name);
        *out = sch;
        return CN_OK;
    }
    *out = schema_new(c, sv, type, ident);
    return *out ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
}

static cn_err_t apply_schema(reg_registry_t *reg, const reg_key_t *key, reg_value_t *val,
                             int64_t ts, cn_error_t *err) {
    reg_name_t name = reg_name(key->subject);
    reg_subject_t *s = reg_subject_find(reg, &name);
    reg_version_t *v = reg_subject_version(s, key->version);
    reg_schema_t *sch;
    reg_ctx_t *c;
    cn_err_t rc;
    if (val->tombstone) {
        if (v)
            version_remove(reg, s, v);
        return CN_OK;
    }
    if (strcmp(val->schema.subject, key->subject) != 0 || val->schema.version != key->version ||
        key->version < 1)
        return cn_error_set(err, CN_ERR_PARSE, "SCHEMA key and value disagree");
    if (!(c = ctx_get(reg, name.ctx, name.ctx_len, true)))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if ((rc = schema_for_value(reg, c, &val->schema, &sch, err)) != CN_OK)
        return rc;
    if (!v && (!(s = subject_get_or_create(reg, &name)) || !(v = version_insert(s, key->version))))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (v->schema != sch) {
        sch->users++;
        if (v->schema) {
            use_forget(reg, s, v, v->schema);
            schema_detach(reg, v->schema);
        }
        v->schema = sch;
    }
    v->deleted = val->schema.deleted;
    v->ts = ts;
    return use_note(reg, s, v) == CN_OK ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
}

static cn_err_t apply_config(reg_registry_t *reg, const reg_key_t *key, reg_value_t *val) {
    json_t *level = val->config ? json_object_get(val->config, "compatibilityLevel") : NULL;
    compat_level_t l;
    if (!val->tombstone && json_is_string(level) && reg_level_parse(json_string_value(level), &l))
        json_object_set_new(val->config, "compatibilityLevel", json_string(reg_level_name(l)));
    if (!key->subject) {
        json_decref(reg->global_config);
        reg->global_config = val->tombstone ? NULL : json_incref(val->config);
    } else if (val->tombstone) {
        cn_map_sdel(reg->configs, key->subject);
    } else if (cn_map_sput(reg->configs, key->subject, json_incref(val->config)) != CN_OK) {
        json_decref(val->config);
        return CN_ERR_NO_MEMORY;
    }
    return CN_OK;
}

static cn_err_t apply_mode(reg_registry_t *reg, const reg_key_t *key, reg_value_t *val,
                           cn_error_t *err) {
    reg_mode_t m = REG_MODE_READWRITE;
    int *slot;
    if (!val->tombstone && !reg_mode_parse(val->mode, &m))
        return cn_error_set(err, CN_ERR_PARSE, "unknown mode %s", val->mode);
    if (!key->subject) {
        reg->global_mode = val->tombstone ? -1 : (int)m;
        return CN_OK;
    }
    if (val->tombstone) {
        cn_map_sdel(reg->modes, key->subject);
        return CN_OK;
    }
    if (!(slot = malloc(sizeof(*slot))))
        return CN_ERR_NO_MEMORY;
    *slot = (int)m;
    if (cn_map_sput(reg->modes, key->subject, slot) != CN_OK) {
        free(slot);
        return CN_ERR_NO_MEMORY;
    }
    return CN_OK;
}

static void apply_delete_subject(reg_registry_t *reg, const reg_value_t *val) {
    reg_subject_t *s = cn_map_sget(reg->subjects, val->subject);
    for (size_t i = 0; s && i < s->n; i++)
        if (s->v[i]->version <= val->version)
            s->v[i]->deleted = true;
}

static void clear_one(reg_registry_t *reg, reg_subject_t *s) {
    size_t i = s->n;
    while (i > 0) {
        reg_version_t *v = s->v[--i];
        size_t left = s->n;
        if (!v->deleted)
            continue;
        version_remove(reg, s, v);
        if (left == 1)
            return; /* s is gone */
    }
}

/* CLEAR_SUBJECT: drop the soft-deleted versions of a subject, of every subject of a context
 * (":.ctx:"), or of every subject when the record has no subject (global IMPORT). */
static cn_err_t apply_clear_subject(reg_registry_t *reg, const reg_value_t *val) {
    size_t n = 0;
    reg_name_t scope = reg_name(val->subject);
    reg_subject_t **all = reg_subjects_sorted(reg, &n);
    if (!all)
        return CN_ERR_NO_MEMORY;
    for (size_t i = 0; i < n; i++)
        if (reg_subject_in_scope(&all[i]->qname, &scope))
            clear_one(reg, all[i]);
    free(all);
    return CN_OK;
}

static cn_err_t apply_context(reg_registry_t *reg, const reg_key_t *key, const reg_value_t *val) {
    reg_ctx_t *c = ctx_get(reg, key->context, strlen(key->context), !val->tombstone);
    if (!c)
        return val->tombstone ? CN_OK : CN_ERR_NO_MEMORY;
    c->announced = !val->tombstone || strcmp(c->name, ".") == 0;
    return CN_OK;
}

static cn_err_t apply(reg_registry_t *reg, const reg_key_t *key, reg_value_t *val, int64_t ts,
                      cn_error_t *err) {
    switch (key->type) {
    case REG_KEY_SCHEMA:
        return apply_schema(reg, key, val, ts, err);
    case REG_KEY_CONFIG:
        return apply_config(reg, key, val);
    case REG_KEY_MODE:
        return apply_mode(reg, key, val, err);
    case REG_KEY_DELETE_SUBJECT:
        if (!val->tombstone)
            apply_delete_subject(reg, val);
        return CN_OK;
    case REG_KEY_CLEAR_SUBJECT:
        return val->tombstone ? CN_OK : apply_clear_subject(reg, val);
    case REG_KEY_CONTEXT:
        return apply_context(reg, key, val);
    default:
        return CN_OK;
    }
}

static void skip(reg_registry_t *reg, const reg_rec_t *rec, const cn_error_t *why) {
    reg->skipped++;
    cn_log_warn(reg->opts.log, "_schemas offset %lld skipped: %s", (long long)rec->offset,
                why->msg);
}

/* A decode failure (rc) of one of the writer's own records is a lack of memory. */
static cn_err_t own_record(reg_registry_t *reg, const reg_rec_t *rec, cn_err_t rc,
                           cn_error_t *why) {
    if (rc == CN_OK || rc == CN_ERR_NO_MEMORY || rec->offset < reg->own_first ||
        rec->offset > reg->own_last)
        return rc;
    return cn_error_set(why, CN_ERR_NO_MEMORY, "no memory to decode _schemas offset %lld",
                        (long long)rec->offset);
}

/* Decode and apply one record; the error (in why) says whether it is garbage. Keys of
 * types that carry nothing to apply (NOOP, unknown) are not counted (*counted false). */
static cn_err_t apply_rec(reg_registry_t *reg, const reg_rec_t *rec, bool *counted,
                          cn_error_t *why) {
    reg_key_t key;
    reg_value_t val;
    cn_err_t rc;
    rc = reg_key_decode(rec->key, rec->key_len < 0 ? 0 : (size_t)rec->key_len, &key, why);
    if (rc != CN_OK)
        return own_record(reg, rec, rc, why);
    *counted = key.type != REG_KEY_UNKNOWN && key.type != REG_KEY_NOOP;
    if (!*counted) {
        reg_key_fini(&key);
        return CN_OK;
    }
    rc = own_record(reg, rec, reg_value_decode(&key, rec->value, rec->value_len, &val, why), why);
    if (rc == CN_OK && key.has_seq && !val.tombstone && key.seq != rec->offset)
        rc = cn_error_set(why, CN_ERR_PARSE, "seq %lld is a lost write race", (long long)key.seq);
    if (rc == CN_OK && (rc = apply(reg, &key, &val, rec->timestamp, why)) == CN_ERR_NO_MEMORY)
        cn_error_set(why, CN_ERR_NO_MEMORY, "no memory to apply _schemas offset %lld",
                     (long long)rec->offset);
    reg_value_fini(&val);
    reg_key_fini(&key);
    return rc;
}

cn_err_t reg_state_apply(void *arg, const reg_rec_t *rec, cn_error_t *err) {
    reg_registry_t *reg = arg;
    cn_error_t why = {0};
    cn_err_t rc = CN_OK;
    bool counted = false;
    assert(reg_wrlock_held(reg));
    assert(rec->offset >= reg->next_offset);
    if (rec->key_len > 0 || rec->value_len > 0) /* else control leftovers (Karapace skips) */
        rc = apply_rec(reg, rec, &counted, &why);
    if (rc == CN_ERR_NO_MEMORY) { /* not garbage: stop before it, the next catch-up retries */
        if (err)
            *err = why;
        return rc;
    }
    reg->next_offset = rec->offset + 1;
    if (rc != CN_OK)
        skip(reg, rec, &why);
    else if (counted)
        reg->applied++;
    return CN_OK;
}
