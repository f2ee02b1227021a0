/* SPDX-License-Identifier: Apache-2.0
 *
 * Generic Protobuf encoding from JSON (the proto3 JSON mapping, "ProtoJSON Format"): a JSON
 * object read against the FileDescriptorProtos of the writer schema and written in the binary
 * encoding, fields in number order as protoc's serializers write them; proto3 fields without
 * presence are not written when they hold their default; repeated scalars are packed in proto3.
 * Field names are accepted as json_name or as declared; unknown names are refused. Nesting is
 * bounded. Owns nothing beyond each call.
 */
#include "serdes/serdes_protobuf_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "serdes/serdes_protobuf_wkt_int.h"

typedef Google__Protobuf__FieldDescriptorProto pbfield_t;
typedef Google__Protobuf__DescriptorProto pbmsg_t;

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "fixed-width values are copied as is");

#define T(x)        GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_##x
#define REPEATED(f) ((f)->label == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED)

typedef struct pb_enc {
    const serdes_pb_schema_t *s;
    bool proto3;
    serdes_err_t *err;
} pb_enc_t;

static cn_err_t pb_enc_msg(pb_enc_t *e, const pbmsg_t *m, json_t *j, cn_buf_t *out, int depth);

static cn_err_t pb_fail(pb_enc_t *e, const pbfield_t *f, const char *what) {
    return serdes_err_set(e->err, CN_ERR_PARSE, "field %s: %s", f->name, what);
}

static void pb_tag(cn_buf_t *out, const pbfield_t *f, unsigned wt) {
    cn_buf_put_uvarint(out, ((uint64_t)(uint32_t)f->number << 3) | wt);
}

static bool pb_int_of(json_t *v, bool is_signed, int64_t *i, uint64_t *u) {
    char *end;
    const char *s = json_string_value(v);
    if (json_is_integer(v)) {
        *i = json_integer_value(v);
        *u = (uint64_t)*i;
        return is_signed || *i >= 0;
    }
    if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d != floor(d) || fabs(d) > 9.2e18 || (!is_signed && d < 0))
            return false;
        *i = (int64_t)d;
        *u = (uint64_t)*i;
        return true;
    }
    if (!s || !*s)
        return false;
    errno = 0;
    if (is_signed) {
        *i = strtoll(s, &end, 10);
        *u = (uint64_t)*i;
    } else {
        *u = s[0] == '-' ? (errno = ERANGE, 0) : strtoull(s, &end, 10);
        *i = (int64_t)*u;
    }
    return errno == 0 && !*end;
}

static bool pb_double_of(json_t *v, double *d) {
    const char *s = json_string_value(v);
    char *end;
    if (json_is_number(v)) {
        *d = json_number_value(v);
        return true;
    }
    if (!s)
        return false;
    if (strcmp(s, "NaN") == 0)
        *d = NAN;
    else if (strcmp(s, "Infinity") == 0)
        *d = INFINITY;
    else if (strcmp(s, "-Infinity") == 0)
        *d = -INFINITY;
    else
        return (*d = strtod(s, &end)), *s && !*end;
    return true;
}

static bool pb_enum_of(const serdes_pb_schema_t *s, const pbfield_t *f, json_t *v, int64_t *n) {
    const serdes_pb_type_t *t = serdes_pb_type(s, f->type_name);
    const char *name = json_string_value(v);
    if (json_is_integer(v)) {
        *n = json_integer_value(v);
        return *n >= INT32_MIN && *n <= INT32_MAX;
    }
    if (json_is_null(v) && f->type_name && strcmp(f->type_name, ".google.protobuf.NullValue") == 0)
        return (*n = 0), true;
    for (size_t i = 0; name && t && t->en && i < t->en->n_value; i++)
        if (t->en->value[i]->name && strcmp(t->en->value[i]->name, name) == 0)
            return (*n = t->en->value[i]->number), true;
    return false;
}

static bool pb_b64_bytes(json_t *v, cn_buf_t *out) {
    const char *s = json_string_value(v);
    size_t n = s ? strlen(s) : 0, len;
    char *t = s ? malloc(n + 4) : NULL;
    uint8_t *raw;
    if (!t)
        return false;
    for (size_t i = 0; i < n; i++) /* the URL-safe alphabet and missing padding are accepted */
        t[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
    while (n % 4)
        t[n++] = '=';
    raw = serdes_b64_decode(t, n, &len);
    free(t);
    if (!raw)
        return false;
    cn_buf_put_uvarint(out, len);
    cn_buf_put(out, raw, len);
    free(raw);
    return true;
}

/* Fixed-width values are written as they lie in memory: little-endian hosts (asserted above). */
static cn_err_t pb_enc_float(pb_enc_t *e, const pbfield_t *f, json_t *v, cn_buf_t *out) {
    double d;
    float fl;
    if (!pb_double_of(v, &d))
        return pb_fail(e, f, "not a number");
    if (f->type == T(DOUBLE))
        return cn_buf_put(out, &d, 8), CN_OK;
    fl = (float)d;
    return cn_buf_put(out, &fl, 4), CN_OK;
}

static cn_err_t pb_enc_signed(pb_enc_t *e, const pbfield_t *f, json_t *v, cn_buf_t *out) {
    int64_t i = 0;
    uint64_t u = 0;
    if (!pb_int_of(v, true, &i, &u))
        return pb_fail(e, f, "not an integer");
    if ((f->type == T(INT32) || f->type == T(SINT32) || f->type == T(SFIXED32)) &&
        (i < INT32_MIN || i > INT32_MAX))
        return pb_fail(e, f, "out of the int32 range");
    if (f->type == T(SINT64) || f->type == T(SINT32))
        return cn_buf_put_varint(out, i), CN_OK;
    if (f->type == T(SFIXED64))
        return cn_buf_put(out, &i, 8), CN_OK;
    if (f->type == T(SFIXED32))
        return cn_buf_put(out, &(int32_t){(int32_t)i}, 4), CN_OK;
    return cn_buf_put_uvarint(out, (uint64_t)i), CN_OK; /* negatives take 10 bytes */
}

static cn_err_t pb_enc_unsigned(pb_enc_t *e, const pbfield_t *f, json_t *v, cn_buf_t *out) {
    int64_t i = 0;
    uint64_t u = 0;
    if (!pb_int_of(v, false, &i, &u))
        return pb_fail(e, f, "not an unsigned integer");
    if ((f->type == T(UINT32) || f->type == T(FIXED32)) && u > UINT32_MAX)
        return pb_fail(e, f, "out of the uint32 range");
    if (f->type == T(FIXED64))
        return cn_buf_put(out, &u, 8), CN_OK;
    if (f->type == T(FIXED32))
        return cn_buf_put(out, &(uint32_t){(uint32_t)u}, 4), CN_OK;
    return cn_buf_put_uvarint(out, u), CN_OK;
}

/* One scalar value without its tag (the wire type is pb_wire's). */
static cn_err_t pb_enc_scalar(pb_enc_t *e, const pbfield_t *f, json_t *v, cn_buf_t *out) {
    int64_t i = 0;
    const char *s;
    switch (f->type) {
    case T(DOUBLE):
    case T(FLOAT):
        return pb_enc_float(e, f, v, out);
    case T(INT64):
    case T(INT32):
    case T(SINT64):
    case T(SINT32):
    case T(SFIXED64):
    case T(SFIXED32):
        return pb_enc_signed(e, f, v, out);
    case T(UINT64):
    case T(UINT32):
    case T(FIXED64):
    case T(FIXED32):
        return pb_enc_unsigned(e, f, v, out);
    case T(BOOL):
        if (!json_is_boolean(v))
            return pb_fail(e, f, "not a boolean");
        return cn_buf_put_u8(out, json_is_true(v)), CN_OK;
    case T(ENUM):
        if (!pb_enum_of(e->s, f, v, &i))
            return pb_fail(e, f, "not a value of the enum");
        return cn_buf_put_uvarint(out, (uint64_t)i), CN_OK;
    case T(STRING):
        if (!(s = json_string_value(v)))
            return pb_fail(e, f, "not a string");
        cn_buf_put_uvarint(out, json_string_length(v));
        return cn_buf_put(out, s, json_string_length(v)), CN_OK;
    case T(BYTES):
        return pb_b64_bytes(v, out) ? CN_OK : pb_fail(e, f, "not base64");
    default:
        return pb_fail(e, f, "groups are not supported");
    }
}

static unsigned pb_wire(int type) {
    switch (type) {
    case T(DOUBLE):
    case T(FIXED64):
    case T(SFIXED64):
        return 1;
    case T(FLOAT):
    case T(FIXED32):
    case T(SFIXED32):
        return 5;
    case T(STRING):
    case T(BYTES):
    case T(MESSAGE):
        return 2;
    default:
        return 0;
    }
}

/* Whether a singular proto3 value is its default (then it is not written). */
static bool pb_is_default(const pb_enc_t *e, const pbfield_t *f, json_t *v) {
    double d;
    int64_t n;
    if (f->type == T(MESSAGE) || f->proto3_optional || f->has_oneof_index)
        return false;
    if (f->type == T(ENUM)) /* by name or number: the value 0 is the default */
        return pb_enum_of(e->s, f, v, &n) && n == 0;
    if (json_is_string(v))
        return json_string_length(v) == 0 || (f->type != T(STRING) && f->type != T(BYTES) &&
                                              strcmp(json_string_value(v), "0") == 0);
    if (json_is_boolean(v))
        return json_is_false(v);
    if (json_is_number(v))
        return (d = json_number_value(v)) == 0 && !signbit(d);
    return false;
}

static void pb_put_len(cn_buf_t *out, uint8_t tag, const void *p, size_t n) {
    cn_buf_put_u8(out, tag);
    cn_buf_put_uvarint(out, n);
    cn_buf_put(out, p, n);
}

/* The JSON of the message an Any holds ({"@type", fields...} or {"@type", "value"} for a
 * well-known type) as an Any: type_url (1) and the message's bytes (2). */
static cn_err_t pb_enc_any(pb_enc_t *e, const pbfield_t *f, json_t *v, cn_buf_t *out, int depth) {
    const char *url = json_string_value(json_object_get(v, "@type")), *slash;
    const serdes_pb_type_t *t = NULL;
    json_t *inner = NULL;
    cn_buf_t msg, any;
    char tn[512];
    cn_err_t rc;
    if (url) {
        slash = strrchr(url, '/');
        snprintf(tn, sizeof(tn), ".%s", slash ? slash + 1 : url);
        t = serdes_pb_type(e->s, tn);
    }
    if (!t || !t->msg)
        return pb_fail(e, f, "an Any needs an \"@type\" whose type the schema defines");
    if (serdes_pb_is_wkt(tn))
        inner = serdes_pb_wkt_from_json(tn, json_object_get(v, "value"), e->err);
    else if ((inner = json_deep_copy(v)) != NULL)
        json_object_del(inner, "@type");
    if (!inner)
        return e->err->e.code ? e->err->e.code : serdes_err_set(e->err, CN_ERR_NO_MEMORY, NULL);
    cn_buf_init(&msg, CN_BUF_NO_LIMIT);
    cn_buf_init(&any, CN_BUF_NO_LIMIT);
    rc = pb_enc_msg(e, t->msg, inner, &msg, depth + 1);
    if (rc == CN_OK) {
        pb_put_len(&any, 0x0a, url, strlen(url));
        if (msg.len)
            pb_put_len(&any, 0x12, msg.data, msg.len);
        pb_tag(out, f, 2);
        cn_buf_put_uvarint(out, any.len);
        cn_buf_put(out, any.data, any.len);
    }
    cn_buf_fini(&msg);
    cn_buf_fini(&any);
    json_decref(inner);
    return rc;
}

static cn_err_t pb_enc_sub(pb_enc_t *e, const pbfield_t *f, json_t *v, cn_buf_t *out, int depth) {
    const serdes_pb_type_t *t = serdes_pb_type(e->s, f->type_name);
    json_t *g = NULL;
    cn_buf_t sub;
    cn_err_t rc;
    if (!t || !t->msg)
        return pb_fail(e, f, "its message type is unknown");
    if (depth >= SERDES_PB_MAX_DEPTH)
        return serdes_err_set(e->err, CN_ERR_TOO_DEEP, "messages nest deeper than %d",
                              SERDES_PB_MAX_DEPTH);
    if (strcmp(f->type_name, ".google.protobuf.Any") == 0)
        return pb_enc_any(e, f, v, out, depth);
    if (serdes_pb_is_wkt(f->type_name) &&
        !(v = g = serdes_pb_wkt_from_json(f->type_name, v, e->err)))
        return e->err->e.code;
    cn_buf_init(&sub, CN_BUF_NO_LIMIT);
    rc = pb_enc_msg(e, t->msg, v, &sub, depth + 1);
    if (rc == CN_OK) {
        pb_tag(out, f, 2);
        cn_buf_put_uvarint(out, sub.len);
        cn_buf_put(out, sub.data, sub.len);
    }
    cn_buf_fini(&sub);
    json_decref(g);
    return rc;
}

static cn_err_t pb_enc_one(pb_enc_t *e, const pbfield_t *f, json_t *v, cn_buf_t *out, int depth) {
    if (f->type == T(MESSAGE))
        return pb_enc_sub(e, f, v, out, depth);
    pb_tag(out, f, pb_wire(f->type));
    return pb_enc_scalar(e, f, v, out);
}

/* A map: each key/value pair as an entry message {1: key, 2: value}. */
static cn_err_t pb_enc_map(pb_enc_t *e, const pbfield_t *f, const pbmsg_t *entry, json_t *v,
                           cn_buf_t *out, int depth) {
    const char *k;
    json_t *val;
    cn_err_t rc = CN_OK;
    if (!json_is_object(v))
        return pb_fail(e, f, "a map is a JSON object");
    json_object_foreach(v, k, val) {
        const pbfield_t *kf = entry->n_field == 2 ? entry->field[0] : NULL;
        json_t *key =
            kf && kf->type == T(BOOL) ? json_boolean(strcmp(k, "true") == 0) : json_string(k);
        json_t *pair = json_pack("{s:o,s:O}", "key", key, "value", val);
        cn_buf_t sub;
        cn_buf_init(&sub, CN_BUF_NO_LIMIT);
        rc = pair ? pb_enc_msg(e, entry, pair, &sub, depth + 1) : CN_ERR_NO_MEMORY;
        if (rc == CN_OK) {
            pb_tag(out, f, 2);
            cn_buf_put_uvarint(out, sub.len);
            cn_buf_put(out, sub.data, sub.len);
        }
        cn_buf_fini(&sub);
        json_decref(pair);
        if (rc != CN_OK)
            break;
    }
    return rc;
}

static bool pb_packed(const pb_enc_t *e, const pbfield_t *f) {
    if (pb_wire(f->type) == 2)
        return false;
    if (f->options && f->options->has_packed)
        return f->options->packed;
    return e->proto3;
}

static cn_err_t pb_enc_repeated(pb_enc_t *e, const pbfield_t *f, json_t *v, cn_buf_t *out,
                                int depth) {
    size_t i;
    json_t *x;
    cn_err_t rc = CN_OK;
    if (!json_is_array(v))
        return pb_fail(e, f, "a repeated field is a JSON array");
    if (!pb_packed(e, f)) {
        json_array_foreach(v, i, x) {
            if ((rc = pb_enc_one(e, f, x, out, depth)) != CN_OK)
                return rc;
        }
        return CN_OK;
    }
    cn_buf_t sub;
    cn_buf_init(&sub, CN_BUF_NO_LIMIT);
    json_array_foreach(v, i, x) {
        if ((rc = pb_enc_scalar(e, f, x, &sub)) != CN_OK)
            break;
    }
    if (rc == CN_OK && sub.len) {
        pb_tag(out, f, 2);
        cn_buf_put_uvarint(out, sub.len);
        cn_buf_put(out, sub.data, sub.len);
    }
    cn_buf_fini(&sub);
    return rc;
}

static cn_err_t pb_enc_field(pb_enc_t *e, const pbfield_t *f, json_t *v, cn_buf_t *out, int depth) {
    const serdes_pb_type_t *t = f->type == T(MESSAGE) ? serdes_pb_type(e->s, f->type_name) : NULL;
    if (json_is_null(v) && !(f->type_name && strcmp(f->type_name, ".google.protobuf.Value") == 0))
        return CN_OK;
    if (t && t->msg && t->msg->options && t->msg->options->map_entry)
        return pb_enc_map(e, f, t->msg, v, out, depth);
    if (REPEATED(f))
        return pb_enc_repeated(e, f, v, out, depth);
    if (e->proto3 && pb_is_default(e, f, v))
        return CN_OK;
    return pb_enc_one(e, f, v, out, depth);
}

static json_t *pb_lookup(json_t *j, const pbfield_t *f) {
    json_t *v = f->json_name ? json_object_get(j, f->json_name) : NULL;
    return v ? v : json_object_get(j, f->name);
}

/* Every key of j must name a field. */
static cn_err_t pb_check_keys(pb_enc_t *e, const pbmsg_t *m, json_t *j) {
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
        bool known = false;
        for (size_t i = 0; i < m->n_field && !known; i++)
            known = strcmp(k, m->field[i]->name) == 0 ||
                    (m->field[i]->json_name && strcmp(k, m->field[i]->json_name) == 0);
        if (!known)
            return serdes_err_set(e->err, CN_ERR_PARSE, "%s has no field \"%s\"", m->name, k);
    }
    return CN_OK;
}

static cn_err_t pb_enc_msg(pb_enc_t *e, const pbmsg_t *m, json_t *j, cn_buf_t *out, int depth) {
    int32_t last = INT32_MIN;
    cn_err_t rc;
    if (!json_is_object(j))
        return serdes_err_set(e->err, CN_ERR_PARSE, "%s: a message is a JSON object", m->name);
    if ((rc = pb_check_keys(e, m, j)) != CN_OK)
        return rc;
    for (;;) { /* fields in number order, whatever the declaration order */
        const pbfield_t *next = NULL;
        for (size_t i = 0; i < m->n_field; i++)
            if (m->field[i]->number > last && (!next || m->field[i]->number < next->number))
                next = m->field[i];
        if (!next)
            return out->failed ? serdes_err_set(e->err, CN_ERR_NO_MEMORY, NULL) : CN_OK;
        last = next->number;
        json_t *v = pb_lookup(j, next);
        if (v && (rc = pb_enc_field(e, next, v, out, depth)) != CN_OK)
            return rc;
    }
}

cn_err_t serdes_pb_from_json(const serdes_pb_schema_t *s, const pbmsg_t *msg, const char *fqn,
                             json_t *j, cn_buf_t *buf, serdes_err_t *err) {
    const char *syntax = s->files[s->root].fd->syntax;
    pb_enc_t e = {s, syntax && strcmp(syntax, "proto3") == 0, err};
    json_t *g = NULL;
    cn_err_t rc;
    if (!msg)
        return serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "no message");
    if (serdes_pb_is_wkt(fqn) && !(j = g = serdes_pb_wkt_from_json(fqn, j, err)))
        return err->e.code;
    rc = pb_enc_msg(&e, msg, j, buf, 0);
    json_decref(g);
    return rc;
}
