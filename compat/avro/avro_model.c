/* SPDX-License-Identifier: Apache-2.0
 *
 * The Avro model's container: node allocation and release, the name table, kind names, and
 * the deep copy that brings named types of referenced schemas into a schema.
 */
#include <stdlib.h>
#include <string.h>

#include "compat/avro/avro_int.h"

static const char *const kind_lower[] = {"null",   "boolean", "int",    "long",   "float",
                                         "double", "bytes",   "string", "record", "enum",
                                         "array",  "map",     "union",  "fixed"};
static const char *const kind_upper[] = {"NULL",   "BOOLEAN", "INT",    "LONG",   "FLOAT",
                                         "DOUBLE", "BYTES",   "STRING", "RECORD", "ENUM",
                                         "ARRAY",  "MAP",     "UNION",  "FIXED"};

const char *compat_avro_kind_upper(compat_avro_kind_t kind) {
    return kind_upper[kind];
}

const char *compat_avro_kind_name(compat_avro_kind_t kind) {
    return kind_lower[kind];
}

bool compat_avro_is_named(compat_avro_kind_t kind) {
    return kind == COMPAT_AVRO_RECORD || kind == COMPAT_AVRO_ENUM || kind == COMPAT_AVRO_FIXED;
}

int compat_avro_primitive(const char *name) {
    for (int k = COMPAT_AVRO_NULL; k <= COMPAT_AVRO_STRING; k++)
        if (strcmp(name, kind_lower[k]) == 0)
            return k;
    return -1;
}

compat_avro_schema_t *compat_avro_schema_new(void) {
    compat_avro_schema_t *sch = calloc(1, sizeof(*sch));
    if (!sch)
        return NULL;
    sch->names = cn_map_new(NULL);
    if (!sch->names) {
        free(sch);
        return NULL;
    }
    return sch;
}

compat_avro_node_t *compat_avro_node_new(compat_avro_schema_t *sch, compat_avro_kind_t kind) {
    if (sch->nnodes == sch->cap) {
        size_t cap = sch->cap ? sch->cap * 2 : 16;
        compat_avro_node_t **v = realloc(sch->nodes, cap * sizeof(*v));
        if (!v)
            return NULL;
        sch->nodes = v;
        sch->cap = cap;
    }
    compat_avro_node_t *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->kind = kind;
    sch->nodes[sch->nnodes++] = n;
    return n;
}

static void free_strv(char **v, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void field_fini(compat_avro_field_t *f) {
    free(f->name);
    json_decref(f->doc);
    json_decref(f->def);
    free_strv(f->aliases, f->naliases);
    json_decref(f->props);
}

static void node_free(compat_avro_node_t *n) {
    free(n->name);
    free(n->space);
    free(n->fullname);
    json_decref(n->doc);
    free_strv(n->aliases, n->naliases);
    json_decref(n->props);
    for (size_t i = 0; i < n->nfields; i++)
        field_fini(&n->fields[i]);
    free(n->fields);
    free_strv(n->symbols, n->nsymbols);
    free(n->enum_default);
    free(n->branches);
    free(n);
}

void compat_avro_schema_free(compat_avro_schema_t *sch) {
    if (!sch)
        return;
    for (size_t i = 0; i < sch->nnodes; i++)
        node_free(sch->nodes[i]);
    free(sch->nodes);
    cn_map_free(sch->names);
    free(sch);
}

const compat_avro_node_t *compat_avro_root(const compat_avro_schema_t *sch) {
    return sch->root;
}

const compat_avro_node_t *compat_avro_lookup(const compat_avro_schema_t *sch,
                                             const char *fullname) {
    return cn_map_sget(sch->names, fullname);
}

/* ---- import: deep copy with pointer remapping ---- */

static bool dup_str(char **dst, const char *src) {
    if (!src)
        return true;
    *dst = strdup(src);
    return *dst != NULL;
}

static bool dup_json(json_t **dst, const json_t *src) {
    *dst = src ? json_deep_copy(src) : NULL;
    return !src || *dst;
}

static bool dup_strv(char ***dst, char *const *src, size_t n) {
    if (n == 0)
        return true;
    *dst = calloc(n, sizeof(char *));
    if (!*dst)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!dup_str(&(*dst)[i], src[i]))
            return false;
    return true;
}

static compat_avro_node_t *remap(cn_map_t *map, const compat_avro_node_t *old) {
    return old ? cn_map_get(map, &old, sizeof(old)) : NULL;
}

static bool copy_fields(compat_avro_node_t *d, const compat_avro_node_t *s, cn_map_t *map) {
    if (s->nfields == 0)
        return true;
    d->fields = calloc(s->nfields, sizeof(*d->fields));
    if (!d->fields)
        return false;
    d->nfields = s->nfields;
    for (size_t i = 0; i < s->nfields; i++) {
        const compat_avro_field_t *sf = &s->fields[i];
        compat_avro_field_t *df = &d->fields[i];
        df->type = remap(map, sf->type);
        df->order = sf->order;
        df->def = sf->def ? json_deep_copy(sf->def) : NULL;
        df->props = sf->props ? json_deep_copy(sf->props) : NULL;
        df->naliases = sf->naliases;
        if (!dup_str(&df->name, sf->name) || !dup_json(&df->doc, sf->doc) ||
            (sf->props && !df->props) || (sf->def && !df->def) ||
            !dup_strv(&df->aliases, sf->aliases, sf->naliases))
            return false;
    }
    return true;
}

static bool copy_node(compat_avro_node_t *d, const compat_avro_node_t *s, cn_map_t *map) {
    d->is_error = s->is_error;
    d->imported = compat_avro_is_named(s->kind);
    d->ref_root = s->ref_root;
    d->size = s->size;
    d->child = remap(map, s->child);
    d->props = s->props ? json_deep_copy(s->props) : NULL;
    d->naliases = s->naliases;
    d->nsymbols = s->nsymbols;
    if ((s->props && !d->props) || !dup_str(&d->name, s->name) || !dup_str(&d->space, s->space) ||
        !dup_str(&d->fullname, s->fullname) || !dup_json(&d->doc, s->doc) ||
        !dup_str(&d->enum_default, s->enum_default) ||
        !dup_strv(&d->aliases, s->aliases, s->naliases) ||
        !dup_strv(&d->symbols, s->symbols, s->nsymbols))
        return false;
    if (s->nbranches) {
        d->branches = calloc(s->nbranches, sizeof(*d->branches));
        if (!d->branches)
            return false;
        d->nbranches = s->nbranches;
        for (size_t i = 0; i < s->nbranches; i++)
            d->branches[i] = remap(map, s->branches[i]);
    }
    return copy_fields(d, s, map);
}

cn_err_t compat_avro_import(compat_avro_schema_t *sch, const compat_avro_schema_t *imp,
                            cn_error_t *err) {
    cn_map_t *map = cn_map_new(NULL);
    cn_err_t rc = CN_OK;
    size_t base = sch->nnodes;
    if (!map)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; i < imp->nnodes && rc == CN_OK; i++) {
        const compat_avro_node_t *old = imp->nodes[i];
        compat_avro_node_t *n = compat_avro_node_new(sch, old->kind);
        if (!n || cn_map_put(map, &old, sizeof(old), n) != CN_OK)
            rc = CN_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < imp->nnodes && rc == CN_OK; i++) {
        compat_avro_node_t *n = sch->nodes[base + i];
        if (!copy_node(n, imp->nodes[i], map))
            rc = CN_ERR_NO_MEMORY;
        else if (n->fullname && !cn_map_sget(sch->names, n->fullname))
            rc = cn_map_sput(sch->names, n->fullname, n);
    }
    if (rc == CN_OK && imp->root && compat_avro_is_named(imp->root->kind))
        ((compat_avro_node_t *)remap(map, imp->root))->ref_root = true;
    cn_map_free(map);
    return rc == CN_OK ? CN_OK : cn_error_set(err, rc, NULL);
}
