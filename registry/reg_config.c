/* SPDX-License-Identifier: Apache-2.0
 *
 * Config and mode (registry-api.md §2.6, §2.7, §3.8, §3.9): stored per subject, per context
 * (":.ctx:") and globally; resolution subject -> context -> global -> ":.__GLOBAL:" -> server
 * default; the PUT merge; the CONFIG and MODE records.
 */
#include "registry/reg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The scopes that apply to a subject, most specific first. */
static size_t scopes(const char *subject, char out[4][300], const char *names[4]) {
    char ctx[256];
    size_t n = 0;
    if (subject) {
        snprintf(out[n], 300, "%s", subject);
        names[n] = out[n];
        n++;
        reg_subject_context(subject, ctx, sizeof(ctx));
        if (strcmp(ctx, ".") != 0 && subject[strlen(subject) - 1] != ':') {
            snprintf(out[n], 300, ":%s:", ctx);
            names[n] = out[n];
            n++;
        }
    }
    names[n++] = NULL;
    snprintf(out[n], 300, ":.__GLOBAL:");
    names[n] = out[n];
    return n + 1;
}

static const json_t *effective_config(reg_registry_t *reg, const char *subject) {
    char buf[4][300];
    const char *names[4];
    size_t n = scopes(subject, buf, names);
    for (size_t i = 0; i < n; i++) {
        const json_t *c = reg_config_stored(reg, names[i]);
        if (c && json_is_string(json_object_get(c, "compatibilityLevel")))
            return c;
    }
    return NULL;
}

compat_level_t reg_effective_level(reg_registry_t *reg, const char *subject) {
    const json_t *c = effective_config(reg, subject);
    compat_level_t l;
    if (c && reg_level_parse(json_string_value(json_object_get(c, "compatibilityLevel")), &l))
        return l;
    return reg->opts.default_level;
}

reg_mode_t reg_effective_mode(reg_registry_t *reg, const char *subject) {
    char buf[4][300];
    const char *names[4];
    size_t n = scopes(subject, buf, names);
    for (size_t i = 0; i < n; i++) {
        int m = reg_mode_stored(reg, names[i]);
        if (m >= 0)
            return (reg_mode_t)m;
    }
    return REG_MODE_READWRITE;
}

static json_t *default_config(reg_registry_t *reg) {
    return json_pack("{s:s}", "compatibilityLevel", reg_level_name(reg->opts.default_level));
}

cn_err_t reg_config_get(reg_registry_t *reg, const char *subject, bool default_to_global,
                        json_t **out, cn_error_t *err) {
    const json_t *c;
    reg_rdlock(reg);
    c = reg_config_stored(reg, subject);
    if (!c && (default_to_global || !subject))
        c = effective_config(reg, subject);
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
static json_t *request_shape(const json_t *stored) {
    json_t *o = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)stored, k, v) {
        json_object_set(o, strcmp(k, "compatibilityLevel") == 0 ? "compatibility" : k, v);
    }
    return o;
}

static cn_err_t merge_config(const json_t *old, const json_t *update, json_t **out,
                             cn_error_t *err) {
    json_t *merged = old ? json_deep_copy(old) : json_object();
    const char *k;
    json_t *v;
    compat_level_t l;
    json_object_foreach((json_t *)update, k, v) {
        const char *key = strcmp(k, "compatibility") == 0 ? "compatibilityLevel" : k;
        if (strcmp(k, "compatibilityLevel") == 0 || strcmp(k, "subject") == 0)
            continue;
        if (json_is_null(v)) {
            json_object_del(merged, key);
        } else if (strcmp(key, "compatibilityLevel") == 0) {
            if (!json_is_string(v) || !reg_level_parse(json_string_value(v), &l)) {
                json_decref(merged);
                return cn_error_set(err, CN_ERR_INVALID_COMPAT_LEVEL, NULL);
            }
            json_object_set_new(merged, key, json_string(reg_level_name(l)));
        } else {
            json_object_set(merged, key, v);
        }
    }
    *out = merged;
    return CN_OK;
}

static cn_err_t check_writable(reg_registry_t *reg, const char *subject, cn_error_t *err) {
    char ctx[256];
    if (reg_effective_mode(reg, subject) != REG_MODE_READONLY)
        return CN_OK;
    reg_subject_context(subject ? subject : "", ctx, sizeof(ctx));
    return cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED,
                        "Subject %s in context %s is in read-only mode", subject ? subject : "",
                        strcmp(ctx, ".") == 0 ? "" : ctx);
}

cn_err_t reg_config_set(reg_registry_t *reg, const char *subject, const json_t *update,
                        json_t **out, cn_error_t *err) {
    json_t *merged = NULL;
    reg_batch_t b;
    size_t i;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    rc = check_writable(reg, subject, err);
    if (rc == CN_OK)
        rc = merge_config(reg_config_stored(reg, subject), update, &merged, err);
    if (rc == CN_OK && (i = reg_batch_add(&b, false)) != SIZE_MAX) {
        reg_key_encode_config(&b.keys[i], subject);
        reg_value_encode_config(&b.vals[i], subject, merged);
        rc = reg_write(reg, &b, err);
    }
    if (rc == CN_OK)
        *out = request_shape(merged);
    json_decref(merged);
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}

cn_err_t reg_config_delete(reg_registry_t *reg, const char *subject, json_t **out,
                           cn_error_t *err) {
    const json_t *old;
    reg_batch_t b;
    size_t i;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    rc = check_writable(reg, subject, err);
    old = reg_config_stored(reg, subject);
    if (rc == CN_OK && !old && subject)
        rc = cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
    *out = old ? json_deep_copy(old) : default_config(reg);
    if (rc == CN_OK && old && (i = reg_batch_add(&b, true)) != SIZE_MAX) {
        reg_key_encode_config(&b.keys[i], subject);
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

cn_err_t reg_mode_get(reg_registry_t *reg, const char *subject, bool default_to_global,
                      reg_mode_t *out, cn_error_t *err) {
    int m;
    reg_rdlock(reg);
    m = reg_mode_stored(reg, subject);
    if (m < 0 && (default_to_global || !subject))
        m = (int)reg_effective_mode(reg, subject);
    reg_unlock(reg);
    if (m < 0)
        return cn_error_set(err, CN_ERR_SUBJECT_MODE_NOT_CONFIGURED,
                            "Subject '%s' does not have subject-level mode configured", subject);
    *out = (reg_mode_t)m;
    return CN_OK;
}

/* Entering IMPORT without force, as Confluent does (§2.7, §3.9): hard-delete the soft-deleted
 * versions in scope (42206 if one is referenced), then a CLEAR_SUBJECT record for the subject,
 * the context (":.ctx:") or, when global (subject NULL), every subject. */
static cn_err_t purge_soft_deleted(reg_registry_t *reg, const char *subject, reg_batch_t *b,
                                   cn_error_t *err) {
    size_t n = 0, at;
    int32_t ids[1];
    cn_err_t rc = CN_OK;
    reg_subject_t **all = reg_subjects_sorted(reg, &n);
    for (size_t i = 0; all && i < n && rc == CN_OK; i++) {
        if (!reg_subject_in_scope(all[i]->name, subject))
            continue;
        for (size_t k = 0; k < all[i]->n && rc == CN_OK; k++) {
            reg_version_t *v = all[i]->v[k];
            if (!v->deleted)
                continue;
            if (reg_referenced_by(reg, all[i]->name, v->version, true, ids, 1) > 0)
                rc = cn_error_set(err, CN_ERR_REFERENCE_EXISTS,
                                  "One or more references exist to the schema "
                                  "{magic=1,keytype=SCHEMA,subject=%s,version=%d}.",
                                  all[i]->name, (int)v->version);
            else if ((at = reg_batch_add(b, true)) != SIZE_MAX)
                reg_key_encode_schema(&b->keys[at], all[i]->name, v->version);
        }
    }
    free(all);
    if (rc == CN_OK && (at = reg_batch_add(b, false)) != SIZE_MAX) {
        reg_key_encode_clear_subject(&b->keys[at], subject);
        reg_value_encode_clear_subject(&b->vals[at], subject);
    }
    return rc;
}

static bool live_subjects_in_scope(reg_registry_t *reg, const char *subject) {
    size_t n = 0;
    bool found = false;
    reg_subject_t **all = reg_subjects_sorted(reg, &n);
    for (size_t i = 0; all && i < n && !found; i++)
        found = reg_subject_in_scope(all[i]->name, subject) && reg_subject_visible(all[i], false);
    free(all);
    return found;
}

cn_err_t reg_mode_set(reg_registry_t *reg, const char *subject, reg_mode_t mode, bool force,
                      cn_error_t *err) {
    reg_batch_t b;
    size_t i;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    if (!reg->opts.mode_mutable)
        rc = cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED, "Mode changes are not allowed");
    else if (mode == REG_MODE_IMPORT && !force && reg_effective_mode(reg, subject) != mode &&
             live_subjects_in_scope(reg, subject))
        rc = cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED,
                          "Cannot import since found existing subjects");
    if (rc == CN_OK && mode == REG_MODE_IMPORT && !force &&
        reg_effective_mode(reg, subject) != mode)
        rc = purge_soft_deleted(reg, subject, &b, err);
    if (rc == CN_OK && (i = reg_batch_add(&b, false)) != SIZE_MAX) {
        reg_key_encode_mode(&b.keys[i], subject);
        reg_value_encode_mode(&b.vals[i], subject, reg_mode_name(mode));
        rc = reg_write(reg, &b, err);
    }
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}

cn_err_t reg_mode_delete(reg_registry_t *reg, const char *subject, reg_mode_t *old_out,
                         cn_error_t *err) {
    reg_batch_t b;
    size_t i;
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
    if (rc == CN_OK && old >= 0 && (i = reg_batch_add(&b, true)) != SIZE_MAX) {
        reg_key_encode_mode(&b.keys[i], subject);
        rc = reg_write(reg, &b, err);
    }
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}

void reg_batch_subject_meta_tombstones(reg_registry_t *reg, reg_batch_t *b, const char *subject) {
    size_t i;
    if (reg_mode_stored(reg, subject) >= 0 && (i = reg_batch_add(b, true)) != SIZE_MAX)
        reg_key_encode_mode(&b->keys[i], subject);
    if (reg_config_stored(reg, subject) && (i = reg_batch_add(b, true)) != SIZE_MAX)
        reg_key_encode_config(&b->keys[i], subject);
}
