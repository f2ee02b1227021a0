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

#include "compat/protobuf/pb_internal.h"

#define DIFF_MAX_DEPTH 256

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

enum {
    PACKAGE_CHANGED,
    MESSAGE_ADDED,
    MESSAGE_REMOVED,
    MESSAGE_MOVED,
    ENUM_ADDED,
    ENUM_REMOVED,
    ENUM_CONST_ADDED,
    ENUM_CONST_CHANGED,
    ENUM_CONST_REMOVED,
    FIELD_ADDED,
    FIELD_REMOVED,
    FIELD_NAME_CHANGED,
    FIELD_KIND_CHANGED,
    FIELD_SCALAR_KIND_CHANGED,
    FIELD_NAMED_TYPE_CHANGED,
    FIELD_NUMERIC_LABEL_CHANGED,
    FIELD_STRING_OR_BYTES_LABEL_CHANGED,
    REQUIRED_FIELD_ADDED,
    REQUIRED_FIELD_REMOVED,
    ONEOF_ADDED,
    ONEOF_REMOVED,
    ONEOF_FIELD_ADDED,
    ONEOF_FIELD_REMOVED,
    MULTIPLE_FIELDS_MOVED_TO_ONEOF,
    FIELD_MOVED_TO_EXISTING_ONEOF
};

const char *compat_pb_diff_template(const char *type) {
    for (size_t i = 0; i < sizeof(dtypes) / sizeof(dtypes[0]); i++)
        if (strcmp(dtypes[i].name, type) == 0)
            return dtypes[i].tmpl;
    return NULL;
}

typedef struct pair {
    const pb_type_t *o, *u;
} pair_t;

typedef struct dctx {
    compat_pb_diffs_t *out;
    cn_buf_t path;
    pair_t stack[DIFF_MAX_DEPTH];
    int depth;
    cn_err_t rc;
} dctx_t;

void compat_pb_diffs_fini(compat_pb_diffs_t *d) {
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].path);
    free(d->v);
    *d = (compat_pb_diffs_t){0};
}

static void add(dctx_t *d, int type, const char *seg) {
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
static size_t push(dctx_t *d, const char *seg) {
    size_t at = d->path.len;
    if (d->path.len > 2)
        cn_buf_put(&d->path, "/", 1);
    cn_buf_put_str(&d->path, seg);
    if (d->path.failed)
        d->rc = CN_ERR_NO_MEMORY;
    return at;
}

static size_t push_num(dctx_t *d, int32_t n) {
    char s[16];
    snprintf(s, sizeof(s), "%d", (int)n);
    return push(d, s);
}

static void pop(dctx_t *d, size_t at) {
    d->path.len = at;
}

static void add_num(dctx_t *d, int type, int32_t n) {
    char s[16];
    snprintf(s, sizeof(s), "%d", (int)n);
    add(d, type, s);
}

static void compare_message(dctx_t *d, const pb_type_t *o, const pb_type_t *u);
static void compare_types(dctx_t *d, pb_type_t *const *ov, size_t on, pb_type_t *const *uv,
                          size_t un);

/* ---- field types ---- */

static pb_kind_t kind_of(const char *type, const pb_sym_t *sym, bool is_map) {
    if (is_map)
        return PB_K_MAP;
    if (pb_is_scalar(type) || !sym || sym->type->is_enum)
        return PB_K_SCALAR;
    return sym->type->map_entry ? PB_K_MAP : PB_K_MESSAGE;
}

static int scalar_group(const char *type, const pb_sym_t *sym) {
    return sym && sym->type->is_enum ? 0 : pb_scalar_group(type);
}

/* The type's name without its file's package (Confluent's local name). */
static const char *local_name(const pb_sym_t *s) {
    const char *pkg = s->file->package;
    size_t n = pkg ? strlen(pkg) : 0;
    if (n && strncmp(s->fqn, pkg, n) == 0 && s->fqn[n] == '.')
        return s->fqn + n + 1;
    return s->fqn;
}

static bool same_ref(const pb_file_t *a, const pb_file_t *b) {
    return strcmp(a->ref_subject, b->ref_subject) == 0 && a->ref_version == b->ref_version;
}

/* Both message types have one local name but come from different references: compare them
 * rooted at the type's own path; an incompatible difference there makes the field's type
 * incompatible too. */
static void compare_named(dctx_t *d, const pb_sym_t *o, const pb_sym_t *u) {
    const char *on = local_name(o), *un = local_name(u);
    if (strcmp(on, un) != 0) {
        add(d, FIELD_NAMED_TYPE_CHANGED, NULL);
        return;
    }
    if (same_ref(o->file, u->file))
        return;
    cn_buf_t saved = d->path;
    size_t first = d->out->n;
    cn_buf_init(&d->path, CN_BUF_NO_LIMIT);
    cn_buf_put_str(&d->path, "#/");
    for (const char *p = on; *p; p++)
        cn_buf_put(&d->path, *p == '.' ? "/" : p, 1);
    if (d->path.failed)
        d->rc = CN_ERR_NO_MEMORY;
    compare_message(d, o->type, u->type);
    cn_buf_fini(&d->path);
    d->path = saved;
    for (size_t i = first; i < d->out->n; i++)
        if (!d->out->v[i].compatible) {
            add(d, FIELD_NAMED_TYPE_CHANGED, NULL);
            break;
        }
}

typedef struct ftype {
    const char *type;
    const pb_sym_t *sym;
    const char *label;
    bool is_map;
    const char *key;
} ftype_t;

static ftype_t ftype_of(const pb_field_t *f) {
    ftype_t t = {.type = f->map_key ? f->map_val : f->type,
                 .sym = f->rsym,
                 .label = f->label,
                 .is_map = f->map_key != NULL,
                 .key = f->map_key};
    return t;
}

/* map<K, V> written as a map or as a map-entry message: key and value types. */
static void map_parts(const ftype_t *t, ftype_t *k, ftype_t *v) {
    *k = (ftype_t){0};
    *v = (ftype_t){0};
    if (t->is_map) {
        *k = (ftype_t){.type = t->key};
        *v = (ftype_t){.type = t->type, .sym = t->sym};
        return;
    }
    const pb_type_t *e = t->sym->type;
    for (size_t i = 0; i < e->nfields; i++) {
        ftype_t *dst = e->fields[i]->tag == 1 ? k : e->fields[i]->tag == 2 ? v : NULL;
        if (dst)
            *dst = ftype_of(e->fields[i]);
        if (dst)
            dst->label = NULL;
    }
    if (!k->type)
        k->type = "";
    if (!v->type)
        v->type = "";
}

static void compare_ftype(dctx_t *d, const ftype_t *o, const ftype_t *u, int depth) {
    pb_kind_t ok = kind_of(o->type, o->sym, o->is_map), uk = kind_of(u->type, u->sym, u->is_map);
    if (ok != uk) {
        add(d, FIELD_KIND_CHANGED, NULL);
        return;
    }
    if (ok == PB_K_SCALAR) {
        int og = scalar_group(o->type, o->sym), ug = scalar_group(u->type, u->sym);
        if (og != ug)
            add(d, FIELD_SCALAR_KIND_CHANGED, NULL);
        else if (o->label && u->label && strcmp(o->label, u->label) != 0)
            add(d, og == 2 ? FIELD_STRING_OR_BYTES_LABEL_CHANGED : FIELD_NUMERIC_LABEL_CHANGED,
                NULL);
    } else if (ok == PB_K_MESSAGE) {
        compare_named(d, o->sym, u->sym);
    } else if (depth < 2) {
        ftype_t ok2, ov, uk2, uv;
        map_parts(o, &ok2, &ov);
        map_parts(u, &uk2, &uv);
        compare_ftype(d, &ok2, &uk2, depth + 1);
        compare_ftype(d, &ov, &uv, depth + 1);
    }
}

static void compare_field(dctx_t *d, const pb_field_t *o, const pb_field_t *u) {
    ftype_t ot = ftype_of(o), ut = ftype_of(u);
    if (strcmp(o->name, u->name) != 0)
        add(d, FIELD_NAME_CHANGED, NULL);
    compare_ftype(d, &ot, &ut, 0);
}

/* ---- messages ---- */

typedef struct fref {
    int32_t tag;
    const pb_field_t *f;
    int oneof;  /* index in the message's oneofs, -1 at top level */
    bool moved; /* original top-level field now in an update oneof */
} fref_t;

static int fref_cmp(const void *x, const void *y) {
    const fref_t *a = x, *b = y;
    return (a->tag > b->tag) - (a->tag < b->tag);
}

/* Every field of m (top level and oneof members), sorted by number. */
static fref_t *fields_of(const pb_type_t *m, size_t *n) {
    size_t k = m->nfields;
    for (size_t o = 0; o < m->noneofs; o++)
        k += m->oneofs[o].nfields;
    fref_t *v = calloc(k ? k : 1, sizeof(*v));
    if (!v)
        return NULL;
    k = 0;
    for (size_t i = 0; i < m->nfields; i++)
        v[k++] = (fref_t){m->fields[i]->tag, m->fields[i], -1, false};
    for (size_t o = 0; o < m->noneofs; o++)
        for (size_t i = 0; i < m->oneofs[o].nfields; i++)
            v[k++] = (fref_t){m->oneofs[o].fields[i]->tag, m->oneofs[o].fields[i], (int)o, false};
    qsort(v, k, sizeof(*v), fref_cmp);
    *n = k;
    return v;
}

static fref_t *find(fref_t *v, size_t n, int32_t tag) {
    fref_t key = {.tag = tag};
    return bsearch(&key, v, n, sizeof(*v), fref_cmp);
}

/* Fields of the original that moved into each update oneof (Confluent 8.1's rule). */
static void moved_to_oneofs(dctx_t *d, const pb_type_t *u, fref_t *ov, size_t on) {
    for (size_t o = 0; o < u->noneofs; o++) {
        const pb_oneof_t *uo = &u->oneofs[o];
        int moved = 0, existing = 0;
        for (size_t i = 0; i < uo->nfields; i++) {
            fref_t *of = find(ov, on, uo->fields[i]->tag);
            if (of && of->oneof < 0) {
                of->moved = true;
                moved++;
            } else if (of) {
                existing++;
            }
        }
        if (moved > 1)
            add(d, MULTIPLE_FIELDS_MOVED_TO_ONEOF, uo->name);
        else if (moved == 1 && existing > 0)
            add(d, FIELD_MOVED_TO_EXISTING_ONEOF, uo->name);
    }
}

typedef struct oref {
    const char *name;
    int index;
} oref_t;

static int oref_cmp(const void *x, const void *y) {
    return strcmp(((const oref_t *)x)->name, ((const oref_t *)y)->name);
}

static oref_t *oneofs_by_name(const pb_type_t *m) {
    oref_t *v = calloc(m->noneofs ? m->noneofs : 1, sizeof(*v));
    for (size_t i = 0; v && i < m->noneofs; i++)
        v[i] = (oref_t){m->oneofs[i].name, (int)i};
    if (v)
        qsort(v, m->noneofs, sizeof(*v), oref_cmp);
    return v;
}

typedef struct side {
    const pb_type_t *m;
    fref_t *f;
    size_t n;
} side_t;

/* Members of one oneof present in both by name: by number, through the sorted field lists. */
static void compare_oneof_members(dctx_t *d, const side_t *o, int oi, const side_t *u, int ui) {
    const pb_oneof_t *oo = &o->m->oneofs[oi], *uo = &u->m->oneofs[ui];
    size_t at = push(d, oo->name);
    for (size_t i = 0; i < uo->nfields; i++) {
        const pb_field_t *uf = uo->fields[i];
        const fref_t *of = find(o->f, o->n, uf->tag);
        if (!of || of->oneof != oi) {
            add_num(d, ONEOF_FIELD_ADDED, uf->tag);
            continue;
        }
        size_t at2 = push_num(d, uf->tag);
        compare_field(d, of->f, uf);
        pop(d, at2);
    }
    for (size_t k = 0; k < oo->nfields; k++) {
        const fref_t *uf = find(u->f, u->n, oo->fields[k]->tag);
        if (!uf || uf->oneof != ui)
            add_num(d, ONEOF_FIELD_REMOVED, oo->fields[k]->tag);
    }
    pop(d, at);
}

static void compare_oneofs(dctx_t *d, const side_t *o, const side_t *u) {
    oref_t *ov = oneofs_by_name(o->m), *uv = oneofs_by_name(u->m);
    size_t i = 0, k = 0, on = o->m->noneofs, un = u->m->noneofs;
    while (ov && uv && (i < on || k < un)) {
        int c = i >= on ? 1 : k >= un ? -1 : strcmp(ov[i].name, uv[k].name);
        if (c < 0) {
            add(d, ONEOF_REMOVED, ov[i++].name);
        } else if (c > 0) {
            add(d, ONEOF_ADDED, uv[k++].name);
        } else {
            compare_oneof_members(d, o, ov[i].index, u, uv[k].index);
            i++, k++;
        }
    }
    if (!ov || !uv)
        d->rc = CN_ERR_NO_MEMORY;
    free(ov);
    free(uv);
}

static bool required(const pb_field_t *f) {
    return f->label && strcmp(f->label, "required") == 0;
}

/* Top-level fields by number, the moved ones left out of the original. */
static void compare_top_fields(dctx_t *d, fref_t *ov, size_t on, fref_t *uv, size_t un) {
    size_t i = 0, k = 0;
    while (i < on || k < un) {
        if (i < on && (ov[i].oneof >= 0 || ov[i].moved)) {
            i++;
        } else if (k < un && uv[k].oneof >= 0) {
            k++;
        } else if (k >= un || (i < on && ov[i].tag < uv[k].tag)) {
            add_num(d, required(ov[i].f) ? REQUIRED_FIELD_REMOVED : FIELD_REMOVED, ov[i].tag);
            i++;
        } else if (i >= on || uv[k].tag < ov[i].tag) {
            add_num(d, required(uv[k].f) ? REQUIRED_FIELD_ADDED : FIELD_ADDED, uv[k].tag);
            k++;
        } else {
            size_t at = push_num(d, ov[i].tag);
            compare_field(d, ov[i].f, uv[k].f);
            pop(d, at);
            i++, k++;
        }
    }
}

static bool entered(dctx_t *d, const pb_type_t *o, const pb_type_t *u) {
    for (int i = 0; i < d->depth; i++)
        if (d->stack[i].o == o && d->stack[i].u == u)
            return true;
    return d->depth >= DIFF_MAX_DEPTH;
}

static void compare_message(dctx_t *d, const pb_type_t *o, const pb_type_t *u) {
    size_t on = 0, un = 0;
    if (d->rc != CN_OK || entered(d, o, u))
        return;
    d->stack[d->depth++] = (pair_t){o, u};
    fref_t *ov = fields_of(o, &on), *uv = fields_of(u, &un);
    if (ov && uv) {
        side_t os = {o, ov, on}, us = {u, uv, un};
        moved_to_oneofs(d, u, ov, on);
        compare_oneofs(d, &os, &us);
        compare_top_fields(d, ov, on, uv, un);
        compare_types(d, o->nested, o->nnested, u->nested, u->nnested);
    } else {
        d->rc = CN_ERR_NO_MEMORY;
    }
    free(ov);
    free(uv);
    d->depth--;
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
            add_num(d, ENUM_CONST_REMOVED, ov[i++].value);
        } else if (i >= on || uv[k].value < ov[i].value) {
            add_num(d, ENUM_CONST_ADDED, uv[k++].value);
        } else {
            if (strcmp(ov[i].name, uv[k].name) != 0)
                add_num(d, ENUM_CONST_CHANGED, uv[k].value);
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
            add(d, enums ? ENUM_REMOVED : MESSAGE_REMOVED, ov[i++].t->name);
        } else if (c > 0) {
            add(d, enums ? ENUM_ADDED : MESSAGE_ADDED, uv[k++].t->name);
        } else {
            size_t at = push(d, ov[i].t->name);
            if (enums) {
                compare_enum(d, ov[i].t, uv[k].t);
            } else {
                if (ov[i].ordinal != uv[k].ordinal)
                    add(d, MESSAGE_MOVED, NULL);
                compare_message(d, ov[i].t, uv[k].t);
            }
            pop(d, at);
            i++, k++;
        }
    }
}

static void compare_types(dctx_t *d, pb_type_t *const *ov, size_t on, pb_type_t *const *uv,
                          size_t un) {
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
        add(&d, PACKAGE_CHANGED, NULL);
    compare_types(&d, o->types, o->ntypes, u->types, u->ntypes);
    if (d.rc == CN_OK && d.path.failed)
        d.rc = CN_ERR_NO_MEMORY;
    cn_buf_fini(&d.path);
    return d.rc == CN_OK ? CN_OK : cn_error_set(err, d.rc, NULL);
}
