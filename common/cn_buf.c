/* SPDX-License-Identifier: Apache-2.0
 *
 * The growable byte buffer (cn_buf_t) and the bounds-checked read cursor (cn_rd_t): big-endian
 * integers, LEB128 varints and zigzag. Owns only the bytes of each cn_buf_t.
 */
#include "common/cn_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cn_buf_init(cn_buf_t *buf, size_t limit) {
    memset(buf, 0, sizeof(*buf));
    buf->limit = limit;
}

void cn_buf_fini(cn_buf_t *buf) {
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

void cn_buf_reset(cn_buf_t *buf) {
    buf->len = 0;
    buf->failed = false;
}

cn_err_t cn_buf_reserve(cn_buf_t *buf, size_t n) {
    size_t cap;
    uint8_t *data;
    if (buf->failed)
        return CN_ERR_TOO_LARGE;
    if (n > buf->limit || buf->len > buf->limit - n) {
        buf->failed = true;
        return CN_ERR_TOO_LARGE;
    }
    if (buf->cap - buf->len >= n + 1) /* keep a spare byte for cn_buf_cstr */
        return CN_OK;
    cap = buf->cap ? buf->cap : 64;
    while (cap - buf->len < n + 1)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    data = realloc(buf->data, cap);
    if (!data) {
        buf->failed = true;
        return CN_ERR_NO_MEMORY;
    }
    buf->data = data;
    buf->cap = cap;
    return CN_OK;
}

uint8_t *cn_buf_steal(cn_buf_t *buf, size_t *len_out) {
    uint8_t *data = buf->data;
    if (len_out)
        *len_out = buf->len;
    buf->data = NULL;
    buf->len = buf->cap = 0;
    buf->failed = false;
    return data;
}

const char *cn_buf_cstr(cn_buf_t *buf) {
    if (cn_buf_reserve(buf, 0) != CN_OK)
        return NULL;
    buf->data[buf->len] = '\0';
    return (const char *)buf->data;
}

cn_err_t cn_buf_put(cn_buf_t *buf, const void *src, size_t n) {
    cn_err_t rc = cn_buf_reserve(buf, n);
    if (rc != CN_OK)
        return rc;
    if (n)
        memcpy(buf->data + buf->len, src, n);
    buf->len += n;
    return CN_OK;
}

cn_err_t cn_buf_put_str(cn_buf_t *buf, const char *s) {
    return cn_buf_put(buf, s, strlen(s));
}

cn_err_t cn_buf_printf(cn_buf_t *buf, const char *fmt, ...) {
    va_list ap;
    int n;
    cn_err_t rc;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return CN_ERR_INVALID_ARGUMENT;
    rc = cn_buf_reserve(buf, (size_t)n);
    if (rc != CN_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf((char *)buf->data + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
    return CN_OK;
}

cn_err_t cn_buf_put_u8(cn_buf_t *buf, uint8_t v) {
    return cn_buf_put(buf, &v, 1);
}

cn_err_t cn_buf_put_be16(cn_buf_t *buf, uint16_t v) {
    uint8_t b[2];
    cn_be16_put(b, v);
    return cn_buf_put(buf, b, sizeof(b));
}

cn_err_t cn_buf_put_be32(cn_buf_t *buf, uint32_t v) {
    uint8_t b[4];
    cn_be32_put(b, v);
    return cn_buf_put(buf, b, sizeof(b));
}

cn_err_t cn_buf_put_be64(cn_buf_t *buf, uint64_t v) {
    uint8_t b[8];
    cn_be64_put(b, v);
    return cn_buf_put(buf, b, sizeof(b));
}

cn_err_t cn_buf_put_uvarint(cn_buf_t *buf, uint64_t v) {
    uint8_t b[10];
    size_t n = 0;
    while (v >= 0x80) {
        b[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b[n++] = (uint8_t)v;
    return cn_buf_put(buf, b, n);
}

cn_err_t cn_buf_put_varint(cn_buf_t *buf, int64_t v) {
    return cn_buf_put_uvarint(buf, cn_zigzag_encode(v));
}

void cn_buf_patch_be32(cn_buf_t *buf, size_t at, uint32_t v) {
    if (at <= buf->len && buf->len - at >= 4)
        cn_be32_put(buf->data + at, v);
}

void cn_be16_put(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

void cn_be32_put(uint8_t *p, uint32_t v) {
    cn_be16_put(p, (uint16_t)(v >> 16));
    cn_be16_put(p + 2, (uint16_t)v);
}

void cn_be64_put(uint8_t *p, uint64_t v) {
    cn_be32_put(p, (uint32_t)(v >> 32));
    cn_be32_put(p + 4, (uint32_t)v);
}

uint16_t cn_be16_get(const uint8_t *p) {
    return (uint16_t)((p[0] << 8) | p[1]);
}

uint32_t cn_be32_get(const uint8_t *p) {
    return ((uint32_t)cn_be16_get(p) << 16) | cn_be16_get(p + 2);
}

uint64_t cn_be64_get(const uint8_t *p) {
    return ((uint64_t)cn_be32_get(p) << 32) | cn_be32_get(p + 4);
}

size_t cn_uvarint_size(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

uint64_t cn_zigzag_encode(int64_t v) {
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

int64_t cn_zigzag_decode(uint64_t v) {
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

void cn_rd_init(cn_rd_t *rd, const void *data, size_t len) {
    rd->p = data;
    rd->len = data ? len : 0;
    rd->pos = 0;
    rd->err = false;
}

const uint8_t *cn_rd_take(cn_rd_t *rd, size_t n) {
    const uint8_t *at;
    if (rd->err || rd->len - rd->pos < n) {
        rd->err = true;
        return NULL;
    }
    at = rd->p + rd->pos;
    rd->pos += n;
    return at;
}

bool cn_rd_skip(cn_rd_t *rd, size_t n) {
    return cn_rd_take(rd, n) != NULL || n == 0;
}

uint8_t cn_rd_u8(cn_rd_t *rd) {
    const uint8_t *p = cn_rd_take(rd, 1);
    return p ? p[0] : 0;
}

uint16_t cn_rd_be16(cn_rd_t *rd) {
    const uint8_t *p = cn_rd_take(rd, 2);
    return p ? cn_be16_get(p) : 0;
}

uint32_t cn_rd_be32(cn_rd_t *rd) {
    const uint8_t *p = cn_rd_take(rd, 4);
    return p ? cn_be32_get(p) : 0;
}

uint64_t cn_rd_be64(cn_rd_t *rd) {
    const uint8_t *p = cn_rd_take(rd, 8);
    return p ? cn_be64_get(p) : 0;
}

uint64_t cn_rd_uvarint(cn_rd_t *rd) {
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        const uint8_t *p = cn_rd_take(rd, 1);
        if (!p)
            return 0;
        if (shift == 63 && *p > 1) /* the 10th byte may carry only the top bit */
            break;
        v |= (uint64_t)(*p & 0x7f) << shift;
        if (!(*p & 0x80))
            return v;
    }
    rd->err = true;
    return 0;
}

int64_t cn_rd_varint(cn_rd_t *rd) {
    return cn_zigzag_decode(cn_rd_uvarint(rd));
}

int32_t cn_rd_varint32(cn_rd_t *rd) {
    int64_t v = cn_rd_varint(rd);
    if (v < INT32_MIN || v > INT32_MAX) {
        rd->err = true;
        return 0;
    }
    return (int32_t)v;
}
