/* SPDX-License-Identifier: Apache-2.0
 *
 * Kafka protocol primitives: the request arena, the flexible-aware reader and writer (strings,
 * bytes, arrays, tagged fields) and the request/response headers (Kafka protocol guide,
 * kafka.apache.org/protocol.html#protocol_types and #protocol_messages; tagged fields and compact
 * types: KIP-482).
 */
#include "broker/kafka/kp.h"

#include <stdlib.h>
#include <string.h>

struct kp_chunk {
    kp_chunk_t *next;
    max_align_t align[];
};

void kp_arena_init(kp_arena_t *a) {
    a->head = NULL;
    a->total = 0;
}

void kp_arena_fini(kp_arena_t *a) {
    kp_chunk_t *c = a->head;
    while (c) {
        kp_chunk_t *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

void *kp_arena_calloc(kp_arena_t *a, size_t n, size_t size) {
    kp_chunk_t *c;
    size_t bytes;
    if (size && n > KP_ARENA_MAX / size)
        return NULL;
    bytes = n * size;
    if (bytes > KP_ARENA_MAX - a->total)
        return NULL;
    c = calloc(1, sizeof(*c) + bytes + 1);
    if (!c)
        return NULL;
    c->next = a->head;
    a->head = c;
    a->total += bytes;
    return c->align;
}

char *kp_arena_strndup(kp_arena_t *a, const char *s, size_t len) {
    char *d = kp_arena_calloc(a, len + 1, 1);
    if (d && len)
        memcpy(d, s, len);
    return d;
}

/* ---- reader ---- */

void kp_rd_init(kp_rd_t *r, const void *data, size_t len, bool flex, kp_arena_t *arena) {
    cn_rd_init(&r->rd, data, len);
    r->flex = flex;
    r->arena = arena;
}

void kp_rfail(kp_rd_t *r) {
    r->rd.err = true;
}

int8_t kp_r8(kp_rd_t *r) {
    return (int8_t)cn_rd_u8(&r->rd);
}

int16_t kp_r16(kp_rd_t *r) {
    return (int16_t)cn_rd_be16(&r->rd);
}

int32_t kp_r32(kp_rd_t *r) {
    return (int32_t)cn_rd_be32(&r->rd);
}

int64_t kp_r64(kp_rd_t *r) {
    return (int64_t)cn_rd_be64(&r->rd);
}

bool kp_rbool(kp_rd_t *r) {
    return cn_rd_u8(&r->rd) != 0;
}

/* A length field: -1 null, other negatives fail; flexible ones are varint N+1. */
static int64_t read_len(kp_rd_t *r, bool wide) {
    int64_t n;
    if (r->flex) {
        uint64_t u = cn_rd_uvarint(&r->rd);
        if (u > (uint64_t)INT32_MAX) {
            kp_rfail(r);
            return -1;
        }
        n = (int64_t)u - 1;
    } else {
        n = wide ? (int64_t)kp_r32(r) : (int64_t)kp_r16(r);
    }
    if (n < -1)
        kp_rfail(r);
    return n;
}

kp_str_t kp_rstr(kp_rd_t *r) {
    kp_str_t s = {NULL, -1};
    int64_t n = read_len(r, false);
    if (n < 0 || !cn_rd_ok(&r->rd))
        return s;
    s.p = (const char *)cn_rd_take(&r->rd, (size_t)n);
    s.len = s.p ? (int32_t)n : -1;
    return s;
}

kp_bytes_t kp_rbytes(kp_rd_t *r) {
    kp_bytes_t b = {NULL, -1};
    int64_t n = read_len(r, true);
    if (n < 0 || !cn_rd_ok(&r->rd))
        return b;
    b.p = cn_rd_take(&r->rd, (size_t)n);
    b.len = b.p ? (int32_t)n : -1;
    return b;
}

int32_t kp_rarray(kp_rd_t *r, size_t min_elem) {
    int64_t n = read_len(r, true);
    if (!cn_rd_ok(&r->rd))
        return 0;
    if (n < 0)
        return -1;
    if (n > KP_MAX_ARRAY || (min_elem && (size_t)n > cn_rd_left(&r->rd) / min_elem)) {
        kp_rfail(r);
        return 0;
    }
    return (int32_t)n;
}

void *kp_ralloc(kp_rd_t *r, int32_t n, size_t size) {
    void *p;
    if (!cn_rd_ok(&r->rd) || n <= 0)
        return NULL;
    p = kp_arena_calloc(r->arena, (size_t)n, size);
    if (!p)
        kp_rfail(r);
    return p;
}

void kp_rtags(kp_rd_t *r) {
    uint64_t n, i;
    if (!r->flex)
        return;
    n = cn_rd_uvarint(&r->rd);
    for (i = 0; i < n && cn_rd_ok(&r->rd); i++) {
        uint64_t size;
        (void)cn_rd_uvarint(&r->rd); /* tag */
        size = cn_rd_uvarint(&r->rd);
        if (size > cn_rd_left(&r->rd))
            kp_rfail(r);
        else
            cn_rd_skip(&r->rd, (size_t)size);
    }
}

int32_t *kp_rarray_i32(kp_rd_t *r, int32_t *count) {
    int32_t n = kp_rarray(r, 4), i;
    int32_t *v = kp_ralloc(r, n, sizeof(int32_t));
    *count = cn_rd_ok(&r->rd) ? n : 0;
    for (i = 0; v && i < n; i++)
        v[i] = kp_r32(r);
    return v;
}

cn_err_t kp_rdone(kp_rd_t *r, cn_error_t *err, const char *what) {
    if (cn_rd_ok(&r->rd))
        return CN_OK;
    return cn_error_set(err, CN_ERR_PARSE, "malformed %s request", what);
}

/* ---- writer ---- */

void kp_w8(kp_wr_t *w, int8_t v) {
    cn_buf_put_u8(w->b, (uint8_t)v);
}

void kp_w16(kp_wr_t *w, int16_t v) {
    cn_buf_put_be16(w->b, (uint16_t)v);
}

void kp_w32(kp_wr_t *w, int32_t v) {
    cn_buf_put_be32(w->b, (uint32_t)v);
}

void kp_w64(kp_wr_t *w, int64_t v) {
    cn_buf_put_be64(w->b, (uint64_t)v);
}

void kp_wbool(kp_wr_t *w, bool v) {
    cn_buf_put_u8(w->b, v ? 1 : 0);
}

static void write_len(kp_wr_t *w, int32_t n, bool wide) {
    if (w->flex)
        cn_buf_put_uvarint(w->b, (uint64_t)((int64_t)n + 1));
    else if (wide)
        kp_w32(w, n);
    else
        kp_w16(w, (int16_t)n);
}

void kp_wstrn(kp_wr_t *w, const char *s, int32_t len) {
    if (!s || len < 0) {
        write_len(w, -1, false);
        return;
    }
    if (len > INT16_MAX) {
        w->b->failed = true;
        return;
    }
    write_len(w, len, false);
    cn_buf_put(w->b, s, (size_t)len);
}

void kp_wstr(kp_wr_t *w, kp_str_t s) {
    kp_wstrn(w, s.p, s.p ? s.len : -1);
}

void kp_wcstr(kp_wr_t *w, const char *s) {
    kp_wstrn(w, s, s ? (int32_t)strlen(s) : -1);
}

void kp_wbytes(kp_wr_t *w, const void *p, int32_t len) {
    if (len < 0) {
        write_len(w, -1, true);
        return;
    }
    write_len(w, len, true);
    cn_buf_put(w->b, p, (size_t)len);
}

void kp_warray(kp_wr_t *w, int32_t n) {
    write_len(w, n < 0 ? -1 : n, true);
}

void kp_wtags(kp_wr_t *w) {
    if (w->flex)
        cn_buf_put_u8(w->b, 0);
}

cn_err_t kp_wdone(kp_wr_t *w) {
    return w->b->failed ? CN_ERR_TOO_LARGE : CN_OK;
}

kp_str_t kp_str_c(const char *s) {
    kp_str_t r = {s, s ? (int32_t)strlen(s) : -1};
    return r;
}

bool kp_str_eq(kp_str_t s, const char *c) {
    size_t n;
    if (!s.p || s.len < 0 || !c)
        return !c && (!s.p || s.len < 0);
    n = strlen(c);
    return (size_t)s.len == n && memcmp(s.p, c, n) == 0;
}

bool kp_str_copy(kp_str_t s, char *out, size_t cap) {
    if (!s.p || s.len < 0 || (size_t)s.len >= cap)
        return false;
    memcpy(out, s.p, (size_t)s.len);
    out[s.len] = '\0';
    return true;
}

/* ---- headers ---- */

cn_err_t kp_req_hdr_decode_prefix(cn_rd_t *rd, kp_req_hdr_t *h, cn_error_t *err) {
    h->api_key = (int16_t)cn_rd_be16(rd);
    h->api_version = (int16_t)cn_rd_be16(rd);
    h->correlation_id = (int32_t)cn_rd_be32(rd);
    h->client_id.p = NULL;
    h->client_id.len = -1;
    if (!cn_rd_ok(rd))
        return cn_error_set(err, CN_ERR_PARSE, "truncated request header");
    return CN_OK;
}

cn_err_t kp_req_hdr_decode_rest(cn_rd_t *rd, bool flex, kp_req_hdr_t *h, cn_error_t *err) {
    kp_rd_t r;
    r.rd = *rd;
    r.flex = false; /* client_id is always an int16 string */
    r.arena = NULL;
    h->client_id = kp_rstr(&r);
    r.flex = flex;
    kp_rtags(&r);
    *rd = r.rd;
    if (!cn_rd_ok(rd))
        return cn_error_set(err, CN_ERR_PARSE, "malformed request header");
    return CN_OK;
}

void kp_req_hdr_encode(cn_buf_t *b, const kp_req_hdr_t *h, bool flex) {
    kp_wr_t w = {b, false};
    kp_w16(&w, h->api_key);
    kp_w16(&w, h->api_version);
    kp_w32(&w, h->correlation_id);
    kp_wstr(&w, h->client_id);
    w.flex = flex;
    kp_wtags(&w);
}

void kp_resp_hdr_encode(cn_buf_t *b, int32_t correlation_id, bool flex) {
    kp_wr_t w = {b, flex};
    kp_w32(&w, correlation_id);
    kp_wtags(&w);
}
