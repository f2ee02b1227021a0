/* SPDX-License-Identifier: Apache-2.0
 *
 * The well-known types' JSON forms (Protobuf documentation, "ProtoJSON Format"): Timestamp as
 * RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, Duration as seconds with an "s" suffix,
 * the wrappers as their value, Struct/Value/ListValue as plain JSON, FieldMask as comma-separated
 * lowerCamel paths, Empty as {}. Owns nothing beyond each call.
 */
#include "serdes/serdes_protobuf_wkt_int.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PB_MIN_SECONDS (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define PB_MAX_SECONDS 253402300799LL   /* 9999-12-31T23:59:59Z */

static const char *const pb_wkts[] = {
    ".google.protobuf.Timestamp",   ".google.protobuf.Duration",    ".google.protobuf.DoubleValue",
    ".google.protobuf.FloatValue",  ".google.protobuf.Int64Value",  ".google.protobuf.UInt64Value",
    ".google.protobuf.Int32Value",  ".google.protobuf.UInt32Value", ".google.protobuf.BoolValue",
    ".google.protobuf.StringValue", ".google.protobuf.BytesValue",  ".google.protobuf.Struct",
    ".google.protobuf.Value",       ".google.protobuf.ListValue",   ".google.protobuf.FieldMask",
    ".google.protobuf.Empty",
};

bool serdes_pb_is_wkt(const char *t) {
    for (size_t i = 0; t && i < sizeof(pb_wkts) / sizeof(pb_wkts[0]); i++)
        if (strcmp(t, pb_wkts[i]) == 0)
            return true;
    return false;
}

static bool pb_is(const char *t, const char *short_name) {
    return strncmp(t, ".google.protobuf.", 17) == 0 && strcmp(t + 17, short_name) == 0;
}

static int64_t pb_i64_of(json_t *v) {
    if (json_is_integer(v))
        return json_integer_value(v);
    return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
}

static void pb_frac(char *out, size_t cap, int32_t nanos) {
    if (nanos == 0)
        out[0] = '\0';
    else if (nanos % 1000000 == 0)
        snprintf(out, cap, ".%03d", (int)(nanos / 1000000));
    else if (nanos % 1000 == 0)
        snprintf(out, cap, ".%06d", (int)(nanos / 1000));
    else
        snprintf(out, cap, ".%09d", (int)nanos);
}

static json_t *pb_timestamp(json_t *obj, serdes_err_t *err) {
    int64_t sec = pb_i64_of(json_object_get(obj, "seconds"));
    int64_t nanos = pb_i64_of(json_object_get(obj, "nanos"));
    char frac[16], out[64];
    struct tm tm;
    time_t t = (time_t)sec;
    if (sec < PB_MIN_SECONDS || sec > PB_MAX_SECONDS || nanos < 0 || nanos > 999999999 ||
        !gmtime_r(&t, &tm)) {
        serdes_err_set(err, CN_ERR_SERDES_PAYLOAD, "Timestamp out of range");
        return NULL;
    }
    pb_frac(frac, sizeof(frac), (int32_t)nanos);
    snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    return json_string(out);
}

static json_t *pb_duration(json_t *obj, serdes_err_t *err) {
    int64_t sec = pb_i64_of(json_object_get(obj, "seconds"));
    int64_t nanos = pb_i64_of(json_object_get(obj, "nanos"));
    char frac[16], out[64];
    if (sec < -315576000000LL || sec > 315576000000LL || nanos < -999999999 || nanos > 999999999 ||
        (sec > 0 && nanos < 0) || (sec < 0 && nanos > 0)) {
        serdes_err_set(err, CN_ERR_SERDES_PAYLOAD, "Duration out of range");
        return NULL;
    }
    pb_frac(frac, sizeof(frac), (int32_t)(nanos < 0 ? -nanos : nanos));
    snprintf(out, sizeof(out), "%s%" PRId64 "%ss", sec == 0 && nanos < 0 ? "-" : "", sec, frac);
    return json_string(out);
}

static json_t *pb_wrapper_default(const char *t) {
    if (pb_is(t, "Int64Value") || pb_is(t, "UInt64Value"))
        return json_string("0");
    if (pb_is(t, "BoolValue"))
        return json_false();
    if (pb_is(t, "StringValue") || pb_is(t, "BytesValue"))
        return json_string("");
    if (pb_is(t, "DoubleValue") || pb_is(t, "FloatValue"))
        return json_real(0);
    return json_integer(0);
}

static json_t *pb_value(json_t *obj) {
    static const char *const kinds[] = {"nullValue", "numberValue", "stringValue",
                                        "boolValue", "structValue", "listValue"};
    for (size_t i = 0; i < 6; i++) {
        json_t *v = json_object_get(obj, kinds[i]);
        if (v)
            return json_incref(v);
    }
    return json_null();
}

static json_t *pb_field_mask(json_t *obj) {
    json_t *paths = json_object_get(obj, "paths"), *p;
    size_t i;
    cn_buf_t b;
    json_t *out;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    json_array_foreach(paths, i, p) {
        const char *s = json_string_value(p);
        if (i)
            cn_buf_put_u8(&b, ',');
        for (; s && *s; s++)
            if (*s == '_' && s[1])
                cn_buf_put_u8(&b, (uint8_t)toupper((unsigned char)*++s));
            else
                cn_buf_put_u8(&b, (uint8_t)*s);
    }
    out = json_stringn(b.len ? (const char *)b.data : "", b.len);
    cn_buf_fini(&b);
    return out;
}

static json_t *pb_or(json_t *obj, const char *key, json_t *dflt) {
    json_t *v = json_object_get(obj, key);
    if (!v)
        return dflt;
    json_decref(dflt);
    return json_incref(v);
}

json_t *serdes_pb_wkt_to_json(const char *t, json_t *obj, serdes_err_t *err) {
    json_t *out;
    if (pb_is(t, "Timestamp"))
        out = pb_timestamp(obj, err);
    else if (pb_is(t, "Duration"))
        out = pb_duration(obj, err);
    else if (pb_is(t, "Struct"))
        out = pb_or(obj, "fields", json_object());
    else if (pb_is(t, "Value"))
        out = pb_value(obj);
    else if (pb_is(t, "ListValue"))
        out = pb_or(obj, "values", json_array());
    else if (pb_is(t, "FieldMask"))
        out = pb_field_mask(obj);
    else if (pb_is(t, "Empty"))
        out = json_object();
    else
        out = pb_or(obj, "value", pb_wrapper_default(t));
    json_decref(obj);
    if (!out && !err->e.code)
        serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    return out;
}

/* ---- from JSON ---- */

static json_t *pb_parse_timestamp(const char *s, serdes_err_t *err) {
    struct tm tm = {0};
    int n = 0, nanos = 0, digits = 0, oh = 0, om = 0;
    char sign;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
        goto bad;
    s += n;
    if (*s == '.')
        for (s++; isdigit((unsigned char)*s) && digits < 9; s++, digits++)
            nanos = nanos * 10 + (*s - '0');
    for (int d = digits; d < 9; d++)
        nanos *= 10;
    if (*s == 'Z' || *s == 'z') {
        s++;
    } else if (sscanf(s, "%c%2d:%2d%n", &sign, &oh, &om, &n) == 3 && (sign == '+' || sign == '-')) {
        s += n;
        oh = sign == '-' ? -oh : oh;
        om = sign == '-' ? -om : om;
    } else {
        goto bad;
    }
    if (*s)
        goto bad;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t sec = (int64_t)timegm(&tm) - oh * 3600 - om * 60;
    if (sec < PB_MIN_SECONDS || sec > PB_MAX_SECONDS)
        goto bad;
    return json_pack("{s:I,s:i}", "seconds", (json_int_t)sec, "nanos", nanos);
bad:
    serdes_err_set(err, CN_ERR_PARSE, "not an RFC 3339 Timestamp");
    return NULL;
}

static json_t *pb_parse_duration(const char *s, serdes_err_t *err) {
    char *end;
    int64_t sec, nanos = 0;
    int digits = 0;
    bool neg = s && *s == '-';
    if (!s || !*s)
        goto bad;
    sec = strtoll(s, &end, 10);
    if (*end == '.')
        for (end++; isdigit((unsigned char)*end) && digits < 9; end++, digits++)
            nanos = nanos * 10 + (*end - '0');
    for (int d = digits; d < 9; d++)
        nanos *= 10;
    if (strcmp(end, "s") != 0 || sec < -315576000000LL || sec > 315576000000LL)
        goto bad;
    return json_pack("{s:I,s:I}", "seconds", (json_int_t)sec, "nanos",
                     (json_int_t)(neg ? -nanos : nanos));
bad:
    serdes_err_set(err, CN_ERR_PARSE, "not a Duration (\"1.5s\")");
    return NULL;
}

static json_t *pb_to_value(json_t *v) {
    if (json_is_null(v))
        return json_pack("{s:s}", "nullValue", "NULL_VALUE");
    if (json_is_number(v))
        return json_pack("{s:O}", "numberValue", v);
    if (json_is_string(v))
        return json_pack("{s:O}", "stringValue", v);
    if (json_is_boolean(v))
        return json_pack("{s:O}", "boolValue", v);
    if (json_is_object(v))
        return json_pack("{s:O}", "structValue", v);
    return json_pack("{s:O}", "listValue", v);
}

static json_t *pb_parse_mask(const char *s, serdes_err_t *err) {
    json_t *paths = json_array();
    cn_buf_t b;
    if (!s) {
        json_decref(paths);
        serdes_err_set(err, CN_ERR_PARSE, "a FieldMask is a string");
        return NULL;
    }
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    for (;; s++) {
        if (*s == ',' || !*s) {
            if (b.len)
                json_array_append_new(paths, json_stringn((const char *)b.data, b.len));
            cn_buf_reset(&b);
            if (!*s)
                break;
        } else if (isupper((unsigned char)*s)) {
            cn_buf_put_u8(&b, '_');
            cn_buf_put_u8(&b, (uint8_t)tolower((unsigned char)*s));
        } else {
            cn_buf_put_u8(&b, (uint8_t)*s);
        }
    }
    cn_buf_fini(&b);
    return json_pack("{s:o}", "paths", paths);
}

json_t *serdes_pb_wkt_from_json(const char *t, json_t *v, serdes_err_t *err) {
    json_t *out;
    if (pb_is(t, "Timestamp"))
        return pb_parse_timestamp(json_string_value(v), err);
    if (pb_is(t, "Duration"))
        return pb_parse_duration(json_string_value(v), err);
    if (pb_is(t, "FieldMask"))
        return pb_parse_mask(json_string_value(v), err);
    if (pb_is(t, "Struct"))
        out = json_is_object(v) ? json_pack("{s:O}", "fields", v) : NULL;
    else if (pb_is(t, "Value"))
        out = pb_to_value(v);
    else if (pb_is(t, "ListValue"))
        out = json_is_array(v) ? json_pack("{s:O}", "values", v) : NULL;
    else if (pb_is(t, "Empty"))
        out = json_object();
    else
        out = json_pack("{s:O}", "value", v);
    if (!out)
        serdes_err_set(err, CN_ERR_PARSE, "%s: not of its JSON form", t);
    return out;
}

json_t *serdes_pb_map_default(const serdes_pb_schema_t *s,
                              const Google__Protobuf__DescriptorProto *entry) {
    const Google__Protobuf__FieldDescriptorProto *f = NULL;
    for (size_t i = 0; i < entry->n_field; i++)
        if (entry->field[i]->number == 2)
            f = entry->field[i];
    if (!f)
        return json_null();
    switch (f->type) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE:
        return serdes_pb_is_wkt(f->type_name)
                   ? serdes_pb_wkt_to_json(f->type_name, json_object(), &(serdes_err_t){0})
                   : json_object();
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES:
        return json_string("");
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL:
        return json_false();
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_ENUM: {
        const serdes_pb_type_t *t = serdes_pb_type(s, f->type_name);
        return t && t->en && t->en->n_value ? json_string(t->en->value[0]->name) : json_integer(0);
    }
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64:
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64:
        return json_string("0");
    default:
        return json_integer(0);
    }
}
