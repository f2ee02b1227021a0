/* SPDX-License-Identifier: Apache-2.0
 *
 * JSON depth pre-scan, hex digits, percent-decoding and UTF-8 checks (see cn_text.h). Owns
 * nothing.
 */
#include "common/cn_text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int cn_json_depth(const char *text, size_t len, int limit, size_t *at) {
    int depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_str) {
            if (c == '\\')
                i++; /* the escaped character cannot end the string */
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max && (max = depth) > limit) {
                if (at)
                    *at = i;
                return limit + 1;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

/* The byte of the escape "%XY" at in[i], or -1 when there is none. */
static int cn_percent_at(const char *in, size_t len, size_t i) {
    int hi, lo;
    if (in[i] != '%' || len - i < 3)
        return -1;
    hi = cn_hex_digit(in[i + 1]);
    lo = cn_hex_digit(in[i + 2]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

size_t cn_percent_decode(const char *in, size_t len, char *out, size_t cap) {
    size_t o = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        int v = cn_percent_at(in, len, i);
        out[o++] = v < 0 ? in[i] : (char)v;
        i += v < 0 ? 0 : 2;
    }
    out[o] = '\0';
    return o;
}

int cn_hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void cn_guid_format(const uint8_t guid[16], char out[CN_GUID_TEXT_LEN + 1]) {
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[guid[i] >> 4];
        out[o++] = hex[guid[i] & 15];
    }
    out[o] = '\0';
}

bool cn_guid_parse(const char *s, size_t len, uint8_t out[16]) {
    bool dashed = len == CN_GUID_TEXT_LEN;
    size_t o = 0;
    if (len != 32 && !dashed)
        return false;
    for (size_t i = 0; i < len;) {
        int hi, lo;
        if (dashed && (i == 8 || i == 13 || i == 18 || i == 23)) {
            if (s[i++] != '-')
                return false;
            continue;
        }
        if (i + 1 >= len || o >= 16)
            return false;
        hi = cn_hex_digit(s[i]);
        lo = cn_hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[o++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return o == 16;
}

/* Length of the well-formed UTF-8 sequence at s[0..len), 0 when there is none (RFC 3629 §4). */
static size_t cn_utf8_seq(const unsigned char *s, size_t len) {
    unsigned char c = s[0];
    size_t n = c < 0x80                 ? 1
               : c >= 0xc2 && c <= 0xdf ? 2
               : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4
                                        : 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (n == 0 || n > len)
        return 0;
    if (c == 0xe0)
        lo = 0xa0; /* overlong */
    else if (c == 0xed)
        hi = 0x9f; /* surrogates */
    else if (c == 0xf0)
        lo = 0x90; /* overlong */
    else if (c == 0xf4)
        hi = 0x8f; /* above U+10FFFF */
    for (size_t i = 1; i < n; i++) {
        if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xbf))
            return 0;
    }
    return n;
}

bool cn_utf8_valid(const char *s, size_t len) {
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0, n; i < len; i += n)
        if ((n = cn_utf8_seq(p + i, len - i)) == 0)
            return false;
    return true;
}

size_t cn_utf8_scrub(const char *s, char *out, size_t cap) {
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), o = 0;
    if (cap == 0)
        return 0;
    for (size_t i = 0; i < len;) {
        size_t n = cn_utf8_seq(p + i, len - i);
        if (o + (n ? n : 1) + 1 > cap)
            break;
        if (n)
            memcpy(out + o, s + i, n);
        else
            out[o] = '?';
        o += n ? n : 1;
        i += n ? n : 1;
    }
    out[o] = '\0';
    return o;
}

char *cn_strfmt(const char *fmt, ...) {
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}
