/* SPDX-License-Identifier: Apache-2.0
 *
 * The .proto tokenizer (Protocol Buffers language specification, "Lexical elements"):
 * identifiers (dotted names are one token, as are fully-qualified ones with a leading dot),
 * integer and float literals, strings in single or double quotes with every escape, symbols,
 * and // and block comments, which are skipped. Unterminated strings and comments are errors
 * with their line and column. The input is valid UTF-8 (checked before).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compat/protobuf/pb_int.h"

void pb_lex_init(pb_lex_t *lx, const char *src, size_t len, cn_error_t *err) {
    *lx = (pb_lex_t){
        .src = src, .end = src + len, .cur = src, .line = 1, .line_start = src, .err = err};
}

static int col_of(const pb_lex_t *lx, const char *p) {
    return (int)(p - lx->line_start) + 1;
}

cn_err_t pb_lex_fail(pb_lex_t *lx, const pb_tok_t *t, const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (lx->rc == CN_OK)
        lx->rc = cn_error_set(lx->err, CN_ERR_INVALID_SCHEMA, "line %d:%d: %s",
                              t ? t->line : lx->line, t ? t->col : col_of(lx, lx->cur), msg);
    return lx->rc;
}

static void newline(pb_lex_t *lx, const char *p) {
    lx->line++;
    lx->line_start = p + 1;
}

/* Skip blanks and comments; false on an unterminated block comment. */
static bool skip_space(pb_lex_t *lx) {
    const char *p = lx->cur;
    for (;;) {
        while (p < lx->end && isspace((unsigned char)*p)) {
            if (*p == '\n')
                newline(lx, p);
            p++;
        }
        if (p + 1 < lx->end && p[0] == '/' && p[1] == '/') {
            while (p < lx->end && *p != '\n')
                p++;
        } else if (p + 1 < lx->end && p[0] == '/' && p[1] == '*') {
            const char *start = p, *start_line = lx->line_start;
            int line = lx->line;
            p += 2;
            while (p + 1 < lx->end && !(p[0] == '*' && p[1] == '/')) {
                if (*p == '\n')
                    newline(lx, p);
                p++;
            }
            if (p + 1 >= lx->end) {
                lx->cur = start;
                lx->line = line;
                lx->line_start = start_line;
                pb_lex_fail(lx, NULL, "unterminated comment");
                return false;
            }
            p += 2;
        } else {
            lx->cur = p;
            return true;
        }
    }
}

static bool is_id(char c) {
    return isalnum((unsigned char)c) || c == '_';
}

static const char *scan_ident(const pb_lex_t *lx, const char *p) {
    for (;;) {
        while (p < lx->end && is_id(*p))
            p++;
        if (p + 1 < lx->end && *p == '.' && (isalpha((unsigned char)p[1]) || p[1] == '_'))
            p++;
        else
            return p;
    }
}

static const char *scan_number(const pb_lex_t *lx, const char *p, pb_tok_kind_t *kind) {
    *kind = PB_T_INT;
    if (p + 1 < lx->end && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        while (p < lx->end && isxdigit((unsigned char)*p))
            p++;
        return p;
    }
    while (p < lx->end && isdigit((unsigned char)*p))
        p++;
    if (p < lx->end && *p == '.') {
        *kind = PB_T_FLOAT;
        p++;
        while (p < lx->end && isdigit((unsigned char)*p))
            p++;
    }
    if (p < lx->end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (q < lx->end && (*q == '+' || *q == '-'))
            q++;
        if (q < lx->end && isdigit((unsigned char)*q)) {
            *kind = PB_T_FLOAT;
            p = q;
            while (p < lx->end && isdigit((unsigned char)*p))
                p++;
        }
    }
    if (p < lx->end && (*p == 'f' || *p == 'F') && *kind == PB_T_FLOAT)
        p++;
    return p;
}

static const char *scan_string(pb_lex_t *lx, const char *p) {
    char q = *p++;
    while (p < lx->end && *p != q && *p != '\n') {
        if (*p == '\\' && p + 1 < lx->end && p[1] != '\n')
            p++;
        p++;
    }
    if (p >= lx->end || *p != q) {
        pb_lex_fail(lx, &lx->tok, "unterminated string");
        return NULL;
    }
    return p + 1;
}

bool pb_lex_next(pb_lex_t *lx) {
    if (lx->rc != CN_OK || !skip_space(lx))
        return false;
    const char *p = lx->cur, *e;
    pb_tok_t *t = &lx->tok;
    *t = (pb_tok_t){.kind = PB_T_EOF, .p = p, .line = lx->line, .col = col_of(lx, p)};
    if (p >= lx->end)
        return true;
    if (isalpha((unsigned char)*p) || *p == '_' ||
        (*p == '.' && p + 1 < lx->end && (isalpha((unsigned char)p[1]) || p[1] == '_'))) {
        t->kind = PB_T_IDENT;
        e = scan_ident(lx, *p == '.' ? p + 1 : p);
    } else if (isdigit((unsigned char)*p) ||
               (*p == '.' && p + 1 < lx->end && isdigit((unsigned char)p[1]))) {
        e = scan_number(lx, p, &t->kind);
        if (*p == '.')
            t->kind = PB_T_FLOAT;
    } else if (*p == '"' || *p == '\'') {
        t->kind = PB_T_STRING;
        if (!(e = scan_string(lx, p)))
            return false;
    } else {
        t->kind = PB_T_SYMBOL;
        e = p + 1;
    }
    t->len = (size_t)(e - p);
    lx->cur = e;
    return true;
}

static int hexval(char c) {
    return isdigit((unsigned char)c) ? c - '0' : (tolower((unsigned char)c) - 'a' + 10);
}

static size_t put_utf8(char *o, uint32_t cp) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* One escape after the backslash at *pp; advances *pp; returns bytes written or 0 if bad. */
static size_t unescape(const char **pp, const char *end, char *o) {
    static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\''\"\"??";
    const char *p = *pp;
    const char *s = strchr(simple, *p);
    if (s && ((s - simple) % 2) == 0 && *p) {
        *pp = p + 1;
        *o = s[1];
        return 1;
    }
    uint32_t v = 0;
    int n = 0, max = 0, base = 16;
    if (*p == 'x' || *p == 'X')
        max = 2, p++;
    else if (*p == 'u')
        max = 4, p++;
    else if (*p == 'U')
        max = 8, p++;
    else if (*p >= '0' && *p <= '7')
        max = 3, base = 8;
    while (n < max && p < end &&
           (base == 16 ? isxdigit((unsigned char)*p) : (*p >= '0' && *p <= '7')))
        v = v * (uint32_t)base + (uint32_t)hexval(*p++), n++;
    *pp = p;
    if (n == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF && max >= 4))
        return 0;
    if (max <= 3) {
        *o = (char)(v & 0xFF);
        return 1;
    }
    return put_utf8(o, v);
}

bool pb_lex_string(pb_lex_t *lx, const pb_tok_t *t, pb_arena_t *a, char **out, size_t *len) {
    char *o = pb_alloc(a, t->len + 1);
    const char *p = t->p + 1, *end = t->p + t->len - 1;
    size_t n = 0;
    if (!o)
        return false;
    while (p < end) {
        if (*p != '\\') {
            o[n++] = *p++;
            continue;
        }
        p++;
        size_t k = unescape(&p, end, o + n);
        if (!k) {
            pb_lex_fail(lx, t, "invalid escape in string");
            return false;
        }
        n += k;
    }
    o[n] = '\0';
    *out = o;
    *len = n;
    return true;
}
