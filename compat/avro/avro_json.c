/* SPDX-License-Identifier: Apache-2.0
 *
 * JSON text helpers of the Avro printers: the non-recursive depth pre-scan that runs before
 * Jansson, string escaping as Jackson writes it (U+0000 included: a bytes default "\u0000"
 * prints as Confluent prints it), compact value output, and Java's rendering of doubles (so
 * stored defaults and properties print as Confluent prints them).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/avro/avro_int.h"

const char *compat_avro_jstr(const json_t *v) {
    const char *s = json_string_value(v);
    return s && strlen(s) == json_string_length(v) ? s : NULL;
}

cn_err_t compat_avro_put_str(cn_buf_t *out, const char *s) {
    return compat_avro_put_strn(out, s, strlen(s));
}

cn_err_t compat_avro_put_strn(cn_buf_t *out, const char *s, size_t len) {
    static const char hex[] = "0123456789ABCDEF";
    const char *run = s, *end = s + len;
    cn_buf_put_u8(out, '"');
    for (; s < end; s++) {
        unsigned char c = (unsigned char)*s;
        const char *esc = NULL;
        char u[7];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        cn_buf_put(out, run, (size_t)(s - run));
        run = s + 1;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            memcpy(u, "\\u00", 4);
            u[4] = hex[c >> 4];
            u[5] = hex[c & 15];
            u[6] = 0;
            esc = u;
        }
        cn_buf_put_str(out, esc);
    }
    cn_buf_put(out, run, (size_t)(s - run));
    return cn_buf_put_u8(out, '"');
}

/* Shortest decimal digits that read back as d: "ddd" and the exponent of the first digit. */
static int shortest_digits(double d, char *digits, size_t cap, int *exp10) {
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
        if (strtod(tmp, NULL) == d || prec == 17)
            break;
    }
    char *e = strchr(tmp, 'e');
    *exp10 = (int)strtol(e + 1, NULL, 10);
    size_t n = 0;
    for (const char *p = tmp; p < e && n + 1 < cap; p++)
        if (*p >= '0' && *p <= '9')
            digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = 0;
    return (int)n;
}

void compat_avro_java_double(char *out, size_t cap, double d) {
    char dg[32];
    int e10, n;
    const char *sign = signbit(d) ? "-" : "";
    if (isnan(d) || isinf(d)) {
        snprintf(out, cap, "%s", isnan(d) ? "NaN" : (d < 0 ? "-Infinity" : "Infinity"));
        return;
    }
    if (d == 0) {
        snprintf(out, cap, "%s0.0", sign);
        return;
    }
    n = shortest_digits(fabs(d), dg, sizeof(dg), &e10);
    if (e10 >= -3 && e10 < 7) {
        char buf[64];
        size_t k = 0;
        if (e10 < 0) {
            k += (size_t)snprintf(buf, sizeof(buf), "0.");
            for (int i = -1; i > e10; i--)
                buf[k++] = '0';
            for (int i = 0; i < n; i++)
                buf[k++] = dg[i];
        } else {
            for (int i = 0; i <= e10; i++)
                buf[k++] = i < n ? dg[i] : '0';
            buf[k++] = '.';
            if (n > e10 + 1)
                for (int i = e10 + 1; i < n; i++)
                    buf[k++] = dg[i];
            else
                buf[k++] = '0';
        }
        buf[k] = 0;
        snprintf(out, cap, "%s%s", sign, buf);
    } else {
        snprintf(out, cap, "%s%c.%sE%d", sign, dg[0], n > 1 ? dg + 1 : "0", e10);
    }
}

static int cmp_keys(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static cn_err_t put_object(cn_buf_t *out, const json_t *v, bool sort_keys) {
    size_t n = json_object_size(v), i = 0;
    const char **keys = calloc(n ? n : 1, sizeof(*keys));
    const char *k;
    json_t *val;
    if (!keys)
        return CN_ERR_NO_MEMORY;
    json_object_foreach((json_t *)v, k, val) keys[i++] = k;
    if (sort_keys)
        qsort(keys, n, sizeof(*keys), cmp_keys);
    cn_buf_put_u8(out, '{');
    for (i = 0; i < n; i++) {
        if (i)
            cn_buf_put_u8(out, ',');
        compat_avro_put_str(out, keys[i]);
        cn_buf_put_u8(out, ':');
        compat_avro_put_json(out, json_object_get(v, keys[i]), sort_keys);
    }
    free(keys);
    return cn_buf_put_u8(out, '}');
}

cn_err_t compat_avro_put_json(cn_buf_t *out, const json_t *v, bool sort_keys) {
    char num[64];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return put_object(out, v, sort_keys);
    case JSON_ARRAY:
        cn_buf_put_u8(out, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                cn_buf_put_u8(out, ',');
            compat_avro_put_json(out, json_array_get(v, i), sort_keys);
        }
        return cn_buf_put_u8(out, ']');
    case JSON_STRING:
        return compat_avro_put_strn(out, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return cn_buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    case JSON_REAL:
        compat_avro_java_double(num, sizeof(num), json_real_value(v));
        return cn_buf_put_str(out, num);
    case JSON_TRUE:
        return cn_buf_put_str(out, "true");
    case JSON_FALSE:
        return cn_buf_put_str(out, "false");
    default:
        return cn_buf_put_str(out, "null");
    }
}
