/* SPDX-License-Identifier: Apache-2.0
 *
 * MD5 (RFC 1321), for the registry's schema identity digest (Confluent hashes the canonical text
 * and references with MD5: MD5.java and the schema lookup of KafkaSchemaRegistry.java in
 * confluentinc/schema-registry). Not for security.
 */
#ifndef CN_MD5_H
#define CN_MD5_H

#include <stddef.h>
#include <stdint.h>

typedef struct cn_md5 {
    uint32_t state[4];
    uint64_t bytes; /* total length so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} cn_md5_t;

void cn_md5_init(cn_md5_t *md);
void cn_md5_update(cn_md5_t *md, const void *data, size_t len);
void cn_md5_final(cn_md5_t *md, uint8_t out[16]);
/** @brief One-shot digest. */
void cn_md5(const void *data, size_t len, uint8_t out[16]);
/** @brief Lower-case hex of a digest into out (33 bytes with the NUL). */
void cn_md5_hex(const uint8_t digest[16], char out[33]);

#endif
