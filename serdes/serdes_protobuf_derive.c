/* SPDX-License-Identifier: Apache-2.0
 *
 * A .proto text rebuilt from protoc-c's generated descriptors, for applications that do not have
 * the file their code came from: the message, every message and enum it reaches (one package;
 * well-known types become imports of the built-in files), nested by their names, map fields as
 * map<K, V>, oneofs, packed options, proto2 or proto3 from the labels. What the descriptors do
 * not carry is not rebuilt (options, comments, oneof names, unreachable types, declaration
 * order), so the text is not the original file and its registry id is not the one other clients
 * get for that file. Bounded in types and nesting. Owns nothing beyond each call.
 */
#include <cairn/serdes_protobuf.h>

#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "serdes/serdes_api_int.h"
#include "serdes/serdes_protobuf_int.h"

#define DERIVE_MAX_TYPES 256

typedef struct derive {
    const void *types[DERIVE_MAX_TYPES]; /* message or enum descriptors, reached order */
    bool is_enum[DERIVE_MAX_TYPES];
    size_t n;
    const char *pkg;
    const char *imports[8];
    size_t nimports;
    bool proto3;
    cn_buf_t out;
    serdes_err_t *err;
} derive_t;

static const char *derive_name(const derive_t *x, size_t i) {
    return x->is_enum[i] ? ((const ProtobufCEnumDescriptor *)x->types[i])->name
                         : ((const ProtobufCMessageDescriptor *)x->types[i])->name;
}

/* The name relative to the package ("Outer.Inner"). */
static const char *derive_rel(const derive_t *x, const char *full) {
    size_t n = strlen(x->pkg);
    return n && strncmp(full, x->pkg, n) == 0 && full[n] == '.' ? full + n + 1 : full;
}

static const struct {
    const char *prefix, *file;
} derive_wkts[] = {
    {"google.protobuf.Timestamp", "google/protobuf/timestamp.proto"},
    {"google.protobuf.Duration", "google/protobuf/duration.proto"},
    {"google.protobuf.Struct", "google/protobuf/struct.proto"},
    {"google.protobuf.Value", "google/protobuf/struct.proto"},
    {"google.protobuf.ListValue", "google/protobuf/struct.proto"},
    {"google.protobuf.NullValue", "google/protobuf/struct.proto"},
    {"google.protobuf.Empty", "google/protobuf/empty.proto"},
    {"google.protobuf.FieldMask", "google/protobuf/field_mask.proto"},
    {"google.protobuf.Any", "google/protobuf/any.proto"},
};

static bool derive_wkt(derive_t *x, const char *name) {
    const char *file = NULL;
    for (size_t i = 0; i < sizeof(derive_wkts) / sizeof(derive_wkts[0]); i++)
        if (strcmp(name, derive_wkts[i].prefix) == 0)
            file = derive_wkts[i].file;
    if (!file && strncmp(name, "google.protobuf.", 16) == 0 && strstr(name, "Value"))
        file = "google/protobuf/wrappers.proto";
    if (!file)
        return false;
    for (size_t i = 0; i < x->nimports; i++)
        if (strcmp(x->imports[i], file) == 0)
            return true;
    if (x->nimports < sizeof(x->imports) / sizeof(x->imports[0]))
        x->imports[x->nimports++] = file;
    return true;
}

/* Whether field f of message m is a map (its type is the generated XxxEntry nested in m). */
static bool derive_is_map(const ProtobufCMessageDescriptor *m, const ProtobufCFieldDescriptor *f) {
    const ProtobufCMessageDescriptor *e = f->descriptor;
    size_t n = strlen(m->name), s;
    if (f->type != PROTOBUF_C_TYPE_MESSAGE || f->label != PROTOBUF_C_LABEL_REPEATED || !e ||
        e->n_fields != 2 || e->fields[0].id != 1 || e->fields[1].id != 2)
        return false;
    s = strlen(e->short_name);
    return strncmp(e->name, m->name, n) == 0 && e->name[n] == '.' && s > 5 &&
           strcmp(e->short_name + s - 5, "Entry") == 0 && strcmp(e->fields[0].name, "key") == 0;
}

static cn_err_t derive_add(derive_t *x, const void *d, bool is_enum) {
    const char *name = is_enum ? ((const ProtobufCEnumDescriptor *)d)->name
                               : ((const ProtobufCMessageDescriptor *)d)->name;
    const char *pkg = is_enum ? ((const ProtobufCEnumDescriptor *)d)->package_name
                              : ((const ProtobufCMessageDescriptor *)d)->package_name;
    for (size_t i = 0; i < x->n; i++)
        if (x->types[i] == d)
            return CN_OK;
    if (strcmp(pkg ? pkg : "", x->pkg) != 0) {
        if (derive_wkt(x, name))
            return CN_OK;
        return serdes_err_set(x->err, CN_ERR_INVALID_ARGUMENT,
                              "%s is in another package: its file is not known from generated "
                              "descriptors (pass the .proto files)",
                              name);
    }
    if (x->n == DERIVE_MAX_TYPES)
        return serdes_err_set(x->err, CN_ERR_TOO_LARGE, "more than %d types", DERIVE_MAX_TYPES);
    x->types[x->n] = d;
    x->is_enum[x->n++] = is_enum;
    return CN_OK;
}

/* Every type the message reaches (map entries stand for their key and value types). */
static cn_err_t derive_collect(derive_t *x) {
    cn_err_t rc = CN_OK;
    for (size_t i = 0; rc == CN_OK && i < x->n; i++) {
        if (x->is_enum[i])
            continue;
        const ProtobufCMessageDescriptor *m = x->types[i];
        for (unsigned k = 0; rc == CN_OK && k < m->n_fields; k++) {
            const ProtobufCFieldDescriptor *f = &m->fields[k];
            if (f->label == PROTOBUF_C_LABEL_NONE)
                x->proto3 = true;
            if (derive_is_map(m, f)) {
                const ProtobufCFieldDescriptor *v =
                    &((const ProtobufCMessageDescriptor *)f->descriptor)->fields[1];
                if (v->descriptor)
                    rc = derive_add(x, v->descriptor, v->type == PROTOBUF_C_TYPE_ENUM);
            } else if (f->descriptor) {
                rc = derive_add(x, f->descriptor, f->type == PROTOBUF_C_TYPE_ENUM);
            }
        }
    }
    return rc;
}

static const char *const derive_scalars[] = {
    [PROTOBUF_C_TYPE_INT32] = "int32",       [PROTOBUF_C_TYPE_SINT32] = "sint32",
    [PROTOBUF_C_TYPE_SFIXED32] = "sfixed32", [PROTOBUF_C_TYPE_INT64] = "int64",
    [PROTOBUF_C_TYPE_SINT64] = "sint64",     [PROTOBUF_C_TYPE_SFIXED64] = "sfixed64",
    [PROTOBUF_C_TYPE_UINT32] = "uint32",     [PROTOBUF_C_TYPE_FIXED32] = "fixed32",
    [PROTOBUF_C_TYPE_UINT64] = "uint64",     [PROTOBUF_C_TYPE_FIXED64] = "fixed64",
    [PROTOBUF_C_TYPE_FLOAT] = "float",       [PROTOBUF_C_TYPE_DOUBLE] = "double",
    [PROTOBUF_C_TYPE_BOOL] = "bool",         [PROTOBUF_C_TYPE_STRING] = "string",
    [PROTOBUF_C_TYPE_BYTES] = "bytes",
};

static void derive_type(derive_t *x, const ProtobufCFieldDescriptor *f) {
    if (f->type == PROTOBUF_C_TYPE_MESSAGE)
        cn_buf_put_str(&x->out,
                       derive_rel(x, ((const ProtobufCMessageDescriptor *)f->descriptor)->name));
    else if (f->type == PROTOBUF_C_TYPE_ENUM)
        cn_buf_put_str(&x->out,
                       derive_rel(x, ((const ProtobufCEnumDescriptor *)f->descriptor)->name));
    else
        cn_buf_put_str(&x->out, derive_scalars[f->type]);
}

static void derive_indent(derive_t *x, int depth) {
    for (int i = 0; i < depth; i++)
        cn_buf_put_str(&x->out, "  ");
}

static void derive_field(derive_t *x, const ProtobufCMessageDescriptor *m,
                         const ProtobufCFieldDescriptor *f, int depth) {
    char num[24];
    bool scalar = f->type != PROTOBUF_C_TYPE_MESSAGE && f->type != PROTOBUF_C_TYPE_STRING &&
                  f->type != PROTOBUF_C_TYPE_BYTES;
    derive_indent(x, depth);
    if (derive_is_map(m, f)) {
        const ProtobufCMessageDescriptor *e = f->descriptor;
        cn_buf_put_str(&x->out, "map<");
        derive_type(x, &e->fields[0]);
        cn_buf_put_str(&x->out, ", ");
        derive_type(x, &e->fields[1]);
        cn_buf_put_str(&x->out, "> ");
    } else {
        if (f->label == PROTOBUF_C_LABEL_REPEATED)
            cn_buf_put_str(&x->out, "repeated ");
        else if (f->label == PROTOBUF_C_LABEL_REQUIRED)
            cn_buf_put_str(&x->out, "required ");
        else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
            cn_buf_put_str(&x->out, "optional ");
        derive_type(x, f);
        cn_buf_put_u8(&x->out, ' ');
    }
    snprintf(num, sizeof(num), " = %u", f->id);
    cn_buf_put_str(&x->out, f->name);
    cn_buf_put_str(&x->out, num);
    if (scalar && f->label == PROTOBUF_C_LABEL_REPEATED &&
        x->proto3 != !!(f->flags & PROTOBUF_C_FIELD_FLAG_PACKED))
        cn_buf_put_str(&x->out, x->proto3 ? " [packed = false]" : " [packed = true]");
    cn_buf_put_str(&x->out, ";\n");
}

static void derive_enum(derive_t *x, const ProtobufCEnumDescriptor *e, int depth) {
    char num[24];
    derive_indent(x, depth);
    cn_buf_put_str(&x->out, "enum ");
    cn_buf_put_str(&x->out, e->short_name);
    cn_buf_put_str(&x->out, " {\n");
    for (unsigned i = 0; i < e->n_values; i++) {
        derive_indent(x, depth + 1);
        cn_buf_put_str(&x->out, e->values[i].name);
        snprintf(num, sizeof(num), " = %d;\n", e->values[i].value);
        cn_buf_put_str(&x->out, num);
    }
    derive_indent(x, depth);
    cn_buf_put_str(&x->out, "}\n");
}

/* Whether type i is directly nested in scope ("" for the file). */
static bool derive_child_of(const derive_t *x, size_t i, const char *scope) {
    const char *rel = derive_rel(x, derive_name(x, i));
    size_t n = strlen(scope);
    if (n && (strncmp(rel, scope, n) != 0 || rel[n] != '.'))
        return false;
    return !strchr(rel + (n ? n + 1 : 0), '.');
}

static void derive_scope(derive_t *x, const char *scope, int depth);

static void derive_fields(derive_t *x, const ProtobufCMessageDescriptor *m, int depth) {
    unsigned oneof = UINT32_MAX;
    for (unsigned k = 0; k < m->n_fields; k++) {
        const ProtobufCFieldDescriptor *f = &m->fields[k];
        bool in = f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF;
        if (oneof != UINT32_MAX && (!in || f->quantifier_offset != oneof)) {
            derive_indent(x, depth);
            cn_buf_put_str(&x->out, "}\n");
            oneof = UINT32_MAX;
        }
        if (in && oneof == UINT32_MAX) {
            derive_indent(x, depth);
            cn_buf_put_str(&x->out, "oneof choice_");
            cn_buf_put_str(&x->out, f->name);
            cn_buf_put_str(&x->out, " {\n");
            oneof = f->quantifier_offset;
        }
        derive_field(x, m, f, depth + (in ? 1 : 0));
    }
    if (oneof != UINT32_MAX) {
        derive_indent(x, depth);
        cn_buf_put_str(&x->out, "}\n");
    }
}

static void derive_message(derive_t *x, const char *rel, const ProtobufCMessageDescriptor *m,
                           int depth) {
    const char *dot = strrchr(rel, '.');
    derive_indent(x, depth);
    cn_buf_put_str(&x->out, "message ");
    cn_buf_put_str(&x->out, dot ? dot + 1 : rel);
    cn_buf_put_str(&x->out, " {\n");
    if (m)
        derive_fields(x, m, depth + 1);
    derive_scope(x, rel, depth + 1);
    derive_indent(x, depth);
    cn_buf_put_str(&x->out, "}\n");
}

/* The types directly in scope; a scope with no descriptor of its own (an unreached outer
 * message) is written as an empty message around its reached nested types. */
static void derive_scope(derive_t *x, const char *scope, int depth) {
    char outer[512];
    size_t n = strlen(scope);
    if (depth > SERDES_PB_MAX_DEPTH)
        return;
    for (size_t i = 0; i < x->n; i++) {
        const char *rel = derive_rel(x, derive_name(x, i));
        if (derive_child_of(x, i, scope)) {
            if (x->is_enum[i])
                derive_enum(x, x->types[i], depth);
            else
                derive_message(x, rel, x->types[i], depth);
            continue;
        }
        /* an unreached outer message: emitted once, at its first reached nested type */
        if (n && (strncmp(rel, scope, n) != 0 || rel[n] != '.'))
            continue;
        const char *rest = rel + (n ? n + 1 : 0), *dot = strchr(rest, '.');
        snprintf(outer, sizeof(outer), "%.*s", (int)(dot - rel), rel);
        bool seen = false, reached = false;
        for (size_t k = 0; k < x->n && !seen && !reached; k++) {
            reached = strcmp(derive_rel(x, derive_name(x, k)), outer) == 0;
            const char *r = derive_rel(x, derive_name(x, k));
            seen = k < i && strncmp(r, outer, strlen(outer)) == 0 && r[strlen(outer)] == '.';
        }
        if (!seen && !reached)
            derive_message(x, outer, NULL, depth);
    }
}

char *serdes_pb_derive(const ProtobufCMessageDescriptor *d, serdes_err_t *err) {
    derive_t x = {.pkg = d->package_name ? d->package_name : "", .err = err};
    cn_err_t rc;
    cn_buf_init(&x.out, 1u << 24);
    rc = derive_add(&x, d, false);
    if (rc == CN_OK)
        rc = derive_collect(&x);
    if (rc != CN_OK) {
        cn_buf_fini(&x.out);
        return NULL;
    }
    cn_buf_put_str(&x.out, x.proto3 ? "syntax = \"proto3\";\n" : "syntax = \"proto2\";\n");
    if (*x.pkg) {
        cn_buf_put_str(&x.out, "package ");
        cn_buf_put_str(&x.out, x.pkg);
        cn_buf_put_str(&x.out, ";\n");
    }
    for (size_t i = 0; i < x.nimports; i++) {
        cn_buf_put_str(&x.out, "import \"");
        cn_buf_put_str(&x.out, x.imports[i]);
        cn_buf_put_str(&x.out, "\";\n");
    }
    derive_scope(&x, "", 0);
    if (!cn_buf_cstr(&x.out)) {
        cn_buf_fini(&x.out);
        serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    size_t len;
    return (char *)cn_buf_steal(&x.out, &len);
}

char *cairn_protobuf_schema_of(const ProtobufCMessageDescriptor *desc, cairn_error_t *err) {
    serdes_err_t e = {0};
    char *text;
    if (!desc || desc->magic != PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "a protobuf-c message descriptor is required");
        serdes_edge(&e, err);
        return NULL;
    }
    if (!(text = serdes_pb_derive(desc, &e)))
        serdes_edge(&e, err);
    else
        serdes_edge_ok(err);
    return text;
}

cairn_serializer_t *
cairn_protobuf_serializer_from_descriptor(cairn_serdes_t *sd, cairn_role_t role,
                                          const ProtobufCMessageDescriptor *desc,
                                          cairn_error_t *err) {
    char *text = cairn_protobuf_schema_of(desc, err);
    cairn_serializer_t *ser =
        text ? cairn_serializer_new(sd, CAIRN_FORMAT_PROTOBUF, role, text, err) : NULL;
    free(text);
    return ser;
}
