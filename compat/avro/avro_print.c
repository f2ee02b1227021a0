/* SPDX-License-Identifier: Apache-2.0
 *
 * The stored text of an Avro schema: Confluent's canonicalString, i.e. Apache Avro Java's
 * compact Schema.toString (fixed key order per kind, namespace written only where it changes,
 * named types written once then referenced by name, the roots of referenced schemas by name and
 * their nested named types in full at first use), and the normalized form
 * of normalize=true (the same layout with aliases and properties sorted, decimal scale 0
 * dropped; Confluent's AvroSchema.canonicalString and AvroSchema.normalize).
 */
#include <stdlib.h>
#include <string.h>

#include "compat/avro/avro_int.h"

typedef struct pr {
    cn_buf_t *out;
    const char *space; /* Java's Names.space while writing */
    cn_map_t *seen;    /* full names already written (as Java's Names: imports may hold copies) */
    bool norm;
    bool inline_imports;
    int depth;
    bool too_deep;
} pr_t;

static void put_type(pr_t *p, const compat_avro_node_t *n);

static void put_key(pr_t *p, const char *key) {
    cn_buf_put_u8(p->out, ',');
    compat_avro_put_str(p->out, key);
    cn_buf_put_u8(p->out, ':');
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Keys of an object, sorted or in insertion order; caller frees the array. */
static const char **keys_of(const json_t *obj, bool sorted, size_t *n_out) {
    size_t n = json_object_size(obj), i = 0;
    const char **keys = calloc(n ? n : 1, sizeof(*keys));
    const char *k;
    json_t *v;
    if (!keys)
        return NULL;
    json_object_foreach((json_t *)obj, k, v) keys[i++] = k;
    if (sorted)
        qsort(keys, n, sizeof(*keys), cmp_str);
    *n_out = n;
    return keys;
}

static bool skip_prop(const char *k, const char *logical) {
    if (!logical)
        return false;
    if (strcmp(k, "logicalType") == 0)
        return true;
    return strcmp(logical, "decimal") == 0 &&
           (strcmp(k, "precision") == 0 || strcmp(k, "scale") == 0);
}

static void put_logical(pr_t *p, const json_t *props, const char *logical) {
    put_key(p, "logicalType");
    compat_avro_put_str(p->out, logical);
    if (strcmp(logical, "decimal") != 0)
        return;
    const json_t *scale = json_object_get(props, "scale");
    put_key(p, "precision");
    compat_avro_put_json(p->out, json_object_get(props, "precision"), false);
    if (scale && json_integer_value(scale) != 0) {
        put_key(p, "scale");
        compat_avro_put_json(p->out, scale, false);
    }
}

/* Custom properties; in the normalized form a recognized logical type comes first, the rest
 * sorted by key. */
static void put_props(pr_t *p, const json_t *props, const char *logical) {
    size_t n;
    const char **keys;
    if (!p->norm)
        logical = NULL;
    if (logical)
        put_logical(p, props, logical);
    if (!(keys = keys_of(props, p->norm, &n))) {
        p->out->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (skip_prop(keys[i], logical))
            continue;
        put_key(p, keys[i]);
        compat_avro_put_json(p->out, json_object_get(props, keys[i]), false);
    }
    free(keys);
}

static void put_strv(pr_t *p, char *const *v, size_t n) {
    cn_buf_put_u8(p->out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            cn_buf_put_u8(p->out, ',');
        compat_avro_put_str(p->out, v[i]);
    }
    cn_buf_put_u8(p->out, ']');
}

static const char *qualified(const char *space, const char *name, const char *full,
                             const char *relative_to) {
    return !space || (relative_to && strcmp(space, relative_to) == 0) ? name : full;
}

/* Aliases of a named type, each qualified relative to the type's own namespace. */
static void put_aliases(pr_t *p, const compat_avro_node_t *n) {
    char **v;
    if (!n->naliases)
        return;
    if (!(v = malloc(n->naliases * sizeof(*v)))) {
        p->out->failed = true;
        return;
    }
    memcpy(v, n->aliases, n->naliases * sizeof(*v));
    if (p->norm)
        qsort(v, n->naliases, sizeof(*v), cmp_str);
    put_key(p, "aliases");
    cn_buf_put_u8(p->out, '[');
    for (size_t i = 0; i < n->naliases; i++) {
        const char *dot = strrchr(v[i], '.');
        size_t slen = dot ? (size_t)(dot - v[i]) : 0;
        bool same = dot && n->space && strlen(n->space) == slen && !strncmp(n->space, v[i], slen);
        if (i)
            cn_buf_put_u8(p->out, ',');
        compat_avro_put_str(p->out, same || !dot ? (dot ? dot + 1 : v[i]) : v[i]);
    }
    cn_buf_put_u8(p->out, ']');
    free(v);
}

static void put_name(pr_t *p, const compat_avro_node_t *n) {
    put_key(p, "name");
    compat_avro_put_str(p->out, n->name);
    if (n->space && (!p->space || strcmp(n->space, p->space) != 0)) {
        put_key(p, "namespace");
        compat_avro_put_str(p->out, n->space);
    } else if (!n->space && p->space) {
        put_key(p, "namespace");
        compat_avro_put_str(p->out, "");
    }
}

static void put_doc(pr_t *p, const json_t *doc) {
    if (doc) {
        put_key(p, "doc");
        compat_avro_put_json(p->out, doc, false);
    }
}

static void put_field(pr_t *p, const compat_avro_field_t *f) {
    static const char *const orders[] = {"ascending", "descending", "ignore"};
    cn_buf_put_str(p->out, "{\"name\":");
    compat_avro_put_str(p->out, f->name);
    put_key(p, "type");
    put_type(p, f->type);
    put_doc(p, f->doc);
    if (f->def) {
        put_key(p, "default");
        compat_avro_put_json(p->out, f->def, false);
    }
    if (f->order != COMPAT_AVRO_ASCENDING) {
        put_key(p, "order");
        compat_avro_put_str(p->out, orders[f->order]);
    }
    if (f->naliases) {
        char **v = malloc(f->naliases * sizeof(*v));
        if (!v) {
            p->out->failed = true;
            return;
        }
        memcpy(v, f->aliases, f->naliases * sizeof(*v));
        if (p->norm)
            qsort(v, f->naliases, sizeof(*v), cmp_str);
        put_key(p, "aliases");
        put_strv(p, v, f->naliases);
        free(v);
    }
    put_props(p, f->props, NULL);
    cn_buf_put_u8(p->out, '}');
}

static void put_record(pr_t *p, const compat_avro_node_t *n) {
    const char *saved = p->space;
    cn_buf_put_str(p->out, n->is_error ? "{\"type\":\"error\"" : "{\"type\":\"record\"");
    put_name(p, n);
    p->space = n->space;
    put_doc(p, n->doc);
    put_key(p, "fields");
    cn_buf_put_u8(p->out, '[');
    for (size_t i = 0; i < n->nfields; i++) {
        if (i)
            cn_buf_put_u8(p->out, ',');
        put_field(p, &n->fields[i]);
    }
    cn_buf_put_u8(p->out, ']');
    put_props(p, n->props, compat_avro_logical(n));
    put_aliases(p, n);
    cn_buf_put_u8(p->out, '}');
    p->space = saved;
}

static void put_enum_or_fixed(pr_t *p, const compat_avro_node_t *n) {
    bool is_enum = n->kind == COMPAT_AVRO_ENUM;
    cn_buf_put_str(p->out, is_enum ? "{\"type\":\"enum\"" : "{\"type\":\"fixed\"");
    put_name(p, n);
    put_doc(p, n->doc);
    if (is_enum) {
        put_key(p, "symbols");
        put_strv(p, n->symbols, n->nsymbols);
        if (n->enum_default) {
            put_key(p, "default");
            compat_avro_put_str(p->out, n->enum_default);
        }
    } else {
        put_key(p, "size");
        cn_buf_printf(p->out, "%lld", (long long)n->size);
    }
    put_props(p, n->props, compat_avro_logical(n));
    put_aliases(p, n);
    cn_buf_put_u8(p->out, '}');
}

static bool named_ref(pr_t *p, const compat_avro_node_t *n) {
    if ((n->ref_root && !p->inline_imports) || cn_map_sget(p->seen, n->fullname)) {
        compat_avro_put_str(p->out, qualified(n->space, n->name, n->fullname, p->space));
        return true;
    }
    if (cn_map_sput(p->seen, n->fullname, (void *)n) != CN_OK)
        p->out->failed = true;
    return false;
}

static void put_container(pr_t *p, const compat_avro_node_t *n) {
    bool arr = n->kind == COMPAT_AVRO_ARRAY;
    cn_buf_put_str(p->out,
                   arr ? "{\"type\":\"array\",\"items\":" : "{\"type\":\"map\",\"values\":");
    put_type(p, n->child);
    put_props(p, n->props, compat_avro_logical(n));
    cn_buf_put_u8(p->out, '}');
}

static void put_type(pr_t *p, const compat_avro_node_t *n) {
    if (++p->depth > COMPAT_AVRO_MAX_WALK) {
        p->too_deep = true;
    } else if (compat_avro_is_named(n->kind)) {
        if (!named_ref(p, n))
            (n->kind == COMPAT_AVRO_RECORD ? put_record : put_enum_or_fixed)(p, n);
    } else if (n->kind == COMPAT_AVRO_UNION) {
        cn_buf_put_u8(p->out, '[');
        for (size_t i = 0; i < n->nbranches; i++) {
            if (i)
                cn_buf_put_u8(p->out, ',');
            put_type(p, n->branches[i]);
        }
        cn_buf_put_u8(p->out, ']');
    } else if (n->kind == COMPAT_AVRO_ARRAY || n->kind == COMPAT_AVRO_MAP) {
        put_container(p, n);
    } else if (json_object_size(n->props) == 0) {
        compat_avro_put_str(p->out, compat_avro_kind_name(n->kind));
    } else {
        cn_buf_put_str(p->out, "{\"type\":");
        compat_avro_put_str(p->out, compat_avro_kind_name(n->kind));
        put_props(p, n->props, compat_avro_logical(n));
        cn_buf_put_u8(p->out, '}');
    }
    p->depth--;
}

static cn_err_t print(const compat_avro_node_t *root, cn_buf_t *out, bool norm, bool inline_imports,
                      cn_error_t *err) {
    pr_t p = {.out = out, .norm = norm, .inline_imports = inline_imports};
    if (!(p.seen = cn_map_new(NULL)))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    put_type(&p, root);
    cn_map_free(p.seen);
    if (p.too_deep)
        return cn_error_set(err, CN_ERR_TOO_DEEP, "schema graph nested too deep to print");
    if (out->failed)
        return cn_error_set(err, CN_ERR_NO_MEMORY, "cannot print schema");
    return CN_OK;
}

cn_err_t compat_avro_print_canonical(const compat_avro_schema_t *sch, cn_buf_t *out,
                                     cn_error_t *err) {
    return print(sch->root, out, false, false, err);
}

cn_err_t compat_avro_print_normalized(const compat_avro_schema_t *sch, cn_buf_t *out,
                                      cn_error_t *err) {
    return print(sch->root, out, true, false, err);
}

cn_err_t compat_avro_print_node(const compat_avro_node_t *node, cn_buf_t *out, cn_error_t *err) {
    return print(node, out, false, true, err);
}
