/* SPDX-License-Identifier: Apache-2.0
 *
 * JSON depth pre-scan and hex digits (see cn_text.h). Owns nothing.
 */
#include "common/cn_text.h"

#include <stdbool.h>

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
