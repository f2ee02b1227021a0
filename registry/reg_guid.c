/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema GUIDs (Confluent Platform 8.x, "schema GUIDs" / header-based schema ids in
 * docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html):
 * the MD5 digest of a schema's text, references, metadata and ruleSet, written as a UUID (the 16
 * digest bytes in order, no version bits). The bytes hashed follow Confluent's Schema.updateHash
 * (confluentinc/schema-registry, client entities Schema, SchemaReference, Metadata, RuleSet,
 * Rule): the UTF-8 text; each reference's name, subject and version (int32 big-endian); for a
 * present metadata a byte 1 then its tags (sorted keys, each key then its sorted values),
 * properties (sorted keys, key then value) and sorted sensitive names; for a present ruleSet a
 * byte 1 then its migration, domain and encoding rules, each rule's name, doc, kind, mode, type,
 * sorted tags, params (sorted keys, key then value), expr, onSuccess, onFailure, and a byte 1 when
 * disabled. Sets drop duplicates (Java's TreeSet). Keys sort by bytes (Java sorts by UTF-16 code
 * units: the orders differ only between U+E000..U+FFFF and supplementary characters).
 * Computed from the stored content, so a replay gives the same GUIDs.
 */
#include "registry/reg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_md5.h"
#include "common/cn_text.h"

/* The digest being built; oom is set when a sort buffer could not be allocated (the digest is
 * then incomplete). */
typedef struct guid_md {
    cn_md5_t md;
    bool oom;
} guid_md_t;

static void put_str(guid_md_t *md, const char *s) {
    if (s)
        cn_md5_update(&md->md, s, strlen(s));
}

static void put_json_str(guid_md_t *md, const json_t *j) {
    if (json_is_string(j))
        cn_md5_update(&md->md, json_string_value(j), json_string_length(j));
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The strings of a JSON array (or the keys of an object), sorted; malloc'ed, borrowed strings. */
static const char **sorted_strings(guid_md_t *md, const json_t *j, size_t *n) {
    size_t cap = json_is_array(j) ? json_array_size(j) : json_object_size(j), i = 0;
    const char **v = malloc((cap ? cap : 1) * sizeof(*v));
    const char *key;
    json_t *val;
    size_t k;
    *n = 0;
    if (!v) {
        md->oom = true;
        return NULL;
    }
    if (json_is_array(j)) {
        json_array_foreach(j, k, val) {
            if (json_is_string(val))
                v[i++] = json_string_value(val);
        }
    } else if (json_is_object(j)) {
        json_object_foreach((json_t *)j, key, val) {
            v[i++] = key;
        }
    }
    qsort(v, i, sizeof(*v), cmp_str);
    *n = i;
    return v;
}

/* A sorted set of strings (an array), duplicates once. */
static void put_set(guid_md_t *md, const json_t *arr) {
    size_t n = 0;
    const char **v = sorted_strings(md, arr, &n);
    for (size_t i = 0; v && i < n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            put_str(md, v[i]);
    free(v);
}

/* A sorted map: each key, then its value (a string, or with sets, a set of strings). */
static void put_map(guid_md_t *md, const json_t *obj, bool sets) {
    size_t n = 0;
    const char **keys = sorted_strings(md, obj, &n);
    for (size_t i = 0; keys && i < n; i++) {
        const json_t *val = json_object_get(obj, keys[i]);
        put_str(md, keys[i]);
        if (sets)
            put_set(md, val);
        else
            put_json_str(md, val);
    }
    free(keys);
}

static void put_metadata(guid_md_t *md, const json_t *m) {
    uint8_t one = 1;
    cn_md5_update(&md->md, &one, 1);
    put_map(md, json_object_get(m, "tags"), true);
    put_map(md, json_object_get(m, "properties"), false);
    put_set(md, json_object_get(m, "sensitive"));
}

static void put_rule(guid_md_t *md, const json_t *r) {
    static const char *const head[] = {"name", "doc", "kind", "mode", "type"};
    static const char *const tail[] = {"expr", "onSuccess", "onFailure"};
    uint8_t one = 1;
    for (size_t i = 0; i < sizeof(head) / sizeof(*head); i++)
        put_json_str(md, json_object_get(r, head[i]));
    put_set(md, json_object_get(r, "tags"));
    put_map(md, json_object_get(r, "params"), false);
    for (size_t i = 0; i < sizeof(tail) / sizeof(*tail); i++)
        put_json_str(md, json_object_get(r, tail[i]));
    if (json_is_true(json_object_get(r, "disabled")))
        cn_md5_update(&md->md, &one, 1);
}

static void put_ruleset(guid_md_t *md, const json_t *rs) {
    static const char *const lists[] = {"migrationRules", "domainRules", "encodingRules"};
    uint8_t one = 1;
    size_t i;
    json_t *r;
    cn_md5_update(&md->md, &one, 1);
    for (size_t l = 0; l < sizeof(lists) / sizeof(*lists); l++)
        json_array_foreach(json_object_get(rs, lists[l]), i, r) put_rule(md, r);
}

static bool present(const json_t *j) {
    return j && !json_is_null(j);
}

bool reg_guid_compute(const char *text, const reg_ref_t *refs, size_t nrefs, const json_t *metadata,
                      const json_t *ruleset, uint8_t out[16]) {
    guid_md_t md = {.oom = false};
    cn_md5_init(&md.md);
    put_str(&md, text);
    for (size_t i = 0; i < nrefs; i++) {
        uint32_t v = (uint32_t)refs[i].version;
        uint8_t be[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
        put_str(&md, refs[i].name);
        put_str(&md, refs[i].subject);
        cn_md5_update(&md.md, be, sizeof(be));
    }
    if (present(metadata))
        put_metadata(&md, metadata);
    if (present(ruleset))
        put_ruleset(&md, ruleset);
    cn_md5_final(&md.md, out);
    return !md.oom;
}

void reg_guid_format(const uint8_t guid[16], char out[REG_GUID_LEN + 1]) {
    cn_guid_format(guid, out);
}

bool reg_guid_parse(const char *s, uint8_t out[16]) {
    return cn_guid_parse(s, strlen(s), out);
}

reg_schema_t *reg_schema_by_guid(reg_registry_t *reg, const uint8_t guid[16]) {
    reg_schema_t *sch[1];
    return reg_schemas_by_guid(reg, guid, sch, 1) ? sch[0] : NULL;
}

size_t reg_schemas_by_guid(reg_registry_t *reg, const uint8_t guid[16], reg_schema_t **out,
                           size_t cap) {
    size_t nctx = 0, n = 0;
    const char **names = reg_contexts(reg, &nctx);
    for (size_t i = 0; names && i < nctx && n < cap; i++) {
        reg_ctx_t *c = cn_map_sget(reg->ctxs, names[i]);
        reg_schema_t *sch = c ? cn_map_get(c->guids, guid, 16) : NULL;
        if (sch)
            out[n++] = sch;
    }
    free(names);
    return n;
}

const char *reg_schema_ctx_name(const reg_schema_t *sch) {
    return sch->ctx->name;
}
