/* SPDX-License-Identifier: Apache-2.0
 *
 * Soft and permanent deletes of subjects and versions (registry-api.md §2.3, §2.4, §3.5), with
 * their error codes and the reference checks (42206).
 */
#include "registry/reg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cn_err_t check_writable(reg_registry_t *reg, const char *subject, cn_error_t *err) {
    char ctx[256];
    if (reg_effective_mode(reg, subject) != REG_MODE_READONLY)
        return CN_OK;
    reg_subject_context(subject, ctx, sizeof(ctx));
    return cn_error_set(err, CN_ERR_OPERATION_NOT_PERMITTED,
                        "Subject %s in context %s is in read-only mode", subject,
                        strcmp(ctx, ".") == 0 ? "" : ctx);
}

static cn_err_t refs_error(cn_error_t *err, const char *subject, int32_t version) {
    return cn_error_set(err, CN_ERR_REFERENCE_EXISTS,
                        "One or more references exist to the schema "
                        "{magic=1,keytype=SCHEMA,subject=%s,version=%d}.",
                        subject, (int)version);
}

/* Whether (s, v) is referenced by a schema outside subject `except` (NULL: anywhere). */
static bool referenced(reg_registry_t *reg, const char *subject, int32_t version, bool deleted,
                       const char *except) {
    size_t ns = 0;
    bool hit = false;
    reg_subject_t **subs = reg_subjects_sorted(reg, &ns);
    for (size_t i = 0; subs && i < ns && !hit; i++) {
        if (except && strcmp(subs[i]->name, except) == 0)
            continue;
        for (size_t j = 0; j < subs[i]->n && !hit; j++) {
            reg_version_t *v = subs[i]->v[j];
            char ctx[256], q[600];
            if (v->deleted && !deleted)
                continue;
            reg_subject_context(subs[i]->name, ctx, sizeof(ctx));
            for (size_t k = 0; k < v->schema->nrefs && !hit; k++) {
                const reg_ref_t *r = &v->schema->refs[k];
                if (strcmp(ctx, ".") == 0 || r->subject[0] == ':')
                    snprintf(q, sizeof(q), "%s", r->subject);
                else
                    snprintf(q, sizeof(q), ":%s:%s", ctx, r->subject);
                hit = strcmp(q, subject) == 0 && r->version == version;
            }
        }
    }
    free(subs);
    return hit;
}

static cn_err_t soft_delete_subject(reg_registry_t *reg, reg_subject_t *s, reg_batch_t *b,
                                    json_t *out, cn_error_t *err) {
    reg_version_t *latest = reg_subject_latest(s, false);
    size_t i;
    if (!latest)
        return cn_error_set(err, CN_ERR_SUBJECT_SOFT_DELETED,
                            "Subject '%s' was soft deleted.Set permanent=true to delete "
                            "permanently",
                            s->name);
    for (size_t k = 0; k < s->n; k++)
        if (!s->v[k]->deleted && referenced(reg, s->name, s->v[k]->version, false, s->name))
            return refs_error(err, s->name, s->v[k]->version);
    if ((i = reg_batch_add(b, false)) == SIZE_MAX)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    reg_key_encode_delete_subject(&b->keys[i], s->name);
    reg_value_encode_delete_subject(&b->vals[i], s->name, latest->version);
    for (size_t k = 0; k < s->n; k++)
        if (!s->v[k]->deleted)
            json_array_append_new(out, json_integer(s->v[k]->version));
    return CN_OK;
}

static cn_err_t hard_delete_subject(reg_registry_t *reg, reg_subject_t *s, reg_batch_t *b,
                                    json_t *out, cn_error_t *err) {
    size_t i;
    if (reg_subject_latest(s, false))
        return cn_error_set(err, CN_ERR_SUBJECT_NOT_SOFT_DELETED,
                            "Subject '%s' was not deleted first before being permanently "
                            "deleted",
                            s->name);
    for (size_t k = 0; k < s->n; k++)
        if (referenced(reg, s->name, s->v[k]->version, true, s->name))
            return refs_error(err, s->name, s->v[k]->version);
    for (size_t k = s->n; k > 0; k--) {
        if ((i = reg_batch_add(b, true)) == SIZE_MAX)
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        reg_key_encode_schema(&b->keys[i], s->name, s->v[k - 1]->version);
    }
    reg_batch_subject_meta_tombstones(reg, b, s->name);
    for (size_t k = 0; k < s->n; k++)
        json_array_append_new(out, json_integer(s->v[k]->version));
    return CN_OK;
}

cn_err_t reg_delete_subject(reg_registry_t *reg, const char *subject, bool permanent, json_t *out,
                            cn_error_t *err) {
    reg_subject_t *s;
    reg_batch_t b;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    s = reg_subject_get(reg, subject);
    if (!s)
        rc = cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
    if (rc == CN_OK)
        rc = check_writable(reg, subject, err);
    if (rc == CN_OK)
        rc = permanent ? hard_delete_subject(reg, s, &b, out, err)
                       : soft_delete_subject(reg, s, &b, out, err);
    if (rc == CN_OK)
        rc = reg_write(reg, &b, err);
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}

static cn_err_t find_for_delete(reg_registry_t *reg, const char *subject, int32_t version,
                                reg_version_t **out, cn_error_t *err) {
    reg_subject_t *s = reg_subject_get(reg, subject);
    if (!s)
        return cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
    *out = version == -1 ? reg_subject_latest(s, false) : reg_subject_version(s, version);
    if (!*out && version == -1)
        return cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.", subject);
    if (!*out)
        return cn_error_set(err, CN_ERR_VERSION_NOT_FOUND, "Version %d not found.", (int)version);
    return CN_OK;
}

static cn_err_t soft_delete_version(reg_registry_t *reg, reg_version_t *v, reg_batch_t *b,
                                    cn_error_t *err) {
    const char *name = v->subject->name;
    reg_schema_value_t sv = {0};
    reg_schema_t *sch = v->schema;
    size_t i;
    if (v->deleted)
        return cn_error_set(err, CN_ERR_VERSION_SOFT_DELETED,
                            "Subject '%s' Version %d was soft deleted.Set permanent=true to "
                            "delete permanently",
                            name, (int)v->version);
    if (referenced(reg, name, v->version, false, NULL))
        return refs_error(err, name, v->version);
    if ((i = reg_batch_add(b, false)) == SIZE_MAX)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    sv = (reg_schema_value_t){(char *)name, v->version,    sch->id,      "",        sch->refs,
                              sch->nrefs,   sch->metadata, sch->ruleset, sch->text, true};
    snprintf(sv.type, sizeof(sv.type), "%s", reg_type_name(sch->type));
    reg_key_encode_schema(&b->keys[i], name, v->version);
    return reg_value_encode_schema(&b->vals[i], &sv);
}

static cn_err_t hard_delete_version(reg_registry_t *reg, reg_version_t *v, reg_batch_t *b,
                                    cn_error_t *err) {
    const char *name = v->subject->name;
    size_t i;
    if (!v->deleted)
        return cn_error_set(err, CN_ERR_VERSION_NOT_SOFT_DELETED,
                            "Subject '%s' Version %d was not deleted first before being "
                            "permanently deleted",
                            name, (int)v->version);
    if (referenced(reg, name, v->version, true, NULL))
        return refs_error(err, name, v->version);
    if ((i = reg_batch_add(b, true)) == SIZE_MAX)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    reg_key_encode_schema(&b->keys[i], name, v->version);
    if (v->subject->n == 1)
        reg_batch_subject_meta_tombstones(reg, b, name);
    return CN_OK;
}

cn_err_t reg_delete_version(reg_registry_t *reg, const char *subject, int32_t version,
                            bool permanent, int32_t *deleted_out, cn_error_t *err) {
    reg_version_t *v = NULL;
    reg_batch_t b;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    rc = find_for_delete(reg, subject, version, &v, err);
    if (rc == CN_OK)
        rc = check_writable(reg, subject, err);
    if (rc == CN_OK)
        rc =
            permanent ? hard_delete_version(reg, v, &b, err) : soft_delete_version(reg, v, &b, err);
    if (rc == CN_OK) {
        *deleted_out = v->version;
        rc = reg_write(reg, &b, err);
    }
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}
