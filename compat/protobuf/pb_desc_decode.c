/* SPDX-License-Identifier: Apache-2.0
 *
 * A schema sent as a base64 FileDescriptorProto (what Confluent's Python and newer JavaScript
 * clients register; descriptor.proto of the Protocol Buffers distribution) turned into .proto
 * text, which then goes through the one parser: the syntax, package, imports (public, weak),
 * the standard options, messages with their fields, labels (proto3 optional without its
 * synthetic oneof), maps (map-entry nested types folded back into map<K, V>), groups, oneofs,
 * reserved and extension ranges, enums, extensions and services. Custom options travel as
 * fields of the *Options messages (unknown to protobuf-c); those whose extension the descriptor
 * or its imports declare are rendered back (pb_desc_opts.c). Decoded with protobuf-c code
 * generated at build time from descriptor.proto.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_desc_int.h"

typedef Google__Protobuf__FileDescriptorProto file_d;
typedef Google__Protobuf__DescriptorProto msg_d;
typedef Google__Protobuf__FieldDescriptorProto field_d;
typedef Google__Protobuf__EnumDescriptorProto enum_d;

#define DESC_MAX_DEPTH 64

static const char *const scalar_names[] = {
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_DOUBLE] = "double",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FLOAT] = "float",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT64] = "int64",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT64] = "uint64",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_INT32] = "int32",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED64] = "fixed64",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_FIXED32] = "fixed32",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BOOL] = "bool",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING] = "string",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES] = "bytes",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_UINT32] = "uint32",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED32] = "sfixed32",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SFIXED64] = "sfixed64",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT32] = "sint32",
    [GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_SINT64] = "sint64",
};

/* ---- rendering ---- */

typedef struct rd {
    cn_buf_t b;
    const pb_exts_t *exts; /* the extensions custom options may name */
    bool proto3;
    int depth;
    bool too_deep;
    bool bad_name;
} rd_t;

/* A name from the descriptor, if it is a (dotted) identifier: nothing else reaches the text. */
static const char *nm(rd_t *r, const char *s) {
    bool start = true;
    if (!s || !*s) {
        r->bad_name = true;
        return "_";
    }
    for (const char *p = s; *p; p++) {
        bool alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_';
        if (*p == '.' && (p == s || p[1] != '\0') && !(p > s && p[-1] == '.'))
            start = true;
        else if (alpha || (!start && *p >= '0' && *p <= '9'))
            start = false;
        else {
            r->bad_name = true;
            return "_";
        }
    }
    return s;
}

static void ind(rd_t *r, int level) {
    for (int i = 0; i < level; i++)
        cn_buf_put(&r->b, "  ", 2);
}

static void qstr(rd_t *r, const char *s) {
    pb_pr_quoted(&r->b, s, strlen(s));
}

static const msg_d *nested_named(const msg_d *m, const char *type_name) {
    const char *dot = type_name ? strrchr(type_name, '.') : NULL;
    const char *simple = dot ? dot + 1 : type_name;
    for (size_t i = 0; simple && i < m->n_nested_type; i++)
        if (strcmp(m->nested_type[i]->name ? m->nested_type[i]->name : "", simple) == 0)
            return m->nested_type[i];
    return NULL;
}

static bool is_map_entry(const msg_d *m) {
    return m && m->options && m->options->has_map_entry && m->options->map_entry;
}

static const char *type_text(rd_t *r, const field_d *f) {
    if (f->has_type && (size_t)f->type < sizeof(scalar_names) / sizeof(scalar_names[0]) &&
        scalar_names[f->type])
        return scalar_names[f->type];
    return nm(r, f->type_name);
}

/* protoc's default json_name: lowerCamelCase of the field name. */
static bool default_json_name(const char *name, const char *json) {
    char buf[512];
    size_t k = 0;
    bool up = false;
    for (const char *p = name; *p && k + 1 < sizeof(buf); p++) {
        if (*p == '_') {
            up = true;
            continue;
        }
        buf[k++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
        up = false;
    }
    buf[k] = '\0';
    return strcmp(buf, json) == 0;
}

/* A number, boolean or enum name as written: nothing that could end the statement. */
static const char *token_ok(rd_t *r, const char *s) {
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '-' || *p == '+'))
            r->bad_name = true;
    return r->bad_name ? "0" : s;
}

/* C-escaped bytes: every quote escaped, no line break. */
static const char *escaped_ok(rd_t *r, const char *s) {
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        else if (*p == '"' || *p == '\n' || *p == '\\')
            r->bad_name = true;
    }
    return r->bad_name ? "" : s;
}

static void custom_stmts(rd_t *r, const ProtobufCMessage *o, const char *extendee, int level) {
    pb_ext_stmts(&r->b, r->exts, o, extendee, level);
}

static bool custom_inline(rd_t *r, const ProtobufCMessage *o, const char *extendee,
                          const char **sep) {
    return pb_ext_inline(&r->b, r->exts, o, extendee, sep);
}

static void field_opts(rd_t *r, const field_d *f) {
    const Google__Protobuf__FieldOptions *o = f->options;
    const char *sep = " [";
    bool any = false;
#define OPT(cond, ...)                                                                             \
    do {                                                                                           \
        if (cond) {                                                                                \
            cn_buf_put_str(&r->b, sep);                                                            \
            cn_buf_printf(&r->b, __VA_ARGS__);                                                     \
            sep = ", ";                                                                            \
            any = true;                                                                            \
        }                                                                                          \
    } while (0)
    OPT(o && o->has_packed, "packed = %s", o->packed ? "true" : "false");
    OPT(o && o->has_deprecated, "deprecated = %s", o->deprecated ? "true" : "false");
    OPT(o && o->has_lazy, "lazy = %s", o->lazy ? "true" : "false");
    if (f->default_value) {
        bool quote = f->has_type &&
                     (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_STRING ||
                      f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES);
        cn_buf_put_str(&r->b, sep);
        cn_buf_put_str(&r->b, "default = ");
        if (!quote)
            cn_buf_put_str(&r->b, token_ok(r, f->default_value));
        else if (f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_BYTES)
            cn_buf_printf(&r->b, "\"%s\"", escaped_ok(r, f->default_value)); /* C-escaped */
        else
            qstr(r, f->default_value);
        sep = ", ";
        any = true;
    }
    if (f->json_name && f->name && !default_json_name(f->name, f->json_name)) {
        cn_buf_put_str(&r->b, sep);
        cn_buf_put_str(&r->b, "json_name = ");
        qstr(r, f->json_name);
        sep = ", ";
        any = true;
    }
    any |= custom_inline(r, o ? &o->base : NULL, "google.protobuf.FieldOptions", &sep);
#undef OPT
    if (any)
        cn_buf_put_str(&r->b, "]");
}

static const char *label_text(const rd_t *r, const field_d *f) {
    switch (f->has_label ? f->label
                         : GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_OPTIONAL) {
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REQUIRED:
        return "required ";
    case GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_REPEATED:
        return "repeated ";
    default:
        return !r->proto3 || f->proto3_optional ? "optional " : "";
    }
}

static void message(rd_t *r, const msg_d *m, int level);

/* One field line; a map entry or group type is folded in. in_oneof: no label. */
static void field(rd_t *r, const msg_d *owner, const field_d *f, int level, bool in_oneof) {
    const msg_d *nt = owner ? nested_named(owner, f->type_name) : NULL;
    ind(r, level);
    if (f->has_type && f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_MESSAGE &&
        is_map_entry(nt) && nt->n_field == 2) {
        cn_buf_printf(&r->b, "map<%s, %s> %s = %d", type_text(r, nt->field[0]),
                      type_text(r, nt->field[1]), nm(r, f->name), (int)f->number);
    } else if (f->has_type &&
               f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP && nt) {
        cn_buf_printf(&r->b, "%sgroup %s = %d {\n", in_oneof ? "" : label_text(r, f),
                      nm(r, nt->name), (int)f->number);
        for (size_t i = 0; i < nt->n_field; i++)
            field(r, nt, nt->field[i], level + 1, false);
        ind(r, level);
        cn_buf_put_str(&r->b, "}\n");
        return;
    } else {
        cn_buf_printf(&r->b, "%s%s %s = %d", in_oneof ? "" : label_text(r, f), type_text(r, f),
                      nm(r, f->name), (int)f->number);
    }
    field_opts(r, f);
    cn_buf_put_str(&r->b, ";\n");
}

static bool synthetic_oneof(const msg_d *m, size_t oi) {
    for (size_t i = 0; i < m->n_field; i++)
        if (m->field[i]->has_oneof_index && (size_t)m->field[i]->oneof_index == oi)
            return m->field[i]->proto3_optional;
    return false;
}

static bool is_group_type(const msg_d *owner, const msg_d *t) {
    for (size_t i = 0; i < owner->n_field; i++) {
        const field_d *f = owner->field[i];
        if (f->has_type && f->type == GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_GROUP &&
            nested_named(owner, f->type_name) == t)
            return true;
    }
    return false;
}

static void enumeration(rd_t *r, const enum_d *e, int level) {
    ind(r, level);
    cn_buf_printf(&r->b, "enum %s {\n", nm(r, e->name));
    if (e->options && e->options->has_allow_alias) {
        ind(r, level + 1);
        cn_buf_printf(&r->b, "option allow_alias = %s;\n",
                      e->options->allow_alias ? "true" : "false");
    }
    if (e->options && e->options->has_deprecated) {
        ind(r, level + 1);
        cn_buf_printf(&r->b, "option deprecated = %s;\n",
                      e->options->deprecated ? "true" : "false");
    }
    custom_stmts(r, e->options ? &e->options->base : NULL, "google.protobuf.EnumOptions",
                 level + 1);
    for (size_t i = 0; i < e->n_value; i++) {
        const Google__Protobuf__EnumValueDescriptorProto *v = e->value[i];
        const char *sep = " [";
        bool any = false;
        ind(r, level + 1);
        cn_buf_printf(&r->b, "%s = %d", nm(r, v->name), (int)v->number);
        if (v->options && v->options->has_deprecated) {
            cn_buf_printf(&r->b, " [deprecated = %s", v->options->deprecated ? "true" : "false");
            sep = ", ";
            any = true;
        }
        any |= custom_inline(r, v->options ? &v->options->base : NULL,
                             "google.protobuf.EnumValueOptions", &sep);
        cn_buf_put_str(&r->b, any ? "];\n" : ";\n");
    }
    for (size_t i = 0; i < e->n_reserved_range; i++) { /* enum ranges are inclusive */
        ind(r, level + 1);
        cn_buf_printf(&r->b, "reserved %d to %d;\n", (int)e->reserved_range[i]->start,
                      (int)e->reserved_range[i]->end);
    }
    ind(r, level);
    cn_buf_put_str(&r->b, "}\n");
}

/* extend blocks: consecutive extensions of one extendee together. */
static void extensions(rd_t *r, field_d *const *v, size_t n, int level) {
    for (size_t i = 0; i < n;) {
        const char *ext = v[i]->extendee ? v[i]->extendee : "";
        ind(r, level);
        cn_buf_printf(&r->b, "extend %s {\n", nm(r, ext));
        for (; i < n && strcmp(v[i]->extendee ? v[i]->extendee : "", ext) == 0; i++)
            field(r, NULL, v[i], level + 1, false);
        ind(r, level);
        cn_buf_put_str(&r->b, "}\n");
    }
}

/* One statement each for reserved numbers, reserved names and extension ranges, as people
 * write them (a descriptor keeps only the list). Message ranges end exclusive. */
static void ranges(rd_t *r, const msg_d *m, int level) {
    for (size_t i = 0; i < m->n_reserved_range; i++) {
        const Google__Protobuf__DescriptorProto__ReservedRange *rr = m->reserved_range[i];
        if (i == 0)
            ind(r, level);
        cn_buf_put_str(&r->b, i ? ", " : "reserved ");
        if (rr->end - 1 <= rr->start)
            cn_buf_printf(&r->b, "%d", (int)rr->start);
        else
            cn_buf_printf(&r->b, "%d to %d", (int)rr->start, (int)rr->end - 1);
    }
    if (m->n_reserved_range)
        cn_buf_put_str(&r->b, ";\n");
    for (size_t i = 0; i < m->n_reserved_name; i++) {
        if (i == 0)
            ind(r, level);
        cn_buf_put_str(&r->b, i ? ", " : "reserved ");
        qstr(r, m->reserved_name[i]);
    }
    if (m->n_reserved_name)
        cn_buf_put_str(&r->b, ";\n");
    for (size_t i = 0; i < m->n_extension_range; i++) {
        const Google__Protobuf__DescriptorProto__ExtensionRange *er = m->extension_range[i];
        if (i == 0)
            ind(r, level);
        cn_buf_put_str(&r->b, i ? ", " : "extensions ");
        if (er->end > PB_MAX_TAG)
            cn_buf_printf(&r->b, "%d to max", (int)er->start);
        else if (er->end - 1 <= er->start)
            cn_buf_printf(&r->b, "%d", (int)er->start);
        else
            cn_buf_printf(&r->b, "%d to %d", (int)er->start, (int)er->end - 1);
    }
    if (m->n_extension_range)
        cn_buf_put_str(&r->b, ";\n");
}

static void message_body(rd_t *r, const msg_d *m, int level) {
    const Google__Protobuf__MessageOptions *o = m->options;
    if (o && o->has_deprecated) {
        ind(r, level);
        cn_buf_printf(&r->b, "option deprecated = %s;\n", o->deprecated ? "true" : "false");
    }
    if (o && o->has_message_set_wire_format) {
        ind(r, level);
        cn_buf_printf(&r->b, "option message_set_wire_format = %s;\n",
                      o->message_set_wire_format ? "true" : "false");
    }
    custom_stmts(r, o ? &o->base : NULL, "google.protobuf.MessageOptions", level);
    ranges(r, m, level);
    for (size_t i = 0; i < m->n_field; i++)
        if (!m->field[i]->has_oneof_index || synthetic_oneof(m, (size_t)m->field[i]->oneof_index))
            field(r, m, m->field[i], level, false);
    for (size_t oi = 0; oi < m->n_oneof_decl; oi++) {
        if (synthetic_oneof(m, oi))
            continue;
        ind(r, level);
        cn_buf_printf(&r->b, "oneof %s {\n", nm(r, m->oneof_decl[oi]->name));
        custom_stmts(r, m->oneof_decl[oi]->options ? &m->oneof_decl[oi]->options->base : NULL,
                     "google.protobuf.OneofOptions", level + 1);
        for (size_t i = 0; i < m->n_field; i++)
            if (m->field[i]->has_oneof_index && (size_t)m->field[i]->oneof_index == oi)
                field(r, m, m->field[i], level + 1, true);
        ind(r, level);
        cn_buf_put_str(&r->b, "}\n");
    }
    for (size_t i = 0; i < m->n_nested_type; i++)
        if (!is_map_entry(m->nested_type[i]) && !is_group_type(m, m->nested_type[i]))
            message(r, m->nested_type[i], level);
    for (size_t i = 0; i < m->n_enum_type; i++)
        enumeration(r, m->enum_type[i], level);
    extensions(r, m->extension, m->n_extension, level);
}

static void message(rd_t *r, const msg_d *m, int level) {
    if (++r->depth > DESC_MAX_DEPTH) {
        r->too_deep = true;
        r->depth--;
        return;
    }
    ind(r, level);
    cn_buf_printf(&r->b, "message %s {\n", nm(r, m->name));
    message_body(r, m, level + 1);
    ind(r, level);
    cn_buf_put_str(&r->b, "}\n");
    r->depth--;
}

static void file_opts(rd_t *r, const Google__Protobuf__FileOptions *o) {
    static const char *const modes[] = {"", "SPEED", "CODE_SIZE", "LITE_RUNTIME"};
    if (!o)
        return;
#define SOPT(name)                                                                                 \
    if (o->name) {                                                                                 \
        cn_buf_put_str(&r->b, "option " #name " = ");                                              \
        qstr(r, o->name);                                                                          \
        cn_buf_put_str(&r->b, ";\n");                                                              \
    }
#define BOPT(name)                                                                                 \
    if (o->has_##name)                                                                             \
        cn_buf_printf(&r->b, "option " #name " = %s;\n", o->name ? "true" : "false");
    SOPT(java_package)
    SOPT(java_outer_classname)
    BOPT(java_multiple_files)
    BOPT(java_string_check_utf8)
    if (o->has_optimize_for && (unsigned)o->optimize_for < 4)
        cn_buf_printf(&r->b, "option optimize_for = %s;\n", modes[o->optimize_for]);
    SOPT(go_package)
    BOPT(cc_generic_services)
    BOPT(java_generic_services)
    BOPT(py_generic_services)
    BOPT(deprecated)
    BOPT(cc_enable_arenas)
    SOPT(objc_class_prefix)
    SOPT(csharp_namespace)
    SOPT(swift_prefix)
    SOPT(php_class_prefix)
    SOPT(php_namespace)
    SOPT(php_metadata_namespace)
    SOPT(ruby_package)
#undef SOPT
#undef BOPT
}

static bool listed(const int32_t *v, size_t n, size_t i) {
    for (size_t k = 0; k < n; k++)
        if (v[k] >= 0 && (size_t)v[k] == i)
            return true;
    return false;
}

static void service(rd_t *r, const Google__Protobuf__ServiceDescriptorProto *s) {
    cn_buf_printf(&r->b, "service %s {\n", nm(r, s->name));
    custom_stmts(r, s->options ? &s->options->base : NULL, "google.protobuf.ServiceOptions", 1);
    for (size_t i = 0; i < s->n_method; i++) {
        const Google__Protobuf__MethodDescriptorProto *m = s->method[i];
        size_t before;
        cn_buf_printf(&r->b, "  rpc %s (%s%s) returns (%s%s) {\n", nm(r, m->name),
                      m->client_streaming ? "stream " : "", nm(r, m->input_type),
                      m->server_streaming ? "stream " : "", nm(r, m->output_type));
        before = r->b.len;
        custom_stmts(r, m->options ? &m->options->base : NULL, "google.protobuf.MethodOptions", 2);
        if (r->b.len == before) { /* no option: "rpc ...;" */
            r->b.len -= 3;
            cn_buf_put_str(&r->b, ";\n");
        } else
            cn_buf_put_str(&r->b, "  }\n");
    }
    cn_buf_put_str(&r->b, "}\n");
}

static void file(rd_t *r, const file_d *f) {
    if (f->syntax && strcmp(f->syntax, "editions") == 0) {
        /* the edition number is a field newer than the descriptor.proto this build knows */
        cn_buf_put_str(&r->b, "edition = \"2023\";\n");
    } else if (f->syntax && *f->syntax) {
        cn_buf_put_str(&r->b, "syntax = ");
        qstr(r, f->syntax);
        cn_buf_put_str(&r->b, ";\n");
    }
    if (f->package && *f->package)
        cn_buf_printf(&r->b, "package %s;\n", nm(r, f->package));
    for (size_t i = 0; i < f->n_dependency; i++) {
        bool pub = listed(f->public_dependency, f->n_public_dependency, i);
        bool weak = listed(f->weak_dependency, f->n_weak_dependency, i);
        cn_buf_put_str(&r->b, pub ? "import public " : weak ? "import weak " : "import ");
        qstr(r, f->dependency[i]);
        cn_buf_put_str(&r->b, ";\n");
    }
    file_opts(r, f->options);
    custom_stmts(r, f->options ? &f->options->base : NULL, "google.protobuf.FileOptions", 0);
    for (size_t i = 0; i < f->n_message_type; i++)
        message(r, f->message_type[i], 0);
    for (size_t i = 0; i < f->n_enum_type; i++)
        enumeration(r, f->enum_type[i], 0);
    extensions(r, f->extension, f->n_extension, 0);
    for (size_t i = 0; i < f->n_service; i++)
        service(r, f->service[i]);
}

cn_err_t pb_desc_to_text(const char *b64, size_t len, const compat_pb_import_t *imports,
                         size_t nimports, char **out, cn_error_t *err) {
    size_t n = 0;
    uint8_t *bytes = pb_b64_decode(b64, len, &n);
    file_d *f;
    rd_t r = {0};
    pb_exts_t exts = {0};
    if (!bytes)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    f = google__protobuf__file_descriptor_proto__unpack(NULL, n, bytes);
    free(bytes);
    if (!f)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "neither .proto text nor a base64 FileDescriptorProto");
    r.proto3 = f->syntax && strcmp(f->syntax, "proto3") == 0;
    pb_exts_from_descriptor(&exts, f);
    for (size_t i = 0; i < nimports; i++)
        pb_exts_from_schema(&exts, imports[i].schema, 0);
    r.exts = &exts;
    cn_buf_init(&r.b, CN_BUF_NO_LIMIT);
    file(&r, f);
    google__protobuf__file_descriptor_proto__free_unpacked(f, NULL);
    if (exts.failed)
        r.b.failed = true;
    pb_exts_free(&exts);
    if (r.bad_name) {
        cn_buf_fini(&r.b);
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA,
                            "descriptor with a name that is not an "
                            "identifier");
    }
    if (r.too_deep || !cn_buf_cstr(&r.b)) {
        cn_buf_fini(&r.b);
        return r.too_deep ? cn_error_set(err, CN_ERR_TOO_DEEP, "descriptor nested too deep")
                          : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    *out = (char *)cn_buf_steal(&r.b, NULL);
    cn_buf_fini(&r.b);
    return CN_OK;
}
