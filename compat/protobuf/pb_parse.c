/* SPDX-License-Identifier: Apache-2.0
 *
 * The .proto parser (Protocol Buffers language specification for proto2 and proto3, and the
 * editions syntax line): syntax/edition, package, imports (plain, public, weak), options,
 * messages with fields, labels, maps, oneofs, proto2 groups, nested types, reserved ranges and
 * names, extension ranges, extend blocks, enums, services and rpcs. Builds the model of
 * pb_int.h in the file's arena; nesting is bounded before each recursion. Names are
 * resolved afterwards (pb_resolve.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_int.h"

static bool p_message_body(pb_parser_t *p, pb_type_t *m);
static bool p_enum(pb_parser_t *p, pb_type_t *parent, pb_type_t ***vec, size_t *n);
static bool p_field(pb_parser_t *p, pb_type_t *m, pb_field_t ***vec, size_t *n, pb_group_t **groups,
                    size_t *ngroups, bool in_oneof);

#define OOM(p) pb_p_fail((p), "out of memory")

static bool enter(pb_parser_t *p) {
    if (++p->depth <= PB_MAX_DEPTH)
        return true;
    p->lx.rc = cn_error_set(p->lx.err, CN_ERR_TOO_DEEP, "line %d:%d: nesting deeper than %d",
                            p->lx.tok.line, p->lx.tok.col, PB_MAX_DEPTH);
    return false;
}

static pb_type_t *new_type(pb_parser_t *p, pb_type_t *parent, bool is_enum) {
    pb_type_t *t = pb_alloc(&p->f->arena, sizeof(*t));
    if (!t) {
        OOM(p);
        return NULL;
    }
    t->is_enum = is_enum;
    t->parent = parent;
    t->file = p->f;
    t->line = p->lx.tok.line;
    t->col = p->lx.tok.col;
    t->decl_line = p->kw_line ? p->kw_line : t->line;
    t->decl_col = p->kw_line ? p->kw_col : t->col;
    p->kw_line = 0;
    return t;
}

/* Remember where a message or enum declaration starts (its keyword), for new_type. */
static void mark_decl(pb_parser_t *p) {
    p->kw_line = p->lx.tok.line;
    p->kw_col = p->lx.tok.col;
}

static bool push_type(pb_parser_t *p, pb_type_t ***vec, size_t *n, pb_type_t *t) {
    pb_type_t **slot = PB_PUSH(&p->f->arena, *vec, *n);
    if (!slot)
        return OOM(p);
    *slot = t;
    return true;
}

static bool p_message(pb_parser_t *p, pb_type_t *parent, pb_type_t ***vec, size_t *n) {
    pb_type_t *m = new_type(p, parent, false);
    if (!m || !pb_p_ident(p, &m->name) || !push_type(p, vec, n, m))
        return false;
    if (!enter(p))
        return false;
    bool ok = pb_p_expect(p, "{") && p_message_body(p, m);
    p->depth--;
    return ok;
}

/* reserved 1, 2 to 5, 9 to max;  reserved "a", "b";  (editions) reserved a, b; */
static bool p_ranges(pb_parser_t *p, pb_ranges_t **vec, size_t *n, bool opts) {
    pb_ranges_t *r = PB_PUSH(&p->f->arena, *vec, *n);
    if (!r)
        return OOM(p);
    do {
        pb_ritem_t *it = PB_PUSH(&p->f->arena, r->items, r->n);
        int64_t v;
        size_t len;
        if (!it)
            return OOM(p);
        if (p->lx.tok.kind == PB_T_STRING) {
            it->kind = PB_R_NAME;
            if (!pb_p_string(p, &it->name, &len))
                return false;
            continue;
        }
        if (p->lx.tok.kind == PB_T_IDENT) {
            it->kind = PB_R_NAME;
            if (!pb_p_ident(p, &it->name))
                return false;
            continue;
        }
        if (!pb_p_int(p, 0, INT32_MAX, &v))
            return false;
        it->kind = PB_R_NUM;
        it->start = it->end = (int32_t)v;
        if (!pb_p_accept(p, "to"))
            continue;
        it->kind = PB_R_RANGE;
        if (pb_p_accept(p, "max")) {
            it->end = PB_MAX_TAG, it->end_max = true;
        } else if (!pb_p_int(p, 0, INT32_MAX, &v)) {
            return false;
        } else {
            it->end = (int32_t)v;
        }
        if (it->end < it->start)
            return pb_p_fail(p, "range %d to %d is empty", it->start, it->end);
    } while (pb_p_accept(p, ","));
    if (opts && !pb_p_option_list(p, &r->opts, NULL))
        return false;
    return pb_p_expect(p, ";");
}

static bool p_extend(pb_parser_t *p, pb_type_t *scope, pb_extend_t **vec, size_t *n) {
    pb_extend_t *e = PB_PUSH(&p->f->arena, *vec, *n);
    pb_group_t *groups = NULL;
    size_t ngroups = 0;
    if (!e)
        return OOM(p);
    e->line = p->lx.tok.line;
    e->col = p->lx.tok.col;
    if (!pb_p_ident(p, &e->name) || !pb_p_expect(p, "{") || !enter(p))
        return false;
    while (!pb_p_accept(p, "}")) {
        if (p->lx.rc != CN_OK || p->lx.tok.kind == PB_T_EOF)
            return p->lx.rc == CN_OK ? pb_p_fail(p, "expected '}'") : false;
        if (pb_p_accept(p, ";"))
            continue;
        if (!p_field(p, scope, &e->fields, &e->nfields, &groups, &ngroups, false))
            return false;
    }
    p->depth--;
    return p->lx.rc == CN_OK;
}

static bool p_oneof(pb_parser_t *p, pb_type_t *m) {
    pb_oneof_t *o = PB_PUSH(&p->f->arena, m->oneofs, m->noneofs);
    if (!o)
        return OOM(p);
    if (!pb_p_ident(p, &o->name) || !pb_p_expect(p, "{") || !enter(p))
        return false;
    while (!pb_p_accept(p, "}")) {
        if (p->lx.rc != CN_OK || p->lx.tok.kind == PB_T_EOF)
            return p->lx.rc == CN_OK ? pb_p_fail(p, "expected '}'") : false;
        bool ok = pb_p_accept(p, ";") ||
                  (pb_p_accept(p, "option")
                       ? pb_p_option_stmt(p, &o->opts)
                       : p_field(p, m, &o->fields, &o->nfields, &o->groups, &o->ngroups, true));
        if (!ok)
            return false;
    }
    p->depth--;
    return p->lx.rc == CN_OK;
}

/* map<K, V>: the type text as Wire writes it. */
static bool p_map_type(pb_parser_t *p, pb_field_t *f) {
    if (!pb_p_expect(p, "<") || !pb_p_ident(p, &f->map_key) || !pb_p_expect(p, ",") ||
        !pb_p_ident(p, &f->map_val) || !pb_p_expect(p, ">"))
        return false;
    size_t n = strlen(f->map_key) + strlen(f->map_val) + 8;
    if (!(f->type = pb_alloc(&p->f->arena, n)))
        return OOM(p);
    snprintf(f->type, n, "map<%s, %s>", f->map_key, f->map_val);
    return true;
}

static const char *p_label(pb_parser_t *p) {
    static const char *const labels[] = {"optional", "required", "repeated"};
    for (size_t i = 0; i < 3; i++)
        if (pb_p_is(p, labels[i]))
            return pb_lex_next(&p->lx) ? labels[i] : NULL;
    return NULL;
}

/* group Name = tag [opts] { fields } : Wire's GroupElement keeps the fields. */
static bool p_group_body(pb_parser_t *p, pb_type_t *m, pb_group_t *g) {
    pb_type_t *gm = new_type(p, m, false);
    if (!gm || !enter(p))
        return false;
    gm->name = g->name;
    gm->is_group = true;
    bool ok = p_message_body(p, gm);
    g->fields = gm->fields;
    g->nfields = gm->nfields;
    p->depth--;
    if (!m) /* a group in a top-level extend declares a top-level message */
        return ok && push_type(p, &p->f->types, &p->f->ntypes, gm);
    return ok && push_type(p, &m->nested, &m->nnested, gm);
}

static bool p_field(pb_parser_t *p, pb_type_t *m, pb_field_t ***vec, size_t *n, pb_group_t **groups,
                    size_t *ngroups, bool in_oneof) {
    pb_field_t *f = pb_alloc(&p->f->arena, sizeof(*f));
    int64_t tag;
    (void)in_oneof;
    if (!f)
        return OOM(p);
    f->line = p->lx.tok.line;
    f->col = p->lx.tok.col;
    f->label = p_label(p);
    if (p->lx.rc != CN_OK || !pb_p_ident(p, &f->type))
        return false;
    if (strcmp(f->type, "map") == 0 && pb_p_is(p, "<") && !p_map_type(p, f))
        return false;
    if (!pb_p_ident(p, &f->name) || !pb_p_expect(p, "=") || !pb_p_int(p, 1, INT32_MAX, &tag))
        return false;
    f->tag = (int32_t)tag;
    if (!pb_p_option_list(p, &f->opts, f))
        return false;
    if (strcmp(f->type, "group") == 0 && pb_p_is(p, "{")) {
        pb_group_t *g = PB_PUSH(&p->f->arena, *groups, *ngroups);
        if (!g)
            return OOM(p);
        *g = (pb_group_t){.label = f->label, .name = f->name, .tag = f->tag};
        return pb_lex_next(&p->lx) && p_group_body(p, m, g);
    }
    pb_field_t **slot = PB_PUSH(&p->f->arena, *vec, *n);
    if (!slot)
        return OOM(p);
    *slot = f;
    return pb_p_expect(p, ";");
}

/* Edition 2024's symbol visibility (export, local) before a message or enum: accepted and not
 * kept, as it only concerns code generation. */
static void p_visibility(pb_parser_t *p) {
    if ((pb_p_is(p, "export") || pb_p_is(p, "local")) && p->lx.cur < p->lx.end) {
        pb_lex_t save = p->lx;
        if (pb_lex_next(&p->lx) && (pb_p_is(p, "message") || pb_p_is(p, "enum")))
            return;
        p->lx = save;
    }
}

static bool p_message_item(pb_parser_t *p, pb_type_t *m) {
    if (pb_p_accept(p, ";"))
        return true;
    p_visibility(p);
    mark_decl(p);
    if (pb_p_accept(p, "message"))
        return p_message(p, m, &m->nested, &m->nnested);
    if (pb_p_accept(p, "enum"))
        return p_enum(p, m, &m->nested, &m->nnested);
    if (pb_p_accept(p, "extend"))
        return p_extend(p, m, &m->extends, &m->nextends);
    if (pb_p_accept(p, "option"))
        return pb_p_option_stmt(p, &m->opts);
    if (pb_p_accept(p, "oneof"))
        return p_oneof(p, m);
    if (pb_p_accept(p, "reserved"))
        return p_ranges(p, &m->reserved, &m->nreserved, false);
    if (pb_p_accept(p, "extensions"))
        return p_ranges(p, &m->extensions, &m->nextensions, true);
    if (p->lx.rc != CN_OK)
        return false;
    return p_field(p, m, &m->fields, &m->nfields, &m->groups, &m->ngroups, false);
}

/* In the body of a message, enum or service: true when a statement follows (empty statements
 * skipped); false at the closing '}' (consumed), at the end of the text (an error), or after an
 * error (then p->lx.rc is set). */
static bool p_body_more(pb_parser_t *p, const char *kind, const char *name) {
    for (;;) {
        if (pb_p_accept(p, "}") || p->lx.rc != CN_OK)
            return false;
        if (p->lx.tok.kind == PB_T_EOF)
            return pb_p_fail(p, "expected '}' to close %s %s", kind, name);
        if (!pb_p_accept(p, ";"))
            return true;
    }
}

static bool p_message_body(pb_parser_t *p, pb_type_t *m) {
    while (p_body_more(p, "message", m->name))
        if (!p_message_item(p, m))
            return false;
    if (p->lx.rc != CN_OK)
        return false;
    for (size_t i = 0; i < m->opts.n; i++)
        if (strcmp(m->opts.v[i].name, "map_entry") == 0 && m->opts.v[i].val->kind == PB_VAL_BOOL)
            m->map_entry = strcmp(m->opts.v[i].val->text, "true") == 0;
    return p->lx.rc == CN_OK;
}

static bool p_enum_value(pb_parser_t *p, pb_type_t *e) {
    pb_const_t *c = PB_PUSH(&p->f->arena, e->consts, e->nconsts);
    int64_t v;
    if (!c)
        return OOM(p);
    c->line = p->lx.tok.line;
    c->col = p->lx.tok.col;
    if (!pb_p_ident(p, &c->name) || !pb_p_expect(p, "=") || !pb_p_int(p, INT32_MIN, INT32_MAX, &v))
        return false;
    c->value = (int32_t)v;
    return pb_p_option_list(p, &c->opts, NULL) && pb_p_expect(p, ";");
}

static bool p_enum(pb_parser_t *p, pb_type_t *parent, pb_type_t ***vec, size_t *n) {
    pb_type_t *e = new_type(p, parent, true);
    if (!e || !pb_p_ident(p, &e->name) || !push_type(p, vec, n, e) || !pb_p_expect(p, "{"))
        return false;
    while (p_body_more(p, "enum", e->name)) {
        bool ok;
        if (pb_p_accept(p, "option"))
            ok = pb_p_option_stmt(p, &e->opts);
        else if (pb_p_accept(p, "reserved"))
            ok = p_ranges(p, &e->reserved, &e->nreserved, false);
        else
            ok = p->lx.rc == CN_OK && p_enum_value(p, e);
        if (!ok)
            return false;
    }
    if (p->lx.rc != CN_OK)
        return false;
    if (e->nconsts == 0)
        return pb_p_fail(p, "enum %s has no values", e->name);
    return true;
}

static bool p_rpc_type(pb_parser_t *p, char **type, bool *stream) {
    if (!pb_p_expect(p, "("))
        return false;
    *stream = false;
    if (pb_p_is(p, "stream")) {
        if (!pb_lex_next(&p->lx))
            return false;
        if (pb_p_is(p, ")")) { /* a message type named "stream" */
            *type = pb_strdup(&p->f->arena, "stream");
            return *type ? pb_p_expect(p, ")") : OOM(p);
        }
        *stream = true;
    }
    return pb_p_ident(p, type) && pb_p_expect(p, ")");
}

static bool p_rpc(pb_parser_t *p, pb_service_t *s) {
    pb_rpc_t *r = PB_PUSH(&p->f->arena, s->rpcs, s->nrpcs);
    if (!r)
        return OOM(p);
    r->line = p->lx.tok.line;
    r->col = p->lx.tok.col;
    if (!pb_p_ident(p, &r->name) || !p_rpc_type(p, &r->req, &r->req_stream) ||
        !pb_p_expect(p, "returns") || !p_rpc_type(p, &r->resp, &r->resp_stream))
        return false;
    if (pb_p_accept(p, ";"))
        return true;
    if (!pb_p_expect(p, "{"))
        return false;
    r->has_body = true;
    while (!pb_p_accept(p, "}")) {
        if (p->lx.rc != CN_OK)
            return false;
        if (pb_p_accept(p, ";"))
            continue;
        if (!pb_p_expect(p, "option") || !pb_p_option_stmt(p, &r->opts))
            return false;
    }
    pb_p_accept(p, ";");
    return p->lx.rc == CN_OK;
}

static bool p_service(pb_parser_t *p) {
    pb_service_t *s = PB_PUSH(&p->f->arena, p->f->services, p->f->nservices);
    if (!s)
        return OOM(p);
    if (!pb_p_ident(p, &s->name) || !pb_p_expect(p, "{"))
        return false;
    while (p_body_more(p, "service", s->name)) {
        bool ok;
        if (pb_p_accept(p, "option"))
            ok = pb_p_option_stmt(p, &s->opts);
        else
            ok = pb_p_expect(p, "rpc") && p_rpc(p, s);
        if (!ok)
            return false;
    }
    return p->lx.rc == CN_OK;
}

static bool p_syntax(pb_parser_t *p, bool edition) {
    char *v;
    size_t n;
    if (p->f->syntax || p->f->edition || p->f->package || p->f->nimports || p->f->ntypes)
        return pb_p_fail(p, "the %s statement must come first", edition ? "edition" : "syntax");
    if (!pb_p_expect(p, "=") || !pb_p_string(p, &v, &n) || !pb_p_expect(p, ";"))
        return false;
    if (edition) {
        p->f->edition = v;
        return true;
    }
    if (strcmp(v, "proto2") != 0 && strcmp(v, "proto3") != 0)
        return pb_p_fail(p, "unknown syntax \"%s\"", v);
    p->f->syntax = v;
    return true;
}

static bool p_import(pb_parser_t *p) {
    pb_import_t *im = PB_PUSH(&p->f->arena, p->f->imports, p->f->nimports);
    size_t n;
    if (!im)
        return OOM(p);
    im->line = p->lx.tok.line;
    im->col = p->lx.tok.col;
    if (pb_p_accept(p, "public"))
        im->kind = PB_IMPORT_PUBLIC;
    else if (pb_p_accept(p, "weak"))
        im->kind = PB_IMPORT_WEAK;
    else if (pb_p_accept(p, "option"))
        im->kind = PB_IMPORT_OPTION;
    return p->lx.rc == CN_OK && pb_p_string(p, &im->path, &n) && pb_p_expect(p, ";");
}

static bool p_top_item(pb_parser_t *p) {
    pb_file_t *f = p->f;
    if (pb_p_accept(p, ";"))
        return true;
    p_visibility(p);
    if (pb_p_accept(p, "syntax"))
        return p_syntax(p, false);
    if (pb_p_accept(p, "edition"))
        return p_syntax(p, true);
    if (pb_p_accept(p, "package")) {
        if (f->package)
            return pb_p_fail(p, "more than one package statement");
        return pb_p_ident(p, &f->package) && pb_p_expect(p, ";");
    }
    if (pb_p_accept(p, "import"))
        return p_import(p);
    if (pb_p_accept(p, "option"))
        return pb_p_option_stmt(p, &f->opts);
    mark_decl(p);
    if (pb_p_accept(p, "message"))
        return p_message(p, NULL, &f->types, &f->ntypes);
    if (pb_p_accept(p, "enum"))
        return p_enum(p, NULL, &f->types, &f->ntypes);
    if (pb_p_accept(p, "service"))
        return p_service(p);
    if (pb_p_accept(p, "extend"))
        return p_extend(p, NULL, &f->extends, &f->nextends);
    if (p->lx.rc != CN_OK)
        return false;
    return pb_p_fail(p, "expected a top-level statement but found '%.*s'",
                     (int)(p->lx.tok.len > 40 ? 40 : p->lx.tok.len), p->lx.tok.p);
}

/* Well-formed UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF. */
static size_t utf8_bad(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k = c < 0x80             ? 0
                   : (c & 0xE0) == 0xC0 ? 1
                   : (c & 0xF0) == 0xE0 ? 2
                   : (c & 0xF8) == 0xF0 ? 3
                                        : 9;
        if (k == 9 || (k == 1 && c < 0xC2) || i + k >= n + (k == 0))
            return i + 1;
        uint32_t cp = k == 0 ? c : c & (0x3F >> k);
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return i + 1;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return i + 1;
        if (c == 0)
            return i + 1;
        i += k + 1;
    }
    return 0;
}

static cn_err_t check_utf8(const char *text, size_t len, cn_error_t *err) {
    size_t bad = utf8_bad((const unsigned char *)text, len);
    if (!bad)
        return CN_OK;
    int line = 1, col = 1;
    for (size_t i = 0; i + 1 < bad; i++, col++)
        if (text[i] == '\n')
            line++, col = 0;
    return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "line %d:%d: invalid UTF-8 (or NUL) byte", line,
                        col);
}

void pb_file_free(pb_file_t *f) {
    if (f) {
        pb_arena_t a = f->arena;
        pb_arena_free(&a);
    }
}

cn_err_t pb_parse_file(const char *text, size_t len, pb_file_t **out, cn_error_t *err) {
    pb_arena_t a = {0};
    pb_parser_t p = {0};
    cn_err_t rc = check_utf8(text, len, err);
    if (rc != CN_OK)
        return rc;
    p.f = pb_alloc(&a, sizeof(*p.f));
    if (!p.f)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    p.f->arena = a;
    p.f->ref_subject = "";
    pb_lex_init(&p.lx, text, len, err);
    if (pb_lex_next(&p.lx))
        while (p.lx.tok.kind != PB_T_EOF && p_top_item(&p))
            ;
    if (p.lx.rc == CN_OK && p.lx.tok.kind != PB_T_EOF) /* a rule that gave up without saying */
        pb_p_fail(&p, "unexpected '%.*s'", (int)(p.lx.tok.len > 40 ? 40 : p.lx.tok.len),
                  p.lx.tok.p);
    if (p.lx.rc == CN_OK && p.f->arena.failed)
        p.lx.rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (p.lx.rc != CN_OK) {
        rc = p.lx.rc;
        pb_file_free(p.f);
        return rc;
    }
    *out = p.f;
    return CN_OK;
}
