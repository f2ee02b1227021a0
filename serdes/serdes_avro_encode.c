/* SPDX-License-Identifier: Apache-2.0
 *
 * The Avro binary encoder of the serdes: walks avro-c values (generic or any value interface)
 * and writes the binary encoding into a caller buffer in one pass, measuring the full size when
 * the buffer is too small. Scalars dispatch through a table by avro-c type. Owns no state.
 */
#include "serdes/serdes_avro_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"

/* ---- encoder ---- */

typedef struct serdes_enc {
    uint8_t *p;
    size_t cap, len;
} serdes_enc_t;

static inline void serdes_enc_put(serdes_enc_t *e, const void *src, size_t n) {
    if (e->len + n <= e->cap)
        memcpy(e->p + e->len, src, n);
    e->len += n;
}

static inline void serdes_enc_long(serdes_enc_t *e, int64_t v) {
    uint64_t z = cn_zigzag_encode(v);
    uint8_t tmp[10];
    size_t n = 0;
    while (z >= 0x80) {
        tmp[n++] = (uint8_t)(z | 0x80);
        z >>= 7;
    }
    tmp[n++] = (uint8_t)z;
    serdes_enc_put(e, tmp, n);
}

static void serdes_enc_le(serdes_enc_t *e, uint64_t bits, size_t n) {
    uint8_t tmp[8];
    for (size_t i = 0; i < n; i++)
        tmp[i] = (uint8_t)(bits >> (8 * i));
    serdes_enc_put(e, tmp, n);
}

static int serdes_enc_value(serdes_enc_t *e, avro_value_t *v, int depth);

static int serdes_enc_items(serdes_enc_t *e, avro_value_t *v, int depth) {
    size_t n = 0;
    int rc = avro_value_get_size(v, &n);
    if (rc == 0 && n > 0) {
        serdes_enc_long(e, (int64_t)n);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            avro_value_t child;
            const char *key = NULL;
            rc = avro_value_get_by_index(v, i, &child, &key);
            if (rc == 0 && avro_value_get_type(v) == AVRO_MAP) {
                size_t kl = strlen(key);
                serdes_enc_long(e, (int64_t)kl);
                serdes_enc_put(e, key, kl);
            }
            if (rc == 0)
                rc = serdes_enc_value(e, &child, depth + 1);
        }
    }
    serdes_enc_long(e, 0);
    return rc;
}

static int serdes_enc_record(serdes_enc_t *e, avro_value_t *v, int depth) {
    size_t n = 0;
    int rc = avro_value_get_size(v, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        avro_value_t child;
        rc = avro_value_get_by_index(v, i, &child, NULL);
        if (rc == 0)
            rc = serdes_enc_value(e, &child, depth + 1);
    }
    return rc;
}

static int serdes_enc_union(serdes_enc_t *e, avro_value_t *v, int depth) {
    int disc = -1;
    avro_value_t branch;
    int rc = avro_value_get_discriminant(v, &disc);
    if (rc == 0 && disc < 0)
        return EINVAL;
    if (rc == 0)
        rc = avro_value_get_current_branch(v, &branch);
    if (rc == 0) {
        serdes_enc_long(e, disc);
        rc = serdes_enc_value(e, &branch, depth + 1);
    }
    return rc;
}

typedef int (*serdes_enc_fn)(serdes_enc_t *e, avro_value_t *v);

static int serdes_enc_null(serdes_enc_t *e, avro_value_t *v) {
    (void)e;
    (void)v;
    return 0;
}

static int serdes_enc_boolean(serdes_enc_t *e, avro_value_t *v) {
    int b = 0;
    int rc = avro_value_get_boolean(v, &b);
    serdes_enc_put(e, &(uint8_t){b ? 1 : 0}, 1);
    return rc;
}

static int serdes_enc_int(serdes_enc_t *e, avro_value_t *v) {
    int32_t i = 0;
    int rc = avro_value_get_int(v, &i);
    serdes_enc_long(e, i);
    return rc;
}

static int serdes_enc_long_value(serdes_enc_t *e, avro_value_t *v) {
    int64_t l = 0;
    int rc = avro_value_get_long(v, &l);
    serdes_enc_long(e, l);
    return rc;
}

static int serdes_enc_float(serdes_enc_t *e, avro_value_t *v) {
    float f = 0;
    uint32_t bits;
    int rc = avro_value_get_float(v, &f);
    memcpy(&bits, &f, 4);
    serdes_enc_le(e, bits, 4);
    return rc;
}

static int serdes_enc_double(serdes_enc_t *e, avro_value_t *v) {
    double d = 0;
    uint64_t bits;
    int rc = avro_value_get_double(v, &d);
    memcpy(&bits, &d, 8);
    serdes_enc_le(e, bits, 8);
    return rc;
}

static void serdes_enc_blob(serdes_enc_t *e, const void *buf, size_t size) {
    serdes_enc_long(e, (int64_t)size);
    if (size)
        serdes_enc_put(e, buf, size);
}

static int serdes_enc_string(serdes_enc_t *e, avro_value_t *v) {
    const char *s = NULL;
    size_t size = 0;
    int rc = avro_value_get_string(v, &s, &size);
    if (rc == 0)
        serdes_enc_blob(e, s, size ? size - 1 : 0); /* avro-c counts the NUL */
    return rc;
}

static int serdes_enc_bytes(serdes_enc_t *e, avro_value_t *v) {
    const void *buf = NULL;
    size_t size = 0;
    int rc = avro_value_get_bytes(v, &buf, &size);
    if (rc == 0)
        serdes_enc_blob(e, buf, size);
    return rc;
}

static int serdes_enc_fixed(serdes_enc_t *e, avro_value_t *v) {
    const void *buf = NULL;
    size_t size = 0;
    int rc = avro_value_get_fixed(v, &buf, &size);
    if (rc == 0)
        serdes_enc_put(e, buf, size);
    return rc;
}

static int serdes_enc_enum(serdes_enc_t *e, avro_value_t *v) {
    int i = 0;
    int rc = avro_value_get_enum(v, &i);
    serdes_enc_long(e, i);
    return rc;
}

static int serdes_enc_scalar(serdes_enc_t *e, avro_value_t *v, avro_type_t t) {
    static const serdes_enc_fn table[] = {
        [AVRO_STRING] = serdes_enc_string,   [AVRO_BYTES] = serdes_enc_bytes,
        [AVRO_INT32] = serdes_enc_int,       [AVRO_INT64] = serdes_enc_long_value,
        [AVRO_FLOAT] = serdes_enc_float,     [AVRO_DOUBLE] = serdes_enc_double,
        [AVRO_BOOLEAN] = serdes_enc_boolean, [AVRO_NULL] = serdes_enc_null,
        [AVRO_ENUM] = serdes_enc_enum,       [AVRO_FIXED] = serdes_enc_fixed,
    };
    if ((unsigned)t >= sizeof(table) / sizeof(table[0]) || !table[t])
        return EINVAL;
    return table[t](e, v);
}

static int serdes_enc_value(serdes_enc_t *e, avro_value_t *v, int depth) {
    avro_type_t t = avro_value_get_type(v);
    if (depth > SERDES_AVRO_MAX_DEPTH)
        return ELOOP;
    switch (t) {
    case AVRO_RECORD:
        return serdes_enc_record(e, v, depth);
    case AVRO_ARRAY:
    case AVRO_MAP:
        return serdes_enc_items(e, v, depth);
    case AVRO_UNION:
        return serdes_enc_union(e, v, depth);
    default:
        return serdes_enc_scalar(e, v, t);
    }
}

cn_err_t serdes_avro_encode(avro_value_t *value, uint8_t *dst, size_t cap, size_t *len_out,
                            serdes_err_t *err) {
    serdes_enc_t e = {dst, cap, 0};
    int rc = serdes_enc_value(&e, value, 0);
    *len_out = e.len;
    if (rc != 0)
        return serdes_err_set(err, CN_ERR_PARSE, "the Avro value cannot be encoded (%s%s)",
                              strerror(rc),
                              rc == EINVAL ? ": a union without a branch or an unknown type" : "");
    if (e.len > cap)
        return serdes_err_set(err, CN_ERR_SERDES_BUFFER_SIZE,
                              "output buffer too small: %zu bytes needed", e.len);
    return CN_OK;
}
