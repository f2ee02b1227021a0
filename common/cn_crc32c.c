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
#include <wmmintrin.h>
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
/* Long buffers: three interleaved streams of CRC_BLK bytes (the crc32 instruction has a
 * latency of 3 cycles and a throughput of 1), joined by shifting the first two CRCs over the
 * bytes that follow them: a carry-less multiply by x^(8n-33) mod P (bit-reflected), folded back
 * to 32 bits by the crc32 instruction, appends n zero bytes (Intel, "Fast CRC Computation for
 * iSCSI Polynomial Using CRC32 Instruction", 2011). */
#define CRC_BLK        1024
#define CRC_SHIFT_1BLK 0x170076faull /* x^(8*1024-33) mod P */
#define CRC_SHIFT_2BLK 0xa51b6135ull /* x^(8*2048-33) mod P */

__attribute__((target("sse4.2,pclmul"))) static uint64_t crc_shift(uint64_t c, uint64_t k) {
    __m128i v =
        _mm_clmulepi64_si128(_mm_cvtsi64_si128((long long)c), _mm_cvtsi64_si128((long long)k), 0);
    return _mm_crc32_u64(0, (uint64_t)_mm_cvtsi128_si64(v));
}

__attribute__((target("sse4.2,pclmul"))) static uint64_t crc_3way(uint64_t c, const uint8_t **pp,
                                                                  size_t *lenp) {
    const uint8_t *p = *pp;
    size_t len = *lenp;
    while (len >= 3 * CRC_BLK) {
        uint64_t c1 = 0, c2 = 0;
        for (size_t i = 0; i < CRC_BLK; i += 8) {
            uint64_t a, b, d;
            memcpy(&a, p + i, 8);
            memcpy(&b, p + CRC_BLK + i, 8);
            memcpy(&d, p + 2 * CRC_BLK + i, 8);
            c = _mm_crc32_u64(c, a);
            c1 = _mm_crc32_u64(c1, b);
            c2 = _mm_crc32_u64(c2, d);
        }
        c = crc_shift(c, CRC_SHIFT_2BLK) ^ crc_shift(c1, CRC_SHIFT_1BLK) ^ c2;
        p += 3 * CRC_BLK;
        len -= 3 * CRC_BLK;
    }
    *pp = p;
    *lenp = len;
    return c;
}

__attribute__((target("sse4.2"))) uint32_t cn_crc32c_hw(uint32_t crc, const void *data,
                                                        size_t len) {
    const uint8_t *p = data;
    uint64_t c = (uint32_t)~crc;
    if (len >= 3 * CRC_BLK && __builtin_cpu_supports("pclmul"))
        c = crc_3way(c, &p, &len);
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
