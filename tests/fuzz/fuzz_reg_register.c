/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for registration and lookup: the input is a schema text (the first byte picks
 * normalize and a reference to an existing subject), registered, looked up and checked for
 * compatibility in a registry holding a few schemas (the real Avro language, memory store).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "registry/reg_registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void seed(reg_registry_t *reg) {
    static const char *const texts[] = {
        "{\"type\":\"record\",\"name\":\"A\",\"namespace\":\"n\",\"fields\":[{\"name\":\"x\","
        "\"type\":\"int\"}]}",
        "{\"type\":\"enum\",\"name\":\"E\",\"namespace\":\"n\",\"symbols\":[\"P\",\"Q\"]}"};
    for (size_t i = 0; i < 2; i++) {
        reg_schema_req_t req;
        int32_t id;
        reg_schema_req_init(&req);
        req.schema = texts[i];
        req.schema_len = strlen(texts[i]);
        reg_register(reg, REG_NAME(i ? "e" : "a"), &req, &id, NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cn_log_t quiet = {CN_LOG_OFF, 2, "fuzz"};
    reg_store_t *st;
    reg_ref_t ref = {"n.A", "a", -1};
    reg_options_t o;
    reg_registry_t *reg;
    reg_schema_req_t req;
    reg_version_t *v;
    bool ok;
    int32_t id;
    if (size < 1)
        return 0;
    st = reg_store_mem_new();
    reg_options_defaults(&o);
    o.store = st;
    o.lang = reg_lang_compat();
    o.log = &quiet;
    reg = reg_new(&o, NULL);
    reg_replay(reg, NULL);
    seed(reg);
    reg_schema_req_init(&req);
    req.schema = (const char *)data + 1;
    req.schema_len = size - 1;
    req.normalize = data[0] & 1;
    if (data[0] & 2) {
        req.refs = &ref;
        req.nrefs = 1;
    }
    reg_register(reg, REG_NAME("a"), &req, &id, NULL);
    reg_register(reg, REG_NAME("fresh"), &req, &id, NULL);
    reg_rdlock(reg);
    reg_lookup(reg, REG_NAME("a"), &req, true, &v, NULL);
    reg_unlock(reg);
    reg_check_compat(reg, REG_NAME("a"), -1, &req, true, &ok, NULL, NULL);
    reg_free(reg);
    reg_store_free(st);
    return 0;
}
