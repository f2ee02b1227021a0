/* SPDX-License-Identifier: Apache-2.0
 *
 * Generic Protobuf decoding into JSON (the proto3 JSON mapping of the Protobuf documentation,
 * "ProtoJSON Format"): the binary encoding read against the FileDescriptorProtos of the writer
 * schema, no generated code. Field names are the json_name; 64-bit integers are strings; bytes
 * are base64; enums are names (numbers when unknown); maps are objects; repeated fields accept
 * packed and unpacked encodings; unknown fields are skipped. Well-known types: Timestamp
 * (RFC 3339), Duration ("1.5s"), the wrappers, Struct, Value, ListValue, FieldMask and Empty.
 * Every length is checked before use and nesting is bounded. Owns nothing beyond each call.
 */
#include "serdes/serdes_protobuf_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serdes/serdes_protobuf_wkt_int.h"

typedef Google__Protobuf__FieldDescriptorProto pbfield_t;
typedef Google__Protobuf__DescriptorProto pbmsg_t;

typedef struct pb_rd {
    const uint8_t *p;
    size_t n, at;
} pb_rd_t;

typedef struct pb_dec {
    const serdes_pb_schema_t *s;
    serdes_err_t *err;
} pb_dec_t;

static cn_err_t pb_dec_msg(pb_dec_t *d, const pbmsg_t *m, const uint8_t *p, size_t n, json_t *obj,
                           int depth);

static cn_err_t pb_bad(pb_dec_t *d, const pb_rd_t *r, const char *what) {
    return serdes_err_set(d->err, CN_ERR_SERDES_PAYLOAD, "Protobuf payload, byte %zu: %s", r->at,
                          what);
}

static bool pb_varint(pb_rd_t *r, uint64_t *v) {
    *v = 0;
    for (unsigned shift = 0; shift < 70; shift += 7) {
        if (r->at >= r->n)
            return false;
        uint8_t b = r->p[r->at++];
        if (shift == 63 && b > 1)
            return false;
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

static bool pb_fixed(pb_rd_t *r, unsigned size, uint64_t *v) {
    *v = 0;
    if (r->n - r->at < size)
        return false;
    for (unsigned i = 0; i < size; i++)
        *v |= (uint64_t)r->p[r->at++] << (8 * i);
    return true;
}

static bool pb_bytes(pb_rd_t *r, const uint8_t **b, size_t *len) {
    uint64_t n;
    if (!pb_varint(r, &n) || n > r->n - r->at)
        return false;
    *b = r->p + r->at;
    *len = (size_t)n;
    r->at += (size_t)n;
    return true;
}

/* Skip one value of wire type wt (groups up to their end tag, nesting bounded). */
static bool pb_skip(pb_rd_t *r, unsigned wt, uint32_t num, int depth) {
    uint64_t v;
    const uint8_t *b;
    size_t n;
    switch (wt) {
    case 0:
        return pb_varint(r, &v);
    case 1:
        return pb_fixed(r, 8, &v);
    case 2:
        return pb_bytes(r, &b, &n);
    case 5:
        return pb_fixed(r, 4, &v);
    case 3:
        if (depth > SERDES_PB_MAX_DEPTH)
            return false;
        while (pb_varint(r, &v)) {
            if ((v & 7) == 4)
                return (v >> 3) == num;
            if (!pb_skip(r, (unsigned)(v & 7), (uint32_t)(v >> 3), depth + 1))
                return false;
        }
        return false;
    default:
        return false;
    }
}

static unsigned pb_wire_of(int type) {
    switch (type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
        return 1;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
        return 5;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE:
        return 2;
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP:
        return 3;
    default:
        return 0;
    }
}

static json_t *pb_double_json(double v) {
    if (isnan(v))
        return json_string("NaN");
    if (isinf(v))
        return json_string(v > 0 ? "Infinity" : "-Infinity");
    if (v == floor(v) && fabs(v) < 9007199254740992.0 && !(v == 0 && signbit(v)))
        return json_integer((json_int_t)v); /* 1, not 1.0, as protoc's JSON printers do */
    return json_real(v);
}

static json_t *pb_i64_json(int64_t v) {
    char b[24];
    snprintf(b, sizeof(b), "%" PRId64, v);
    return json_string(b);
}

static json_t *pb_u64_json(uint64_t v) {
    char b[24];
    snprintf(b, sizeof(b), "%" PRIu64, v);
    return json_string(b);
}

static json_t *pb_enum_json(const serdes_pb_schema_t *s, const char *type_name, int32_t v) {
    const serdes_pb_type_t *t = serdes_pb_type(s, type_name);
    if (type_name && strcmp(type_name, ".google.protobuf.NullValue") == 0)
        return json_null();
    for (size_t i = 0; t && t->en && i < t->en->n_value; i++)
        if (t->en->value[i]->number == v && t->en->value[i]->name)
            return json_string(t->en->value[i]->name);
    return json_integer(v);
}

/* A scalar value: v holds varint and fixed values, b/len length-delimited ones. */
static json_t *pb_scalar_json(pb_dec_t *d, const pbfield_t *f, uint64_t v, const uint8_t *b,
                              size_t len) {
    float fl;
    double db;
    uint32_t u32 = (uint32_t)v;
    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE:
        memcpy(&db, &v, sizeof(db));
        return pb_double_json(db);
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT:
        memcpy(&fl, &u32, sizeof(fl));
        return pb_double_json((double)fl);
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
        return pb_i64_json((int64_t)v);
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
        return pb_i64_json((int64_t)(v >> 1) ^ -(int64_t)(v & 1));
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
        return pb_u64_json(v);
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32:
        return json_integer((int32_t)u32);
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32:
        return json_integer((int32_t)(u32 >> 1) ^ -(int32_t)(u32 & 1));
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32:
        return json_integer(u32);
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
        return json_boolean(v != 0);
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM:
        return pb_enum_json(d->s, f->type_name, (int32_t)u32);
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
        return json_stringn((const char *)b, len); /* NULL when not UTF-8 */
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES: {
        char *s = serdes_b64_encode(b, len);
        json_t *j = s ? json_string(s) : NULL;
        free(s);
        return j;
    }
    default:
        return NULL;
    }
}

static const char *pb_json_name(const pbfield_t *f) {
    return f->json_name && *f->json_name ? f->json_name : f->name;
}

static bool pb_is_map(const serdes_pb_type_t *t) {
    return t && t->msg && t->msg->options && t->msg->options->map_entry;
}

/* Store value under f's name: appended for repeated fields, else replacing. */
static cn_err_t pb_store(pb_dec_t *d, const pbfield_t *f, json_t *obj, json_t *value) {
    const char *name = pb_json_name(f);
    json_t *arr;
    if (!value)
        return serdes_err_set(d->err, CN_ERR_SERDES_PAYLOAD, "field %s: not valid (UTF-8?)",
                              f->name);
    if (f->label != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED)
        return json_object_set_new(obj, name, value) == 0
                   ? CN_OK
                   : serdes_err_set(d->err, CN_ERR_NO_MEMORY, NULL);
    if (!(arr = json_object_get(obj, name))) {
        arr = json_array();
        if (json_object_set_new(obj, name, arr) != 0)
            arr = NULL;
    }
    if (!arr || json_array_append_new(arr, value) != 0)
        return serdes_err_set(d->err, CN_ERR_NO_MEMORY, NULL);
    return CN_OK;
}

/* A map entry {key, value} into the field's object. */
static cn_err_t pb_dec_map(pb_dec_t *d, const pbfield_t *f, const serdes_pb_type_t *t,
                           const uint8_t *b, size_t len, json_t *obj, int depth) {
    json_t *e = json_object(), *map = json_object_get(obj, pb_json_name(f)), *k, *v;
    char kb[32];
    const char *key = kb;
    cn_err_t rc = pb_dec_msg(d, t->msg, b, len, e, depth + 1);
    if (rc == CN_OK && !map) {
        map = json_object();
        json_object_set_new(obj, pb_json_name(f), map);
    }
    k = json_object_get(e, "key");
    v = json_object_get(e, "value");
    if (json_is_string(k))
        key = json_string_value(k);
    else if (json_is_integer(k))
        snprintf(kb, sizeof(kb), "%" JSON_INTEGER_FORMAT, json_integer_value(k));
    else
        snprintf(kb, sizeof(kb), "%s", json_is_true(k) ? "true" : json_is_false(k) ? "false" : "");
    if (rc == CN_OK) {
        v = v ? json_incref(v) : serdes_pb_map_default(d->s, t->msg);
        if (!json_is_object(map) || !v || json_object_set_new(map, key, v) != 0)
            rc = serdes_err_set(d->err, CN_ERR_NO_MEMORY, NULL);
    }
    json_decref(e);
    return rc;
}

#define PB_ANY ".google.protobuf.Any"

/* An Any (g, its generic form, taken) as {"@type": url, fields...}, or {"@type", "value"} for a
 * well-known type: the type named by the URL's last segment must be in the schema. */
static json_t *pb_any(pb_dec_t *d, json_t *g, int depth) {
    const char *url = json_string_value(json_object_get(g, "typeUrl")), *slash;
    const char *b64 = json_string_value(json_object_get(g, "value"));
    const serdes_pb_type_t *t = NULL;
    char tn[512];
    uint8_t *raw = NULL;
    size_t n = 0;
    json_t *inner = NULL, *out = NULL;
    if (url) {
        slash = strrchr(url, '/');
        snprintf(tn, sizeof(tn), ".%s", slash ? slash + 1 : url);
        t = serdes_pb_type(d->s, tn);
    }
    if (!url || !t || !t->msg) {
        serdes_err_set(d->err, CN_ERR_SERDES_PAYLOAD,
                       "an Any holds %s, which the schema does not "
                       "define",
                       url ? url : "no type URL");
    } else if ((raw = b64 ? serdes_b64_decode(b64, strlen(b64), &n) : calloc(1, 1)) != NULL &&
               (inner = json_object()) != NULL &&
               pb_dec_msg(d, t->msg, raw, n, inner, depth + 1) == CN_OK) {
        if (serdes_pb_is_wkt(tn))
            out = (inner = serdes_pb_wkt_to_json(tn, inner, d->err))
                      ? json_pack("{s:s,s:o}", "@type", url, "value", inner)
                      : NULL;
        else if ((out = json_pack("{s:s}", "@type", url)) != NULL)
            json_object_update(out, inner), json_decref(inner);
        inner = NULL;
    }
    if (!out && !d->err->e.code)
        serdes_err_set(d->err, CN_ERR_NO_MEMORY, NULL);
    json_decref(inner);
    free(raw);
    json_decref(g);
    return out;
}

static cn_err_t pb_dec_sub(pb_dec_t *d, const pbfield_t *f, const uint8_t *b, size_t len,
                           json_t *obj, int depth) {
    const serdes_pb_type_t *t = serdes_pb_type(d->s, f->type_name);
    json_t *have = json_object_get(obj, pb_json_name(f)), *v;
    bool any = f->type_name && strcmp(f->type_name, PB_ANY) == 0;
    bool wkt = serdes_pb_is_wkt(f->type_name) || any;
    cn_err_t rc;
    if (!t || !t->msg)
        return serdes_err_set(d->err, CN_ERR_INVALID_SCHEMA, "field %s: type %s is unknown",
                              f->name, f->type_name ? f->type_name : "?");
    if (depth >= SERDES_PB_MAX_DEPTH)
        return serdes_err_set(d->err, CN_ERR_TOO_DEEP, "messages nest deeper than %d",
                              SERDES_PB_MAX_DEPTH);
    if (pb_is_map(t))
        return pb_dec_map(d, f, t, b, len, obj, depth);
    bool repeated = f->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED;
    if (!repeated && !wkt && json_is_object(have)) /* a repeated occurrence merges */
        return pb_dec_msg(d, t->msg, b, len, have, depth + 1);
    if (!(v = json_object()))
        return serdes_err_set(d->err, CN_ERR_NO_MEMORY, NULL);
    rc = pb_dec_msg(d, t->msg, b, len, v, depth + 1);
    if (rc == CN_OK && any && !(v = pb_any(d, v, depth + 1)))
        rc = d->err->e.code;
    else if (rc == CN_OK && !any && wkt && !(v = serdes_pb_wkt_to_json(f->type_name, v, d->err)))
        rc = d->err->e.code;
    if (rc == CN_OK)
        return pb_store(d, f, obj, v);
    json_decref(v);
    return rc;
}

static cn_err_t pb_dec_scalar(pb_dec_t *d, const pbfield_t *f, unsigned wt, pb_rd_t *r,
                              json_t *obj) {
    uint64_t v = 0;
    const uint8_t *b = NULL;
    size_t len = 0;
    bool ok = wt == 0   ? pb_varint(r, &v)
              : wt == 1 ? pb_fixed(r, 8, &v)
              : wt == 5 ? pb_fixed(r, 4, &v)
                        : pb_bytes(r, &b, &len);
    if (!ok)
        return pb_bad(d, r, "truncated value");
    return pb_store(d, f, obj, pb_scalar_json(d, f, v, b, len));
}

static cn_err_t pb_dec_field(pb_dec_t *d, const pbfield_t *f, unsigned wt, pb_rd_t *r, json_t *obj,
                             int depth) {
    unsigned want = pb_wire_of(f->type);
    const uint8_t *b;
    size_t len;
    if (want == 2 && f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE) {
        if (wt != 2 || !pb_bytes(r, &b, &len))
            return pb_bad(d, r, "a message field is not length-delimited");
        return pb_dec_sub(d, f, b, len, obj, depth);
    }
    if (want == 3)
        return pb_skip(r, wt, (uint32_t)f->number, depth) ? CN_OK : pb_bad(d, r, "bad group");
    if (wt == want)
        return pb_dec_scalar(d, f, wt, r, obj);
    if (wt != 2 || f->label != GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED)
        return pb_bad(d, r, "wire type does not match the field's type");
    if (!pb_bytes(r, &b, &len)) /* packed */
        return pb_bad(d, r, "truncated packed field");
    pb_rd_t sub = {b, len, 0};
    cn_err_t rc = CN_OK;
    while (rc == CN_OK && sub.at < sub.n)
        rc = pb_dec_scalar(d, f, want, &sub, obj);
    return rc;
}

static const pbfield_t *pb_field(const pbmsg_t *m, uint64_t num) {
    for (size_t i = 0; i < m->n_field; i++)
        if ((uint64_t)m->field[i]->number == num)
            return m->field[i];
    return NULL;
}

static cn_err_t pb_dec_msg(pb_dec_t *d, const pbmsg_t *m, const uint8_t *p, size_t n, json_t *obj,
                           int depth) {
    pb_rd_t r = {p, n, 0};
    uint64_t key;
    cn_err_t rc = CN_OK;
    while (rc == CN_OK && r.at < r.n) {
        if (!pb_varint(&r, &key) || (key >> 3) == 0 || (key >> 3) > 0x1fffffff)
            return pb_bad(d, &r, "bad field tag");
        const pbfield_t *f = pb_field(m, key >> 3);
        if (!f) {
            if (!pb_skip(&r, (unsigned)(key & 7), (uint32_t)(key >> 3), depth))
                return pb_bad(d, &r, "cannot skip an unknown field");
            continue;
        }
        rc = pb_dec_field(d, f, (unsigned)(key & 7), &r, obj, depth);
    }
    return rc;
}

cn_err_t serdes_pb_to_json(const serdes_pb_schema_t *s, const pbmsg_t *msg, const char *fqn,
                           const uint8_t *data, size_t len, json_t **out, serdes_err_t *err) {
    pb_dec_t d = {s, err};
    json_t *obj = json_object();
    cn_err_t rc = obj ? pb_dec_msg(&d, msg, data, len, obj, 0) : CN_ERR_NO_MEMORY;
    if (rc == CN_OK && serdes_pb_is_wkt(fqn) && !(obj = serdes_pb_wkt_to_json(fqn, obj, err)))
        rc = err->e.code;
    if (rc != CN_OK) {
        if (rc == CN_ERR_NO_MEMORY && !err->e.code)
            serdes_err_set(err, rc, NULL);
        json_decref(obj);
        return rc;
    }
    *out = obj;
    return CN_OK;
}
