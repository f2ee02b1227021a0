/* SPDX-License-Identifier: Apache-2.0
 *
 * The Avro JSON encoding both ways for the serdes (what Confluent's console tools read and
 * print): unions as null or {"branch": value}, bytes and fixed as strings of code points 0-255,
 * record fields missing from the input filled from their defaults (also used for reader-only
 * fields during resolution, with the rules of default values). Owns no state.
 */
#include "serdes/serdes_avro_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"

/* ---- JSON -> value ---- */

static avro_schema_t serdes_deref(avro_schema_t s) {
    while (s && avro_typeof(s) == AVRO_LINK)
        s = avro_schema_link_target(s);
    return s;
}

static void serdes_branch_name(avro_schema_t b, char *out, size_t cap) {
    b = serdes_deref(b);
    switch (avro_typeof(b)) {
    case AVRO_RECORD:
    case AVRO_ENUM:
    case AVRO_FIXED:
        serdes_avro_full_name(b, out, cap);
        return;
    default:
        snprintf(out, cap, "%s", avro_schema_type_name(b));
    }
}

typedef struct serdes_json_ctx {
    const serdes_avro_schema_t *sch;
    serdes_err_t *err;
    int depth;
} serdes_json_ctx_t;

static cn_err_t serdes_from_json(serdes_json_ctx_t *c, avro_schema_t s, json_t *j, avro_value_t *v,
                                 bool dflt, const char *path);

static cn_err_t serdes_json_bad(serdes_json_ctx_t *c, const char *path, const char *what) {
    return serdes_err_set(c->err, CN_ERR_PARSE, "at %s: expected %s", *path ? path : "/", what);
}

/* A JSON string whose code points are all <= 255 -> the bytes (Avro JSON for bytes/fixed). */
static cn_err_t serdes_latin1(json_t *j, cn_buf_t *out) {
    const unsigned char *p = (const unsigned char *)json_string_value(j);
    size_t n = json_string_length(j);
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x80) {
            cn_buf_put_u8(out, p[i]);
        } else if ((p[i] & 0xE0) == 0xC0 && i + 1 < n && p[i] <= 0xC3) {
            cn_buf_put_u8(out, (uint8_t)(((p[i] & 0x1F) << 6) | (p[i + 1] & 0x3F)));
            i++;
        } else {
            return CN_ERR_PARSE;
        }
    }
    return out->failed ? CN_ERR_NO_MEMORY : CN_OK;
}

static cn_err_t serdes_field_default(serdes_json_ctx_t *c, avro_schema_t rec, const char *field,
                                     json_t **out) {
    char full[1024];
    json_t *def, *fields, *f;
    size_t i;
    serdes_avro_full_name(rec, full, sizeof(full));
    def = serdes_avro_named_json(c->sch, full);
    fields = def ? json_object_get(def, "fields") : NULL;
    json_array_foreach(fields, i, f) {
        const char *name = json_string_value(json_object_get(f, "name"));
        if (name && strcmp(name, field) == 0 && (*out = json_object_get(f, "default")) != NULL)
            return CN_OK;
    }
    return CN_ERR_NOT_FOUND;
}

static cn_err_t serdes_json_record(serdes_json_ctx_t *c, avro_schema_t s, json_t *j,
                                   avro_value_t *v, const char *path) {
    size_t n = avro_schema_record_size(s);
    char sub[512];
    if (!json_is_object(j))
        return serdes_json_bad(c, path, "an object (record)");
    for (size_t i = 0; i < n; i++) {
        const char *name = avro_schema_record_field_name(s, (int)i);
        avro_schema_t fs = avro_schema_record_field_get_by_index(s, (int)i);
        json_t *fj = json_object_get(j, name);
        bool dflt = false;
        avro_value_t child;
        cn_err_t rc;
        snprintf(sub, sizeof(sub), "%s/%s", path, name);
        if (!fj) {
            if (serdes_field_default(c, s, name, &fj) != CN_OK)
                return serdes_err_set(c->err, CN_ERR_PARSE, "at %s: missing field %s", path, name);
            dflt = true;
        }
        if (avro_value_get_by_index(v, i, &child, NULL) != 0)
            return serdes_err_set(c->err, CN_ERR_INTERNAL, "avro-c: %s", avro_strerror());
        if ((rc = serdes_from_json(c, fs, fj, &child, dflt, sub)) != CN_OK)
            return rc;
    }
    return CN_OK;
}

static int serdes_union_pick(avro_schema_t s, json_t *j, json_t **inner) {
    size_t n = avro_schema_union_size(s);
    const char *key;
    json_t *val;
    char name[1024];
    for (size_t i = 0; json_is_null(j) && i < n; i++)
        if (avro_typeof(avro_schema_union_branch(s, (int)i)) == AVRO_NULL) {
            *inner = j;
            return (int)i;
        }
    if (!json_is_object(j) || json_object_size(j) != 1)
        return -1;
    json_object_foreach(j, key, val) {
        for (size_t i = 0; i < n; i++) {
            avro_schema_t b = serdes_deref(avro_schema_union_branch(s, (int)i));
            const char *simple = avro_schema_name(b);
            serdes_branch_name(b, name, sizeof(name));
            if (strcmp(name, key) == 0 ||
                ((avro_typeof(b) == AVRO_RECORD || avro_typeof(b) == AVRO_ENUM ||
                  avro_typeof(b) == AVRO_FIXED) &&
                 simple && strcmp(simple, key) == 0)) {
                *inner = val;
                return (int)i;
            }
        }
    }
    return -1;
}

static cn_err_t serdes_json_union(serdes_json_ctx_t *c, avro_schema_t s, json_t *j, avro_value_t *v,
                                  bool dflt, const char *path) {
    json_t *inner = j;
    int idx = dflt ? 0 : serdes_union_pick(s, j, &inner);
    avro_value_t branch;
    if (idx < 0)
        return serdes_json_bad(c, path, "null or {\"<branch type>\": value} for a union");
    if (avro_value_set_branch(v, idx, &branch) != 0)
        return serdes_err_set(c->err, CN_ERR_INTERNAL, "avro-c: %s", avro_strerror());
    return serdes_from_json(c, avro_schema_union_branch(s, idx), inner, &branch, dflt, path);
}

static cn_err_t serdes_json_items(serdes_json_ctx_t *c, avro_schema_t s, json_t *j, avro_value_t *v,
                                  bool dflt, const char *path) {
    bool is_map = avro_typeof(s) == AVRO_MAP;
    avro_schema_t item = is_map ? avro_schema_map_values(s) : avro_schema_array_items(s);
    const char *key;
    json_t *val;
    size_t i;
    avro_value_t child;
    cn_err_t rc = CN_OK;
    if (is_map ? !json_is_object(j) : !json_is_array(j))
        return serdes_json_bad(c, path, is_map ? "an object (map)" : "an array");
    if (is_map) {
        json_object_foreach(j, key, val) {
            if (avro_value_add(v, key, &child, NULL, NULL) != 0)
                return serdes_err_set(c->err, CN_ERR_INTERNAL, "avro-c: %s", avro_strerror());
            if ((rc = serdes_from_json(c, item, val, &child, dflt, path)) != CN_OK)
                return rc;
        }
        return CN_OK;
    }
    json_array_foreach(j, i, val) {
        if (avro_value_append(v, &child, NULL) != 0)
            return serdes_err_set(c->err, CN_ERR_INTERNAL, "avro-c: %s", avro_strerror());
        if ((rc = serdes_from_json(c, item, val, &child, dflt, path)) != CN_OK)
            return rc;
    }
    return CN_OK;
}

static cn_err_t serdes_json_binary(serdes_json_ctx_t *c, avro_schema_t s, json_t *j,
                                   avro_value_t *v, const char *path) {
    cn_buf_t b;
    cn_err_t rc;
    int arc;
    if (!json_is_string(j))
        return serdes_json_bad(c, path, "a string of code points 0-255 (bytes)");
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    rc = serdes_latin1(j, &b);
    if (rc == CN_OK && avro_typeof(s) == AVRO_FIXED &&
        (int64_t)b.len != avro_schema_fixed_size(s)) {
        cn_buf_fini(&b);
        return serdes_json_bad(c, path, "a string of exactly the fixed size");
    }
    if (rc != CN_OK) {
        cn_buf_fini(&b);
        return serdes_json_bad(c, path, "a string of code points 0-255 (bytes)");
    }
    arc = avro_typeof(s) == AVRO_FIXED
              ? avro_value_set_fixed(v, b.data ? b.data : (void *)"", b.len)
              : avro_value_set_bytes(v, b.data ? b.data : (void *)"", b.len);
    cn_buf_fini(&b);
    return arc == 0 ? CN_OK
                    : serdes_err_set(c->err, CN_ERR_INTERNAL, "avro-c: %s", avro_strerror());
}

static cn_err_t serdes_json_scalar(serdes_json_ctx_t *c, avro_schema_t s, json_t *j,
                                   avro_value_t *v, const char *path) {
    switch (avro_typeof(s)) {
    case AVRO_NULL:
        return json_is_null(j) ? CN_OK : serdes_json_bad(c, path, "null");
    case AVRO_BOOLEAN:
        return json_is_boolean(j) ? (avro_value_set_boolean(v, json_is_true(j)), CN_OK)
                                  : serdes_json_bad(c, path, "true or false");
    case AVRO_INT32:
        if (!json_is_integer(j) || json_integer_value(j) < INT32_MIN ||
            json_integer_value(j) > INT32_MAX)
            return serdes_json_bad(c, path, "a 32-bit integer");
        avro_value_set_int(v, (int32_t)json_integer_value(j));
        return CN_OK;
    case AVRO_INT64:
        if (!json_is_integer(j))
            return serdes_json_bad(c, path, "an integer");
        avro_value_set_long(v, json_integer_value(j));
        return CN_OK;
    case AVRO_FLOAT:
        if (!json_is_number(j))
            return serdes_json_bad(c, path, "a number");
        avro_value_set_float(v, (float)json_number_value(j));
        return CN_OK;
    case AVRO_DOUBLE:
        if (!json_is_number(j))
            return serdes_json_bad(c, path, "a number");
        avro_value_set_double(v, json_number_value(j));
        return CN_OK;
    case AVRO_STRING:
        if (!json_is_string(j))
            return serdes_json_bad(c, path, "a string");
        avro_value_set_string_len(v, json_string_value(j), json_string_length(j) + 1);
        return CN_OK;
    case AVRO_ENUM: {
        int idx = serdes_json_text(j) ? avro_schema_enum_get_by_name(s, serdes_json_text(j)) : -1;
        if (idx < 0)
            return serdes_json_bad(c, path, "a symbol of the enum");
        avro_value_set_enum(v, idx);
        return CN_OK;
    }
    default:
        return serdes_json_binary(c, s, j, v, path);
    }
}

static cn_err_t serdes_from_json(serdes_json_ctx_t *c, avro_schema_t s, json_t *j, avro_value_t *v,
                                 bool dflt, const char *path) {
    cn_err_t rc;
    s = serdes_deref(s);
    if (++c->depth > SERDES_AVRO_MAX_DEPTH)
        return serdes_err_set(c->err, CN_ERR_TOO_DEEP, "at %s: nesting deeper than %d", path,
                              SERDES_AVRO_MAX_DEPTH);
    switch (avro_typeof(s)) {
    case AVRO_RECORD:
        rc = serdes_json_record(c, s, j, v, path);
        break;
    case AVRO_UNION:
        rc = serdes_json_union(c, s, j, v, dflt, path);
        break;
    case AVRO_ARRAY:
    case AVRO_MAP:
        rc = serdes_json_items(c, s, j, v, dflt, path);
        break;
    default:
        rc = serdes_json_scalar(c, s, j, v, path);
    }
    c->depth--;
    return rc;
}

cn_err_t serdes_avro_from_json(const serdes_avro_schema_t *sch, avro_schema_t s, json_t *j,
                               avro_value_t *value, bool as_default, serdes_err_t *err) {
    serdes_json_ctx_t c = {sch, err, 0};
    return serdes_from_json(&c, s, j, value, as_default, "");
}

/* ---- value -> JSON ---- */

static json_t *serdes_latin1_json(const uint8_t *p, size_t n) {
    cn_buf_t b;
    json_t *j;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x80) {
            cn_buf_put_u8(&b, p[i]);
        } else {
            cn_buf_put_u8(&b, (uint8_t)(0xC0 | (p[i] >> 6)));
            cn_buf_put_u8(&b, (uint8_t)(0x80 | (p[i] & 0x3F)));
        }
    }
    j = b.failed ? NULL : json_stringn(b.data ? (const char *)b.data : "", b.len);
    cn_buf_fini(&b);
    return j;
}

static json_t *serdes_real(double d) {
    if (isnan(d))
        return json_string("NaN");
    if (isinf(d))
        return json_string(d > 0 ? "Infinity" : "-Infinity");
    return json_real(d);
}

static json_t *serdes_to_json(avro_value_t *v, int depth);

static json_t *serdes_to_json_container(avro_value_t *v, avro_type_t t, int depth) {
    size_t n = 0;
    json_t *out = t == AVRO_ARRAY ? json_array() : json_object();
    avro_value_get_size(v, &n);
    for (size_t i = 0; out && i < n; i++) {
        avro_value_t child;
        const char *name = NULL;
        json_t *cj;
        if (avro_value_get_by_index(v, i, &child, &name) != 0 ||
            !(cj = serdes_to_json(&child, depth + 1))) {
            json_decref(out);
            return NULL;
        }
        if (t == AVRO_ARRAY)
            json_array_append_new(out, cj);
        else
            json_object_set_new(out, name, cj);
    }
    return out;
}

static json_t *serdes_to_json_union(avro_value_t *v, int depth) {
    int disc = -1;
    avro_value_t branch;
    char name[1024];
    json_t *inner;
    avro_schema_t bs;
    if (avro_value_get_discriminant(v, &disc) != 0 || disc < 0 ||
        avro_value_get_current_branch(v, &branch) != 0)
        return NULL;
    bs = serdes_deref(avro_schema_union_branch(avro_value_get_schema(v), disc));
    if (avro_typeof(bs) == AVRO_NULL)
        return json_null();
    if (!(inner = serdes_to_json(&branch, depth + 1)))
        return NULL;
    serdes_branch_name(bs, name, sizeof(name));
    return json_pack("{so}", name, inner);
}

static json_t *serdes_to_json_scalar(avro_value_t *v, avro_type_t t) {
    const void *buf = NULL;
    size_t size = 0;
    int32_t i32 = 0;
    int64_t i64 = 0;
    float f = 0;
    double d = 0;
    int b = 0;
    switch (t) {
    case AVRO_NULL:
        return json_null();
    case AVRO_BOOLEAN:
        return avro_value_get_boolean(v, &b) == 0 ? json_boolean(b) : NULL;
    case AVRO_INT32:
        return avro_value_get_int(v, &i32) == 0 ? json_integer(i32) : NULL;
    case AVRO_INT64:
        return avro_value_get_long(v, &i64) == 0 ? json_integer(i64) : NULL;
    case AVRO_FLOAT:
        return avro_value_get_float(v, &f) == 0 ? serdes_real(f) : NULL;
    case AVRO_DOUBLE:
        return avro_value_get_double(v, &d) == 0 ? serdes_real(d) : NULL;
    case AVRO_STRING:
        if (avro_value_get_string(v, (const char **)&buf, &size) != 0)
            return NULL;
        return json_stringn(size ? buf : "", size ? size - 1 : 0);
    case AVRO_BYTES:
        return avro_value_get_bytes(v, &buf, &size) == 0 ? serdes_latin1_json(buf, size) : NULL;
    case AVRO_FIXED:
        return avro_value_get_fixed(v, &buf, &size) == 0 ? serdes_latin1_json(buf, size) : NULL;
    case AVRO_ENUM: {
        const char *sym;
        if (avro_value_get_enum(v, &i32) != 0)
            return NULL;
        sym = avro_schema_enum_get(avro_value_get_schema(v), i32);
        return sym ? json_string(sym) : NULL;
    }
    default:
        return NULL;
    }
}

static json_t *serdes_to_json(avro_value_t *v, int depth) {
    avro_type_t t = avro_value_get_type(v);
    if (depth > SERDES_AVRO_MAX_DEPTH)
        return NULL;
    switch (t) {
    case AVRO_RECORD:
    case AVRO_MAP:
    case AVRO_ARRAY:
        return serdes_to_json_container(v, t, depth);
    case AVRO_UNION:
        return serdes_to_json_union(v, depth);
    default:
        return serdes_to_json_scalar(v, t);
    }
}

cn_err_t serdes_avro_to_json(avro_value_t *value, json_t **out, serdes_err_t *err) {
    *out = serdes_to_json(value, 0);
    if (!*out)
        return serdes_err_set(err, CN_ERR_PARSE, "the Avro value cannot be written as JSON");
    return CN_OK;
}
