/* SPDX-License-Identifier: Apache-2.0
 *
 * Confluent's Protobuf SchemaDiff (Confluent Schema Registry 8.1, protobuf-provider
 * io.confluent.kafka.schemaregistry.protobuf.diff): compare(original, update) walks the file's
 * package and type lists, messages (fields by number, oneofs by name, fields moved into
 * oneofs), fields (name, kind, scalar group, label, named type, map key and value), and enums
 * (constants by value), and lists every difference with its path (#/Message/Nested/oneof/tag).
 * A message-typed field whose type comes from a different reference is compared in the
 * sub-context of that type. Which differences are compatible is Confluent's COMPATIBLE_CHANGES.
 * Types are matched through sorted arrays, so large schemas stay n log n.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_diff_int.h"


typedef struct dtype {
    const char *name;
    const char *tmpl; /* NULL: compatible */
} dtype_t;

static const dtype_t dtypes[] = {
    {"PACKAGE_CHANGED", "The package at '%1$s' in the %2$s schema does not match the package in "
                        "the %3$s schema"},
    {"MESSAGE_ADDED", NULL},
    {"MESSAGE_REMOVED", "The %2$s schema is missing a MESSAGE type at path '%1$s' in the %3$s "
                        "schema"},
    {"MESSAGE_MOVED", NULL},
    {"ENUM_ADDED", NULL},
    {"ENUM_REMOVED", NULL},
    {"ENUM_CONST_ADDED", NULL},
    {"ENUM_CONST_CHANGED", NULL},
    {"ENUM_CONST_REMOVED", NULL},
    {"FIELD_ADDED", NULL},
    {"FIELD_REMOVED", NULL},
    {"FIELD_NAME_CHANGED", NULL},
    {"FIELD_KIND_CHANGED", "The type of a field at path '%1$s' in the %2$s schema does not match "
                           "the %3$s schema"},
    {"FIELD_SCALAR_KIND_CHANGED", "The kind of a SCALAR field at path '%1$s' in the %2$s schema "
                                  "does not match its kind in the %3$s schema"},
    {"FIELD_NAMED_TYPE_CHANGED", "The type of a MESSAGE field at path '%1$s' in the %2$s schema "
                                 "does not match its type in the %3$s schema"},
    {"FIELD_NUMERIC_LABEL_CHANGED", "The label for a NUMERIC field at path '%1$s' in the %2$s "
                                    "schema does not match its label in the %3$s schema"},
    {"FIELD_STRING_OR_BYTES_LABEL_CHANGED", NULL},
    {"REQUIRED_FIELD_ADDED", "A required field  at path '%1$s' in the %2$s schema is missing in "
                             "the %3$s schema"},
    {"REQUIRED_FIELD_REMOVED", "The %2$s schema is missing a required field at path: '%1$s' in "
                               "the %3$s schema"},
    {"ONEOF_ADDED", NULL},
    {"ONEOF_REMOVED", NULL},
    {"ONEOF_FIELD_ADDED", NULL},
    {"ONEOF_FIELD_REMOVED", "The %2$s schema is missing a oneof field at path '%1$s' in the %3$s "
                            "schema"},
    {"MULTIPLE_FIELDS_MOVED_TO_ONEOF", "Multiple fields in the oneof at path '%1$s' in the %2$s "
                                       "schema are outside a oneof in the %3$s schema"},
    {"FIELD_MOVED_TO_EXISTING_ONEOF", "A field in the oneof at path '%1$s' in the %2$s schema is "
                                      "outside an existing oneof in the %3$s schema"},
};

const char *compat_pb_diff_template(const char *type) {
    for (size_t i = 0; i < sizeof(dtypes) / sizeof(dtypes[0]); i++)
        if (strcmp(dtypes[i].name, type) == 0)
            return dtypes[i].tmpl;
    return NULL;
}

void compat_pb_diffs_fini(compat_pb_diffs_t *d) {
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].path);
    free(d->v);
    *d = (compat_pb_diffs_t){0};
}

void pb_diff_add(dctx_t *d, int type, const char *seg) {
    compat_pb_diffs_t *o = d->out;
    char *p = NULL;
    if (d->rc != CN_OK)
        return;
    if (asprintf(&p, "%.*s%s%s", (int)d->path.len, (const char *)d->path.data,
                 seg && d->path.len > 2 ? "/" : "", seg ? seg : "") < 0) {
        d->rc = CN_ERR_NO_MEMORY;
        return;
    }
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        compat_pb_diff_t *v = realloc(o->v, cap * sizeof(*v));
        if (!v) {
            free(p);
            d->rc = CN_ERR_NO_MEMORY;
            return;
        }
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = (compat_pb_diff_t){
        .type = dtypes[type].name, .path = p, .compatible = dtypes[type].tmpl == NULL};
}

/* Path segments: push returns the length to pop back to. */
size_t pb_diff_push(dctx_t *d, const char *seg) {
    size_t at = d->path.len;
    if (d->path.len > 2)
        cn_buf_put(&d->path, "/", 1);
    cn_buf_put_str(&d->path, seg);
    if (d->path.failed)
        d->rc = CN_ERR_NO_MEMORY;
    return at;
}

size_t pb_diff_push_num(dctx_t *d, int32_t n) {
    char s[16];
    snprintf(s, sizeof(s), "%d", (int)n);
    return pb_diff_push(d, s);
}

void pb_diff_pop(dctx_t *d, size_t at) {
    d->path.len = at;
}

void pb_diff_add_num(dctx_t *d, int type, int32_t n) {
    char s[16];
    snprintf(s, sizeof(s), "%d", (int)n);
    pb_diff_add(d, type, s);
}

typedef struct cref {
    int32_t value;
    size_t index; /* declaration order: the first of a value is its name */
    const char *name;
} cref_t;

static int cref_cmp(const void *x, const void *y) {
    const cref_t *a = x, *b = y;
    if (a->value != b->value)
        return (a->value > b->value) - (a->value < b->value);
    return (a->index > b->index) - (a->index < b->index);
}

/* Constants sorted by value, one per value (the first declared). */
static cref_t *consts_of(const pb_type_t *e, size_t *n) {
    cref_t *v = calloc(e->nconsts ? e->nconsts : 1, sizeof(*v));
    size_t k = 0;
    if (!v)
        return NULL;
    for (size_t i = 0; i < e->nconsts; i++)
        v[i] = (cref_t){e->consts[i].value, i, e->consts[i].name};
    qsort(v, e->nconsts, sizeof(*v), cref_cmp);
    for (size_t i = 0; i < e->nconsts; i++)
        if (k == 0 || v[k - 1].value != v[i].value)
            v[k++] = v[i];
    *n = k;
    return v;
}

static void compare_enum(dctx_t *d, const pb_type_t *o, const pb_type_t *u) {
    size_t on = 0, un = 0, i = 0, k = 0;
    cref_t *ov = consts_of(o, &on), *uv = consts_of(u, &un);
    while (ov && uv && (i < on || k < un)) {
        if (k >= un || (i < on && ov[i].value < uv[k].value)) {
            pb_diff_add_num(d, ENUM_CONST_REMOVED, ov[i++].value);
        } else if (i >= on || uv[k].value < ov[i].value) {
            pb_diff_add_num(d, ENUM_CONST_ADDED, uv[k++].value);
        } else {
            if (strcmp(ov[i].name, uv[k].name) != 0)
                pb_diff_add_num(d, ENUM_CONST_CHANGED, uv[k].value);
            i++, k++;
        }
    }
    if (!ov || !uv)
        d->rc = CN_ERR_NO_MEMORY;
    free(ov);
    free(uv);
}

/* ---- type lists ---- */

typedef struct tref {
    const pb_type_t *t;
    int ordinal; /* among the messages of the list */
} tref_t;

static int tref_cmp(const void *x, const void *y) {
    const tref_t *a = x, *b = y;
    int c = strcmp(a->t->name, b->t->name);
    return c ? c : (a->ordinal > b->ordinal) - (a->ordinal < b->ordinal);
}

/* Messages or enums of a list, sorted by simple name (groups and map entries left out). */
static tref_t *types_of(pb_type_t *const *v, size_t n, bool enums, size_t *out_n) {
    tref_t *r = calloc(n ? n : 1, sizeof(*r));
    size_t k = 0;
    int ord = 0;
    if (!r)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!v[i]->is_enum && !v[i]->is_group)
            ord++;
        if (v[i]->is_enum != enums || v[i]->is_group || v[i]->map_entry)
            continue;
        r[k++] = (tref_t){v[i], ord};
    }
    qsort(r, k, sizeof(*r), tref_cmp);
    *out_n = k;
    return r;
}

static void compare_list(dctx_t *d, tref_t *ov, size_t on, tref_t *uv, size_t un, bool enums) {
    size_t i = 0, k = 0;
    while (d->rc == CN_OK && (i < on || k < un)) {
        int c = i >= on ? 1 : k >= un ? -1 : strcmp(ov[i].t->name, uv[k].t->name);
        if (c < 0) {
            pb_diff_add(d, enums ? ENUM_REMOVED : MESSAGE_REMOVED, ov[i++].t->name);
        } else if (c > 0) {
            pb_diff_add(d, enums ? ENUM_ADDED : MESSAGE_ADDED, uv[k++].t->name);
        } else {
            size_t at = pb_diff_push(d, ov[i].t->name);
            if (enums) {
                compare_enum(d, ov[i].t, uv[k].t);
            } else {
                if (ov[i].ordinal != uv[k].ordinal)
                    pb_diff_add(d, MESSAGE_MOVED, NULL);
                pb_diff_message(d, ov[i].t, uv[k].t);
            }
            pb_diff_pop(d, at);
            i++, k++;
        }
    }
}

void pb_diff_types(dctx_t *d, pb_type_t *const *ov, size_t on, pb_type_t *const *uv, size_t un) {
    for (int enums = 0; enums < 2 && d->rc == CN_OK; enums++) {
        size_t a = 0, b = 0;
        tref_t *o = types_of(ov, on, enums, &a), *u = types_of(uv, un, enums, &b);
        if (o && u)
            compare_list(d, o, a, u, b, enums);
        else
            d->rc = CN_ERR_NO_MEMORY;
        free(o);
        free(u);
    }
}

cn_err_t compat_pb_compare(const compat_pb_schema_t *original, const compat_pb_schema_t *update,
                           compat_pb_diffs_t *out, cn_error_t *err) {
    dctx_t d = {.out = out};
    const pb_file_t *o = original->file, *u = update->file;
    cn_buf_init(&d.path, CN_BUF_NO_LIMIT);
    cn_buf_put_str(&d.path, "#/");
    if (strcmp(o->package ? o->package : "", u->package ? u->package : "") != 0)
        pb_diff_add(&d, PACKAGE_CHANGED, NULL);
    pb_diff_types(&d, o->types, o->ntypes, u->types, u->ntypes);
    if (d.rc == CN_OK && d.path.failed)
        d.rc = CN_ERR_NO_MEMORY;
    cn_buf_fini(&d.path);
    return d.rc == CN_OK ? CN_OK : cn_error_set(err, d.rc, NULL);
}
