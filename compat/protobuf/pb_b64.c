/* SPDX-License-Identifier: Apache-2.0
 *
 * Base64 (RFC 4648 section 4: the standard alphabet, padded) for descriptors sent and answered
 * as text: the check that a schema text is base64, decoding and encoding.
 */
#include <stdlib.h>

#include "compat/protobuf/pb_int.h"

/* ---- base64 (RFC 4648, standard alphabet, padded) ---- */

static int b64_val(unsigned char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

bool pb_is_base64(const char *s, size_t n) {
    if (n < 4 || n % 4 != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (b64_val((unsigned char)s[i]) < 0 && !(s[i] == '=' && i >= n - 2))
            return false;
    return true;
}

uint8_t *pb_b64_decode(const char *s, size_t n, size_t *out_len) {
    uint8_t *out = malloc(n / 4 * 3 + 1);
    size_t k = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        for (int j = 0; j < 4; j++)
            v[j] = s[i + j] == '=' ? 0 : b64_val((unsigned char)s[i + j]);
        uint32_t w =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out[k++] = (uint8_t)(w >> 16);
        if (s[i + 2] != '=')
            out[k++] = (uint8_t)(w >> 8);
        if (s[i + 3] != '=')
            out[k++] = (uint8_t)w;
    }
    *out_len = k;
    return out;
}

char *pb_b64_encode(const uint8_t *p, size_t n) {
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t w = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        *o++ = al[w >> 18];
        *o++ = al[(w >> 12) & 63];
        *o++ = i + 1 < n ? al[(w >> 6) & 63] : '=';
        *o++ = i + 2 < n ? al[w & 63] : '=';
    }
    *o = '\0';
    return out;
}
