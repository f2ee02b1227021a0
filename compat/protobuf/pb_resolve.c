/* SPDX-License-Identifier: Apache-2.0
 *
 * Names of one schema: the symbol table (every message and enum of the file and of every file
 * it imports, by fully-qualified name), Protobuf's scoping rule for type names (a relative name
 * is looked up from the innermost enclosing scope outwards through the package's components; a
 * leading dot makes it absolute), and the checks protoc makes on the result: every type name
 * resolves to a message or enum, map keys are integral or string, field numbers and names are
 * unique in a message, enum values unique unless allow_alias, proto3 rules.
 */
#include <stdio.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_int.h"

static void sym_free(void *v) {
    pb_sym_t *s = v;
    free(s->fqn);
    free(s);
}

/* fmt is one of this file's literals with two %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static cn_err_t fail_at(cn_error_t *err, int line, int col, const char *fmt, const char *a,
                        const char *b) {
    char msg[300];
    snprintf(msg, sizeof(msg), fmt, a, b ? b : "");
#pragma GCC diagnostic pop
    return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "line %d:%d: %s", line, col, msg);
}

static char *join(const char *a, const char *b) {
    char *s = NULL;
    if (!a || !*a)
        return strdup(b);
    return asprintf(&s, "%s.%s", a, b) < 0 ? NULL : s;
}

static cn_err_t add_type(compat_pb_schema_t *s, pb_type_t *t, const char *prefix, int depth,
                         cn_error_t *err);

static cn_err_t add_sym(compat_pb_schema_t *s, pb_type_t *t, char *fqn, cn_error_t *err) {
    pb_sym_t *sym;
    if (!fqn)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (cn_map_sget(s->syms, fqn)) {
        cn_err_t rc = fail_at(err, t->line, t->col, "%s is already defined%s", fqn, NULL);
        free(fqn);
        return rc;
    }
    if (!(sym = calloc(1, sizeof(*sym))) || cn_map_sput(s->syms, fqn, sym) != CN_OK) {
        free(sym);
        free(fqn);
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    *sym = (pb_sym_t){.fqn = fqn, .type = t, .file = t->file};
    t->fqn = fqn;
    return CN_OK;
}

static cn_err_t add_type(compat_pb_schema_t *s, pb_type_t *t, const char *prefix, int depth,
                         cn_error_t *err) {
    cn_err_t rc = add_sym(s, t, join(prefix, t->name), err);
    int32_t nmsg = 0;
    for (size_t i = 0; rc == CN_OK && i < t->nnested; i++) {
        if (!t->nested[i]->is_enum)
            t->nested[i]->msg_index = nmsg++;
        rc = add_type(s, t->nested[i], t->fqn, depth + 1, err);
    }
    (void)depth;
    return rc;
}

/* Only the files the file imports are visible (a reference without an import is not). */
static bool imported(const pb_file_t *f, const char *path) {
    for (size_t i = 0; i < f->nimports; i++)
        if (strcmp(f->imports[i].path, path) == 0)
            return true;
    return false;
}

/* The main file's own types (they shadow imported ones), then every import's table. */
static cn_err_t build_table(compat_pb_schema_t *s, cn_error_t *err) {
    pb_file_t *f = s->file;
    int32_t nmsg = 0;
    cn_err_t rc = CN_OK;
    if (!(s->syms = cn_map_new(sym_free)))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; rc == CN_OK && i < f->ntypes; i++) {
        if (!f->types[i]->is_enum)
            f->types[i]->msg_index = nmsg++;
        rc = add_type(s, f->types[i], f->package, 0, err);
    }
    for (size_t d = 0; rc == CN_OK && d < s->ndeps; d++) {
        cn_map_iter_t it = {0};
        if (!imported(f, s->deps[d].name))
            continue;
        const void *key;
        size_t klen;
        void *val;
        while (rc == CN_OK &&
               cn_map_next(s->ndeps ? s->deps[d].schema->syms : NULL, &it, &key, &klen, &val)) {
            const pb_sym_t *o = val;
            pb_sym_t *sym;
            if (cn_map_get(s->syms, key, klen))
                continue;
            if (!(sym = calloc(1, sizeof(*sym))) || !(sym->fqn = strdup(o->fqn)) ||
                cn_map_put(s->syms, key, klen, sym) != CN_OK) {
                if (sym)
                    free(sym->fqn);
                free(sym);
                rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
                break;
            }
            sym->type = o->type;
            sym->file = o->file;
        }
    }
    return rc;
}

const pb_sym_t *pb_resolve(const compat_pb_schema_t *s, const pb_file_t *f, const pb_type_t *scope,
                           const char *name) {
    char buf[1024];
    if (name[0] == '.')
        return cn_map_sget(s->syms, name + 1);
    for (const pb_type_t *t = scope; t; t = t->parent) {
        if (snprintf(buf, sizeof(buf), "%s.%s", t->fqn, name) >= (int)sizeof(buf))
            return NULL;
        const pb_sym_t *sym = cn_map_sget(s->syms, buf);
        if (sym)
            return sym;
    }
    if (f->package) {
        size_t n = strlen(f->package);
        for (;;) {
            if (snprintf(buf, sizeof(buf), "%.*s.%s", (int)n, f->package, name) >= (int)sizeof(buf))
                return NULL;
            const pb_sym_t *sym = cn_map_sget(s->syms, buf);
            if (sym)
                return sym;
            while (n > 0 && f->package[n - 1] != '.')
                n--;
            if (n == 0)
                break;
            n--;
        }
    }
    return cn_map_sget(s->syms, name);
}

static const char *const scalars[] = {"double",   "float",    "int32",  "int64",   "uint32",
                                      "uint64",   "sint32",   "sint64", "fixed32", "fixed64",
                                      "sfixed32", "sfixed64", "bool",   "string",  "bytes"};
/* Confluent's FieldSchemaDiff groups, in the order of scalars[]. */
static const int scalar_groups[] = {6, 5, 0, 0, 0, 0, 1, 1, 3, 4, 3, 4, 0, 2, 2};

int pb_scalar_group(const char *type) {
    for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
        if (strcmp(type, scalars[i]) == 0)
            return scalar_groups[i];
    return -1;
}

bool pb_is_scalar(const char *type) {
    return pb_scalar_group(type) >= 0;
}

typedef struct ctx {
    compat_pb_schema_t *s;
    cn_error_t *err;
} ctx_t;

static cn_err_t check_field_type(struct ctx *c, const pb_type_t *scope, pb_field_t *f);

static cn_err_t resolve_name(ctx_t *c, const pb_type_t *scope, const char *name, int line, int col,
                             const pb_sym_t **out) {
    *out = pb_resolve(c->s, c->s->file, scope, name);
    if (!*out)
        return fail_at(c->err, line, col, "type %s is not defined%s", name, NULL);
    return CN_OK;
}

/* An integer default as protobuf-java's TextFormat.parseInt32/parseUInt32/parseInt64/
 * parseUInt64 reads it: an optional '-', then hex (0x), octal (leading 0) or decimal digits, in
 * the type's range. */
static bool int_default_ok(const char *t, bool is_signed, bool is64) {
    bool neg = t[0] == '-';
    const char *d = t + neg;
    int base = d[0] == '0' && (d[1] == 'x' || d[1] == 'X') ? 16 : d[0] == '0' ? 8 : 10;
    char *end = NULL;
    unsigned long long v;
    if (base == 16)
        d += 2;
    if (!*d || !(base == 16 ? isxdigit((unsigned char)*d) : isdigit((unsigned char)*d)))
        return false;
    errno = 0;
    v = strtoull(d, &end, base);
    if (errno || *end || (neg && !is_signed))
        return false;
    if (is_signed)
        return v <= (is64 ? (unsigned long long)INT64_MAX : (unsigned long long)INT32_MAX) + neg;
    return is64 || v <= UINT32_MAX;
}

/* A float or double default as Java's Float/Double.valueOf reads it (and "inf", "-inf",
 * "nan"): decimal or hex-float text, not a hex integer. */
static bool float_default_ok(const pb_val_t *v) {
    static const char *const words[] = {"inf", "-inf", "nan", "Infinity", "-Infinity", "NaN"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(v->text, words[i]) == 0)
            return true;
    if (v->kind != PB_VAL_NUMBER && v->kind != PB_VAL_STRING)
        return false;
    char *end = NULL;
    errno = 0;
    (void)strtod(v->text, &end);
    bool hexint = strpbrk(v->text, "xX") && !strpbrk(v->text, "pP");
    return end != v->text && !*end && !hexint;
}

static bool enum_has(const pb_type_t *e, const char *name) {
    for (size_t i = 0; i < e->nconsts; i++)
        if (strcmp(e->consts[i].name, name) == 0)
            return true;
    return false;
}

/* [default = v] as protobuf-java's FieldDescriptor.crossLink accepts it when Confluent builds
 * the descriptor: not on repeated, map or message fields; an enum value's name; a number in the
 * type's range; for bool, string and bytes any scalar (Java's Boolean.valueOf never fails, the
 * text is the string). Wire keeps the text whatever its token kind. */
static bool default_ok(const pb_field_t *f) {
    static const struct {
        const char *type;
        bool is_signed, is64;
    } ints[] = {{"int32", true, false},   {"sint32", true, false},   {"sfixed32", true, false},
                {"uint32", false, false}, {"fixed32", false, false}, {"int64", true, true},
                {"sint64", true, true},   {"sfixed64", true, true},  {"uint64", false, true},
                {"fixed64", false, true}};
    const pb_val_t *v = f->def;
    if (!v)
        return true;
    if (f->map_key || (f->label && strcmp(f->label, "repeated") == 0) || v->kind == PB_VAL_MAP ||
        v->kind == PB_VAL_LIST)
        return false;
    if (f->rsym)
        return f->rsym->type->is_enum && enum_has(f->rsym->type, v->text);
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
        if (strcmp(f->type, ints[i].type) == 0)
            return int_default_ok(v->text, ints[i].is_signed, ints[i].is64);
    if (strcmp(f->type, "float") == 0 || strcmp(f->type, "double") == 0)
        return float_default_ok(v);
    return true; /* bool, string, bytes */
}

/* [packed = true] only on repeated scalars other than string and bytes (protobuf-java refuses
 * it elsewhere). */
static bool packed_ok(const pb_field_t *f) {
    bool packed = false;
    for (size_t i = 0; i < f->opts.n; i++)
        if (strcmp(f->opts.v[i].name, "packed") == 0 && f->opts.v[i].val->text &&
            strcmp(f->opts.v[i].val->text, "true") == 0)
            packed = true;
    if (!packed)
        return true;
    if (f->map_key || !f->label || strcmp(f->label, "repeated") != 0)
        return false;
    if (f->rsym)
        return f->rsym->type->is_enum;
    return pb_scalar_group(f->type) != 2; /* not string or bytes */
}

static cn_err_t check_field(ctx_t *c, const pb_type_t *scope, pb_field_t *f) {
    cn_err_t rc = check_field_type(c, scope, f);
    if (rc == CN_OK && !c->s->lenient && !default_ok(f))
        rc = fail_at(c->err, f->line, f->col, "field %s: the default value does not suit type %s",
                     f->name, f->type);
    if (rc == CN_OK && !c->s->lenient && !packed_ok(f))
        rc = fail_at(c->err, f->line, f->col,
                     "field %s: [packed = true] is only for repeated scalar fields%s", f->name, "");
    return rc;
}

static cn_err_t check_field_type(ctx_t *c, const pb_type_t *scope, pb_field_t *f) {
    const char *syntax = c->s->lenient ? NULL : c->s->file->syntax;
    if (syntax && strcmp(syntax, "proto3") == 0 && f->label && strcmp(f->label, "required") == 0)
        return fail_at(c->err, f->line, f->col,
                       "field %s: required fields are not allowed in proto3%s", f->name, NULL);
    if (f->map_key) {
        int g = pb_scalar_group(f->map_key);
        if (!c->s->lenient && (g < 0 || g == 5 || g == 6 || strcmp(f->map_key, "bytes") == 0))
            return fail_at(c->err, f->line, f->col, "map field %s: key type %s is not allowed",
                           f->name, f->map_key);
        if (f->label)
            return fail_at(c->err, f->line, f->col, "map field %s cannot have a label%s", f->name,
                           NULL);
        if (pb_is_scalar(f->map_val))
            return CN_OK;
        return resolve_name(c, scope, f->map_val, f->line, f->col, &f->rsym);
    }
    if (pb_is_scalar(f->type))
        return CN_OK;
    return resolve_name(c, scope, f->type, f->line, f->col, &f->rsym);
}

typedef struct tagref {
    int32_t tag;
    const char *name;
    int line, col;
} tagref_t;

static int tag_cmp(const void *x, const void *y) {
    const tagref_t *a = x, *b = y;
    return (a->tag > b->tag) - (a->tag < b->tag);
}

static int name_cmp(const void *x, const void *y) {
    const tagref_t *a = x, *b = y;
    return strcmp(a->name, b->name);
}

static size_t collect(const pb_type_t *m, tagref_t *v) {
    size_t n = 0;
    for (size_t i = 0; i < m->nfields; i++)
        v[n++] = (tagref_t){m->fields[i]->tag, m->fields[i]->name, m->fields[i]->line,
                            m->fields[i]->col};
    for (size_t o = 0; o < m->noneofs; o++) {
        for (size_t i = 0; i < m->oneofs[o].nfields; i++) {
            const pb_field_t *f = m->oneofs[o].fields[i];
            v[n++] = (tagref_t){f->tag, f->name, f->line, f->col};
        }
        for (size_t i = 0; i < m->oneofs[o].ngroups; i++)
            v[n++] = (tagref_t){m->oneofs[o].groups[i].tag, m->oneofs[o].groups[i].name, m->line,
                                m->col};
    }
    for (size_t i = 0; i < m->ngroups; i++)
        v[n++] = (tagref_t){m->groups[i].tag, m->groups[i].name, m->line, m->col};
    return n;
}

/* Field numbers and names unique in a message: sorted, so 100,000 fields stay fast. */
static cn_err_t check_unique(ctx_t *c, const pb_type_t *m) {
    size_t n = m->nfields + m->ngroups;
    for (size_t o = 0; o < m->noneofs; o++)
        n += m->oneofs[o].nfields + m->oneofs[o].ngroups;
    if (n < 2)
        return CN_OK;
    tagref_t *v = malloc(n * sizeof(*v));
    cn_err_t rc = CN_OK;
    if (!v)
        return cn_error_set(c->err, CN_ERR_NO_MEMORY, NULL);
    n = collect(m, v);
    qsort(v, n, sizeof(*v), tag_cmp);
    for (size_t i = 1; rc == CN_OK && i < n; i++)
        if (v[i].tag == v[i - 1].tag) {
            char num[16];
            snprintf(num, sizeof(num), "%d", (int)v[i].tag);
            rc = fail_at(c->err, v[i].line, v[i].col, "field number %s is used twice in %s", num,
                         m->fqn);
        }
    qsort(v, n, sizeof(*v), name_cmp);
    for (size_t i = 1; rc == CN_OK && i < n; i++)
        if (strcmp(v[i].name, v[i - 1].name) == 0)
            rc = fail_at(c->err, v[i].line, v[i].col, "field name %s is used twice in %s",
                         v[i].name, m->fqn);
    free(v);
    return rc;
}

/* protobuf-java: the extendee must declare the extension's number in an extensions range. */
static bool in_extensions(const pb_type_t *m, const pb_field_t *f) {
    for (size_t i = 0; i < m->nextensions; i++)
        for (size_t k = 0; k < m->extensions[i].n; k++)
            if (m->extensions[i].items[k].kind != PB_R_NAME &&
                f->tag >= m->extensions[i].items[k].start &&
                f->tag <= m->extensions[i].items[k].end)
                return true;
    return false;
}

static cn_err_t check_extends(ctx_t *c, const pb_type_t *scope, pb_extend_t *v, size_t n) {
    cn_err_t rc = CN_OK;
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        rc = resolve_name(c, scope, v[i].name, v[i].line, v[i].col, &v[i].rsym);
        if (rc == CN_OK && v[i].rsym->type->is_enum)
            rc =
                fail_at(c->err, v[i].line, v[i].col, "extend %s: not a message%s", v[i].name, NULL);
        for (size_t k = 0; rc == CN_OK && k < v[i].nfields; k++) {
            rc = check_field(c, scope, v[i].fields[k]);
            if (rc == CN_OK && !c->s->lenient && !in_extensions(v[i].rsym->type, v[i].fields[k]))
                rc = fail_at(c->err, v[i].fields[k]->line, v[i].fields[k]->col,
                             "extend %s: its extensions ranges do not declare field %s", v[i].name,
                             v[i].fields[k]->name);
        }
    }
    return rc;
}

static cn_err_t check_type(ctx_t *c, pb_type_t *m) {
    cn_err_t rc;
    if (m->is_enum) /* Confluent builds descriptors with protobuf-java, which neither requires a
                     * proto3 enum's first value to be zero nor refuses two names for one number
                     * without allow_alias (the first wins); Wire's parser checks neither. An
                     * empty enum is a parse error. */
        return CN_OK;
    rc = c->s->lenient ? CN_OK : check_unique(c, m);
    for (size_t i = 0; rc == CN_OK && i < m->nfields; i++)
        rc = check_field(c, m, m->fields[i]);
    for (size_t o = 0; rc == CN_OK && o < m->noneofs; o++)
        for (size_t i = 0; rc == CN_OK && i < m->oneofs[o].nfields; i++)
            rc = check_field(c, m, m->oneofs[o].fields[i]);
    if (rc == CN_OK)
        rc = check_extends(c, m, m->extends, m->nextends);
    for (size_t i = 0; rc == CN_OK && i < m->nnested; i++)
        rc = check_type(c, m->nested[i]);
    return rc;
}

static cn_err_t check_rpcs(ctx_t *c, const pb_service_t *s) {
    cn_err_t rc = CN_OK;
    for (size_t i = 0; rc == CN_OK && i < s->nrpcs; i++) {
        const pb_sym_t *sym;
        pb_rpc_t *r = &s->rpcs[i];
        rc = resolve_name(c, NULL, r->req, r->line, r->col, &sym);
        if (rc == CN_OK)
            rc = resolve_name(c, NULL, r->resp, r->line, r->col, &sym);
    }
    return rc;
}

cn_err_t pb_resolve_all(compat_pb_schema_t *s, cn_error_t *err) {
    ctx_t c = {.s = s, .err = err};
    pb_file_t *f = s->file;
    cn_err_t rc = build_table(s, err);
    for (size_t i = 0; rc == CN_OK && i < f->ntypes; i++)
        rc = check_type(&c, f->types[i]);
    if (rc == CN_OK)
        rc = check_extends(&c, NULL, f->extends, f->nextends);
    for (size_t i = 0; rc == CN_OK && i < f->nservices; i++)
        rc = check_rpcs(&c, &f->services[i]);
    return rc;
}
