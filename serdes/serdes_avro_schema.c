/* SPDX-License-Identifier: Apache-2.0
 *
 * Compiling an Avro schema text for the serdes: avro-c's schema and generic value class, the
 * JSON tree with an index of named types by full name (for defaults, aliases and enum defaults,
 * which avro-c drops), the top-level record name for the subject strategies, and the Avro entry
 * of the format table. Defaults, docs and properties may hold U+0000 (avro-c never sees them).
 * Owns serdes_avro_schema_t.
 */
#include "serdes/serdes_avro_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "serdes/serdes_json_int.h"
#include "serdes/serdes_protobuf_int.h"

#define SERDES_AVRO_SCHEMA_MAX (16u << 20)

static const char *serdes_avro_record_name(const void *impl) {
    return ((const serdes_avro_schema_t *)impl)->full_name;
}

static const serdes_format_t serdes_avro_fmt = {
    CAIRN_FORMAT_AVRO,
    "AVRO",
    serdes_avro_compile,
    serdes_avro_release,
    serdes_avro_record_name,
    NULL,
    NULL,
};

const serdes_format_t *serdes_avro_format(void) {
    return &serdes_avro_fmt;
}

const serdes_format_t *serdes_format_get(cairn_format_t format) {
    if (format == CAIRN_FORMAT_JSON)
        return serdes_json_format();
    if (format == CAIRN_FORMAT_PROTOBUF)
        return serdes_protobuf_format();
    return format == CAIRN_FORMAT_AVRO ? &serdes_avro_fmt : NULL;
}

void serdes_avro_full_name(avro_schema_t s, char *out, size_t cap) {
    const char *ns = avro_schema_namespace(s);
    const char *name = avro_schema_name(s);
    if (ns && *ns)
        snprintf(out, cap, "%s.%s", ns, name ? name : "");
    else
        snprintf(out, cap, "%s", name ? name : "");
}

const char *serdes_json_text(const json_t *v) {
    const char *s = json_string_value(v);
    return s && strlen(s) == json_string_length(v) ? s : NULL;
}

json_t *serdes_avro_named_json(const serdes_avro_schema_t *sch, const char *full_name) {
    return cn_map_sget(sch->named, full_name);
}

/* ---- the index of named types ---- */

static cn_err_t serdes_avro_index(serdes_avro_schema_t *sch, json_t *j, const char *ns, int depth,
                                  serdes_err_t *err);

static void serdes_avro_def_name(json_t *j, const char *ns, char *full, size_t cap, char *child_ns,
                                 size_t ncap) {
    const char *name = json_string_value(json_object_get(j, "name"));
    const char *own = json_string_value(json_object_get(j, "namespace"));
    const char *dot;
    if (strchr(name, '.'))
        snprintf(full, cap, "%s", name);
    else if (own)
        snprintf(full, cap, "%s%s%s", own, *own ? "." : "", name);
    else
        snprintf(full, cap, "%s%s%s", ns ? ns : "", ns && *ns ? "." : "", name);
    dot = strrchr(full, '.');
    snprintf(child_ns, ncap, "%.*s", dot ? (int)(dot - full) : 0, full);
}

static cn_err_t serdes_avro_index_def(serdes_avro_schema_t *sch, json_t *j, const char *ns,
                                      int depth, serdes_err_t *err) {
    char full[1024], child_ns[1024];
    json_t *fields = json_object_get(j, "fields");
    size_t i;
    json_t *f;
    if (!json_is_string(json_object_get(j, "name")))
        return serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "named type without a name");
    serdes_avro_def_name(j, ns, full, sizeof(full), child_ns, sizeof(child_ns));
    if (cn_map_sput(sch->named, full, j) != CN_OK)
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    json_array_foreach(fields, i, f) {
        cn_err_t rc = serdes_avro_index(sch, json_object_get(f, "type"), child_ns, depth + 1, err);
        if (rc != CN_OK)
            return rc;
    }
    return CN_OK;
}

static cn_err_t serdes_avro_index(serdes_avro_schema_t *sch, json_t *j, const char *ns, int depth,
                                  serdes_err_t *err) {
    const char *type;
    size_t i;
    json_t *b;
    if (depth > SERDES_AVRO_MAX_DEPTH)
        return serdes_err_set(err, CN_ERR_TOO_DEEP, "schema nesting deeper than %d",
                              SERDES_AVRO_MAX_DEPTH);
    if (json_is_array(j)) {
        json_array_foreach(j, i, b) {
            cn_err_t rc = serdes_avro_index(sch, b, ns, depth + 1, err);
            if (rc != CN_OK)
                return rc;
        }
        return CN_OK;
    }
    if (!json_is_object(j))
        return CN_OK;
    type = json_string_value(json_object_get(j, "type"));
    if (!type)
        return serdes_avro_index(sch, json_object_get(j, "type"), ns, depth + 1, err);
    if (strcmp(type, "record") == 0 || strcmp(type, "error") == 0 || strcmp(type, "enum") == 0 ||
        strcmp(type, "fixed") == 0)
        return serdes_avro_index_def(sch, j, ns, depth, err);
    if (strcmp(type, "array") == 0)
        return serdes_avro_index(sch, json_object_get(j, "items"), ns, depth + 1, err);
    if (strcmp(type, "map") == 0)
        return serdes_avro_index(sch, json_object_get(j, "values"), ns, depth + 1, err);
    return CN_OK;
}

/* ---- U+0000 ---- */

static bool serdes_avro_has_nul(const json_t *j, int depth) {
    const char *k;
    json_t *v;
    size_t i;
    if (json_is_string(j))
        return strlen(json_string_value(j)) != json_string_length(j);
    if (depth > SERDES_AVRO_MAX_DEPTH)
        return false;
    json_object_foreach((json_t *)j, k, v) if (serdes_avro_has_nul(v, depth + 1)) return true;
    json_array_foreach(j, i, v) if (serdes_avro_has_nul(v, depth + 1)) return true;
    return false;
}

static bool serdes_avro_structural(const char *k) {
    static const char *const keys[] = {"type",   "name",    "namespace", "fields",  "items",
                                       "values", "symbols", "size",      "aliases", NULL};
    for (size_t i = 0; keys[i]; i++)
        if (strcmp(k, keys[i]) == 0)
            return true;
    return false;
}

/* Drop, in place, the members that hold U+0000 outside the structure (defaults, docs,
 * properties: avro-c ignores them, we read them from sch->json). A name holding one stays, and
 * avro-c refuses it. */
static void serdes_avro_drop_nul(json_t *j, int depth) {
    const char *k;
    json_t *v;
    void *tmp;
    size_t i;
    if (depth > SERDES_AVRO_MAX_DEPTH)
        return;
    json_object_foreach_safe(j, tmp, k, v) {
        if (!serdes_avro_structural(k) && serdes_avro_has_nul(v, depth + 1))
            json_object_del(j, k);
        else
            serdes_avro_drop_nul(v, depth + 1);
    }
    json_array_foreach(j, i, v) serdes_avro_drop_nul(v, depth + 1);
}

/* avro-c reads schema text with Jansson without JSON_ALLOW_NUL: a "\u0000" default (which
 * Confluent accepts) would fail there. It gets the text without those members instead. */
static int serdes_avro_c_parse(const json_t *doc, const char *text, size_t len,
                               avro_schema_t *out) {
    json_t *copy;
    char *stripped;
    int rc;
    if (!serdes_avro_has_nul(doc, 0))
        return avro_schema_from_json_length(text, len, out);
    copy = json_deep_copy(doc);
    if (copy)
        serdes_avro_drop_nul(copy, 0);
    stripped = copy ? json_dumps(copy, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(copy);
    rc = stripped ? avro_schema_from_json_length(stripped, strlen(stripped), out) : -1;
    free(stripped);
    return rc;
}

/* ---- compile ---- */

static cn_err_t serdes_avro_parse(serdes_avro_schema_t *sch, const char *text, size_t len,
                                  serdes_err_t *err) {
    json_error_t jerr;
    sch->json = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!sch->json)
        return serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "schema is not JSON: %s (line %d)",
                              jerr.text, jerr.line);
    if (json_is_string(sch->json)) {
        /* avro-c cannot parse a bare "type" (AVRO-1691): give it {"type": ...}. */
        char *wrapped;
        json_t *obj = json_pack("{sO}", "type", sch->json);
        int rc;
        wrapped = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
        json_decref(obj);
        rc = wrapped ? avro_schema_from_json_length(wrapped, strlen(wrapped), &sch->schema) : -1;
        free(wrapped);
        if (rc != 0)
            return serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "invalid Avro schema: %s",
                                  avro_strerror());
        return CN_OK;
    }
    if (serdes_avro_c_parse(sch->json, text, len, &sch->schema) != 0)
        return serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "invalid Avro schema: %s",
                              avro_strerror());
    return CN_OK;
}

cn_err_t serdes_avro_compile(const char *text, size_t len, void **impl, serdes_err_t *err) {
    serdes_avro_schema_t *sch;
    cn_err_t rc;
    if (len > SERDES_AVRO_SCHEMA_MAX)
        return serdes_err_set(err, CN_ERR_TOO_LARGE, "schema larger than %u bytes",
                              SERDES_AVRO_SCHEMA_MAX);
    if (!(sch = calloc(1, sizeof(*sch))) || !(sch->named = cn_map_new(NULL))) {
        free(sch);
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    rc = serdes_avro_parse(sch, text, len, err);
    if (rc == CN_OK)
        rc = serdes_avro_index(sch, sch->json, "", 0, err);
    if (rc == CN_OK && !(sch->iface = avro_generic_class_from_schema(sch->schema)))
        rc = serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "avro-c: %s", avro_strerror());
    if (rc == CN_OK) {
        avro_type_t t = avro_typeof(sch->schema);
        char full[1024];
        sch->raw_bytes = t == AVRO_BYTES;
        if (t == AVRO_RECORD || t == AVRO_ENUM || t == AVRO_FIXED) {
            serdes_avro_full_name(sch->schema, full, sizeof(full));
            sch->full_name = strdup(full);
        }
        *impl = sch;
        return CN_OK;
    }
    serdes_avro_release(sch);
    return rc;
}

void serdes_avro_release(void *impl) {
    serdes_avro_schema_t *sch = impl;
    if (!sch)
        return;
    if (sch->iface)
        avro_value_iface_decref(sch->iface);
    if (sch->schema)
        avro_schema_decref(sch->schema);
    json_decref(sch->json);
    cn_map_free(sch->named);
    free(sch->full_name);
    free(sch);
}
