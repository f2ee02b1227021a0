/* SPDX-License-Identifier: Apache-2.0
 *
 * Messages in Confluent's Protobuf SchemaDiff (see pb_diff.c): fields by number (top level and
 * oneof members), oneofs by name, fields moved into oneofs (Confluent 8.1's rule), and each
 * field's name, kind (scalar with enums, message, map), scalar group, label, named type and map
 * key and value. A message-typed field whose type comes from another reference is compared in
 * that type's own path. Matching goes through sorted arrays, never pairwise.
 */
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_diff_int.h"

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
        pb_diff_add(d, FIELD_NAMED_TYPE_CHANGED, NULL);
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
    pb_diff_message(d, o->type, u->type);
    cn_buf_fini(&d->path);
    d->path = saved;
    for (size_t i = first; i < d->out->n; i++)
        if (!d->out->v[i].compatible) {
            pb_diff_add(d, FIELD_NAMED_TYPE_CHANGED, NULL);
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
        pb_diff_add(d, FIELD_KIND_CHANGED, NULL);
        return;
    }
    if (ok == PB_K_SCALAR) {
        int og = scalar_group(o->type, o->sym), ug = scalar_group(u->type, u->sym);
        if (og != ug)
            pb_diff_add(d, FIELD_SCALAR_KIND_CHANGED, NULL);
        else if (o->label && u->label && strcmp(o->label, u->label) != 0)
            pb_diff_add(d,
                        og == 2 ? FIELD_STRING_OR_BYTES_LABEL_CHANGED : FIELD_NUMERIC_LABEL_CHANGED,
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
        pb_diff_add(d, FIELD_NAME_CHANGED, NULL);
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
            pb_diff_add(d, MULTIPLE_FIELDS_MOVED_TO_ONEOF, uo->name);
        else if (moved == 1 && existing > 0)
            pb_diff_add(d, FIELD_MOVED_TO_EXISTING_ONEOF, uo->name);
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
    size_t at = pb_diff_push(d, oo->name);
    for (size_t i = 0; i < uo->nfields; i++) {
        const pb_field_t *uf = uo->fields[i];
        const fref_t *of = find(o->f, o->n, uf->tag);
        if (!of || of->oneof != oi) {
            pb_diff_add_num(d, ONEOF_FIELD_ADDED, uf->tag);
            continue;
        }
        size_t at2 = pb_diff_push_num(d, uf->tag);
        compare_field(d, of->f, uf);
        pb_diff_pop(d, at2);
    }
    for (size_t k = 0; k < oo->nfields; k++) {
        const fref_t *uf = find(u->f, u->n, oo->fields[k]->tag);
        if (!uf || uf->oneof != ui)
            pb_diff_add_num(d, ONEOF_FIELD_REMOVED, oo->fields[k]->tag);
    }
    pb_diff_pop(d, at);
}

static void compare_oneofs(dctx_t *d, const side_t *o, const side_t *u) {
    oref_t *ov = oneofs_by_name(o->m), *uv = oneofs_by_name(u->m);
    size_t i = 0, k = 0, on = o->m->noneofs, un = u->m->noneofs;
    while (ov && uv && (i < on || k < un)) {
        int c = i >= on ? 1 : k >= un ? -1 : strcmp(ov[i].name, uv[k].name);
        if (c < 0) {
            pb_diff_add(d, ONEOF_REMOVED, ov[i++].name);
        } else if (c > 0) {
            pb_diff_add(d, ONEOF_ADDED, uv[k++].name);
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
            pb_diff_add_num(d, required(ov[i].f) ? REQUIRED_FIELD_REMOVED : FIELD_REMOVED,
                            ov[i].tag);
            i++;
        } else if (i >= on || uv[k].tag < ov[i].tag) {
            pb_diff_add_num(d, required(uv[k].f) ? REQUIRED_FIELD_ADDED : FIELD_ADDED, uv[k].tag);
            k++;
        } else {
            size_t at = pb_diff_push_num(d, ov[i].tag);
            compare_field(d, ov[i].f, uv[k].f);
            pb_diff_pop(d, at);
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

void pb_diff_message(dctx_t *d, const pb_type_t *o, const pb_type_t *u) {
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
        pb_diff_types(d, o->nested, o->nnested, u->nested, u->nnested);
    } else {
        d->rc = CN_ERR_NO_MEMORY;
    }
    free(ov);
    free(uv);
    d->depth--;
}
