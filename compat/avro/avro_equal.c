/* SPDX-License-Identifier: Apache-2.0
 *
 * Comparing two Avro models: Confluent's equivalent() (Java Schema.equals with properties as
 * sets, plus doc, aliases and enum default) and strict identity (everything the printers show,
 * in order) for round-trip tests. Recursive types terminate through a pair memo.
 */
#include <stdlib.h>
#include <string.h>

#include "compat/avro/avro_int.h"

typedef struct eq {
    cn_map_t *memo;
    bool strict;
    int depth;
    bool failed;
} eq_t;

static bool eq_node(eq_t *e, const compat_avro_node_t *a, const compat_avro_node_t *b);

static bool str_eq(const char *a, const char *b) {
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int cmp_str(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Alias lists: in order when strict, as sets otherwise. */
static bool strv_eq(char *const *a, size_t na, char *const *b, size_t nb, bool ordered) {
    bool ok = na == nb;
    char **sa, **sb;
    if (!ok || na == 0)
        return ok;
    for (size_t i = 0; ordered && i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    if (ordered)
        return true;
    sa = malloc(na * sizeof(*sa));
    sb = malloc(nb * sizeof(*sb));
    if (sa && sb) {
        memcpy(sa, a, na * sizeof(*sa));
        memcpy(sb, b, nb * sizeof(*sb));
        qsort(sa, na, sizeof(*sa), cmp_str);
        qsort(sb, nb, sizeof(*sb), cmp_str);
        for (size_t i = 0; i < na && ok; i++)
            ok = strcmp(sa[i], sb[i]) == 0;
    } else {
        ok = false;
    }
    free(sa);
    free(sb);
    return ok;
}

static bool props_eq(const eq_t *e, const json_t *a, const json_t *b) {
    if (json_object_size(a) == 0 || json_object_size(b) == 0)
        return json_object_size(a) == json_object_size(b);
    if (!json_equal((json_t *)a, (json_t *)b))
        return false;
    if (!e->strict)
        return true;
    void *ia = json_object_iter((json_t *)a), *ib = json_object_iter((json_t *)b);
    for (; ia && ib;
         ia = json_object_iter_next((json_t *)a, ia), ib = json_object_iter_next((json_t *)b, ib))
        if (strcmp(json_object_iter_key(ia), json_object_iter_key(ib)) != 0)
            return false;
    return true;
}

static bool json_opt_eq(const json_t *a, const json_t *b) {
    return (!a && !b) || (a && b && json_equal((json_t *)a, (json_t *)b));
}

static bool field_eq(eq_t *e, const compat_avro_field_t *a, const compat_avro_field_t *b) {
    return strcmp(a->name, b->name) == 0 && a->order == b->order && json_opt_eq(a->def, b->def) &&
           props_eq(e, a->props, b->props) && json_opt_eq(a->doc, b->doc) &&
           strv_eq(a->aliases, a->naliases, b->aliases, b->naliases, e->strict) &&
           eq_node(e, a->type, b->type);
}

static bool named_eq(eq_t *e, const compat_avro_node_t *a, const compat_avro_node_t *b) {
    if (!str_eq(a->fullname, b->fullname) || !json_opt_eq(a->doc, b->doc) ||
        !strv_eq(a->aliases, a->naliases, b->aliases, b->naliases, e->strict))
        return false;
    if (e->strict && (a->is_error != b->is_error || a->ref_root != b->ref_root))
        return false;
    switch (a->kind) {
    case COMPAT_AVRO_FIXED:
        return a->size == b->size;
    case COMPAT_AVRO_ENUM:
        return str_eq(a->enum_default, b->enum_default) &&
               strv_eq(a->symbols, a->nsymbols, b->symbols, b->nsymbols, true);
    default:
        if (a->nfields != b->nfields)
            return false;
        for (size_t i = 0; i < a->nfields; i++)
            if (!field_eq(e, &a->fields[i], &b->fields[i]))
                return false;
        return true;
    }
}

static bool memo_seen(eq_t *e, const compat_avro_node_t *a, const compat_avro_node_t *b) {
    const void *key[2] = {a, b};
    if (cn_map_get(e->memo, key, sizeof(key)))
        return true;
    if (cn_map_put(e->memo, key, sizeof(key), (void *)a) != CN_OK)
        e->failed = true;
    return false;
}

static bool eq_body(eq_t *e, const compat_avro_node_t *a, const compat_avro_node_t *b) {
    if (a->kind != b->kind || !props_eq(e, a->props, b->props))
        return false;
    if (compat_avro_is_named(a->kind))
        return memo_seen(e, a, b) || named_eq(e, a, b);
    if (a->kind == COMPAT_AVRO_ARRAY || a->kind == COMPAT_AVRO_MAP)
        return eq_node(e, a->child, b->child);
    if (a->kind != COMPAT_AVRO_UNION)
        return true;
    if (a->nbranches != b->nbranches)
        return false;
    for (size_t i = 0; i < a->nbranches; i++)
        if (!eq_node(e, a->branches[i], b->branches[i]))
            return false;
    return true;
}

static bool eq_node(eq_t *e, const compat_avro_node_t *a, const compat_avro_node_t *b) {
    bool ok;
    if (++e->depth > COMPAT_AVRO_MAX_WALK)
        e->failed = true;
    ok = !e->failed && eq_body(e, a, b);
    e->depth--;
    return ok && !e->failed;
}

static bool compare(const compat_avro_node_t *a, const compat_avro_node_t *b, bool strict) {
    eq_t e = {.strict = strict};
    bool ok;
    if (!(e.memo = cn_map_new(NULL)))
        return false;
    ok = eq_node(&e, a, b);
    cn_map_free(e.memo);
    return ok;
}

bool compat_avro_node_equivalent(const compat_avro_node_t *a, const compat_avro_node_t *b) {
    return compare(a, b, false);
}

bool compat_avro_equivalent(const compat_avro_schema_t *a, const compat_avro_schema_t *b) {
    return compare(a->root, b->root, false);
}

bool compat_avro_identical(const compat_avro_schema_t *a, const compat_avro_schema_t *b) {
    return compare(a->root, b->root, true);
}
