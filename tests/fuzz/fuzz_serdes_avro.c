/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for the serdes decode path: the input's first byte picks a writer schema and
 * whether to read it with itself or through an evolution plan; the rest is a framed payload
 * (Confluent prefix, then Avro binary). The frame is parsed, the payload decoded into an avro-c
 * generic value and written back as JSON. Every step must fail cleanly or succeed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "serdes/serdes_api_int.h"
#include "serdes/serdes_avro_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const WRITERS[] = {
    "{\"type\":\"record\",\"name\":\"W\",\"fields\":[{\"name\":\"a\",\"type\":\"long\"},"
    "{\"name\":\"s\",\"type\":\"string\"},{\"name\":\"u\",\"type\":[\"null\",\"int\","
    "{\"type\":\"array\",\"items\":\"W\"}]},{\"name\":\"m\",\"type\":{\"type\":\"map\","
    "\"values\":\"bytes\"}},{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\","
    "\"symbols\":[\"X\",\"Y\"]}},{\"name\":\"f\",\"type\":{\"type\":\"fixed\",\"name\":\"F\","
    "\"size\":4}},{\"name\":\"d\",\"type\":\"double\"},{\"name\":\"b\",\"type\":\"boolean\"}]}",
    "\"bytes\"",
    "{\"type\":\"array\",\"items\":{\"type\":\"map\",\"values\":[\"null\",\"float\"]}}",
};
static const char *const READERS[] = {
    "{\"type\":\"record\",\"name\":\"W\",\"fields\":[{\"name\":\"a\",\"type\":\"double\"},"
    "{\"name\":\"u\",\"type\":[\"null\",\"long\",{\"type\":\"array\",\"items\":\"W\"}]},"
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"],"
    "\"default\":\"X\"}},{\"name\":\"z\",\"type\":\"string\",\"default\":\"z\"}]}",
    "\"string\"",
    "{\"type\":\"array\",\"items\":{\"type\":\"map\",\"values\":[\"double\",\"null\"]}}",
};

static void *compile(const char *text) {
    void *impl = NULL;
    serdes_err_t err;
    return serdes_avro_compile(text, strlen(text), &impl, &err) == CN_OK ? impl : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    serdes_avro_schema_t *w, *r;
    serdes_avro_plan_t *plan = NULL;
    serdes_err_t err;
    avro_value_t v = {0};
    const uint8_t *payload;
    size_t plen, k;
    int32_t id;
    json_t *j = NULL;
    if (size < 1)
        return 0;
    k = data[0] % 3;
    w = compile(WRITERS[k]);
    r = (data[0] & 0x80) ? compile(READERS[k]) : w;
    if (w && r && serdes_avro_plan_new(w, r, &plan, &err) == CN_OK &&
        serdes_frame_parse(data + 1, size - 1, &id, &payload, &plen, &err) == CN_OK &&
        avro_generic_value_new(r->iface, &v) == 0 &&
        serdes_avro_decode(plan, payload, plen, &v, &err) == CN_OK &&
        serdes_avro_to_json(&v, &j, &err) == CN_OK)
        json_decref(j);
    if (v.iface)
        avro_value_decref(&v);
    serdes_avro_plan_free(plan);
    if (r != w)
        serdes_avro_release(r);
    serdes_avro_release(w);
    return 0;
}
