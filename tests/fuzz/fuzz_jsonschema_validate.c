/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for the JSON Schema validator (`make fuzz`): the input is a schema and an
 * instance separated by a NUL byte (without one, the schema validates itself); the first byte's
 * low bit asks for format assertions. Any pair must end (regex and depth bounds) with a verdict,
 * and a rejection must come with a message.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compat/jsonschema/compat_jsonschema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    bool fmt = data[0] & 1;
    const char *text = (const char *)data + 1;
    size--;
    const char *nul = memchr(text, '\0', size);
    size_t slen = nul ? (size_t)(nul - text) : size;
    json_t *schema = json_loadb(text, slen, JSON_DECODE_ANY, NULL);
    json_t *inst =
        nul ? json_loadb(nul + 1, size - slen - 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL)
            : json_incref(schema);
    compat_js_opts_t o = {.format_assert = fmt};
    compat_js_schema_t *s = schema ? compat_js_schema_load(schema, &o, NULL) : NULL;
    if (s && inst) {
        cn_buf_t msg;
        cn_buf_init(&msg, 1u << 16);
        if (!compat_js_validate(s, inst, &msg))
            assert(msg.len > 0);
        cn_buf_fini(&msg);
    }
    compat_js_schema_free(s);
    json_decref(schema);
    json_decref(inst);
    return 0;
}
