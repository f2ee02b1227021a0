/* SPDX-License-Identifier: Apache-2.0
 *
 * MD5 as RFC 1321 specifies it: 64-byte blocks, four rounds of sixteen steps, little-endian
 * words, length padding. Owns nothing beyond the caller's cn_md5_t.
 */
#include "common/cn_md5.h"

#include <string.h>

/* Per-step shift amounts and sine-derived constants (RFC 1321 §3.4). */
static const uint8_t md5_shift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                      5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                      4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                      6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

static uint32_t rotl(uint32_t x, unsigned n) {
    return (x << n) | (x >> (32 - n));
}

static void md5_block(uint32_t st[4], const uint8_t *p) {
    uint32_t m[16], a = st[0], b = st[1], c = st[2], d = st[3];
    for (int i = 0; i < 16; i++)
        m[i] = (uint32_t)p[i * 4] | (uint32_t)p[i * 4 + 1] << 8 | (uint32_t)p[i * 4 + 2] << 16 |
               (uint32_t)p[i * 4 + 3] << 24;
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) {
            f = (b & c) | (~b & d);
            g = i;
        } else if (i < 32) {
            f = (d & b) | (~d & c);
            g = (5 * i + 1) & 15;
        } else if (i < 48) {
            f = b ^ c ^ d;
            g = (3 * i + 5) & 15;
        } else {
            f = c ^ (b | ~d);
            g = (7 * i) & 15;
        }
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rotl(a + f + md5_k[i] + m[g], md5_shift[i]);
        a = t;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
}

void cn_md5_init(cn_md5_t *md) {
    md->state[0] = 0x67452301;
    md->state[1] = 0xefcdab89;
    md->state[2] = 0x98badcfe;
    md->state[3] = 0x10325476;
    md->bytes = 0;
    md->used = 0;
}

void cn_md5_update(cn_md5_t *md, const void *data, size_t len) {
    const uint8_t *p = data;
    md->bytes += len;
    while (len > 0) {
        size_t n = 64 - md->used < len ? 64 - md->used : len;
        memcpy(md->block + md->used, p, n);
        md->used += n;
        p += n;
        len -= n;
        if (md->used == 64) {
            md5_block(md->state, md->block);
            md->used = 0;
        }
    }
}

void cn_md5_final(cn_md5_t *md, uint8_t out[16]) {
    uint64_t bits = md->bytes * 8;
    uint8_t pad[72] = {0x80};
    size_t padlen = md->used < 56 ? 56 - md->used : 120 - md->used;
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (8 * i));
    cn_md5_update(md, pad, padlen);
    cn_md5_update(md, len, 8);
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++)
            out[i * 4 + k] = (uint8_t)(md->state[i] >> (8 * k));
}

void cn_md5(const void *data, size_t len, uint8_t out[16]) {
    cn_md5_t md;
    cn_md5_init(&md);
    cn_md5_update(&md, data, len);
    cn_md5_final(&md, out);
}

void cn_md5_hex(const uint8_t digest[16], char out[33]) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        out[i * 2] = hex[digest[i] >> 4];
        out[i * 2 + 1] = hex[digest[i] & 15];
    }
    out[32] = 0;
}
