/* SPDX-License-Identifier: Apache-2.0
 *
 * Instance values as JSON Schema sees them (Core 2020-12 §4.2.2): numbers equal by value
 * whatever their lexical form, strings measured in code points, objects equal regardless of
 * member order.
 */
#include <math.h>
#include <string.h>

#include "common/cn_map.h"
#include "compat/jsonschema/js_int.h"

bool js_is_number(const json_t *v) {
    return json_is_integer(v) || json_is_real(v);
}

double js_number(const json_t *v) {
    return json_is_integer(v) ? (double)json_integer_value(v) : json_real_value(v);
}

static bool num_equal(const json_t *a, const json_t *b) {
    if (json_is_integer(a) && json_is_integer(b))
        return json_integer_value(a) == json_integer_value(b);
    return js_number(a) == js_number(b);
}

static bool obj_equal(const json_t *a, const json_t *b) {
    const char *k;
    json_t *v;
    if (json_object_size(a) != json_object_size(b))
        return false;
    json_object_foreach((json_t *)a, k, v) {
        json_t *w = json_object_get(b, k);
        if (!w || !js_equal(v, w))
            return false;
    }
    return true;
}

bool js_equal(const json_t *a, const json_t *b) {
    if (js_is_number(a) && js_is_number(b))
        return num_equal(a, b);
    if (json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_OBJECT:
        return obj_equal(a, b);
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!js_equal(json_array_get(a, i), json_array_get(b, i)))
                return false;
        return true;
    case JSON_STRING:
        return json_string_length(a) == json_string_length(b) &&
               memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
    default:
        return true; /* true, false, null: same type */
    }
}

static uint64_t mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

uint64_t js_hash(const json_t *v, unsigned depth) {
    size_t i;
    const char *k;
    json_t *e;
    uint64_t h = (uint64_t)json_typeof(v) * 0x9e3779b97f4a7c15ull;
    if (depth > 64)
        return h;
    if (js_is_number(v)) {
        double d = js_number(v);
        uint64_t bits = 0;
        if (d == 0)
            d = 0; /* -0 == 0 */
        memcpy(&bits, &d, sizeof(bits) < sizeof(d) ? sizeof(bits) : sizeof(d));
        return mix(bits ^ 0x5151);
    }
    switch (json_typeof(v)) {
    case JSON_STRING:
        return mix(h ^ cn_hash64(json_string_value(v), json_string_length(v)));
    case JSON_ARRAY:
        json_array_foreach(v, i, e) h = mix(h * 31 + js_hash(e, depth + 1));
        return h;
    case JSON_OBJECT: /* member order does not matter: a sum */
        json_object_foreach((json_t *)v, k, e) h +=
            mix(cn_hash64(k, strlen(k)) ^ js_hash(e, depth + 1));
        return h;
    default:
        return h;
    }
}

json_t *compat_js_loadb(const char *text, size_t len, size_t flags, json_error_t *jerr) {
    json_error_t local;
    if (!jerr) /* optional, as json_loadb's */
        jerr = &local;
    json_t *j = json_loadb(text, len, flags, jerr);
    if (!j && strstr(jerr->text, "too big")) /* "too big (negative) integer" */
        j = json_loadb(text, len, flags | JSON_DECODE_INT_AS_REAL, jerr);
    return j;
}

size_t js_utf8_len(const char *s, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}
