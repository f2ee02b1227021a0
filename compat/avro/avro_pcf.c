/* SPDX-License-Identifier: Apache-2.0
 *
 * Parsing Canonical Form of the Avro specification (full names, only name/type/fields/symbols/
 * items/values/size, in that order, primitives as bare names, a named type written once then
 * referenced by full name; imports are inlined) and the CRC-64-AVRO (Rabin) fingerprint.
 */
#include "compat/avro/avro_int.h"

#define CRC64_AVRO_EMPTY 0xc15d213aa4d7a795ULL

typedef struct pcf {
    cn_buf_t *out;
    cn_map_t *seen;
    int depth;
    bool too_deep;
} pcf_t;

static void pcf_type(pcf_t *p, const compat_avro_node_t *n);

static void pcf_named_head(pcf_t *p, const compat_avro_node_t *n, const char *type) {
    cn_buf_put_str(p->out, "{\"name\":");
    compat_avro_put_str(p->out, n->fullname);
    cn_buf_printf(p->out, ",\"type\":\"%s\"", type);
}

static void pcf_record(pcf_t *p, const compat_avro_node_t *n) {
    pcf_named_head(p, n, "record");
    cn_buf_put_str(p->out, ",\"fields\":[");
    for (size_t i = 0; i < n->nfields; i++) {
        cn_buf_put_str(p->out, i ? ",{\"name\":" : "{\"name\":");
        compat_avro_put_str(p->out, n->fields[i].name);
        cn_buf_put_str(p->out, ",\"type\":");
        pcf_type(p, n->fields[i].type);
        cn_buf_put_u8(p->out, '}');
    }
    cn_buf_put_str(p->out, "]}");
}

static void pcf_named(pcf_t *p, const compat_avro_node_t *n) {
    if (cn_map_get(p->seen, &n, sizeof(n))) {
        compat_avro_put_str(p->out, n->fullname);
        return;
    }
    if (cn_map_put(p->seen, &n, sizeof(n), (void *)n) != CN_OK)
        p->out->failed = true;
    if (n->kind == COMPAT_AVRO_RECORD) {
        pcf_record(p, n);
    } else if (n->kind == COMPAT_AVRO_ENUM) {
        pcf_named_head(p, n, "enum");
        cn_buf_put_str(p->out, ",\"symbols\":[");
        for (size_t i = 0; i < n->nsymbols; i++) {
            if (i)
                cn_buf_put_u8(p->out, ',');
            compat_avro_put_str(p->out, n->symbols[i]);
        }
        cn_buf_put_str(p->out, "]}");
    } else {
        pcf_named_head(p, n, "fixed");
        cn_buf_printf(p->out, ",\"size\":%lld}", (long long)n->size);
    }
}

static void pcf_type(pcf_t *p, const compat_avro_node_t *n) {
    if (++p->depth > COMPAT_AVRO_MAX_WALK) {
        p->too_deep = true;
    } else if (compat_avro_is_named(n->kind)) {
        pcf_named(p, n);
    } else if (n->kind == COMPAT_AVRO_UNION) {
        cn_buf_put_u8(p->out, '[');
        for (size_t i = 0; i < n->nbranches; i++) {
            if (i)
                cn_buf_put_u8(p->out, ',');
            pcf_type(p, n->branches[i]);
        }
        cn_buf_put_u8(p->out, ']');
    } else if (n->kind == COMPAT_AVRO_ARRAY || n->kind == COMPAT_AVRO_MAP) {
        cn_buf_put_str(p->out, n->kind == COMPAT_AVRO_ARRAY ? "{\"type\":\"array\",\"items\":"
                                                            : "{\"type\":\"map\",\"values\":");
        pcf_type(p, n->child);
        cn_buf_put_u8(p->out, '}');
    } else {
        compat_avro_put_str(p->out, compat_avro_kind_name(n->kind));
    }
    p->depth--;
}

cn_err_t compat_avro_print_pcf(const compat_avro_schema_t *sch, cn_buf_t *out, cn_error_t *err) {
    pcf_t p = {.out = out};
    if (!(p.seen = cn_map_new(NULL)))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    pcf_type(&p, sch->root);
    cn_map_free(p.seen);
    if (p.too_deep)
        return cn_error_set(err, CN_ERR_TOO_DEEP, "schema graph nested too deep to print");
    if (out->failed)
        return cn_error_set(err, CN_ERR_NO_MEMORY, "cannot print schema");
    return CN_OK;
}

uint64_t compat_avro_crc64(const void *data, size_t len) {
    uint64_t table[256];
    const unsigned char *p = data;
    uint64_t fp = CRC64_AVRO_EMPTY;
    for (unsigned i = 0; i < 256; i++) {
        uint64_t f = i;
        for (int j = 0; j < 8; j++)
            f = (f >> 1) ^ (CRC64_AVRO_EMPTY & (0 - (f & 1)));
        table[i] = f;
    }
    for (size_t i = 0; i < len; i++)
        fp = (fp >> 8) ^ table[(fp ^ p[i]) & 0xff];
    return fp;
}
