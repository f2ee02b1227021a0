/* SPDX-License-Identifier: Apache-2.0
 *
 * The stored text of a JSON schema as Confluent keeps it (JsonSchema.canonicalString: Jackson
 * re-serialises the parsed tree compactly, member order kept, strings re-escaped minimally,
 * numbers as written) and the normalized text (normalize=true: every object's members sorted by
 * key in UTF-16 code-unit order, as Java's TreeMap). Works on the raw text, which the caller has
 * already parsed with Jansson, so numbers keep their digits (written as Java's BigDecimal
 * writes them when they have a fraction or an exponent).
 */
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/compat_jsonschema.h"

typedef struct tx {
    const char *p, *end;
    cn_buf_t *out;
    bool sort;
    unsigned depth;
} tx_t;

static void ws(tx_t *t) {
    while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\n' || *t->p == '\r'))
        t->p++;
}

static int hex4(const char *p) {
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v = v * 16 + (c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                             : c - 'A' + 10);
    }
    return v;
}

static void put_utf8(cn_buf_t *o, unsigned cp) {
    unsigned char b[4];
    size_t n;
    if (cp < 0x80)
        b[0] = (unsigned char)cp, n = 1;
    else if (cp < 0x800)
        b[0] = (unsigned char)(0xC0 | cp >> 6), b[1] = (unsigned char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        b[0] = (unsigned char)(0xE0 | cp >> 12), b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F)),
        b[2] = (unsigned char)(0x80 | (cp & 0x3F)), n = 3;
    else
        b[0] = (unsigned char)(0xF0 | cp >> 18), b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F)),
        b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F)), b[3] = (unsigned char)(0x80 | (cp & 0x3F)),
        n = 4;
    cn_buf_put(o, b, n);
}

/* Decode the string at t->p (on its opening quote) into raw UTF-8. */
static void decode_string(tx_t *t, cn_buf_t *raw) {
    t->p++;
    while (t->p < t->end && *t->p != '"') {
        if (*t->p != '\\') {
            cn_buf_put(raw, t->p++, 1);
            continue;
        }
        char e = t->p[1];
        t->p += 2;
        if (e == 'u' && t->end - t->p >= 4) {
            unsigned cp = (unsigned)hex4(t->p);
            t->p += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && t->end - t->p >= 6 && t->p[0] == '\\' &&
                t->p[1] == 'u') {
                unsigned lo = (unsigned)hex4(t->p + 2);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                t->p += 6;
            }
            put_utf8(raw, cp);
        } else {
            static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
            const char *k = strchr(from, e);
            char c = k && e ? to[k - from] : e;
            cn_buf_put(raw, &c, 1);
        }
    }
    t->p++;
}

/* Jackson's escaping: quote, backslash and control characters only. */
static void encode_string(cn_buf_t *o, const char *s, size_t n) {
    cn_buf_put(o, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        static const char from[] = "\b\f\n\r\t", to[] = "bfnrt";
        const char *k = c ? strchr(from, c) : NULL;
        if (c == '"' || c == '\\')
            cn_buf_printf(o, "\\%c", c);
        else if (k)
            cn_buf_printf(o, "\\%c", to[k - from]);
        else if (c < 0x20)
            cn_buf_printf(o, "\\u%04X", c);
        else
            cn_buf_put(o, &s[i], 1);
    }
    cn_buf_put(o, "\"", 1);
}

static void copy_string(tx_t *t) {
    cn_buf_t raw;
    cn_buf_init(&raw, CN_BUF_NO_LIMIT);
    decode_string(t, &raw);
    encode_string(t->out, raw.data ? (const char *)raw.data : "", raw.len);
    cn_buf_fini(&raw);
}

static cn_err_t value(tx_t *t);

/* BigDecimal.toString of coefficient digits d[0..n) (no leading zeros, "0" for zero) and scale:
 * plain when the scale is not negative and the adjusted exponent is at least -6, else
 * scientific ("1E+2", "1.5E-7"). */
static void put_decimal(cn_buf_t *o, bool neg, const char *d, size_t n, long long scale) {
    long long adjusted = -scale + (long long)n - 1;
    if (neg)
        cn_buf_put(o, "-", 1);
    if (scale >= 0 && adjusted >= -6) {
        if (scale == 0) {
            cn_buf_put(o, d, n);
        } else if ((long long)n > scale) {
            cn_buf_put(o, d, n - (size_t)scale);
            cn_buf_put(o, ".", 1);
            cn_buf_put(o, d + n - (size_t)scale, (size_t)scale);
        } else {
            cn_buf_put(o, "0.", 2);
            for (long long i = 0; i < scale - (long long)n; i++)
                cn_buf_put(o, "0", 1);
            cn_buf_put(o, d, n);
        }
        return;
    }
    cn_buf_put(o, d, 1);
    if (n > 1) {
        cn_buf_put(o, ".", 1);
        cn_buf_put(o, d + 1, n - 1);
    }
    cn_buf_printf(o, "E%c%lld", adjusted >= 0 ? '+' : '-', adjusted >= 0 ? adjusted : -adjusted);
}

/* A number as Jackson writes what it read: integers as written (but -0 is 0), numbers with a
 * fraction or an exponent as exact decimals (Java BigDecimal, which has no negative zero). */
static void put_number(cn_buf_t *o, const char *s, size_t n) {
    const char *p = s, *end = s + n;
    bool neg = *p == '-';
    p += neg;
    const char *ip = p;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    size_t ilen = (size_t)(p - ip), flen = 0;
    const char *fp = p;
    if (p < end && *p == '.') {
        fp = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        flen = (size_t)(p - fp);
    }
    long long exp = 0;
    bool has_exp = p < end && (*p == 'e' || *p == 'E');
    if (has_exp) {
        char *e;
        exp = strtoll(p + 1, &e, 10);
        if (e != end || exp > 1000000000LL || exp < -1000000000LL) {
            cn_buf_put(o, s, n); /* beyond what we reproduce: kept as written */
            return;
        }
    }
    char *digits = malloc(ilen + flen + 1);
    if (!digits) {
        cn_buf_put(o, s, n);
        return;
    }
    memcpy(digits, ip, ilen);
    memcpy(digits + ilen, fp, flen);
    size_t nd = ilen + flen, z = 0;
    while (z + 1 < nd && digits[z] == '0')
        z++;
    bool zero = nd - z == 1 && digits[z] == '0';
    if (!flen && !has_exp)
        put_decimal(o, neg && !zero, digits + z, nd - z, 0);
    else
        put_decimal(o, neg && !zero, digits + z, nd - z, (long long)flen - exp);
    free(digits);
}

static cn_err_t array(tx_t *t) {
    cn_err_t rc = CN_OK;
    cn_buf_put(t->out, "[", 1);
    t->p++;
    ws(t);
    for (bool first = true; rc == CN_OK && t->p < t->end && *t->p != ']'; first = false) {
        if (!first)
            cn_buf_put(t->out, ",", 1);
        rc = value(t);
        ws(t);
        if (t->p < t->end && *t->p == ',')
            t->p++, ws(t);
    }
    t->p++;
    cn_buf_put(t->out, "]", 1);
    return rc;
}

typedef struct member {
    char *key; /* decoded, owned */
    size_t klen;
    const char *val;
} member_t;

/* UTF-16 code-unit order: UTF-8 byte order except that U+E000..U+FFFF sort after
 * supplementary characters (which are surrogates, 0xD800..0xDFFF, in UTF-16). */
static unsigned utf16_rank(const unsigned char *s, size_t n, size_t *i) {
    unsigned c = s[*i];
    if (c >= 0xF0 && *i + 3 < n + 1) {
        *i += 4;
        return 0xD800; /* a high surrogate: below U+E000 */
    }
    if (c >= 0xE0 && *i + 2 < n + 1) {
        unsigned cp = (c & 0x0F) << 12 | (s[*i + 1] & 0x3Fu) << 6 | (s[*i + 2] & 0x3Fu);
        *i += 3;
        return cp;
    }
    if (c >= 0xC0) {
        unsigned cp = (c & 0x1F) << 6 | (s[*i + 1] & 0x3Fu);
        *i += 2;
        return cp;
    }
    *i += 1;
    return c;
}

static int member_cmp(const void *x, const void *y) {
    const member_t *a = x, *b = y;
    size_t i = 0, j = 0;
    while (i < a->klen && j < b->klen) {
        unsigned ca = utf16_rank((const unsigned char *)a->key, a->klen, &i);
        unsigned cb = utf16_rank((const unsigned char *)b->key, b->klen, &j);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (i < a->klen) - (j < b->klen);
}

static cn_err_t skip_value(tx_t *t) {
    cn_buf_t sink;
    cn_buf_init(&sink, CN_BUF_NO_LIMIT);
    cn_buf_t *keep = t->out;
    bool sort = t->sort;
    t->out = &sink, t->sort = false;
    cn_err_t rc = value(t);
    t->out = keep, t->sort = sort;
    cn_buf_fini(&sink);
    return rc;
}

static cn_err_t members(tx_t *t, member_t **out, size_t *n) {
    size_t cap = 0;
    cn_err_t rc = CN_OK;
    *out = NULL, *n = 0;
    while (rc == CN_OK && t->p < t->end && *t->p == '"') {
        cn_buf_t raw;
        cn_buf_init(&raw, CN_BUF_NO_LIMIT);
        decode_string(t, &raw);
        ws(t);
        t->p++; /* ':' */
        ws(t);
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            member_t *v = realloc(*out, cap * sizeof(*v));
            if (!v) {
                cn_buf_fini(&raw);
                return CN_ERR_NO_MEMORY;
            }
            *out = v;
        }
        size_t klen = raw.len;
        (*out)[*n] = (member_t){.key = (char *)cn_buf_steal(&raw, NULL), .klen = klen, .val = t->p};
        (*n)++;
        rc = skip_value(t);
        ws(t);
        if (t->p < t->end && *t->p == ',')
            t->p++, ws(t);
    }
    return rc;
}

static cn_err_t sorted_object(tx_t *t) {
    member_t *m;
    size_t n;
    cn_err_t rc = members(t, &m, &n);
    const char *end = t->p;
    if (rc == CN_OK && n > 1)
        qsort(m, n, sizeof(*m), member_cmp);
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        if (i)
            cn_buf_put(t->out, ",", 1);
        encode_string(t->out, m[i].key ? m[i].key : "", m[i].klen);
        cn_buf_put(t->out, ":", 1);
        t->p = m[i].val;
        rc = value(t);
    }
    for (size_t i = 0; i < n; i++)
        free(m[i].key);
    free(m);
    t->p = end;
    return rc;
}

static cn_err_t object(tx_t *t) {
    cn_err_t rc = CN_OK;
    cn_buf_put(t->out, "{", 1);
    t->p++;
    ws(t);
    if (t->sort) {
        rc = sorted_object(t);
    } else {
        for (bool first = true; rc == CN_OK && t->p < t->end && *t->p == '"'; first = false) {
            if (!first)
                cn_buf_put(t->out, ",", 1);
            copy_string(t);
            ws(t);
            t->p++;
            cn_buf_put(t->out, ":", 1);
            ws(t);
            rc = value(t);
            ws(t);
            if (t->p < t->end && *t->p == ',')
                t->p++, ws(t);
        }
    }
    ws(t);
    t->p++; /* '}' */
    cn_buf_put(t->out, "}", 1);
    return rc;
}

static cn_err_t value(tx_t *t) {
    ws(t);
    if (t->p >= t->end)
        return CN_ERR_INVALID_SCHEMA;
    if (++t->depth > JSON_PARSER_MAX_DEPTH + 8) /* deeper than Jansson reads: not ours */
        return CN_ERR_TOO_DEEP;
    cn_err_t rc = CN_OK;
    if (*t->p == '{')
        rc = object(t);
    else if (*t->p == '[')
        rc = array(t);
    else if (*t->p == '"')
        copy_string(t);
    else {
        const char *s = t->p;
        while (t->p < t->end && *t->p && !strchr(",}] \t\r\n", *t->p))
            t->p++;
        if (t->p == s) /* not JSON the caller parsed: stop rather than loop */
            rc = CN_ERR_INVALID_SCHEMA;
        else if (*s == '-' || (*s >= '0' && *s <= '9'))
            put_number(t->out, s, (size_t)(t->p - s));
        else
            cn_buf_put(t->out, s, (size_t)(t->p - s));
    }
    t->depth--;
    return rc;
}

cn_err_t compat_js_text(const char *text, size_t len, bool sort, cn_buf_t *out, cn_error_t *err) {
    tx_t t = {.p = text, .end = text + len, .out = out, .sort = sort};
    cn_err_t rc = value(&t);
    if (rc == CN_OK && !cn_buf_cstr(out))
        rc = CN_ERR_NO_MEMORY;
    return rc == CN_OK ? CN_OK : cn_error_set(err, rc, NULL);
}
