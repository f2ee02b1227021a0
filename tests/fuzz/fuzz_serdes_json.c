/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for the serdes JSON Schema decode path: the input's first byte picks a
 * writer schema (recursive "$ref", patterns, combinators, formats); the rest is a framed payload
 * (Confluent prefix, then JSON text). The frame is parsed, the payload parsed with the size and
 * depth bounds, validated, compacted as cairn_deserialize_json returns it (which must parse to
 * an equal value) and dumped. Every step must fail cleanly or succeed.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serdes/serdes_api_int.h"
#include "serdes/serdes_json_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const WRITERS[] = {
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$defs\":{\"n\":{\"type\":"
    "\"object\",\"properties\":{\"v\":{\"type\":\"integer\",\"multipleOf\":3},\"next\":{\"$ref\":"
    "\"#/$defs/n\"}},\"unevaluatedProperties\":false}},\"$ref\":\"#/$defs/n\"}",
    "{\"type\":\"object\",\"patternProperties\":{\"^(a+)+$\":{\"type\":\"string\",\"pattern\":"
    "\"^[a-z]{1,8}(\\\\d+)?$\"}},\"propertyNames\":{\"maxLength\":8},\"minProperties\":1}",
    "{\"$schema\":\"http://json-schema.org/draft-04/schema#\",\"type\":\"array\",\"items\":"
    "{\"anyOf\":[{\"type\":\"number\",\"maximum\":10,\"exclusiveMaximum\":true},{\"oneOf\":["
    "{\"type\":\"string\",\"format\":\"date-time\"},{\"enum\":[null,true,[1]]}]}]},"
    "\"uniqueItems\":true}",
};
#define NW (sizeof(WRITERS) / sizeof(WRITERS[0]))

static serdes_json_schema_t *g_schemas[NW];

static void init(void) {
    for (size_t i = 0; i < NW; i++) {
        serdes_err_t err;
        void *impl = NULL;
        if (serdes_json_format()->compile(WRITERS[i], strlen(WRITERS[i]), &impl, &err) != CN_OK)
            abort();
        g_schemas[i] = impl;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const serdes_settings_t s = {.json_validate = true};
    const uint8_t *payload;
    serdes_err_t err;
    json_t *v = NULL, *again = NULL;
    char *compact, *dump;
    size_t plen;
    int32_t id;
    if (!g_schemas[0])
        init();
    if (size < 1 || serdes_frame_parse(data + 1, size - 1, &id, &payload, &plen, &err) != CN_OK ||
        serdes_json_parse((const char *)payload, plen, CN_ERR_SERDES_PAYLOAD, &v, &err) != CN_OK)
        return 0;
    (void)serdes_json_check(&s, g_schemas[data[0] % NW], v, CN_ERR_SERDES_PAYLOAD, &err);
    if ((compact = malloc(plen + 1)) != NULL) {
        serdes_json_compact((const char *)payload, plen, compact);
        if (serdes_json_parse(compact, strlen(compact), CN_ERR_SERDES_PAYLOAD, &again, &err) !=
                CN_OK ||
            !json_equal(v, again))
            abort(); /* compaction changed the value */
        json_decref(again);
        free(compact);
    }
    dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    free(dump);
    json_decref(v);
    return 0;
}
