/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for the registry's `_schemas` reader: the input is a sequence of records
 * separated by 0xFF bytes, each "key 0x00 value" (no 0x00: a key with a null value). They are
 * appended to a memory store after one valid SCHEMA record, replayed into a fresh registry (the
 * real Avro language), and then a registration must still work or fail cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "registry/reg_registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put(reg_store_t *st, const uint8_t *p, size_t len) {
    const uint8_t *nul = memchr(p, 0, len);
    reg_rec_t r = {p, (int32_t)(nul ? (size_t)(nul - p) : len), NULL, -1, 0, 0};
    if (nul) {
        r.value = nul + 1;
        r.value_len = (int32_t)(len - (size_t)(nul - p) - 1);
    }
    reg_store_append(st, &r, 1, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char key[] =
        "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}";
    static const char val[] =
        "{\"subject\":\"s\",\"version\":1,\"id\":1,\"schema\":\"\\\"int\\\"\"}";
    cn_log_t quiet = {CN_LOG_OFF, 2, "fuzz"};
    reg_store_t *st = reg_store_mem_new();
    reg_rec_t first = {(const uint8_t *)key,
                       (int32_t)strlen(key),
                       (const uint8_t *)val,
                       (int32_t)strlen(val),
                       0,
                       0};
    reg_options_t o;
    reg_registry_t *reg;
    reg_schema_req_t req;
    int32_t id;
    size_t at = 0;
    reg_store_append(st, &first, 1, NULL, NULL);
    while (at < size) {
        const uint8_t *sep = memchr(data + at, 0xff, size - at);
        size_t len = sep ? (size_t)(sep - (data + at)) : size - at;
        put(st, data + at, len);
        at += len + 1;
    }
    reg_options_defaults(&o);
    o.store = st;
    o.lang = reg_lang_compat();
    o.log = &quiet;
    reg = reg_new(&o, NULL);
    reg_replay(reg, NULL);
    reg_schema_req_init(&req);
    req.schema = "\"long\"";
    req.schema_len = 6;
    reg_register(reg, REG_NAME("s"), &req, &id, NULL);
    reg_register(reg, REG_NAME("other"), &req, &id, NULL);
    reg_free(reg);
    reg_store_free(st);
    return 0;
}
