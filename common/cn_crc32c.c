/* SPDX-License-Identifier: Apache-2.0
 *
 * CRC-32C: slicing-by-8 in portable C, and the SSE4.2 instruction on x86-64, chosen per call by
 * a CPU feature test (libgcc caches the CPUID result). Owns no state.
 */
#include "common/cn_crc32c.h"

#include <string.h>

#include "common/cn_crc32c_table.h"

#if defined(__x86_64__)
#include <nmmintrin.h>
#define CN_CRC32C_HAVE_HW 1
#endif

uint32_t cn_crc32c_sw(uint32_t crc, const void *data, size_t len) {
    const uint8_t *p = data;
    crc = ~crc;
    while (len >= 8) {
        uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                             (uint32_t)p[3] << 24);
        crc = cn_crc32c_tab[7][lo & 0xff] ^ cn_crc32c_tab[6][(lo >> 8) & 0xff] ^
              cn_crc32c_tab[5][(lo >> 16) & 0xff] ^ cn_crc32c_tab[4][lo >> 24] ^
              cn_crc32c_tab[3][p[4]] ^ cn_crc32c_tab[2][p[5]] ^ cn_crc32c_tab[1][p[6]] ^
              cn_crc32c_tab[0][p[7]];
        p += 8;
        len -= 8;
    }
    while (len--)
        crc = cn_crc32c_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

#ifdef CN_CRC32C_HAVE_HW
__attribute__((target("sse4.2"))) uint32_t cn_crc32c_hw(uint32_t crc, const void *data,
                                                        size_t len) {
    const uint8_t *p = data;
    uint64_t c = (uint32_t)~crc;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = _mm_crc32_u64(c, w);
        p += 8;
        len -= 8;
    }
    while (len--)
        c = _mm_crc32_u8((uint32_t)c, *p++);
    return ~(uint32_t)c;
}

bool cn_crc32c_hw_available(void) {
    return __builtin_cpu_supports("sse4.2");
}
#else
uint32_t cn_crc32c_hw(uint32_t crc, const void *data, size_t len) {
    return cn_crc32c_sw(crc, data, len);
}

bool cn_crc32c_hw_available(void) {
    return false;
}
#endif

uint32_t cn_crc32c(uint32_t crc, const void *data, size_t len) {
    if (cn_crc32c_hw_available())
        return cn_crc32c_hw(crc, data, len);
    return cn_crc32c_sw(crc, data, len);
}
