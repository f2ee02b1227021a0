/* SPDX-License-Identifier: Apache-2.0
 *
 * Soft and permanent deletes of subjects and versions (DELETE /subjects/{s} and DELETE
 * /subjects/{s}/versions/{v} in Confluent's API reference; Confluent's schema-deletion-guidelines
 * page for soft and permanent deletes), with their error codes and the reference checks (42206).
 */
#include "registry/reg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cn_err_t refs_error(cn_error_t *err, const char *subject, int32_t version) {
    return cn_error_set(err, CN_ERR_REFERENCE_EXISTS,
                        "One or more references exist to the schema "
                        "{magic=1,keytype=SCHEMA,subject=%s,version=%d}.",
                        subject, (int)version);
}

static cn_err_t soft_delete_subject(reg_registry_t *reg, reg_subject_t *s, reg_batch_t *b,
                                    json_t *out, cn_error_t *err) {
    reg_version_t *latest = reg_subject_latest(s, false);
    if (!latest)
        return cn_error_set(err, CN_ERR_SUBJECT_SOFT_DELETED,
                            "Subject '%s' was soft deleted.Set permanent=true to delete "
                            "permanently",
                            s->name);
    for (size_t k = 0; k < s->n; k++)
        if (!s->v[k]->deleted && reg_is_referenced(reg, s->name, s->v[k]->version, false, s->name))
            return refs_error(err, s->name, s->v[k]->version);
    reg_batch_delete_subject(b, s->name, latest->version);
    for (size_t k = 0; k < s->n; k++)
        if (!s->v[k]->deleted && json_array_append_new(out, json_integer(s->v[k]->version)))
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    return CN_OK;
}

static cn_err_t hard_delete_subject(reg_registry_t *reg, reg_subject_t *s, reg_batch_t *b,
                                    json_t *out, cn_error_t *err) {
    if (reg_subject_latest(s, false))
        return cn_error_set(err, CN_ERR_SUBJECT_NOT_SOFT_DELETED,
                            "Subject '%s' was not deleted first before being permanently "
                            "deleted",
                            s->name);
    for (size_t k = 0; k < s->n; k++)
        if (reg_is_referenced(reg, s->name, s->v[k]->version, true, s->name))
            return refs_error(err, s->name, s->v[k]->version);
    for (size_t k = s->n; k > 0; k--)
        reg_batch_schema_tombstone(b, s->name, s->v[k - 1]->version);
    reg_batch_subject_meta_tombstones(reg, b, s->name);
    for (size_t k = 0; k < s->n; k++)
        if (json_array_append_new(out, json_integer(s->v[k]->version)))
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    return CN_OK;
}

cn_err_t reg_delete_subject(reg_registry_t *reg, const reg_name_t *name, bool permanent,
                            json_t *out, cn_error_t *err) {
    reg_subject_t *s;
    reg_batch_t b;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    s = reg_subject_find(reg, name);
    if (!s)
        rc = cn_error_set(err, CN_ERR_SUBJECT_NOT_FOUND, "Subject '%s' not found.",
                          name->subject ? name->subject : "");
    if (rc == CN_OK)
        rc = reg_check_writable(reg, name, err);
    if (rc == CN_OK)
        rc = permanent ? hard_delete_subject(reg, s, &b, out, err)
                       : soft_delete_subject(reg, s, &b, out, err);
    if (rc == CN_OK)
        rc = reg_write(reg, &b, err);
    reg_batch_fini(&b);
    reg_writer_end(reg);
    return rc;
}

static cn_err_t find_for_delete(reg_registry_t *reg, const reg_name_t *name, int32_t version,
                                reg_version_t **out, cn_error_t *err) {
    const char *subject = name->subject;
    reg_subject_t *s = reg_subject_find(reg, name);
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
    if (v->deleted)
        return cn_error_set(err, CN_ERR_VERSION_SOFT_DELETED,
                            "Subject '%s' Version %d was soft deleted.Set permanent=true to "
                            "delete permanently",
                            name, (int)v->version);
    if (reg_is_referenced(reg, name, v->version, false, NULL))
        return refs_error(err, name, v->version);
    sv = (reg_schema_value_t){(char *)name, v->version,    sch->id,      "",        sch->refs,
                              sch->nrefs,   sch->metadata, sch->ruleset, sch->text, true};
    snprintf(sv.type, sizeof(sv.type), "%s", reg_type_name(sch->type));
    reg_batch_schema(b, &sv);
    return CN_OK;
}

static cn_err_t hard_delete_version(reg_registry_t *reg, reg_version_t *v, reg_batch_t *b,
                                    cn_error_t *err) {
    const char *name = v->subject->name;
    if (!v->deleted)
        return cn_error_set(err, CN_ERR_VERSION_NOT_SOFT_DELETED,
                            "Subject '%s' Version %d was not deleted first before being "
                            "permanently deleted",
                            name, (int)v->version);
    if (reg_is_referenced(reg, name, v->version, true, NULL))
        return refs_error(err, name, v->version);
    reg_batch_schema_tombstone(b, name, v->version);
    if (v->subject->n == 1)
        reg_batch_subject_meta_tombstones(reg, b, name);
    return CN_OK;
}

cn_err_t reg_delete_version(reg_registry_t *reg, const reg_name_t *name, int32_t version,
                            bool permanent, int32_t *deleted_out, cn_error_t *err) {
    reg_version_t *v = NULL;
    reg_batch_t b;
    cn_err_t rc = reg_writer_begin(reg, err);
    if (rc != CN_OK)
        return rc;
    reg_batch_init(&b);
    rc = find_for_delete(reg, name, version, &v, err);
    if (rc == CN_OK)
        rc = reg_check_writable(reg, name, err);
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
