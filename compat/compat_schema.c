/* SPDX-License-Identifier: Apache-2.0
 *
 * The language-neutral schema handle of compat.h: level and type names, parsing with reference
 * resolution dispatched to the language table (compat_lang.h), the stored canonical text,
 * equivalence, and Confluent's identity digest (the MD5 of the canonical text and references
 * that keys "same schema, same id").
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "compat/avro/compat_avro.h"
#include "compat/compat.h"
#include "compat/compat_lang.h"
#include "compat/protobuf/compat_protobuf.h"

struct compat_schema {
    compat_type_t type;
    compat_ref_t *refs; /* owned copies */
    size_t nrefs;
    char *canonical;
    const compat_lang_t *lang;
    void *model; /* owned, freed by lang->free */
};

/* One row per compat_type_t; NULL: not built yet. */
static const compat_lang_t *const langs[] = {
    [COMPAT_AVRO] = &compat_lang_avro,
    [COMPAT_PROTOBUF] = &compat_lang_protobuf,
    [COMPAT_JSON] = &compat_lang_json,
};

static const char *const level_names[] = {
    "NONE", "BACKWARD",       "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
    "FULL", "FULL_TRANSITIVE"};
static const char *const type_names[] = {"AVRO", "PROTOBUF", "JSON"};

bool compat_level_parse(const char *s, compat_level_t *out) {
    for (size_t i = 0; s && i < sizeof(level_names) / sizeof(level_names[0]); i++)
        if (strcasecmp(s, level_names[i]) == 0) {
            *out = (compat_level_t)i;
            return true;
        }
    return false;
}

const char *compat_level_name(compat_level_t level) {
    return (unsigned)level < sizeof(level_names) / sizeof(level_names[0]) ? level_names[level]
                                                                          : "UNKNOWN";
}

bool compat_type_parse(const char *s, compat_type_t *out) {
    for (size_t i = 0; s && i < sizeof(type_names) / sizeof(type_names[0]); i++)
        if (strcasecmp(s, type_names[i]) == 0) {
            *out = (compat_type_t)i;
            return true;
        }
    return false;
}

const char *compat_type_name(compat_type_t type) {
    return (unsigned)type < 3 ? type_names[type] : "UNKNOWN";
}

static const compat_lang_t *lang_of(compat_type_t type) {
    return (unsigned)type < sizeof(langs) / sizeof(langs[0]) ? langs[type] : NULL;
}

bool compat_type_supported(compat_type_t type) {
    return lang_of(type) != NULL;
}

void compat_schema_free(compat_schema_t *sch) {
    if (!sch)
        return;
    for (size_t i = 0; i < sch->nrefs; i++) {
        free((char *)sch->refs[i].name);
        free((char *)sch->refs[i].subject);
    }
    free(sch->refs);
    free(sch->canonical);
    if (sch->model)
        sch->lang->free(sch->model);
    free(sch);
}

static int ref_cmp(const void *x, const void *y) {
    const compat_ref_t *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    if (c == 0)
        c = strcmp(a->subject, b->subject);
    if (c == 0)
        c = (a->version > b->version) - (a->version < b->version);
    return c;
}

/* Own copies of the references; normalize sorts and de-duplicates them as Confluent does. */
static cn_err_t copy_refs(compat_schema_t *sch, const compat_parse_opts_t *o, cn_error_t *err) {
    if (o->nrefs == 0)
        return CN_OK;
    if (!o->refs || !o->resolve)
        return cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "references need a resolver");
    if (!(sch->refs = calloc(o->nrefs, sizeof(*sch->refs))))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; i < o->nrefs; i++) {
        if (!o->refs[i].name || !o->refs[i].subject)
            return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "reference %zu has no name/subject", i);
        sch->refs[i].version = o->refs[i].version;
        sch->refs[i].name = strdup(o->refs[i].name);
        sch->refs[i].subject = strdup(o->refs[i].subject);
        sch->nrefs++;
        if (!sch->refs[i].name || !sch->refs[i].subject)
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    if (!o->normalize)
        return CN_OK;
    qsort(sch->refs, sch->nrefs, sizeof(*sch->refs), ref_cmp);
    size_t k = 0;
    for (size_t i = 0; i < sch->nrefs; i++) {
        if (k > 0 && ref_cmp(&sch->refs[k - 1], &sch->refs[i]) == 0) {
            free((char *)sch->refs[i].name);
            free((char *)sch->refs[i].subject);
        } else {
            sch->refs[k++] = sch->refs[i];
        }
    }
    sch->nrefs = k;
    return CN_OK;
}

/* Resolve every reference to a model of the same language, then let the language parse. */
static cn_err_t parse_model(compat_schema_t *sch, const char *text, size_t len,
                            const compat_parse_opts_t *o, unsigned flags, cn_error_t *err) {
    const void **imps = calloc(sch->nrefs ? sch->nrefs : 1, sizeof(*imps));
    cn_err_t rc = imps ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; rc == CN_OK && i < sch->nrefs; i++) {
        const compat_schema_t *dep = NULL;
        rc = o->resolve(o->resolve_arg, &sch->refs[i], &dep, err);
        if (rc == CN_OK && (!dep || dep->type != sch->type))
            rc = cn_error_set(err, CN_ERR_INVALID_SCHEMA, "reference %.64s is not a %s schema",
                              sch->refs[i].name, compat_type_name(sch->type));
        if (rc == CN_OK)
            imps[i] = dep->model;
    }
    compat_lang_input_t in = {.text = text,
                              .len = len,
                              .refs = sch->refs,
                              .imports = imps,
                              .nrefs = sch->nrefs,
                              .normalize = o->normalize,
                              .lenient = (flags & COMPAT_PARSE_LENIENT) != 0};
    if (rc == CN_OK)
        rc = sch->lang->parse(&in, &sch->model, &sch->canonical, err);
    free(imps);
    return rc;
}

compat_schema_t *compat_schema_parse(const char *text, size_t len, const compat_parse_opts_t *opts,
                                     cn_error_t *err) {
    return compat_schema_parse_ex(text, len, opts, 0, err);
}

compat_schema_t *compat_schema_parse_ex(const char *text, size_t len,
                                        const compat_parse_opts_t *opts, unsigned flags,
                                        cn_error_t *err) {
    compat_schema_t *sch;
    cn_err_t rc;
    if (!text || !opts) {
        cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "no schema text");
        return NULL;
    }
    if (!compat_type_supported(opts->type)) {
        cn_error_set(err, CN_ERR_UNSUPPORTED, "schema type %s is not supported by this build",
                     compat_type_name(opts->type));
        return NULL;
    }
    if (!(sch = calloc(1, sizeof(*sch)))) {
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    sch->type = opts->type;
    sch->lang = lang_of(opts->type);
    rc = copy_refs(sch, opts, err);
    if (rc == CN_OK)
        rc = parse_model(sch, text, len, opts, flags, err);
    if (rc != CN_OK) {
        compat_schema_free(sch);
        return NULL;
    }
    return sch;
}

compat_type_t compat_schema_type(const compat_schema_t *sch) {
    return sch->type;
}

const char *compat_schema_canonical(const compat_schema_t *sch) {
    return sch->canonical;
}

bool compat_schema_equivalent(const compat_schema_t *a, const compat_schema_t *b) {
    return a->type == b->type && a->lang->equivalent(a->model, b->model);
}

const compat_ref_t *compat_schema_refs(const compat_schema_t *sch, size_t *n_out) {
    *n_out = sch->nrefs;
    return sch->refs;
}

const struct compat_avro_schema *compat_schema_avro(const compat_schema_t *sch) {
    return sch->type == COMPAT_AVRO ? sch->model : NULL;
}

const struct compat_pb_schema *compat_schema_protobuf(const compat_schema_t *sch) {
    return sch->type == COMPAT_PROTOBUF ? sch->model : NULL;
}

bool compat_schema_has_field(const compat_schema_t *sch, const char *name) {
    json_t *doc, *f;
    size_t i;
    bool has = false;
    if (sch->type == COMPAT_PROTOBUF)
        return compat_pb_has_field(sch->model, name);
    doc = json_loads(sch->canonical, JSON_DECODE_ANY, NULL); /* the canonical text is JSON */
    if (sch->type == COMPAT_JSON)
        has = json_object_get(json_object_get(doc, "properties"), name) != NULL;
    json_array_foreach(sch->type == COMPAT_AVRO ? json_object_get(doc, "fields") : NULL, i, f) {
        has |= json_is_string(json_object_get(f, "name")) &&
               strcmp(json_string_value(json_object_get(f, "name")), name) == 0;
    }
    json_decref(doc);
    return has;
}

const compat_lang_t *compat_schema_lang(const compat_schema_t *sch) {
    return sch->lang;
}

const void *compat_schema_model(const compat_schema_t *sch) {
    return sch->model;
}

void compat_digest_update(cn_md5_t *md, const char *text, size_t len, const compat_ref_t *refs,
                          size_t nrefs) {
    cn_md5_update(md, text, len);
    for (size_t i = 0; i < nrefs; i++) {
        uint8_t v[4];
        uint32_t ver = (uint32_t)refs[i].version;
        v[0] = (uint8_t)(ver >> 24);
        v[1] = (uint8_t)(ver >> 16);
        v[2] = (uint8_t)(ver >> 8);
        v[3] = (uint8_t)ver;
        cn_md5_update(md, refs[i].name, strlen(refs[i].name));
        cn_md5_update(md, refs[i].subject, strlen(refs[i].subject));
        cn_md5_update(md, v, 4);
    }
}

void compat_schema_digest(const compat_schema_t *sch, uint8_t out[16]) {
    cn_md5_t md;
    cn_md5_init(&md);
    compat_digest_update(&md, sch->canonical, strlen(sch->canonical), sch->refs, sch->nrefs);
    cn_md5_final(&md, out);
}

char *compat_schema_resolved_text(const compat_schema_t *sch, cn_error_t *err) {
    char *out;
    if (sch->lang->resolved)
        return sch->lang->resolved(sch->model, err);
    if (!(out = strdup(sch->canonical)))
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    return out;
}

char *compat_schema_ignore_extensions(const compat_schema_t *sch, cn_error_t *err) {
    if (!sch->lang->ignore_extensions) {
        cn_error_set(err, CN_ERR_UNSUPPORTED, "no ignore_extensions form for %s",
                     compat_type_name(sch->type));
        return NULL;
    }
    return sch->lang->ignore_extensions(sch->model, err);
}

char *compat_schema_serialized(const compat_schema_t *sch, cn_error_t *err) {
    if (!sch->lang->serialized) {
        cn_error_set(err, CN_ERR_UNSUPPORTED, "no serialized form for %s",
                     compat_type_name(sch->type));
        return NULL;
    }
    return sch->lang->serialized(sch->model, err);
}

cn_err_t compat_lang_result_add(compat_lang_result_t *res, const char *error_type, char *path,
                                char *description, char *additional, char *message) {
    if (!path || !description || !additional || !message)
        goto oom;
    if (res->n == res->cap) {
        size_t cap = res->cap ? res->cap * 2 : 8;
        compat_lang_issue_t *v = realloc(res->issues, cap * sizeof(*v));
        if (!v)
            goto oom;
        res->issues = v;
        res->cap = cap;
    }
    res->issues[res->n++] = (compat_lang_issue_t){.error_type = error_type,
                                                  .path = path,
                                                  .description = description,
                                                  .additional = additional,
                                                  .message = message};
    return CN_OK;
oom:
    free(path);
    free(description);
    free(additional);
    free(message);
    return CN_ERR_NO_MEMORY;
}

void compat_lang_result_fini(compat_lang_result_t *res) {
    for (size_t i = 0; i < res->n; i++) {
        free(res->issues[i].path);
        free(res->issues[i].description);
        free(res->issues[i].additional);
        free(res->issues[i].message);
    }
    free(res->issues);
    *res = (compat_lang_result_t){0};
}
