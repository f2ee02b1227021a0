/* SPDX-License-Identifier: Apache-2.0
 *
 * The block structure of Confluent's Protobuf text (see pb_print.c for the rules and source):
 * fields, oneofs, groups, reserved and extension ranges, messages, enums, extends, services and
 * the file, each block built as a string and indented into its parent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_int.h"

typedef struct pr {
    const compat_pb_schema_t *s;
    bool norm;
} pr_t;

/* Run body into a scratch buffer, then indent it into b. */
#define INDENTED(b, t, body)                                                                       \
    do {                                                                                           \
        cn_buf_t t;                                                                                \
        cn_buf_init(&t, CN_BUF_NO_LIMIT);                                                          \
        body;                                                                                      \
        pb_pr_indented((b), &t);                                                                   \
        (b)->failed |= t.failed;                                                                   \
        cn_buf_fini(&t);                                                                           \
    } while (0)

/* Map value type V (and key K) of a map field or of a map-entry message type, normalized. */
static void map_type(cn_buf_t *b, const char *key, const char *val, const pb_sym_t *vsym) {
    if (vsym)
        cn_buf_printf(b, "map<%s, .%s>", key, vsym->fqn);
    else
        cn_buf_printf(b, "map<%s, %s>", key, val);
}

static const pb_field_t *entry_field(const pb_type_t *t, int32_t tag) {
    for (size_t i = 0; i < t->nfields; i++)
        if (t->fields[i]->tag == tag)
            return t->fields[i];
    return NULL;
}

/* Type text; *is_map when printed as a map (no label then, when normalizing). */
static void field_type(const pr_t *p, const pb_field_t *f, cn_buf_t *b, bool *is_map) {
    *is_map = f->map_key != NULL;
    if (!p->norm || pb_is_scalar(f->type) || (!f->map_key && !f->rsym)) {
        cn_buf_put_str(b, f->type);
        return;
    }
    if (f->map_key) {
        map_type(b, f->map_key, f->map_val, f->rsym);
        return;
    }
    const pb_type_t *t = f->rsym->type;
    const pb_field_t *k = t->map_entry ? entry_field(t, 1) : NULL;
    const pb_field_t *v = t->map_entry ? entry_field(t, 2) : NULL;
    if (k && v) {
        *is_map = true;
        map_type(b, k->type, v->type, v->rsym);
        return;
    }
    cn_buf_printf(b, ".%s", f->rsym->fqn);
}

/* The default option with the kind Confluent gives it from the field type (toKind). */
static pb_val_t default_val(const pb_field_t *f, const char *type) {
    pb_val_t v = *f->def;
    bool str = strcmp(type, "string") == 0;
    /* Confluent prints bytes defaults unquoted (toKind: NUMBER), which does not parse back;
     * they stay quoted here */
    if (str || strcmp(type, "bytes") == 0)
        v.kind = PB_VAL_STRING;
    return v;
}

static void field(const pr_t *p, cn_buf_t *b, const pb_field_t *f) {
    cn_buf_t ty;
    bool is_map;
    pb_opt_t extra[2];
    pb_val_t dv, jv;
    size_t nextra = 0;
    cn_buf_init(&ty, CN_BUF_NO_LIMIT);
    field_type(p, f, &ty, &is_map);
    const char *type = cn_buf_cstr(&ty) ? cn_buf_cstr(&ty) : "";
    if (f->label && !(p->norm && is_map))
        cn_buf_printf(b, "%s ", f->label);
    cn_buf_printf(b, "%s %s = %d", type, f->name, (int)f->tag);
    if (f->def) {
        dv = default_val(f, type);
        extra[nextra++] = (pb_opt_t){.name = "default", .sort = "default", .val = &dv};
    }
    if (f->json_name) {
        jv = (pb_val_t){.kind = PB_VAL_STRING, .text = f->json_name, .len = strlen(f->json_name)};
        extra[nextra++] = (pb_opt_t){.name = "json_name", .sort = "json_name", .val = &jv};
    }
    pb_pr_opts_inline(b, &f->opts, extra, nextra, p->norm);
    cn_buf_put_str(b, ";\n");
    b->failed |= ty.failed;
    cn_buf_fini(&ty);
}

static int fld_cmp(const void *x, const void *y) {
    const pb_field_t *a = *(const pb_field_t *const *)x, *c = *(const pb_field_t *const *)y;
    if (a->tag != c->tag)
        return (a->tag > c->tag) - (a->tag < c->tag);
    return (a > c) - (a < c);
}

/* Fields in declaration order, or by number when normalizing (owned array). */
static pb_field_t **field_order(const pr_t *p, pb_field_t **v, size_t n) {
    pb_field_t **o = malloc((n ? n : 1) * sizeof(*o));
    if (o && n) {
        memcpy(o, v, n * sizeof(*o));
        if (p->norm)
            qsort(o, n, sizeof(*o), fld_cmp);
    }
    return o;
}

static void fields(const pr_t *p, cn_buf_t *b, pb_field_t **v, size_t n) {
    pb_field_t **o = field_order(p, v, n);
    if (!o) {
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        INDENTED(b, t, field(p, &t, o[i]));
    free(o);
}

/* Wire's FieldElement.toSchema / GroupElement.toSchema: as written, never normalized. */
static void group(cn_buf_t *b, const pb_group_t *g) {
    pr_t raw = {0};
    if (g->label)
        cn_buf_printf(b, "%s ", g->label);
    cn_buf_printf(b, "group %s = %d {", g->name, (int)g->tag);
    if (g->nfields) {
        cn_buf_put(b, "\n", 1);
        for (size_t i = 0; i < g->nfields; i++)
            INDENTED(b, t, field(&raw, &t, g->fields[i]));
    }
    cn_buf_put_str(b, "}\n");
}

static void groups(cn_buf_t *b, const pb_group_t *v, size_t n) {
    if (!n)
        return;
    cn_buf_put(b, "\n", 1);
    for (size_t i = 0; i < n; i++)
        INDENTED(b, t, group(&t, &v[i]));
}

static void oneof(const pr_t *p, cn_buf_t *b, const pb_oneof_t *o) {
    cn_buf_printf(b, "oneof %s {", o->name);
    if (o->opts.n) {
        cn_buf_put(b, "\n", 1);
        pb_pr_opt_stmts(b, &o->opts, p->norm, true);
    }
    if (o->nfields) {
        cn_buf_put(b, "\n", 1);
        fields(p, b, o->fields, o->nfields);
    }
    groups(b, o->groups, o->ngroups);
    cn_buf_put_str(b, "}\n");
}

static int32_t min_tag(const pb_oneof_t *o) {
    int32_t m = INT32_MAX;
    for (size_t i = 0; i < o->nfields; i++)
        if (o->fields[i]->tag < m)
            m = o->fields[i]->tag;
    return m;
}

static int oneof_cmp(const void *x, const void *y) {
    const pb_oneof_t *a = *(const pb_oneof_t *const *)x, *c = *(const pb_oneof_t *const *)y;
    int32_t ta = min_tag(a), tc = min_tag(c);
    return ta != tc ? (ta > tc) - (ta < tc) : (a > c) - (a < c);
}

static void oneofs(const pr_t *p, cn_buf_t *b, const pb_type_t *m) {
    const pb_oneof_t **o = malloc((m->noneofs + 1) * sizeof(*o));
    size_t n = 0;
    if (!o) {
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < m->noneofs; i++)
        if (!p->norm || m->oneofs[i].nfields)
            o[n++] = &m->oneofs[i];
    if (p->norm)
        qsort(o, n, sizeof(*o), oneof_cmp);
    if (m->noneofs)
        cn_buf_put(b, "\n", 1);
    for (size_t i = 0; i < n; i++)
        INDENTED(b, t, oneof(p, &t, o[i]));
    free(o);
}

static void ritem(cn_buf_t *b, const pb_ritem_t *it, bool max_word) {
    if (it->kind == PB_R_NAME)
        pb_pr_quoted(b, it->name, strlen(it->name));
    else if (it->kind == PB_R_NUM)
        cn_buf_printf(b, "%d", (int)it->start);
    else if (max_word && it->end_max)
        cn_buf_printf(b, "%d to max", (int)it->start);
    else
        cn_buf_printf(b, "%d to %d", (int)it->start, (int)it->end);
}

typedef struct rsort {
    const pb_ritem_t *it;
    int64_t key;
    char text[40];
} rsort_t;

static int rsort_cmp(const void *x, const void *y) {
    const rsort_t *a = x, *c = y;
    if (a->key != c->key)
        return (a->key > c->key) - (a->key < c->key);
    int r = strcmp(a->it->kind == PB_R_NAME ? a->it->name : a->text,
                   c->it->kind == PB_R_NAME ? c->it->name : c->text);
    return r ? r : (a->it > c->it) - (a->it < c->it);
}

/* Normalized: one item per statement, by start (names last, by text). */
static void reserved_norm(cn_buf_t *b, const pb_type_t *m) {
    size_t n = 0, k = 0;
    for (size_t i = 0; i < m->nreserved; i++)
        n += m->reserved[i].n;
    rsort_t *v = calloc(n ? n : 1, sizeof(*v));
    if (!v) {
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < m->nreserved; i++)
        for (size_t j = 0; j < m->reserved[i].n; j++, k++) {
            const pb_ritem_t *it = &m->reserved[i].items[j];
            v[k].it = it;
            v[k].key = it->kind == PB_R_NAME ? INT32_MAX : it->start;
            if (it->kind == PB_R_RANGE)
                snprintf(v[k].text, sizeof(v[k].text), "%d..%d", (int)it->start, (int)it->end);
            else
                snprintf(v[k].text, sizeof(v[k].text), "%d", (int)it->start);
        }
    qsort(v, n, sizeof(*v), rsort_cmp);
    for (size_t i = 0; i < n; i++)
        INDENTED(b, t, {
            cn_buf_put_str(&t, "reserved ");
            ritem(&t, v[i].it, false);
            cn_buf_put_str(&t, ";\n");
        });
    free(v);
}

static void ranges(cn_buf_t *b, const pb_ranges_t *r, const char *word, bool max_word) {
    cn_buf_printf(b, "%s ", word);
    for (size_t i = 0; i < r->n; i++) {
        if (i)
            cn_buf_put_str(b, ", ");
        ritem(b, &r->items[i], max_word);
    }
    pb_pr_opts_inline(b, &r->opts, NULL, 0, false);
    cn_buf_put_str(b, ";\n");
}

static void message(const pr_t *p, cn_buf_t *b, const pb_type_t *m);
static void enumeration(const pr_t *p, cn_buf_t *b, const pb_type_t *e);

/* Messages (map entries left out when normalizing), then enums; groups are printed as such. */
static void types(const pr_t *p, cn_buf_t *b, pb_type_t *const *v, size_t n, bool indent) {
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++) {
            const pb_type_t *t = v[i];
            if (t->is_enum != (pass == 1) || t->is_group || (p->norm && t->map_entry))
                continue;
            if (indent)
                INDENTED(b, tb, (pass ? enumeration(p, &tb, t) : message(p, &tb, t)));
            else if (pass)
                enumeration(p, b, t);
            else
                message(p, b, t);
        }
}

static void message(const pr_t *p, cn_buf_t *b, const pb_type_t *m) {
    cn_buf_printf(b, "message %s {", m->name);
    if (m->nreserved) {
        cn_buf_put(b, "\n", 1);
        if (p->norm)
            reserved_norm(b, m);
        else
            for (size_t i = 0; i < m->nreserved; i++)
                INDENTED(b, t, ranges(&t, &m->reserved[i], "reserved", false));
    }
    if (m->opts.n) {
        cn_buf_put(b, "\n", 1);
        pb_pr_opt_stmts(b, &m->opts, p->norm, true);
    }
    if (m->nfields) {
        cn_buf_put(b, "\n", 1);
        fields(p, b, m->fields, m->nfields);
    }
    oneofs(p, b, m);
    groups(b, m->groups, m->ngroups);
    if (m->nextensions) {
        cn_buf_put(b, "\n", 1);
        for (size_t i = 0; i < m->nextensions; i++)
            INDENTED(b, t, ranges(&t, &m->extensions[i], "extensions", true));
    }
    size_t shown = 0;
    for (size_t i = 0; i < m->nnested; i++)
        shown += !m->nested[i]->is_group;
    if (shown) {
        cn_buf_put(b, "\n", 1);
        types(p, b, m->nested, m->nnested, true);
    }
    cn_buf_put_str(b, "}\n");
}

static int const_cmp(const void *x, const void *y) {
    const pb_const_t *a = *(const pb_const_t *const *)x, *c = *(const pb_const_t *const *)y;
    if (a->value != c->value)
        return (a->value > c->value) - (a->value < c->value);
    return strcmp(a->name, c->name);
}

static void enumeration(const pr_t *p, cn_buf_t *b, const pb_type_t *e) {
    const pb_const_t **o = malloc((e->nconsts + 1) * sizeof(*o));
    if (!o) {
        b->failed = true;
        return;
    }
    cn_buf_printf(b, "enum %s {", e->name);
    if (e->opts.n || e->nconsts)
        cn_buf_put(b, "\n", 1);
    pb_pr_opt_stmts(b, &e->opts, p->norm, true);
    for (size_t i = 0; i < e->nconsts; i++)
        o[i] = &e->consts[i];
    if (p->norm)
        qsort(o, e->nconsts, sizeof(*o), const_cmp);
    for (size_t i = 0; i < e->nconsts; i++)
        INDENTED(b, t, {
            cn_buf_printf(&t, "%s = %d", o[i]->name, (int)o[i]->value);
            pb_pr_opts_inline(&t, &o[i]->opts, NULL, 0, p->norm);
            cn_buf_put_str(&t, ";\n");
        });
    cn_buf_put_str(b, "}\n");
    free(o);
}

/* Wire's ExtendElement.toSchema: as written. */
static void extend(cn_buf_t *b, const pb_extend_t *e) {
    pr_t raw = {0};
    cn_buf_printf(b, "extend %s {", e->name);
    if (e->nfields) {
        cn_buf_put(b, "\n", 1);
        for (size_t i = 0; i < e->nfields; i++)
            INDENTED(b, t, field(&raw, &t, e->fields[i]));
    }
    cn_buf_put_str(b, "}\n");
}

static void rpc_type(const pr_t *p, cn_buf_t *b, const char *type, bool stream) {
    const pb_sym_t *sym = p->norm ? pb_resolve(p->s, p->s->file, NULL, type) : NULL;
    cn_buf_printf(b, "%s%s%s", stream ? "stream " : "", sym ? "." : "", sym ? sym->fqn : type);
}

static void rpc(const pr_t *p, cn_buf_t *b, const pb_rpc_t *r) {
    cn_buf_printf(b, "rpc %s (", r->name);
    rpc_type(p, b, r->req, r->req_stream);
    cn_buf_put_str(b, ") returns (");
    rpc_type(p, b, r->resp, r->resp_stream);
    cn_buf_put_str(b, ")");
    if (r->opts.n) {
        cn_buf_put_str(b, " {\n");
        pb_pr_opt_stmts(b, &r->opts, p->norm, true);
        cn_buf_put_str(b, "}");
    }
    cn_buf_put_str(b, ";\n");
}

static void service(const pr_t *p, cn_buf_t *b, const pb_service_t *s) {
    cn_buf_printf(b, "service %s {", s->name);
    if (s->opts.n) {
        cn_buf_put(b, "\n", 1);
        pb_pr_opt_stmts(b, &s->opts, p->norm, true);
    }
    if (s->nrpcs) {
        cn_buf_put(b, "\n", 1);
        for (size_t i = 0; i < s->nrpcs; i++)
            INDENTED(b, t, rpc(p, &t, &s->rpcs[i]));
    }
    cn_buf_put_str(b, "}\n");
}

static bool is_option_import(const pb_file_t *f, const char *path) {
    for (size_t i = 0; i < f->nimports; i++)
        if (f->imports[i].kind == PB_IMPORT_OPTION && strcmp(f->imports[i].path, path) == 0)
            return true;
    return false;
}

static int str_cmp(const void *x, const void *y) {
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* import "x"; lines of one kind (weak ones print as plain imports, as Wire 4 keeps them). */
static void imports(const pr_t *p, cn_buf_t *b, bool public) {
    const pb_file_t *f = p->s->file;
    const char **v = malloc((f->nimports + 1) * sizeof(*v));
    size_t n = 0;
    if (!v) {
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < f->nimports; i++)
        if ((f->imports[i].kind == PB_IMPORT_PUBLIC) == public)
            v[n++] = f->imports[i].path;
    if (p->norm)
        qsort(v, n, sizeof(*v), str_cmp);
    for (size_t i = 0; i < n; i++) {
        if (p->norm && i && strcmp(v[i], v[i - 1]) == 0)
            continue;
        cn_buf_put_str(b, public ? "import public " : "import ");
        if (!public && is_option_import(p->s->file, v[i]))
            cn_buf_put_str(b, "option ");
        pb_pr_quoted(b, v[i], strlen(v[i]));
        cn_buf_put_str(b, ";\n");
    }
    free(v);
}

cn_err_t pb_print(const compat_pb_schema_t *s, bool normalize, cn_buf_t *b) {
    const pb_file_t *f = s->file;
    pr_t p = {.s = s, .norm = normalize};
    if (f->edition)
        cn_buf_printf(b, "edition = \"%s\";\n", f->edition);
    else if (f->syntax)
        cn_buf_printf(b, "syntax = \"%s\";\n", f->syntax);
    if (f->package)
        cn_buf_printf(b, "package %s;\n", f->package);
    if (f->nimports) {
        cn_buf_put(b, "\n", 1);
        imports(&p, b, false);
        imports(&p, b, true);
    }
    if (f->opts.n) {
        cn_buf_put(b, "\n", 1);
        pb_pr_opt_stmts(b, &f->opts, normalize, false);
    }
    if (f->ntypes) {
        cn_buf_put(b, "\n", 1);
        types(&p, b, f->types, f->ntypes, false);
    }
    if (f->nextends) {
        cn_buf_put(b, "\n", 1);
        for (size_t i = 0; i < f->nextends; i++)
            extend(b, &f->extends[i]);
    }
    if (f->nservices) {
        cn_buf_put(b, "\n", 1);
        for (size_t i = 0; i < f->nservices; i++)
            service(&p, b, &f->services[i]);
    }
    return b->failed ? CN_ERR_NO_MEMORY : CN_OK;
}
