/* SPDX-License-Identifier: Apache-2.0
 *
 * The Avro binary decoder of the serdes: interprets a resolution plan over the payload bytes
 * and writes avro-c generic values of the reader schema. Every length is checked against the
 * bytes left before anything is allocated, element counts are capped, nesting is bounded, and
 * the whole payload must be consumed. Owns no state.
 */
#include "serdes/serdes_avro_plan_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"

#define SERDES_AVRO_MAX_ITEMS (1u << 24)

typedef struct serdes_dc {
    cn_rd_t rd;
    const serdes_avro_plan_t *plan;
    serdes_err_t *err;
    int depth;
    size_t items; /* array and map elements so far */
} serdes_dc_t;

static cn_err_t serdes_dec(serdes_dc_t *c, const serdes_node_t *n, avro_value_t *v);
static cn_err_t serdes_skip(serdes_dc_t *c, avro_schema_t w);

static cn_err_t serdes_bad(serdes_dc_t *c, const char *what) {
    return serdes_err_set(c->err, CN_ERR_SERDES_PAYLOAD, "Avro payload invalid at byte %zu: %s",
                          c->rd.pos, what);
}

static cn_err_t serdes_avro_fail(serdes_dc_t *c) {
    return serdes_err_set(c->err, CN_ERR_INTERNAL, "avro-c: %s", avro_strerror());
}

static inline int64_t serdes_rd_long(serdes_dc_t *c) {
    const cn_rd_t *rd = &c->rd;
    if (rd->pos < rd->len && rd->p[rd->pos] < 0x80) /* one-byte fast path */
        return cn_zigzag_decode(c->rd.p[c->rd.pos++]);
    return cn_rd_varint(&c->rd);
}

static int32_t serdes_rd_int(serdes_dc_t *c) {
    int64_t v = serdes_rd_long(c);
    if (v < INT32_MIN || v > INT32_MAX) {
        c->rd.err = true;
        return 0;
    }
    return (int32_t)v;
}

static uint64_t serdes_rd_le(serdes_dc_t *c, size_t n) {
    const uint8_t *p = cn_rd_take(&c->rd, n);
    uint64_t v = 0;
    for (size_t i = 0; p && i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static float serdes_rd_float(serdes_dc_t *c) {
    uint32_t bits = (uint32_t)serdes_rd_le(c, 4);
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static double serdes_rd_double(serdes_dc_t *c) {
    uint64_t bits = serdes_rd_le(c, 8);
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

/* A length-prefixed byte string, borrowed from the payload. */
static const uint8_t *serdes_rd_blob(serdes_dc_t *c, size_t *len) {
    int64_t n = serdes_rd_long(c);
    if (!cn_rd_ok(&c->rd) || n < 0 || (uint64_t)n > cn_rd_left(&c->rd)) {
        c->rd.err = true;
        return NULL;
    }
    *len = (size_t)n;
    return cn_rd_take(&c->rd, (size_t)n);
}

/* avro-c copies strings including their NUL: hand it a terminated copy. */
static int serdes_set_string(avro_value_t *v, const uint8_t *p, size_t n) {
    char small[256];
    char *tmp = n < sizeof(small) ? small : malloc(n + 1);
    int rc;
    if (!tmp)
        return ENOMEM;
    if (n)
        memcpy(tmp, p, n);
    tmp[n] = '\0';
    rc = avro_value_set_string_len(v, tmp, n + 1);
    if (tmp != small)
        free(tmp);
    return rc;
}

static cn_err_t serdes_dec_blob(serdes_dc_t *c, const serdes_node_t *n, avro_value_t *v) {
    size_t len = 0;
    const uint8_t *p = serdes_rd_blob(c, &len);
    int rc;
    if (!p && len)
        return serdes_bad(c, "length beyond the end of the payload");
    if (!cn_rd_ok(&c->rd))
        return serdes_bad(c, "bad length");
    rc = n->op == OP_STRING ? serdes_set_string(v, p, len)
                            : avro_value_set_bytes(v, (void *)(p ? p : (const uint8_t *)""), len);
    return rc == 0 ? CN_OK : serdes_avro_fail(c);
}

static cn_err_t serdes_dec_scalar(serdes_dc_t *c, const serdes_node_t *n, avro_value_t *v) {
    int rc = 0;
    switch (n->op) {
    case OP_NULL:
        return avro_value_set_null(v) == 0 ? CN_OK : serdes_avro_fail(c);
    case OP_BOOL: {
        uint8_t b = cn_rd_u8(&c->rd);
        if (cn_rd_ok(&c->rd) && b > 1)
            return serdes_bad(c, "boolean byte is not 0 or 1");
        rc = avro_value_set_boolean(v, b);
        break;
    }
    case OP_INT:
        rc = avro_value_set_int(v, serdes_rd_int(c));
        break;
    case OP_LONG:
        rc = avro_value_set_long(v, serdes_rd_long(c));
        break;
    case OP_FLOAT:
        rc = avro_value_set_float(v, serdes_rd_float(c));
        break;
    case OP_DOUBLE:
        rc = avro_value_set_double(v, serdes_rd_double(c));
        break;
    case OP_INT_LONG:
        rc = avro_value_set_long(v, serdes_rd_int(c));
        break;
    case OP_INT_FLOAT:
        rc = avro_value_set_float(v, (float)serdes_rd_int(c));
        break;
    case OP_INT_DOUBLE:
        rc = avro_value_set_double(v, serdes_rd_int(c));
        break;
    case OP_LONG_FLOAT:
        rc = avro_value_set_float(v, (float)serdes_rd_long(c));
        break;
    case OP_LONG_DOUBLE:
        rc = avro_value_set_double(v, (double)serdes_rd_long(c));
        break;
    case OP_FLOAT_DOUBLE:
        rc = avro_value_set_double(v, serdes_rd_float(c));
        break;
    default:
        return serdes_dec_blob(c, n, v);
    }
    if (!cn_rd_ok(&c->rd))
        return serdes_bad(c, "truncated or malformed number");
    return rc == 0 ? CN_OK : serdes_avro_fail(c);
}

static cn_err_t serdes_dec_enum(serdes_dc_t *c, const serdes_node_t *n, avro_value_t *v) {
    int32_t i = serdes_rd_int(c);
    if (!cn_rd_ok(&c->rd) || i < 0 || (size_t)i >= n->enum_n)
        return serdes_bad(c, "enum index out of range");
    if (n->enum_map[i] < 0)
        return serdes_err_set(c->err, CN_ERR_INCOMPATIBLE,
                              "enum symbol %s of the writer is not in the reader's enum %s, which "
                              "has no default",
                              avro_schema_enum_get(n->w, i), avro_schema_name(n->r));
    return avro_value_set_enum(v, n->enum_map[i]) == 0 ? CN_OK : serdes_avro_fail(c);
}

static cn_err_t serdes_dec_fixed(serdes_dc_t *c, const serdes_node_t *n, avro_value_t *v) {
    const uint8_t *p = cn_rd_take(&c->rd, (size_t)n->fixed_size);
    if (!p && n->fixed_size)
        return serdes_bad(c, "fixed value beyond the end of the payload");
    return avro_value_set_fixed(v, (void *)(p ? p : (const uint8_t *)""), (size_t)n->fixed_size) ==
                   0
               ? CN_OK
               : serdes_avro_fail(c);
}

static cn_err_t serdes_dec_record(serdes_dc_t *c, const serdes_node_t *n, avro_value_t *v) {
    cn_err_t rc = CN_OK;
    avro_value_t child;
    for (size_t i = 0; rc == CN_OK && i < n->n_wfields; i++) {
        const serdes_wfield_t *f = &n->wfields[i];
        if (f->reader_index < 0) {
            rc = serdes_skip(c, f->plan->w);
            continue;
        }
        if (avro_value_get_by_index(v, (size_t)f->reader_index, &child, NULL) != 0)
            return serdes_avro_fail(c);
        rc = serdes_dec(c, f->plan, &child);
    }
    for (size_t i = 0; rc == CN_OK && i < n->n_dfields; i++) {
        const serdes_dfield_t *d = &n->dfields[i];
        if (avro_value_get_by_index(v, (size_t)d->reader_index, &child, NULL) != 0)
            return serdes_avro_fail(c);
        rc = serdes_avro_from_json(c->plan->reader, d->schema, d->value, &child, true, c->err);
    }
    return rc;
}

/* The next block count of an array or map (0 at the end); negative counts carry a size. */
static cn_err_t serdes_block(serdes_dc_t *c, avro_schema_t item, size_t *count) {
    int64_t n = serdes_rd_long(c);
    bool empty_items = item && avro_typeof(item) == AVRO_NULL;
    if (n < 0) {
        n = n == INT64_MIN ? 0 : -n;
        (void)serdes_rd_long(c);
    }
    if (!cn_rd_ok(&c->rd))
        return serdes_bad(c, "truncated block count");
    if ((!empty_items && (uint64_t)n > cn_rd_left(&c->rd)) ||
        (uint64_t)n > SERDES_AVRO_MAX_ITEMS - c->items)
        return serdes_bad(c, "block count larger than the payload allows");
    c->items += (size_t)n;
    *count = (size_t)n;
    return CN_OK;
}

static cn_err_t serdes_map_key(serdes_dc_t *c, char *small, size_t cap, char **key) {
    size_t len = 0;
    const uint8_t *p = serdes_rd_blob(c, &len);
    if (!cn_rd_ok(&c->rd))
        return serdes_bad(c, "bad map key length");
    *key = len < cap ? small : malloc(len + 1);
    if (!*key)
        return serdes_err_set(c->err, CN_ERR_NO_MEMORY, NULL);
    if (len)
        memcpy(*key, p, len);
    (*key)[len] = '\0';
    return CN_OK;
}

static cn_err_t serdes_dec_items(serdes_dc_t *c, const serdes_node_t *n, avro_value_t *v) {
    bool is_map = n->op == OP_MAP;
    avro_schema_t item = is_map ? avro_schema_map_values(n->w) : avro_schema_array_items(n->w);
    size_t count = 0;
    cn_err_t rc;
    while ((rc = serdes_block(c, item, &count)) == CN_OK && count > 0) {
        for (size_t i = 0; rc == CN_OK && i < count; i++) {
            avro_value_t child;
            char small[128], *key = NULL;
            int arc;
            if (is_map && (rc = serdes_map_key(c, small, sizeof(small), &key)) != CN_OK)
                return rc;
            arc = is_map ? avro_value_add(v, key, &child, NULL, NULL)
                         : avro_value_append(v, &child, NULL);
            if (key != small)
                free(key);
            rc = arc == 0 ? serdes_dec(c, n->child, &child) : serdes_avro_fail(c);
        }
        if (rc != CN_OK)
            return rc;
    }
    return rc;
}

static cn_err_t serdes_dec_wunion(serdes_dc_t *c, const serdes_node_t *n, avro_value_t *v) {
    int64_t b = serdes_rd_long(c);
    const serdes_node_t *bn;
    if (!cn_rd_ok(&c->rd) || b < 0 || (uint64_t)b >= n->n_branches)
        return serdes_bad(c, "union branch index out of range");
    bn = n->branches[b];
    if (bn->op == OP_ERROR)
        return serdes_err_set(c->err, CN_ERR_INCOMPATIBLE, "union branch %d: %s", (int)b,
                              bn->error);
    return serdes_dec(c, bn, v);
}

static cn_err_t serdes_dec(serdes_dc_t *c, const serdes_node_t *n, avro_value_t *v) {
    cn_err_t rc;
    avro_value_t branch;
    if (++c->depth > SERDES_AVRO_MAX_DEPTH)
        return serdes_bad(c, "nesting too deep");
    switch (n->op) {
    case OP_RECORD:
        rc = serdes_dec_record(c, n, v);
        break;
    case OP_ARRAY:
    case OP_MAP:
        rc = serdes_dec_items(c, n, v);
        break;
    case OP_ENUM:
        rc = serdes_dec_enum(c, n, v);
        break;
    case OP_FIXED:
        rc = serdes_dec_fixed(c, n, v);
        break;
    case OP_WUNION:
        rc = serdes_dec_wunion(c, n, v);
        break;
    case OP_RUNION:
        rc = avro_value_set_branch(v, n->branch, &branch) == 0 ? serdes_dec(c, n->child, &branch)
                                                               : serdes_avro_fail(c);
        break;
    case OP_SKIP:
        rc = serdes_skip(c, n->w);
        break;
    case OP_ERROR:
        rc = serdes_err_set(c->err, CN_ERR_INCOMPATIBLE, "%s", n->error);
        break;
    default:
        rc = serdes_dec_scalar(c, n, v);
    }
    c->depth--;
    return rc;
}

/* ---- skipping writer-only data ---- */

static cn_err_t serdes_skip_items(serdes_dc_t *c, avro_schema_t w) {
    bool is_map = avro_typeof(w) == AVRO_MAP;
    avro_schema_t item = is_map ? avro_schema_map_values(w) : avro_schema_array_items(w);
    size_t count = 0, len;
    cn_err_t rc;
    while ((rc = serdes_block(c, item, &count)) == CN_OK && count > 0) {
        for (size_t i = 0; rc == CN_OK && i < count; i++) {
            if (is_map && !serdes_rd_blob(c, &len) && !cn_rd_ok(&c->rd))
                return serdes_bad(c, "bad map key length");
            rc = serdes_skip(c, item);
        }
        if (rc != CN_OK)
            return rc;
    }
    return rc;
}

static cn_err_t serdes_skip_complex(serdes_dc_t *c, avro_schema_t w) {
    cn_err_t rc = CN_OK;
    int64_t b;
    switch (avro_typeof(w)) {
    case AVRO_RECORD:
        for (size_t i = 0; rc == CN_OK && i < avro_schema_record_size(w); i++)
            rc = serdes_skip(c, avro_schema_record_field_get_by_index(w, (int)i));
        return rc;
    case AVRO_UNION:
        b = serdes_rd_long(c);
        if (!cn_rd_ok(&c->rd) || b < 0 || (uint64_t)b >= avro_schema_union_size(w))
            return serdes_bad(c, "union branch index out of range");
        return serdes_skip(c, avro_schema_union_branch(w, (int)b));
    case AVRO_ARRAY:
    case AVRO_MAP:
        return serdes_skip_items(c, w);
    default:
        return serdes_bad(c, "unknown type");
    }
}

static cn_err_t serdes_skip(serdes_dc_t *c, avro_schema_t w) {
    size_t len;
    cn_err_t rc = CN_OK;
    while (avro_typeof(w) == AVRO_LINK)
        w = avro_schema_link_target(w);
    if (++c->depth > SERDES_AVRO_MAX_DEPTH)
        return serdes_bad(c, "nesting too deep");
    switch (avro_typeof(w)) {
    case AVRO_NULL:
        break;
    case AVRO_BOOLEAN:
        cn_rd_skip(&c->rd, 1);
        break;
    case AVRO_INT32:
    case AVRO_INT64:
    case AVRO_ENUM:
        (void)serdes_rd_long(c);
        break;
    case AVRO_FLOAT:
        cn_rd_skip(&c->rd, 4);
        break;
    case AVRO_DOUBLE:
        cn_rd_skip(&c->rd, 8);
        break;
    case AVRO_STRING:
    case AVRO_BYTES:
        (void)serdes_rd_blob(c, &len);
        break;
    case AVRO_FIXED:
        cn_rd_skip(&c->rd, (size_t)avro_schema_fixed_size(w));
        break;
    default:
        rc = serdes_skip_complex(c, w);
    }
    c->depth--;
    if (rc == CN_OK && !cn_rd_ok(&c->rd))
        return serdes_bad(c, "truncated data");
    return rc;
}

/* Top-level "bytes" writer: the payload is the value, as Java's KafkaAvroSerializer writes it
 * (confluentinc/schema-registry#1411, confluentinc/libserdes#24). */
static cn_err_t serdes_dec_raw(const serdes_avro_plan_t *plan, const uint8_t *data, size_t len,
                               avro_value_t *out, serdes_err_t *err) {
    const uint8_t *p = len ? data : (const uint8_t *)"";
    int rc;
    if (plan->root->op == OP_BYTES)
        rc = avro_value_set_bytes(out, (void *)p, len);
    else if (plan->root->op == OP_STRING)
        rc = serdes_set_string(out, p, len);
    else
        return serdes_err_set(err, CN_ERR_INCOMPATIBLE,
                              "a top-level bytes writer can only be read as bytes or string");
    return rc == 0 ? CN_OK : serdes_err_set(err, CN_ERR_INTERNAL, "avro-c: %s", avro_strerror());
}

cn_err_t serdes_avro_decode(const serdes_avro_plan_t *plan, const uint8_t *data, size_t len,
                            avro_value_t *out, serdes_err_t *err) {
    serdes_dc_t c = {.plan = plan, .err = err};
    cn_err_t rc;
    if (avro_value_reset(out) != 0)
        return serdes_err_set(err, CN_ERR_INTERNAL, "avro-c: %s", avro_strerror());
    if (plan->raw_bytes)
        return serdes_dec_raw(plan, data, len, out, err);
    cn_rd_init(&c.rd, data, len);
    rc = serdes_dec(&c, plan->root, out);
    if (rc == CN_OK && cn_rd_left(&c.rd) != 0)
        return serdes_err_set(err, CN_ERR_SERDES_PAYLOAD,
                              "Avro payload has %zu bytes after the datum", cn_rd_left(&c.rd));
    return rc;
}
