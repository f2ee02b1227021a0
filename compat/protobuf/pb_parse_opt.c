/* SPDX-License-Identifier: Apache-2.0
 *
 * The parser's token helpers and options (Protocol Buffers language specification, "Option"
 * and "Constant"; text format for aggregate values): option names with parenthesized custom
 * parts, constants (strings with adjacent-literal concatenation, signed numbers, inf/nan,
 * booleans, identifiers), aggregate values { a: 1 b: [..] c { .. } [ext.name]: .. } and field
 * option lists, where default and json_name become field properties as in Square Wire's
 * FieldElement (which Confluent's printer follows).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_int.h"

bool pb_p_fail(pb_parser_t *p, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pb_lex_fail(&p->lx, &p->lx.tok, "%s", msg);
    return false;
}

static bool tok_is(const pb_tok_t *t, const char *s) {
    size_t n = strlen(s);
    return (t->kind == PB_T_SYMBOL || t->kind == PB_T_IDENT) && t->len == n &&
           memcmp(t->p, s, n) == 0;
}

bool pb_p_is(pb_parser_t *p, const char *sym) {
    return tok_is(&p->lx.tok, sym);
}

bool pb_p_accept(pb_parser_t *p, const char *sym) {
    if (!pb_p_is(p, sym))
        return false;
    return pb_lex_next(&p->lx);
}

static bool fail_found(pb_parser_t *p, const char *what) {
    const pb_tok_t *t = &p->lx.tok;
    if (t->kind == PB_T_EOF)
        return pb_p_fail(p, "expected %s but reached the end", what);
    return pb_p_fail(p, "expected %s but found '%.*s'", what, (int)(t->len > 40 ? 40 : t->len),
                     t->p);
}

bool pb_p_expect(pb_parser_t *p, const char *sym) {
    char what[16];
    if (pb_p_accept(p, sym))
        return true;
    if (p->lx.rc != CN_OK)
        return false;
    snprintf(what, sizeof(what), "'%s'", sym);
    return fail_found(p, what);
}

bool pb_p_ident(pb_parser_t *p, char **out) {
    const pb_tok_t *t = &p->lx.tok;
    if (t->kind != PB_T_IDENT)
        return fail_found(p, "a name");
    if (!(*out = pb_strndup(&p->f->arena, t->p, t->len)))
        return pb_p_fail(p, "out of memory");
    return pb_lex_next(&p->lx);
}

/* Decimal, hexadecimal (0x) or octal (leading 0) magnitude; false on overflow. */
static bool int_value(const char *s, size_t n, uint64_t *out) {
    uint64_t v = 0;
    unsigned base = 10;
    size_t i = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, i = 2;
    else if (n > 1 && s[0] == '0')
        base = 8, i = 1;
    for (; i < n; i++) {
        char c = s[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                                            : (unsigned)(c - 'A' + 10);
        if (d >= base || v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

bool pb_p_int(pb_parser_t *p, int64_t lo, int64_t hi, int64_t *out) {
    bool neg = pb_p_accept(p, "-");
    const pb_tok_t *t = &p->lx.tok;
    uint64_t m;
    if (t->kind != PB_T_INT)
        return fail_found(p, "an integer");
    if (!int_value(t->p, t->len, &m) || m > (uint64_t)INT64_MAX)
        return pb_p_fail(p, "integer out of range");
    int64_t v = neg ? -(int64_t)m : (int64_t)m;
    if (v < lo || v > hi)
        return pb_p_fail(p, "integer %lld out of range [%lld, %lld]", (long long)v, (long long)lo,
                         (long long)hi);
    *out = v;
    return pb_lex_next(&p->lx);
}

/* One string literal or several adjacent ones, concatenated. */
bool pb_p_string(pb_parser_t *p, char **out, size_t *len) {
    cn_buf_t b;
    bool ok = true;
    if (p->lx.tok.kind != PB_T_STRING)
        return fail_found(p, "a string");
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    while (ok && p->lx.tok.kind == PB_T_STRING) {
        char *s;
        size_t n;
        ok = pb_lex_string(&p->lx, &p->lx.tok, &p->f->arena, &s, &n) &&
             cn_buf_put(&b, s, n) == CN_OK && pb_lex_next(&p->lx);
    }
    if (ok) {
        *len = b.len;
        *out = pb_strndup(&p->f->arena, b.len ? (const char *)b.data : "", b.len);
        ok = *out != NULL;
    }
    cn_buf_fini(&b);
    return ok || p->lx.rc != CN_OK ? ok : pb_p_fail(p, "out of memory");
}

static pb_val_t *new_val(pb_parser_t *p, pb_val_kind_t kind) {
    pb_val_t *v = pb_alloc(&p->f->arena, sizeof(*v));
    if (v)
        v->kind = kind;
    else
        pb_p_fail(p, "out of memory");
    return v;
}

static pb_val_t *p_value(pb_parser_t *p);

/* A number with its sign as written, an identifier (inf, nan, enum names) or a boolean. */
static pb_val_t *p_scalar(pb_parser_t *p) {
    const char *sign = pb_p_is(p, "-") ? "-" : pb_p_is(p, "+") ? "+" : "";
    if (*sign && !pb_lex_next(&p->lx))
        return NULL;
    const pb_tok_t *t = &p->lx.tok;
    pb_val_kind_t kind = t->kind == PB_T_IDENT ? PB_VAL_ENUM : PB_VAL_NUMBER;
    if (t->kind != PB_T_IDENT && t->kind != PB_T_INT && t->kind != PB_T_FLOAT) {
        fail_found(p, "a constant");
        return NULL;
    }
    if (!*sign && (tok_is(t, "true") || tok_is(t, "false")))
        kind = PB_VAL_BOOL;
    pb_val_t *v = new_val(p, kind);
    if (!v)
        return NULL;
    v->len = strlen(sign) + t->len;
    v->text = pb_alloc(&p->f->arena, v->len + 1);
    if (!v->text) {
        pb_p_fail(p, "out of memory");
        return NULL;
    }
    memcpy(v->text, sign, strlen(sign));
    memcpy(v->text + strlen(sign), t->p, t->len);
    return pb_lex_next(&p->lx) ? v : NULL;
}

/* A repeated key becomes a list, as Wire's OptionReader does. */
static bool map_put(pb_parser_t *p, pb_val_t *m, char *key, pb_val_t *val) {
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->kv[i].key, key) != 0)
            continue;
        pb_val_t *old = m->kv[i].val;
        if (old->kind != PB_VAL_LIST) {
            pb_val_t *l = new_val(p, PB_VAL_LIST);
            pb_val_t **slot = l ? PB_PUSH(&p->f->arena, l->items, l->n) : NULL;
            if (!slot)
                return pb_p_fail(p, "out of memory");
            *slot = old;
            m->kv[i].val = old = l;
        }
        pb_val_t **slot = PB_PUSH(&p->f->arena, old->items, old->n);
        if (!slot)
            return pb_p_fail(p, "out of memory");
        *slot = val;
        return true;
    }
    pb_kv_t *kv = PB_PUSH(&p->f->arena, m->kv, m->n);
    if (!kv)
        return pb_p_fail(p, "out of memory");
    kv->key = key;
    kv->val = val;
    return true;
}

static bool p_map_key(pb_parser_t *p, char **key) {
    if (!pb_p_is(p, "["))
        return pb_p_ident(p, key);
    char *name;
    if (!pb_lex_next(&p->lx) || !pb_p_ident(p, &name))
        return false;
    if (pb_p_accept(p, "/")) { /* [type.googleapis.com/pkg.Msg] */
        char *rest;
        if (!pb_p_ident(p, &rest))
            return false;
        size_t n = strlen(name) + strlen(rest) + 2;
        char *both = pb_alloc(&p->f->arena, n);
        if (!both)
            return pb_p_fail(p, "out of memory");
        snprintf(both, n, "%s/%s", name, rest);
        name = both;
    }
    size_t n = strlen(name) + 3;
    if (!(*key = pb_alloc(&p->f->arena, n)))
        return pb_p_fail(p, "out of memory");
    snprintf(*key, n, "[%s]", name);
    return pb_p_expect(p, "]");
}

/* { key: value key { ... } ... } or < ... >, entries separated by nothing, ',' or ';'. */
static pb_val_t *p_aggregate(pb_parser_t *p) {
    const char *close = pb_p_is(p, "<") ? ">" : "}";
    pb_val_t *m = new_val(p, PB_VAL_MAP);
    if (!m || !pb_lex_next(&p->lx))
        return NULL;
    while (!pb_p_is(p, close)) {
        char *key;
        pb_val_t *v;
        if (p->lx.tok.kind == PB_T_EOF) {
            fail_found(p, close);
            return NULL;
        }
        if (!p_map_key(p, &key))
            return NULL;
        bool colon = pb_p_accept(p, ":");
        if (!colon && !pb_p_is(p, "{") && !pb_p_is(p, "<")) {
            fail_found(p, "':'");
            return NULL;
        }
        if (!(v = p_value(p)) || !map_put(p, m, key, v))
            return NULL;
        if (!pb_p_accept(p, ","))
            pb_p_accept(p, ";");
        if (p->lx.rc != CN_OK)
            return NULL;
    }
    return pb_lex_next(&p->lx) ? m : NULL;
}

static pb_val_t *p_list(pb_parser_t *p) {
    pb_val_t *l = new_val(p, PB_VAL_LIST);
    if (!l || !pb_lex_next(&p->lx))
        return NULL;
    while (!pb_p_is(p, "]")) {
        pb_val_t *v = p_value(p), **slot;
        if (!v)
            return NULL;
        if (!(slot = PB_PUSH(&p->f->arena, l->items, l->n))) {
            pb_p_fail(p, "out of memory");
            return NULL;
        }
        *slot = v;
        if (!pb_p_accept(p, ","))
            break;
    }
    return pb_p_expect(p, "]") ? l : NULL;
}

static pb_val_t *p_value(pb_parser_t *p) {
    pb_val_t *v = NULL;
    if (++p->depth > PB_MAX_DEPTH) {
        p->lx.rc =
            cn_error_set(p->lx.err, CN_ERR_TOO_DEEP, "line %d:%d: option value nested too deep",
                         p->lx.tok.line, p->lx.tok.col);
        return NULL;
    }
    if (p->lx.tok.kind == PB_T_STRING) {
        v = new_val(p, PB_VAL_STRING);
        if (v && !pb_p_string(p, &v->text, &v->len))
            v = NULL;
    } else if (pb_p_is(p, "{") || pb_p_is(p, "<")) {
        v = p_aggregate(p);
    } else if (pb_p_is(p, "[")) {
        v = p_list(p);
    } else {
        v = p_scalar(p);
    }
    p->depth--;
    return v;
}

/* name: (a.b).c.d, plain.name, and the sort key Wire uses (first segment, no parentheses). */
static bool p_option_name(pb_parser_t *p, pb_opt_t *o) {
    cn_buf_t b;
    bool ok = true, first = true;
    cn_buf_init(&b, 4096);
    while (ok) {
        const pb_tok_t *t = &p->lx.tok;
        if (pb_p_is(p, "(")) {
            ok = pb_lex_next(&p->lx) && (t->kind == PB_T_IDENT || fail_found(p, "a name"));
            if (ok && first)
                o->sort = pb_strndup(&p->f->arena, t->p[0] == '.' ? t->p + 1 : t->p,
                                     t->len - (t->p[0] == '.'));
            ok = ok && cn_buf_printf(&b, "(%.*s)", (int)t->len, t->p) == CN_OK &&
                 pb_lex_next(&p->lx) && pb_p_expect(p, ")");
        } else if (t->kind == PB_T_IDENT && (!first || t->p[0] != '.')) {
            if (first) {
                const char *dot = memchr(t->p, '.', t->len);
                o->sort = pb_strndup(&p->f->arena, t->p, dot ? (size_t)(dot - t->p) : t->len);
            }
            ok = cn_buf_put(&b, t->p, t->len) == CN_OK && pb_lex_next(&p->lx);
        } else {
            ok = fail_found(p, "an option name");
            break;
        }
        first = false;
        if (!pb_p_is(p, ".") && !(p->lx.tok.kind == PB_T_IDENT && p->lx.tok.p[0] == '.'))
            break;
        if (pb_p_is(p, "."))
            ok = ok && cn_buf_put(&b, ".", 1) == CN_OK && pb_lex_next(&p->lx);
    }
    if (ok)
        o->name = pb_strndup(&p->f->arena, (const char *)b.data, b.len);
    cn_buf_fini(&b);
    if (ok && (!o->name || !o->sort))
        return pb_p_fail(p, "out of memory");
    return ok;
}

static bool p_option(pb_parser_t *p, pb_opt_t *o) {
    return p_option_name(p, o) && pb_p_expect(p, "=") && (o->val = p_value(p)) != NULL;
}

bool pb_p_option_stmt(pb_parser_t *p, pb_opts_t *opts) {
    pb_opt_t *o = PB_PUSH(&p->f->arena, opts->v, opts->n);
    if (!o)
        return pb_p_fail(p, "out of memory");
    return p_option(p, o) && pb_p_expect(p, ";");
}

/* [a = 1, (b).c = "x"]; for a field, default and json_name go to the field. */
bool pb_p_option_list(pb_parser_t *p, pb_opts_t *opts, pb_field_t *fld) {
    if (!pb_p_accept(p, "["))
        return p->lx.rc == CN_OK;
    do {
        pb_opt_t o = {0};
        if (!p_option(p, &o))
            return false;
        if (fld && strcmp(o.name, "default") == 0) {
            fld->def = o.val;
        } else if (fld && strcmp(o.name, "json_name") == 0 && o.val->kind == PB_VAL_STRING) {
            fld->json_name = o.val->text;
        } else {
            pb_opt_t *slot = PB_PUSH(&p->f->arena, opts->v, opts->n);
            if (!slot)
                return pb_p_fail(p, "out of memory");
            *slot = o;
        }
    } while (pb_p_accept(p, ","));
    return pb_p_expect(p, "]");
}
