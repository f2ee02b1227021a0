/* SPDX-License-Identifier: Apache-2.0
 *
 * CRC-32C (Castagnoli), the checksum of Kafka RecordBatch v2. Uses the SSE4.2 crc32 instruction
 * when the CPU has it and slicing-by-8 tables otherwise; both give the same result
 * ("123456789" -> 0xE3069283).
 *
 * Convention as zlib's crc32(): pass 0 to start, pass the previous result to continue; the
 * pre- and post-inversion are done inside.
 */
#ifndef CN_CRC32C_H
#define CN_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint32_t cn_crc32c(uint32_t crc, const void *data, size_t len);
/** @brief The table implementation, always available (tests compare both). */
uint32_t cn_crc32c_sw(uint32_t crc, const void *data, size_t len);
/** @brief The hardware implementation; only call when cn_crc32c_hw_available(). */
uint32_t cn_crc32c_hw(uint32_t crc, const void *data, size_t len);
bool cn_crc32c_hw_available(void);

#endif
