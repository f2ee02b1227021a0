/* SPDX-License-Identifier: Apache-2.0
 *
 * Custom options in a FileDescriptorProto: an option `(pkg.opt) = v` is, in a descriptor, the
 * field `opt` (an extension of google.protobuf.FieldOptions etc., declared by an `extend` block
 * of the schema or of a file it imports) set on the *Options message, encoded as the Protocol
 * Buffers encoding specifies (https://protobuf.dev/programming-guides/encoding/). protobuf-c
 * keeps such fields as unknown fields, with their tag, wire type and bytes. This file lists
 * the extensions a schema declares, renders an unknown field back as `(name) = value`, and
 * encodes an option as an unknown field. Scalar options only: an option whose value is a
 * message (aggregate `{...}` or a sub-field path `(opt).x`) or whose extension is not declared
 * in the schema or its imports is left out.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_desc_int.h"

#define EXT_MAX_DEPTH 32

/* ---- the list ---- */

void pb_exts_add(pb_exts_t *x, const char *extendee, const char *scope, const char *field,
                 const char *type, int32_t number, const pb_type_t *enum_type) {
    pb_ext_t e = {.number = number, .enum_type = enum_type};
    if (x->failed)
        return;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 16;
        pb_ext_t *v = realloc(x->v, cap * sizeof(*v));
        if (!v) {
            x->failed = true;
            return;
        }
        x->v = v;
        x->cap = cap;
    }
    if (extendee[0] == '.')
        extendee++;
    if (asprintf(&e.name, "%s%s%s", scope && *scope ? scope : "", scope && *scope ? "." : "",
                 field) < 0)
        e.name = NULL;
    e.extendee = strdup(extendee);
    e.type = strdup(type);
    if (!e.name || !e.extendee || !e.type) {
        free(e.name);
        free(e.extendee);
        free(e.type);
        x->failed = true;
        return;
    }
    x->v[x->n++] = e;
}

void pb_exts_free(pb_exts_t *x) {
    for (size_t i = 0; i < x->n; i++) {
        free(x->v[i].extendee);
        free(x->v[i].name);
        free(x->v[i].type);
    }
    free(x->v);
    *x = (pb_exts_t){0};
}

static void add_extends(pb_exts_t *x, const char *scope, const pb_extend_t *v, size_t n) {
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; v[i].rsym && k < v[i].nfields; k++) {
            const pb_field_t *f = v[i].fields[k];
            const char *type = f->map_key               ? "message"
                               : !f->rsym               ? f->type
                               : f->rsym->type->is_enum ? "enum"
                                                        : "message";
            pb_exts_add(x, v[i].rsym->fqn, scope, f->name, type, f->tag,
                        f->rsym && f->rsym->type->is_enum ? f->rsym->type : NULL);
        }
}

static void add_types(pb_exts_t *x, pb_type_t *const *t, size_t n, int depth) {
    for (size_t i = 0; i < n && depth < PB_MAX_DEPTH; i++) {
        add_extends(x, t[i]->fqn, t[i]->extends, t[i]->nextends);
        add_types(x, t[i]->nested, t[i]->nnested, depth + 1);
    }
}

void pb_exts_from_schema(pb_exts_t *x, const compat_pb_schema_t *s, int depth) {
    if (!s || depth > EXT_MAX_DEPTH)
        return;
    add_extends(x, s->file->package, s->file->extends, s->file->nextends);
    add_types(x, s->file->types, s->file->ntypes, 0);
    for (size_t i = 0; i < s->ndeps; i++)
        pb_exts_from_schema(x, s->deps[i].schema, depth + 1);
}

/* A FieldDescriptorProto's type as a name (descriptor.proto's Type numbers). */
static const char *type_name_of(const Google__Protobuf__FieldDescriptorProto *f) {
    static const char *const names[] = {NULL,       "double",   "float",   "int64",  "uint64",
                                        "int32",    "fixed64",  "fixed32", "bool",   "string",
                                        NULL,       NULL,       "bytes",   "uint32", "enum",
                                        "sfixed32", "sfixed64", "sint32",  "sint64"};
    if (!f->has_type || f->type < 1 || (size_t)f->type >= sizeof(names) / sizeof(names[0]) ||
        !names[f->type])
        return "message"; /* group, message */
    return names[f->type];
}

static void own_exts(pb_exts_t *x, const char *scope,
                     Google__Protobuf__FieldDescriptorProto *const *ext, size_t next,
                     Google__Protobuf__DescriptorProto *const *msgs, size_t nmsgs, int depth) {
    for (size_t i = 0; i < next; i++)
        if (ext[i]->extendee && ext[i]->name)
            pb_exts_add(x, ext[i]->extendee, scope, ext[i]->name, type_name_of(ext[i]),
                        ext[i]->number, NULL);
    for (size_t i = 0; i < nmsgs && depth < EXT_MAX_DEPTH; i++) {
        char *inner = NULL;
        if (!msgs[i]->name ||
            asprintf(&inner, "%s%s%s", scope, *scope ? "." : "", msgs[i]->name) < 0)
            continue;
        own_exts(x, inner, msgs[i]->extension, msgs[i]->n_extension, msgs[i]->nested_type,
                 msgs[i]->n_nested_type, depth + 1);
        free(inner);
    }
}

void pb_exts_from_descriptor(pb_exts_t *x, const Google__Protobuf__FileDescriptorProto *f) {
    own_exts(x, f->package ? f->package : "", f->extension, f->n_extension, f->message_type,
             f->n_message_type, 0);
}

static const pb_ext_t *by_number(const pb_exts_t *x, const char *extendee, uint32_t number) {
    for (size_t i = 0; i < x->n; i++)
        if ((uint32_t)x->v[i].number == number && strcmp(x->v[i].extendee, extendee) == 0)
            return &x->v[i];
    return NULL;
}

/* The option name as written, (a.b) or (.a.b), matched by full name or by a trailing part. */
static const pb_ext_t *by_name(const pb_exts_t *x, const char *extendee, const char *written) {
    size_t n = strlen(written);
    if (n < 3 || written[0] != '(' || written[n - 1] != ')')
        return NULL;
    const char *nm = written + 1 + (written[1] == '.');
    size_t len = (size_t)(written + n - 1 - nm);
    for (size_t i = 0; len && i < x->n; i++) {
        const char *full = x->v[i].name;
        size_t fl = strlen(full);
        if (strcmp(x->v[i].extendee, extendee) != 0 || fl < len ||
            strncmp(full + fl - len, nm, len) != 0)
            continue;
        if (fl == len || full[fl - len - 1] == '.')
            return &x->v[i];
    }
    return NULL;
}

/* ---- wire values ---- */

static bool varint(const uint8_t *p, size_t n, uint64_t *v, size_t *used) {
    *v = 0;
    for (size_t i = 0; i < n && i < 10; i++) {
        *v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
        if (!(p[i] & 0x80)) {
            *used = i + 1;
            return true;
        }
    }
    return false;
}

static size_t put_varint(uint8_t *p, uint64_t v) {
    size_t n = 0;
    do {
        p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

static uint64_t le(const uint8_t *p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_real(cn_buf_t *b, double d, int digits) {
    if (isnan(d))
        cn_buf_put_str(b, "nan");
    else if (isinf(d))
        cn_buf_put_str(b, d < 0 ? "-inf" : "inf");
    else
        cn_buf_printf(b, "%.*g", digits, d);
}

static const char *enum_name(const pb_type_t *e, int32_t v) {
    for (size_t i = 0; e && i < e->nconsts; i++)
        if (e->consts[i].value == v)
            return e->consts[i].name;
    return NULL;
}

static bool render_varint(const pb_ext_t *e, uint64_t v, cn_buf_t *b) {
    const char *t = e->type, *nm;
    if (strcmp(t, "bool") == 0)
        cn_buf_put_str(b, v ? "true" : "false");
    else if (strcmp(t, "enum") == 0 && (nm = enum_name(e->enum_type, (int32_t)v)))
        cn_buf_put_str(b, nm);
    else if (strcmp(t, "uint32") == 0 || strcmp(t, "uint64") == 0)
        cn_buf_printf(b, "%llu", (unsigned long long)v);
    else if (strcmp(t, "sint32") == 0 || strcmp(t, "sint64") == 0)
        cn_buf_printf(b, "%lld", (long long)((v >> 1) ^ (~(v & 1) + 1)));
    else if (strcmp(t, "int32") == 0 || strcmp(t, "int64") == 0 || strcmp(t, "enum") == 0)
        cn_buf_printf(b, "%lld", (long long)v);
    else
        return false;
    return true;
}

static bool render_fixed(const pb_ext_t *e, const ProtobufCMessageUnknownField *u, cn_buf_t *b) {
    const char *t = e->type;
    size_t w = u->wire_type == PROTOBUF_C_WIRE_TYPE_32BIT ? 4 : 8;
    uint64_t v;
    if (u->len < w)
        return false;
    v = le(u->data, w);
    if (w == 4 && strcmp(t, "float") == 0) {
        float f;
        uint32_t v32 = (uint32_t)v;
        memcpy(&f, &v32, 4);
        put_real(b, f, 9);
    } else if (w == 8 && strcmp(t, "double") == 0) {
        double d;
        memcpy(&d, &v, 8);
        put_real(b, d, 17);
    } else if (strcmp(t, w == 4 ? "fixed32" : "fixed64") == 0)
        cn_buf_printf(b, "%llu", (unsigned long long)v);
    else if (strcmp(t, w == 4 ? "sfixed32" : "sfixed64") == 0)
        cn_buf_printf(b, "%lld", w == 4 ? (long long)(int32_t)v : (long long)v);
    else
        return false;
    return true;
}

bool pb_ext_render(const pb_exts_t *x, const char *extendee, const ProtobufCMessageUnknownField *u,
                   cn_buf_t *b) {
    const pb_ext_t *e = by_number(x, extendee, u->tag);
    uint64_t v;
    size_t used;
    cn_buf_t t;
    bool ok = false;
    if (!e || strcmp(e->type, "message") == 0)
        return false;
    cn_buf_init(&t, CN_BUF_NO_LIMIT);
    cn_buf_printf(&t, "(%s) = ", e->name);
    switch (u->wire_type) {
    case PROTOBUF_C_WIRE_TYPE_VARINT:
        ok = varint(u->data, u->len, &v, &used) && render_varint(e, v, &t);
        break;
    case PROTOBUF_C_WIRE_TYPE_32BIT:
    case PROTOBUF_C_WIRE_TYPE_64BIT:
        ok = render_fixed(e, u, &t);
        break;
    case PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED: /* data: the length, then the bytes */
        ok = (strcmp(e->type, "string") == 0 || strcmp(e->type, "bytes") == 0) &&
             varint(u->data, u->len, &v, &used) && v == u->len - used;
        if (ok)
            pb_pr_quoted(&t, (const char *)u->data + used, (size_t)v);
        break;
    default:
        break;
    }
    if (ok && !t.failed)
        cn_buf_put(b, t.data, t.len);
    cn_buf_fini(&t);
    return ok;
}

/* The custom options among an options message's unknown fields: "option (x) = v;" lines. */
void pb_ext_stmts(cn_buf_t *b, const pb_exts_t *x, const ProtobufCMessage *o, const char *extendee,
                  int level) {
    for (unsigned i = 0; o && i < o->n_unknown_fields; i++) {
        cn_buf_t t;
        cn_buf_init(&t, CN_BUF_NO_LIMIT);
        if (pb_ext_render(x, extendee, &o->unknown_fields[i], &t)) {
            for (int k = 0; k < level; k++)
                cn_buf_put(b, "  ", 2);
            cn_buf_put_str(b, "option ");
            cn_buf_put(b, t.data, t.len);
            cn_buf_put_str(b, ";\n");
        }
        cn_buf_fini(&t);
    }
}

bool pb_ext_inline(cn_buf_t *b, const pb_exts_t *x, const ProtobufCMessage *o, const char *extendee,
                   const char **sep) {
    bool any = false;
    for (unsigned i = 0; o && i < o->n_unknown_fields; i++) {
        cn_buf_t t;
        cn_buf_init(&t, CN_BUF_NO_LIMIT);
        if (pb_ext_render(x, extendee, &o->unknown_fields[i], &t)) {
            cn_buf_put_str(b, *sep);
            cn_buf_put(b, t.data, t.len);
            *sep = ", ";
            any = true;
        }
        cn_buf_fini(&t);
    }
    return any;
}

/* ---- encoding an option ---- */

static bool int_value(const pb_val_t *v, bool is_signed, uint64_t *out) {
    char *end = NULL;
    if (v->kind != PB_VAL_NUMBER)
        return false;
    if (is_signed)
        *out = (uint64_t)strtoll(v->text, &end, 0);
    else
        *out = v->text[0] == '-' ? 0 : strtoull(v->text, &end, 0);
    return end && end != v->text && !*end;
}

static bool real_value(const pb_val_t *v, double *out) {
    char *end = NULL;
    const char *t = v->text;
    if (strcmp(t, "inf") == 0 || strcmp(t, "-inf") == 0 || strcmp(t, "nan") == 0) {
        *out = t[0] == 'n' ? NAN : t[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (v->kind != PB_VAL_NUMBER)
        return false;
    *out = strtod(t, &end);
    return end != t && !*end;
}

static bool enum_value(const pb_ext_t *e, const pb_val_t *v, uint64_t *out) {
    for (size_t i = 0; v->kind == PB_VAL_ENUM && e->enum_type && i < e->enum_type->nconsts; i++)
        if (strcmp(e->enum_type->consts[i].name, v->text) == 0) {
            *out = (uint64_t)(int64_t)e->enum_type->consts[i].value;
            return true;
        }
    return int_value(v, true, out);
}

/* The value's bytes into buf (room for 16), its wire type; false when it does not fit. */
static bool scalar_bytes(const pb_ext_t *e, const pb_val_t *v, uint8_t *buf, size_t *n,
                         ProtobufCWireType *wt) {
    const char *t = e->type;
    uint64_t u = 0;
    double d;
    *wt = PROTOBUF_C_WIRE_TYPE_VARINT;
    if (strcmp(t, "bool") == 0 && v->kind == PB_VAL_BOOL)
        u = strcmp(v->text, "true") == 0;
    else if (strcmp(t, "enum") == 0) {
        if (!enum_value(e, v, &u))
            return false;
    } else if (strcmp(t, "int32") == 0 || strcmp(t, "int64") == 0 || strcmp(t, "uint32") == 0 ||
               strcmp(t, "uint64") == 0) {
        if (!int_value(v, t[0] == 'i', &u))
            return false;
    } else if (strcmp(t, "sint32") == 0 || strcmp(t, "sint64") == 0) {
        if (!int_value(v, true, &u))
            return false;
        u = (u << 1) ^ (uint64_t)((int64_t)u >> 63);
    } else if (strcmp(t, "float") == 0 || strcmp(t, "double") == 0) {
        if (!real_value(v, &d))
            return false;
        float f = (float)d;
        *wt = t[0] == 'f' ? PROTOBUF_C_WIRE_TYPE_32BIT : PROTOBUF_C_WIRE_TYPE_64BIT;
        *n = t[0] == 'f' ? 4 : 8;
        memcpy(buf, t[0] == 'f' ? (void *)&f : (void *)&d, *n); /* little-endian hosts */
        return true;
    } else if (strstr(t, "fixed")) {
        if (!int_value(v, t[0] == 's', &u))
            return false;
        *wt = strstr(t, "32") ? PROTOBUF_C_WIRE_TYPE_32BIT : PROTOBUF_C_WIRE_TYPE_64BIT;
        *n = *wt == PROTOBUF_C_WIRE_TYPE_32BIT ? 4 : 8;
        for (size_t i = 0; i < *n; i++)
            buf[i] = (uint8_t)(u >> (8 * i));
        return true;
    } else
        return false;
    *n = put_varint(buf, u);
    return true;
}

static bool encode_one(pb_arena_t *a, const pb_ext_t *e, const pb_val_t *v,
                       ProtobufCMessageUnknownField *out) {
    uint8_t buf[16];
    size_t n = 0;
    ProtobufCWireType wt;
    out->tag = (uint32_t)e->number;
    if (strcmp(e->type, "string") == 0 || strcmp(e->type, "bytes") == 0) {
        if (v->kind != PB_VAL_STRING)
            return false;
        n = put_varint(buf, v->len);
        out->wire_type = PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED;
        out->len = n + v->len;
        if (!(out->data = pb_alloc(a, out->len ? out->len : 1)))
            return false;
        memcpy(out->data, buf, n);
        memcpy(out->data + n, v->text, v->len);
        return true;
    }
    if (!scalar_bytes(e, v, buf, &n, &wt))
        return false;
    out->wire_type = wt;
    out->len = n;
    if (!(out->data = pb_alloc(a, n)))
        return false;
    memcpy(out->data, buf, n);
    return true;
}

ProtobufCMessageUnknownField *pb_ext_encode(pb_arena_t *a, const pb_exts_t *x, const char *extendee,
                                            const pb_opts_t *opts, unsigned *n) {
    ProtobufCMessageUnknownField *v = NULL;
    *n = 0;
    for (size_t i = 0; i < opts->n; i++) {
        const pb_ext_t *e = by_name(x, extendee, opts->v[i].name);
        if (!e || strcmp(e->type, "message") == 0)
            continue;
        if (!v && !(v = pb_alloc(a, opts->n * sizeof(*v))))
            return NULL;
        if (encode_one(a, e, opts->v[i].val, &v[*n]))
            (*n)++;
    }
    return *n ? v : NULL;
}
