/* SPDX-License-Identifier: Apache-2.0
 *
 * `buf breaking`'s field rules (https://buf.build/docs/breaking/rules/) on one message present
 * in both versions, fields matched by number: deletion (plain, unless the number or the name is
 * reserved), type (the same, wire-compatible or wire- and JSON-compatible: the scalar groups of
 * https://protobuf.dev/programming-guides/proto3/#updating and the JSON mapping of
 * https://protobuf.dev/programming-guides/json/), cardinality, name, JSON name, oneof, default,
 * required fields and the per-field options buf compares. Pure.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_buf_int.h"

/* One field of a message as the rules see it (plain, oneof member or proto2 group). */
typedef struct bfield {
    int32_t tag;
    const char *name, *label, *oneof;
    const pb_field_t *f; /* NULL for a group */
    char key[256];       /* the type: scalar name, "map", or the full name of the message/enum */
    char lower[128];     /* a group's field name: its type name in lower case */
    int line, col;
} bfield_t;

typedef struct bfields {
    bfield_t *v;
    size_t n;
} bfields_t;

static const char *type_key(const pb_field_t *f) {
    if (f->map_key)
        return "map";
    if (pb_is_scalar(f->type))
        return f->type;
    return f->rsym ? f->rsym->fqn : f->type;
}

static bool bf_push(bfields_t *l, size_t cap, const bfield_t *b) {
    if (l->n >= cap)
        return false;
    l->v[l->n++] = *b;
    return true;
}

static void bf_field(bfields_t *l, size_t cap, const pb_type_t *m, const pb_field_t *f,
                     const char *oneof) {
    bfield_t b = {.tag = f->tag,
                  .name = f->name,
                  .label = f->label,
                  .oneof = oneof,
                  .f = f,
                  .line = f->line,
                  .col = f->col};
    (void)m;
    snprintf(b.key, sizeof(b.key), "%s", type_key(f));
    bf_push(l, cap, &b);
}

/* A group is a field named after its type in lower case, of type group (not message). */
static void bf_group(bfields_t *l, size_t cap, const pb_type_t *m, const pb_group_t *g,
                     const char *oneof) {
    bfield_t b = {
        .tag = g->tag, .label = g->label, .oneof = oneof, .line = m->decl_line, .col = m->decl_col};
    size_t i = 0;
    for (; g->name[i] && i + 1 < sizeof(b.lower); i++)
        b.lower[i] = (char)tolower((unsigned char)g->name[i]);
    b.lower[i] = 0;
    snprintf(b.key, sizeof(b.key), "group %s.%s", m->fqn, g->name);
    if (bf_push(l, cap, &b))
        l->v[l->n - 1].name = l->v[l->n - 1].lower;
}

static size_t field_count(const pb_type_t *m) {
    size_t n = m->nfields + m->ngroups;
    for (size_t i = 0; i < m->noneofs; i++)
        n += m->oneofs[i].nfields + m->oneofs[i].ngroups;
    return n;
}

static bool bf_collect(bfields_t *l, const pb_type_t *m) {
    size_t cap = field_count(m);
    if (!(l->v = calloc(cap ? cap : 1, sizeof(*l->v))))
        return false;
    for (size_t i = 0; i < m->nfields; i++)
        bf_field(l, cap, m, m->fields[i], NULL);
    for (size_t i = 0; i < m->ngroups; i++)
        bf_group(l, cap, m, &m->groups[i], NULL);
    for (size_t i = 0; i < m->noneofs; i++) {
        const pb_oneof_t *o = &m->oneofs[i];
        for (size_t k = 0; k < o->nfields; k++)
            bf_field(l, cap, m, o->fields[k], o->name);
        for (size_t k = 0; k < o->ngroups; k++)
            bf_group(l, cap, m, &o->groups[k], o->name);
    }
    return true;
}

static const bfield_t *bf_find(const bfields_t *l, int32_t tag) {
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].tag == tag)
            return &l->v[i];
    return NULL;
}

/* ---- types ---- */

/* Scalars that read each other's encoding: the varint group, zigzag, 32-bit and 64-bit fixed. */
static int wire_group(const char *t) {
    static const char *const groups[][5] = {{"int32", "uint32", "int64", "uint64", "bool"},
                                            {"sint32", "sint64"},
                                            {"fixed32", "sfixed32"},
                                            {"fixed64", "sfixed64"}};
    for (int g = 0; g < 4; g++)
        for (int i = 0; i < 5 && groups[g][i]; i++)
            if (strcmp(groups[g][i], t) == 0)
                return g;
    return -1;
}

/* Wire-compatible scalars whose JSON forms are also the same (a number, or an int64 string). */
static int json_group(const char *t) {
    static const char *const groups[][2] = {
        {"int32", "uint32"}, {"int64", "uint64"}, {"fixed32", "sfixed32"}, {"fixed64", "sfixed64"}};
    for (int g = 0; g < 4; g++)
        for (int i = 0; i < 2; i++)
            if (strcmp(groups[g][i], t) == 0)
                return g;
    return -1;
}

static bool map_same(const bfield_t *o, const bfield_t *n) {
    const char *ov = o->f->rsym ? o->f->rsym->fqn : o->f->map_val;
    const char *nv = n->f->rsym ? n->f->rsym->fqn : n->f->map_val;
    return strcmp(o->f->map_key, n->f->map_key) == 0 && strcmp(ov, nv) == 0;
}

static bool same_type(const bfield_t *o, const bfield_t *n) {
    if (strcmp(o->key, n->key) != 0)
        return false;
    return strcmp(o->key, "map") != 0 || map_same(o, n);
}

static bool both_scalar(const bfield_t *o, const bfield_t *n) {
    return o->f && n->f && !o->f->map_key && !n->f->map_key && pb_is_scalar(o->key) &&
           pb_is_scalar(n->key);
}

/* Two scalar type names that read each other's encoding (json: and JSON form). */
static bool scalars_compatible(const char *o, const char *n, bool json) {
    if (strcmp(o, n) == 0)
        return true;
    if (json)
        return json_group(o) >= 0 && json_group(o) == json_group(n);
    if (strcmp(o, "string") == 0 && strcmp(n, "bytes") == 0)
        return true;
    return wire_group(o) >= 0 && wire_group(o) == wire_group(n);
}

/* Maps: the entry's key and value fields, each as a field (a message or enum value by name). */
static bool maps_compatible(const bfield_t *o, const bfield_t *n, bool json) {
    const char *ov = o->f->rsym ? o->f->rsym->fqn : o->f->map_val;
    const char *nv = n->f->rsym ? n->f->rsym->fqn : n->f->map_val;
    bool scalar_vals = !o->f->rsym && !n->f->rsym;
    return scalars_compatible(o->f->map_key, n->f->map_key, json) &&
           (scalar_vals ? scalars_compatible(ov, nv, json) : strcmp(ov, nv) == 0);
}

static bool both_maps(const bfield_t *o, const bfield_t *n) {
    return o->f && n->f && o->f->map_key && n->f->map_key;
}

static bool wire_compatible(const bfield_t *o, const bfield_t *n) {
    if (same_type(o, n))
        return true;
    if (both_maps(o, n))
        return maps_compatible(o, n, false);
    return both_scalar(o, n) && scalars_compatible(o->key, n->key, false);
}

static bool json_compatible(const bfield_t *o, const bfield_t *n) {
    if (same_type(o, n))
        return true;
    if (both_maps(o, n))
        return maps_compatible(o, n, true);
    return both_scalar(o, n) && scalars_compatible(o->key, n->key, true);
}

static void type_rules(pb_bctx_t *c, const char *msg, const bfield_t *o, const bfield_t *n) {
    static const char fmt[] =
        "Field \"%d\" with name \"%s\" on message \"%s\" changed type from \"%s\" to \"%s\".%s";
    static const char wire[] = " See https://developers.google.com/protocol-buffers/docs/"
                               "proto3#updating for wire compatibility rules.";
    static const char wjson[] =
        " See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire "
        "compatibility rules and https://developers.google.com/protocol-buffers/docs/proto3#json "
        "for JSON compatibility rules.";
    if (!same_type(o, n))
        pb_buf_add(c, "FIELD_SAME_TYPE", n->line, n->col, fmt, n->tag, n->name, msg, o->key, n->key,
                   "");
    if (!wire_compatible(o, n))
        pb_buf_add(c, "FIELD_WIRE_COMPATIBLE_TYPE", n->line, n->col, fmt, n->tag, n->name, msg,
                   o->key, n->key, wire);
    if (!wire_compatible(o, n) || !json_compatible(o, n))
        pb_buf_add(c, "FIELD_WIRE_JSON_COMPATIBLE_TYPE", n->line, n->col, fmt, n->tag, n->name, msg,
                   o->key, n->key, wjson);
}

/* ---- cardinality ---- */

static bool proto3(const pb_bctx_t *c, bool old) {
    const pb_file_t *f = old ? c->prev : c->cur;
    return f->syntax && strcmp(f->syntax, "proto3") == 0;
}

static const char *cardinality(const pb_bctx_t *c, const bfield_t *b, bool old) {
    if (b->f && b->f->map_key)
        return "map";
    if (b->label && strcmp(b->label, "repeated") == 0)
        return "repeated";
    if (b->label && strcmp(b->label, "required") == 0)
        return "required";
    bool message = !b->f || (b->f->rsym && !b->f->rsym->type->is_enum);
    if (proto3(c, old) && !b->label && !b->oneof && !message)
        return "optional with implicit presence";
    return "optional with explicit presence";
}

/* The classes within which a change keeps the encoding: optional (either presence), required,
 * or repeated (maps are repeated entries on the wire; their JSON is an object). */
static int card_class(const char *card, bool json) {
    if (strcmp(card, "map") == 0)
        return json ? 2 : 1;
    if (strcmp(card, "required") == 0)
        return 3;
    return strcmp(card, "repeated") == 0 ? 1 : 0;
}

static void cardinality_rules(pb_bctx_t *c, const char *msg, const bfield_t *o, const bfield_t *n) {
    static const char fmt[] =
        "Field \"%d\" with name \"%s\" on message \"%s\" changed cardinality from \"%s\" to "
        "\"%s\".";
    const char *oc = cardinality(c, o, true), *nc = cardinality(c, n, false);
    if (strcmp(oc, nc) != 0)
        pb_buf_add(c, "FIELD_SAME_CARDINALITY", n->line, n->col, fmt, n->tag, n->name, msg, oc, nc);
    if (card_class(oc, false) != card_class(nc, false))
        pb_buf_add(c, "FIELD_WIRE_COMPATIBLE_CARDINALITY", n->line, n->col, fmt, n->tag, n->name,
                   msg, oc, nc);
    if (card_class(oc, true) != card_class(nc, true))
        pb_buf_add(c, "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", n->line, n->col, fmt, n->tag,
                   n->name, msg, oc, nc);
}

/* ---- names, oneofs, defaults, options ---- */

/* protoc's default JSON name: underscores dropped, the letter after one upper-cased. */
static void json_name(const bfield_t *b, char *out, size_t cap) {
    size_t k = 0;
    bool up = false;
    if (b->f && b->f->json_name) {
        snprintf(out, cap, "%s", b->f->json_name);
        return;
    }
    for (const char *p = b->name; *p && k + 1 < cap; p++) {
        if (*p == '_') {
            up = true;
            continue;
        }
        out[k++] = up ? (char)toupper((unsigned char)*p) : *p;
        up = false;
    }
    out[k] = 0;
}

static void name_rules(pb_bctx_t *c, const char *msg, const bfield_t *o, const bfield_t *n) {
    char oj[256], nj[256];
    if (strcmp(o->name, n->name) != 0)
        pb_buf_add(c, "FIELD_SAME_NAME", n->line, n->col,
                   "Field \"%d\" on message \"%s\" changed name from \"%s\" to \"%s\".", n->tag,
                   msg, o->name, n->name);
    json_name(o, oj, sizeof(oj));
    json_name(n, nj, sizeof(nj));
    if (strcmp(oj, nj) != 0)
        pb_buf_add(c, "FIELD_SAME_JSON_NAME", n->line, n->col,
                   "Field \"%d\" with name \"%s\" on message \"%s\" changed option \"json_name\" "
                   "from \"%s\" to \"%s\".",
                   n->tag, n->name, msg, oj, nj);
}

static void oneof_rule(pb_bctx_t *c, const char *msg, const bfield_t *o, const bfield_t *n) {
    if (o->oneof && n->oneof && strcmp(o->oneof, n->oneof) != 0)
        pb_buf_add(c, "FIELD_SAME_ONEOF", n->line, n->col,
                   "Field \"%d\" with name \"%s\" on message \"%s\" moved from oneof \"%s\" to "
                   "oneof \"%s\".",
                   n->tag, n->name, msg, o->oneof, n->oneof);
    else if (!o->oneof != !n->oneof)
        pb_buf_add(c, "FIELD_SAME_ONEOF", n->line, n->col,
                   "Field \"%d\" with name \"%s\" on message \"%s\" moved from %s a oneof.", n->tag,
                   n->name, msg, o->oneof ? "inside to outside" : "outside to inside");
}

static const char *fopt(const bfield_t *b, const char *name, const char *absent) {
    if (b->f)
        for (size_t i = 0; i < b->f->opts.n; i++)
            if (strcmp(b->f->opts.v[i].name, name) == 0 && b->f->opts.v[i].val->text)
                return b->f->opts.v[i].val->text;
    return absent;
}

static const char *java_utf8(const pb_file_t *f) {
    for (size_t i = 0; i < f->opts.n; i++)
        if (strcmp(f->opts.v[i].name, "java_string_check_utf8") == 0 && f->opts.v[i].val->text)
            return f->opts.v[i].val->text;
    return "false";
}

static void option_rules(pb_bctx_t *c, const char *msg, const bfield_t *o, const bfield_t *n) {
    static const struct {
        const char *opt, *rule, *absent;
    } opts[] = {{"jstype", "FIELD_SAME_JSTYPE", "JS_NORMAL"},
                {"ctype", "FIELD_SAME_CPP_STRING_TYPE", "STRING"}};
    for (size_t i = 0; i < 2; i++) {
        const char *ov = fopt(o, opts[i].opt, opts[i].absent),
                   *nv = fopt(n, opts[i].opt, opts[i].absent);
        if (strcmp(ov, nv) != 0)
            pb_buf_add(c, opts[i].rule, n->line, n->col,
                       "Field \"%d\" with name \"%s\" on message \"%s\" changed option \"%s\" from "
                       "\"%s\" to \"%s\".",
                       n->tag, n->name, msg, opts[i].opt, ov, nv);
    }
    if (strcmp(o->key, "string") != 0 || strcmp(n->key, "string") != 0)
        return;
    if (proto3(c, true) != proto3(c, false))
        pb_buf_add(c, "FIELD_SAME_UTF8_VALIDATION", n->line, n->col,
                   "Field \"%d\" with name \"%s\" on message \"%s\" changed UTF8 validation from "
                   "\"%s\" to \"%s\".",
                   n->tag, n->name, msg, proto3(c, true) ? "VERIFY" : "NONE",
                   proto3(c, false) ? "VERIFY" : "NONE");
    if (strcmp(java_utf8(c->prev), java_utf8(c->cur)) != 0)
        pb_buf_add(c, "FIELD_SAME_JAVA_UTF8_VALIDATION", n->line, n->col,
                   "Field \"%d\" with name \"%s\" on message \"%s\" changed Java UTF8 validation.",
                   n->tag, n->name, msg);
}

/* Two default texts of one value: equal text, or equal numbers (1.5 and 1.50, 16 and 0x10). */
static bool same_default(const char *a, const char *b) {
    char *ea = NULL, *eb = NULL;
    if (strcmp(a, b) == 0)
        return true;
    if (strpbrk(a, "xX") || strpbrk(b, "xX")) {
        long long x = strtoll(a, &ea, 0), y = strtoll(b, &eb, 0);
        return *a && *b && !*ea && !*eb && x == y;
    }
    double x = strtod(a, &ea), y = strtod(b, &eb);
    return *a && *b && !*ea && !*eb && x == y;
}

static void default_rule(pb_bctx_t *c, const char *msg, const bfield_t *o, const bfield_t *n) {
    const char *od = o->f && o->f->def ? o->f->def->text : NULL;
    const char *nd = n->f && n->f->def ? n->f->def->text : NULL;
    if ((od || nd) && !same_default(od ? od : "", nd ? nd : ""))
        pb_buf_add(c, "FIELD_SAME_DEFAULT", n->line, n->col,
                   "Field \"%d\" with name \"%s\" on message \"%s\" changed default value from "
                   "\"%s\" to \"%s\".",
                   n->tag, n->name, msg, od ? od : "", nd ? nd : "");
}

/* ---- the message ---- */

static bool required(const bfield_t *b) {
    return b && b->label && strcmp(b->label, "required") == 0;
}

static void deleted_field(pb_bctx_t *c, const pb_type_t *now, const char *msg, const bfield_t *o) {
    static const char fmt[] =
        "Previously present field \"%d\" with name \"%s\" on message \"%s\" was deleted%s.";
    char why[300];
    pb_buf_add(c, "FIELD_NO_DELETE", now->decl_line, now->decl_col, fmt, o->tag, o->name, msg, "");
    if (!pb_buf_in_ranges(now->reserved, now->nreserved, o->tag)) {
        snprintf(why, sizeof(why), " without reserving the number \"%d\"", o->tag);
        pb_buf_add(c, "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", now->decl_line, now->decl_col, fmt,
                   o->tag, o->name, msg, why);
    }
    if (!pb_buf_name_reserved(now->reserved, now->nreserved, o->name)) {
        snprintf(why, sizeof(why), " without reserving the name \"%s\"", o->name);
        pb_buf_add(c, "FIELD_NO_DELETE_UNLESS_NAME_RESERVED", now->decl_line, now->decl_col, fmt,
                   o->tag, o->name, msg, why);
    }
}

/* buf: an added required field is located at the field, a deleted one at the message. */
static void required_rule(pb_bctx_t *c, const pb_type_t *now, const char *msg, const bfield_t *f,
                          const char *how) {
    bool added = strcmp(how, "added") == 0;
    pb_buf_add(c, "MESSAGE_SAME_REQUIRED_FIELDS", added ? f->line : now->decl_line,
               added ? f->col : now->decl_col,
               "Message \"%s\" had required field \"%d\" with name \"%s\" %s.", msg, f->tag,
               f->name, how);
}

void pb_buf_fields(pb_bctx_t *c, const pb_type_t *old, const pb_type_t *now) {
    bfields_t ol = {0}, nl = {0};
    const char *msg = now->name;
    if (!bf_collect(&ol, old) || !bf_collect(&nl, now))
        c->oom = true;
    for (size_t i = 0; !c->oom && i < ol.n; i++) {
        const bfield_t *o = &ol.v[i], *n = bf_find(&nl, o->tag);
        if (required(o) && !required(n))
            required_rule(c, now, msg, o, "deleted");
        if (!n) {
            deleted_field(c, now, msg, o);
            continue;
        }
        type_rules(c, msg, o, n);
        cardinality_rules(c, msg, o, n);
        name_rules(c, msg, o, n);
        oneof_rule(c, msg, o, n);
        option_rules(c, msg, o, n);
        default_rule(c, msg, o, n);
    }
    for (size_t i = 0; !c->oom && i < nl.n; i++)
        if (required(&nl.v[i]) && !required(bf_find(&ol, nl.v[i].tag)))
            required_rule(c, now, msg, &nl.v[i], "added");
    free(ol.v);
    free(nl.v);
}

/* ---- extensions declared at file level, matched by name ---- */

static const pb_field_t *ext_field(const pb_file_t *f, const char *name, const pb_extend_t **in) {
    for (size_t i = 0; i < f->nextends; i++)
        for (size_t k = 0; k < f->extends[i].nfields; k++)
            if (strcmp(f->extends[i].fields[k]->name, name) == 0) {
                *in = &f->extends[i];
                return f->extends[i].fields[k];
            }
    return NULL;
}

static bfield_t ext_bfield(const pb_field_t *f) {
    bfield_t b = {
        .tag = f->tag, .name = f->name, .label = f->label, .f = f, .line = f->line, .col = f->col};
    snprintf(b.key, sizeof(b.key), "%s", type_key(f));
    return b;
}

void pb_buf_extension_fields(pb_bctx_t *c) {
    if (!pb_buf_same_package(c->prev, c->cur))
        return;
    for (size_t i = 0; i < c->prev->nextends; i++)
        for (size_t k = 0; k < c->prev->extends[i].nfields; k++) {
            const pb_extend_t *in = NULL;
            const pb_field_t *of = c->prev->extends[i].fields[k];
            const pb_field_t *nf = ext_field(c->cur, of->name, &in);
            if (!nf)
                continue;
            bfield_t o = ext_bfield(of), n = ext_bfield(nf);
            const char *msg = in->rsym ? in->rsym->type->name : in->name;
            type_rules(c, msg, &o, &n);
            cardinality_rules(c, msg, &o, &n);
            option_rules(c, msg, &o, &n);
            default_rule(c, msg, &o, &n);
        }
}
