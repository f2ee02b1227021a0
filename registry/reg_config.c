/* SPDX-License-Identifier: Apache-2.0
 *
 * Config and mode (the /config and /mode resources of Confluent's API reference,
 * docs.confluent.io/platform/current/schema-registry/develop/api.html; the fallback of
 * KafkaSchemaRegistry.getCompatibilityLevelInScope): stored per subject, per context (":.ctx:") and
 * globally; resolution subject -> context -> global -> ":.__GLOBAL:" -> server default; the PUT
 * merge; the CONFIG and MODE records.
 */
#include "registry/reg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The scopes that apply to a subject, most specific first: the subject, its context
 * (":.ctx:", a prefix of the subject), the global scope (NULL) and ":.__GLOBAL:". */
typedef struct scope {
    const char *key;
    size_t len;
} scope_t;

static size_t scopes(const reg_name_t *name, scope_t out[4]) {
    const char *subject = name->subject;
    size_t n = 0;
    if (subject) {
        out[n++] = (scope_t){subject, strlen(subject)};
        if (!reg_name_default_ctx(name) && subject[out[0].len - 1] != ':')
            out[n++] = (scope_t){subject, name->ctx_len + 2};
    }
    out[n++] = (scope_t){NULL, 0};
    out[n++] = (scope_t){":.__GLOBAL:", 11};
    return n;
}

static const json_t *effective_config(reg_registry_t *reg, const reg_name_t *name) {
    scope_t sc[4];
    size_t n = scopes(name, sc);
    for (size_t i = 0; i < n; i++) {
        const json_t *c = reg_config_at(reg, sc[i].key, sc[i].len);
        if (c && json_is_string(json_object_get(c, "compatibilityLevel")))
            return c;
    }
    return NULL;
}

compat_level_t reg_effective_level(reg_registry_t *reg, const reg_name_t *name) {
    const json_t *c = effective_config(reg, name);
    compat_level_t l;
    if (c && reg_level_parse(json_string_value(json_object_get(c, "compatibilityLevel")), &l))
        return l;
    return reg->opts.default_level;
}

compat_policy_t reg_effective_policy(reg_registry_t *reg, const reg_name_t *name) {
    scope_t sc[4];
    size_t n = scopes(name, sc);
    compat_policy_t p;
    for (size_t i = 0; i < n; i++) {
        const json_t *c = reg_config_at(reg, sc[i].key, sc[i].len);
        const json_t *v = c ? json_object_get(c, "compatibilityPolicy") : NULL;
        if (json_is_string(v)) /* a value Confluent wrote that we do not know: STRICT */
            return compat_policy_parse(json_string_value(v), &p) ? p : COMPAT_POLICY_STRICT;
    }
    return COMPAT_POLICY_STRICT;
}

/* The global mode (":.__GLOBAL:" when the global scope has none) is READONLY_OVERRIDE: it wins
 * over every subject's and context's own mode, as in Confluent's AbstractSchemaRegistry.getMode and
 * getModeInScope (`globalMode == READONLY_OVERRIDE ? globalMode : subjectMode`); a context's
 * READONLY_OVERRIDE is an ordinary read-only mode for the subjects without their own. */
static bool global_override(reg_registry_t *reg) {
    int m = reg_mode_at(reg, NULL, 0);
    if (m < 0)
        m = reg_mode_at(reg, ":.__GLOBAL:", 11);
    return m == REG_MODE_READONLY_OVERRIDE;
}

reg_mode_t reg_effective_mode_of(reg_registry_t *reg, const reg_name_t *name) {
    scope_t sc[4];
    size_t n = scopes(name, sc);
    if (global_override(reg))
        return REG_MODE_READONLY_OVERRIDE;
    for (size_t i = 0; i < n; i++) {
        int m = reg_mode_at(reg, sc[i].key, sc[i].len);
        if (m >= 0)
            return (reg_mode_t)m;
    }
    return REG_MODE_READWRITE;
}

cn_err_t reg_mode_error(cn_error_t *err, const reg_name_t *name, const char *what) {
    bool dflt = reg_name_default_ctx(name);
    return cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED, "Subject %s in context %.*s %s",
                        name->subject ? name->subject : "", dflt ? 0 : (int)name->ctx_len,
                        name->ctx, what);
}

bool reg_mode_readonly(reg_mode_t mode) {
    return mode == REG_MODE_READONLY || mode == REG_MODE_READONLY_OVERRIDE;
}

cn_err_t reg_check_writable(reg_registry_t *reg, const reg_name_t *name, cn_error_t *err) {
    if (!reg_mode_readonly(reg_effective_mode_of(reg, name)))
        return CN_OK;
    return reg_mode_error(err, name, "is in read-only mode");
}

static json_t *default_config(reg_registry_t *reg) {
    return json_pack("{s:s}", "compatibilityLevel", reg_level_name(reg->opts.default_level));
}

cn_err_t reg_config_get(reg_registry_t *reg, const reg_name_t *name, bool default_to_global,
                        json_t **out, cn_error_t *err) {
    const char *subject = name->subject;
    const json_t *c;
    reg_rdlock(reg);
    c = reg_config_stored(reg, subject);
    if (!c && (default_to_global || !subject))
        c = effective_config(reg, name);
    *out = c ? json_deep_copy(c) : NULL;
    reg_unlock(reg);
    if (*out && !subject && !json_object_get(*out, "compatibilityLevel"))
        json_object_set_new(*out, "compatibilityLevel",
                            json_string(reg_level_name(reg->opts.default_level)));
    if (c)
        return CN_OK;
    if (subject && !default_to_global)
        return cn_error_set(err, CN_ERR_SUBJECT_COMPAT_NOT_CONFIGURED,
                            "Subject '%s' does not have subject-level compatibility configured",
                            subject);
    *out = default_config(reg);
    return CN_OK;
}

/* Request shape ("compatibility") from the stored shape ("compatibilityLevel"). */
/* Request shape ("compatibility") from the stored shape ("compatibilityLevel"); NULL without
 * memory. */
static json_t *request_shape(const json_t *stored) {
    json_t *o = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)stored, k, v) {
        if (o && json_object_set(o, strcmp(k, "compatibilityLevel") == 0 ? "compatibility" : k,
                                 v) != 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

/* One member of the merge: null clears, the level is checked and spelled as stored. */
static cn_err_t merge_one(json_t *merged, const char *k, json_t *v, cn_error_t *err) {
    const char *key = strcmp(k, "compatibility") == 0 ? "compatibilityLevel" : k;
    compat_level_t l;
    if (strcmp(k, "compatibilityLevel") == 0 || strcmp(k, "subject") == 0)
        return CN_OK;
    if (json_is_null(v)) {
        json_object_del(merged, key);
        return CN_OK;
    }
    if (strcmp(key, "compatibilityPolicy") == 0 &&
        (!json_is_string(v) || !compat_policy_parse(json_string_value(v), &(compat_policy_t){0})))
        return cn_error_set(err, CN_ERR_INVALID_COMPAT_LEVEL,
                            "Invalid compatibility policy: STRICT, LENIENT or LOGICAL expected");
    if (strcmp(key, "compatibilityLevel") != 0)
        return json_object_set(merged, key, v) ? cn_error_set(err, CN_ERR_NO_MEMORY, NULL) : CN_OK;
    if (!json_is_string(v) || !reg_level_parse(json_string_value(v), &l))
        return cn_error_set(err, CN_ERR_INVALID_COMPAT_LEVEL, NULL);
    if (json_object_set_new(merged, key, json_string(reg_level_name(l))))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    return CN_OK;
}

/* Confluent's ConfigResource refuses LOGICAL with FORWARD(_TRANSITIVE): Iceberg, LOGICAL's
 * target, evolves backward only. The level is the merged one, else the one in force for the
 * scope (inherited). */
static cn_err_t check_pairing(const json_t *merged, compat_level_t inherited, cn_error_t *err) {
    compat_policy_t p;
    compat_level_t l = inherited;
    const char *pol = json_string_value(json_object_get(merged, "compatibilityPolicy"));
    const char *lvl = json_string_value(json_object_get(merged, "compatibilityLevel"));
    if (!pol || !compat_policy_parse(pol, &p) || p != COMPAT_POLICY_LOGICAL ||
        (lvl && !reg_level_parse(lvl, &l)) ||
        (l != COMPAT_FORWARD && l != COMPAT_FORWARD_TRANSITIVE))
        return CN_OK;
    return cn_error_set(err, CN_ERR_INVALID_COMPAT_LEVEL,
                        "compatibilityPolicy=LOGICAL cannot be combined with compatibilityLevel="
                        "%s: Iceberg only supports backward-compatible schema evolution",
                        compat_level_name(l));
}

static cn_err_t merge_config(const json_t *old, const json_t *update, compat_level_t inherited,
                             json_t **out, cn_error_t *err) {
    json_t *merged = old ? json_deep_copy(old) : json_object();
    const char *k;
    json_t *v;
    cn_err_t rc = merged ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    json_object_foreach((json_t *)update, k, v) {
        if (rc == CN_OK)
            rc = merge_one(merged, k, v, err);
    }
    if (rc == CN_OK)
        rc = check_pairing(merged, inherited, err);
    if (rc != CN_OK)
        json_decref(merged);
    *out = rc == CN_OK ? merged : NULL;
    return rc;
}

cn_err_t reg_config_set(reg_registry_t *reg, const reg_name_t *name, const json_t *update,
                        json_t **out, cn_error_t *err) {
    const char *subject = name->subject;
    json_t *merged = NULL;
    reg_batch_t b;
    cn_err_t rc;
    *out = NULL;
    if ((rc = reg_writer_begin(reg, err)) != CN_OK)
        return rc;
    reg_batch_init(&b);
    rc = reg_check_writable(reg, name, err);
    if (rc == CN_OK)
        rc = merge_config(reg_config_stored(reg, subject), update, reg_effective_level(reg, name),
                          &merged, err);
    if (rc == CN_OK && !(*out = request_shape(merged))) /* the answer before the write */
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK) {
        reg_batch_config(&b, subject, merged);
        rc = reg_write(reg, &b, err);
    }
    if (rc != CN_OK) {
        json_decref(*out);
        *out = NULL;
    }
    json_decref(merged);
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}

cn_err_t reg_config_delete(reg_registry_t *reg, const reg_name_t *name, json_t **out,
                           cn_error_t *err) {
    const char *subject = name->subject;
    const json_t *old;
    reg_batch_t b;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    rc = reg_check_writable(reg, name, err);
    old = reg_config_stored(reg, subject);
    if (rc == CN_OK && !old && subject)
        rc = cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
    *out = old ? json_deep_copy(old) : default_config(reg);
    if (rc == CN_OK && !*out)
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK && old) {
        reg_batch_config(&b, subject, NULL);
        rc = reg_write(reg, &b, err);
    }
    if (rc != CN_OK) {
        json_decref(*out);
        *out = NULL;
    }
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}

cn_err_t reg_mode_get(reg_registry_t *reg, const reg_name_t *name, bool default_to_global,
                      reg_mode_t *out, cn_error_t *err) {
    const char *subject = name->subject;
    int m;
    reg_rdlock(reg);
    m = global_override(reg) ? (int)REG_MODE_READONLY_OVERRIDE : reg_mode_stored(reg, subject);
    if (m < 0 && (default_to_global || !subject))
        m = (int)reg_effective_mode_of(reg, name);
    reg_unlock(reg);
    if (m < 0)
        return cn_error_set(err, CN_ERR_SUBJECT_MODE_NOT_CONFIGURED,
                            "Subject '%s' does not have subject-level mode configured", subject);
    *out = (reg_mode_t)m;
    return CN_OK;
}

/* Entering IMPORT without force, as Confluent's PUT /mode does: hard-delete the soft-deleted
 * versions in scope (42206 if one is referenced), then a CLEAR_SUBJECT record for the subject,
 * the context (":.ctx:") or, when global (subject NULL), every subject. */
static cn_err_t purge_soft_deleted(reg_registry_t *reg, const reg_name_t *scope, reg_batch_t *b,
                                   cn_error_t *err) {
    size_t n = 0;
    cn_err_t rc = CN_OK;
    reg_subject_t **all = reg_subjects_sorted(reg, &n);
    if (!all)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; all && i < n && rc == CN_OK; i++) {
        if (!reg_subject_in_scope(&all[i]->qname, scope))
            continue;
        for (size_t k = 0; k < all[i]->n && rc == CN_OK; k++) {
            reg_version_t *v = all[i]->v[k];
            if (!v->deleted)
                continue;
            if (reg_is_referenced(reg, all[i]->name, v->version, true, NULL))
                rc = cn_error_set(err, CN_ERR_REFERENCE_EXISTS,
                                  "One or more references exist to the schema "
                                  "{magic=1,keytype=SCHEMA,subject=%s,version=%d}.",
                                  all[i]->name, (int)v->version);
            else
                reg_batch_schema_tombstone(b, all[i]->name, v->version);
        }
    }
    free(all);
    if (rc == CN_OK)
        reg_batch_clear_subject(b, scope->subject);
    return rc;
}

static bool live_subjects_in_scope(reg_registry_t *reg, const reg_name_t *scope) {
    size_t n = 0;
    bool found = false;
    reg_subject_t **all = reg_subjects_sorted(reg, &n);
    for (size_t i = 0; all && i < n && !found; i++)
        found = reg_subject_in_scope(&all[i]->qname, scope) && reg_subject_visible(all[i], false);
    free(all);
    return found || !all; /* without memory to look: as if found (refuses, changes nothing) */
}

cn_err_t reg_mode_set(reg_registry_t *reg, const reg_name_t *name, reg_mode_t mode, bool force,
                      cn_error_t *err) {
    reg_batch_t b;
    bool entering_import;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    entering_import = mode == REG_MODE_IMPORT && !force && reg_effective_mode_of(reg, name) != mode;
    if (!reg->opts.mode_mutable)
        rc = cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED, "Mode changes are not allowed");
    else if (entering_import && live_subjects_in_scope(reg, name))
        rc = cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED,
                          "Cannot import since found existing subjects");
    if (rc == CN_OK && entering_import)
        rc = purge_soft_deleted(reg, name, &b, err);
    if (rc == CN_OK) {
        reg_batch_mode(&b, name->subject, reg_mode_name(mode));
        rc = reg_write(reg, &b, err);
    }
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}

cn_err_t reg_mode_delete(reg_registry_t *reg, const reg_name_t *name, reg_mode_t *old_out,
                         cn_error_t *err) {
    const char *subject = name->subject;
    reg_batch_t b;
    int old;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    old = reg_mode_stored(reg, subject);
    *old_out = old < 0 ? REG_MODE_READWRITE : (reg_mode_t)old;
    if (!reg->opts.mode_mutable)
        rc = cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED, "Mode changes are not allowed");
    else if (old < 0 && subject)
        rc = cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
    if (rc == CN_OK && old >= 0) {
        reg_batch_mode(&b, subject, NULL);
        rc = reg_write(reg, &b, err);
    }
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}

void reg_batch_subject_meta_tombstones(reg_registry_t *reg, reg_batch_t *b, const char *subject) {
    if (reg_mode_stored(reg, subject) >= 0)
        reg_batch_mode(b, subject, NULL);
    if (reg_config_stored(reg, subject))
        reg_batch_config(b, subject, NULL);
}

const json_t *reg_config_value(reg_registry_t *reg, const reg_name_t *name, const char *key) {
    scope_t sc[4];
    size_t n = scopes(name, sc);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(reg_config_at(reg, sc[i].key, sc[i].len), key);
        if (v && !json_is_null(v))
            return v;
    }
    return NULL;
}

bool reg_alias_resolve(reg_registry_t *reg, const reg_name_t *name, char *buf, size_t cap) {
    const char *alias;
    bool found;
    int n = -1;
    reg_rdlock(reg);
    alias = json_string_value(json_object_get(reg_config_stored(reg, name->subject), "alias"));
    if ((found = name->subject && alias && *alias)) /* unqualified: in the subject's context */
        n = alias[0] == ':' || reg_name_default_ctx(name)
                ? snprintf(buf, cap, "%s", alias)
                : snprintf(buf, cap, ":%.*s:%s", (int)name->ctx_len, name->ctx, alias);
    /* no wait for durability: what is answered is read (and settled) later, under a lock
     * taken after this one */
    (void)reg_unlock_nowait(reg);
    return found && n > 0 && (size_t)n < cap;
}
