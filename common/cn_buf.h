/* SPDX-License-Identifier: Apache-2.0
 *
 * Bytes in and out. cn_buf_t is a growable byte buffer with a hard size limit set at init (every
 * buffer filled from the network has one); cn_rd_t is a bounds-checked read cursor over borrowed
 * bytes. Both speak big-endian integers (Kafka and the Confluent wire format), unsigned varints
 * (LEB128) and zigzag varints (Kafka records, Avro).
 *
 * Readers never read past the end: a read that does not fit sets rd->err and returns a zero
 * value, and every later read fails too, so a codec may read a whole structure and check once
 * (cn_rd_ok) at the end, the way librdkafka's buffer reader jumps to err_parse.
 */
#ifndef CN_BUF_H
#define CN_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_err.h"

typedef struct cn_buf {
    uint8_t *data; /* owned; NULL until the first write */
    size_t len;
    size_t cap;
    size_t limit; /* writes that would grow past this fail with CN_ERR_TOO_LARGE */
    bool failed;  /* a write failed (limit or memory); sticky */
} cn_buf_t;

#define CN_BUF_NO_LIMIT SIZE_MAX

void cn_buf_init(cn_buf_t *buf, size_t limit);
void cn_buf_fini(cn_buf_t *buf);
void cn_buf_reset(cn_buf_t *buf);
/** @brief Make room for n more bytes. @returns CN_OK, CN_ERR_TOO_LARGE or CN_ERR_NO_MEMORY. */
cn_err_t cn_buf_reserve(cn_buf_t *buf, size_t n);
/** @brief Take the bytes out of the buffer: the caller owns them (free()); buf is reset. */
uint8_t *cn_buf_steal(cn_buf_t *buf, size_t *len_out);
/** @brief Zero-terminated text view; appends a NUL outside len. NULL on failure. */
const char *cn_buf_cstr(cn_buf_t *buf);

/* Writers return CN_OK or the sticky failure. */
cn_err_t cn_buf_put(cn_buf_t *buf, const void *src, size_t n);
cn_err_t cn_buf_put_str(cn_buf_t *buf, const char *s);
cn_err_t cn_buf_printf(cn_buf_t *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
cn_err_t cn_buf_put_u8(cn_buf_t *buf, uint8_t v);
cn_err_t cn_buf_put_be16(cn_buf_t *buf, uint16_t v);
cn_err_t cn_buf_put_be32(cn_buf_t *buf, uint32_t v);
cn_err_t cn_buf_put_be64(cn_buf_t *buf, uint64_t v);
cn_err_t cn_buf_put_uvarint(cn_buf_t *buf, uint64_t v);
cn_err_t cn_buf_put_varint(cn_buf_t *buf, int64_t v); /* zigzag */
/** @brief Overwrite bytes already written (for length and CRC fields filled in later). */
void cn_buf_patch_be32(cn_buf_t *buf, size_t at, uint32_t v);

/* Encoding into raw memory (no bounds: the caller sized it). */
void cn_be16_put(uint8_t *p, uint16_t v);
void cn_be32_put(uint8_t *p, uint32_t v);
void cn_be64_put(uint8_t *p, uint64_t v);
uint16_t cn_be16_get(const uint8_t *p);
uint32_t cn_be32_get(const uint8_t *p);
uint64_t cn_be64_get(const uint8_t *p);
/** @brief Bytes an unsigned varint of v takes (1..10). */
size_t cn_uvarint_size(uint64_t v);
uint64_t cn_zigzag_encode(int64_t v);
int64_t cn_zigzag_decode(uint64_t v);

typedef struct cn_rd {
    const uint8_t *p; /* borrowed */
    size_t len;
    size_t pos;
    bool err; /* a read ran past the end or a varint was malformed; sticky */
} cn_rd_t;

void cn_rd_init(cn_rd_t *rd, const void *data, size_t len);
static inline bool cn_rd_ok(const cn_rd_t *rd) {
    return !rd->err;
}
static inline size_t cn_rd_left(const cn_rd_t *rd) {
    return rd->err ? 0 : rd->len - rd->pos;
}
/** @brief Borrow n bytes at the cursor and advance; NULL (and err) when fewer are left. */
const uint8_t *cn_rd_take(cn_rd_t *rd, size_t n);
bool cn_rd_skip(cn_rd_t *rd, size_t n);
uint8_t cn_rd_u8(cn_rd_t *rd);
uint16_t cn_rd_be16(cn_rd_t *rd);
uint32_t cn_rd_be32(cn_rd_t *rd);
uint64_t cn_rd_be64(cn_rd_t *rd);
/** @brief Unsigned LEB128 varint of at most 10 bytes (64 bits); longer or overflowing ones fail. */
uint64_t cn_rd_uvarint(cn_rd_t *rd);
/** @brief Zigzag varint (64-bit). */
int64_t cn_rd_varint(cn_rd_t *rd);
/** @brief Zigzag varint that must fit int32 (Kafka's varint); out of range fails. */
int32_t cn_rd_varint32(cn_rd_t *rd);

#endif
