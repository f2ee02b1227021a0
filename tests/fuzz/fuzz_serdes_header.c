/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for schema ids in record headers (Confluent 8.x): the input's first byte is
 * the length of a header value, the rest after it a GUID text. The header value goes through
 * serdes_header_parse and cairn_header_read (which must agree), the text through
 * serdes_guid_parse, and a parsed GUID must format back to the same 16 bytes. Every step must
 * fail cleanly or succeed; nothing reads past the input.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "serdes/serdes_api_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_header(const uint8_t *v, size_t len) {
    uint8_t g1[CAIRN_GUID_SIZE], g2[CAIRN_GUID_SIZE];
    int32_t id1 = 0, id2 = 0;
    bool guid1 = false, guid2 = false;
    serdes_err_t err = {0};
    cairn_error_t cerr;
    cn_err_t rc = serdes_header_parse(v, len, &id1, &guid1, g1, &err);
    cairn_err_t crc = cairn_header_read(v, len, &id2, &guid2, g2, &cerr);
    assert((rc == CN_OK) == (crc == CAIRN_OK));
    if (rc == CN_OK) {
        assert(guid1 == guid2 && id1 == id2);
        assert(guid1 ? id1 == -1 && memcmp(g1, g2, CAIRN_GUID_SIZE) == 0 : id1 >= 0);
    }
}

static void check_text(const uint8_t *t, size_t len) {
    uint8_t g[CAIRN_GUID_SIZE], back[CAIRN_GUID_SIZE];
    char text[37];
    if (!serdes_guid_parse((const char *)t, len, g))
        return;
    serdes_guid_format(g, text);
    assert(strlen(text) == 36);
    assert(serdes_guid_parse(text, 36, back) && memcmp(g, back, CAIRN_GUID_SIZE) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t hlen;
    if (size < 1)
        return 0;
    hlen = data[0] < size - 1 ? data[0] : size - 1;
    check_header(data + 1, hlen);
    check_text(data + 1 + hlen, size - 1 - hlen);
    return 0;
}
