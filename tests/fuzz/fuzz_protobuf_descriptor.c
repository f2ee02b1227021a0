/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for the FileDescriptorProto decoder (`make fuzz`): the input bytes are a
 * serialized descriptor, sent base64-encoded as a client would; the schema either fails with an
 * error or parses, prints and serializes again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/compat_protobuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *b64(const uint8_t *p, size_t n) {
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
    for (size_t i = 0; out && i < n; i += 3) {
        uint32_t w = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        *o++ = al[w >> 18];
        *o++ = al[(w >> 12) & 63];
        *o++ = i + 1 < n ? al[(w >> 6) & 63] : '=';
        *o++ = i + 2 < n ? al[w & 63] : '=';
    }
    if (out)
        *o = '\0';
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = b64(data, size);
    compat_pb_schema_t *s = NULL;
    cn_error_t err;
    if (text && compat_pb_parse(text, strlen(text), NULL, 0, &s, &err) == CN_OK) {
        char *ser = compat_pb_serialized(s, &err);
        compat_pb_schema_t *t = NULL;
        if (ser && compat_pb_parse(ser, strlen(ser), NULL, 0, &t, &err) == CN_OK)
            compat_pb_schema_free(t);
        free(ser);
        compat_pb_schema_free(s);
    }
    free(text);
    return 0;
}
