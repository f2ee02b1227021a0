/* SPDX-License-Identifier: Apache-2.0
 *
 * format=serialized: a parsed schema as the base64 FileDescriptorProto that Confluent answers
 * (descriptor.proto of the Protocol Buffers distribution, as protoc would build it): type names
 * fully qualified, proto3 optional fields with their synthetic oneofs, maps as repeated
 * map-entry nested types, groups as TYPE_GROUP fields with their nested type, ranges end
 * exclusive (enum ranges inclusive), the standard options, and the custom options whose
 * extension the schema or its imports declare (as fields of the *Options messages,
 * pb_desc_opts.c). Built in a scratch arena and packed with protobuf-c code generated from
 * descriptor.proto.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_desc_int.h"

typedef Google__Protobuf__FileDescriptorProto file_d;
typedef Google__Protobuf__DescriptorProto msg_d;
typedef Google__Protobuf__FieldDescriptorProto field_d;
typedef Google__Protobuf__EnumDescriptorProto enum_d;

#define T(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__TYPE__TYPE_##x
#define L(x) GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__LABEL__LABEL_##x

typedef struct en {
    pb_arena_t a;
    const compat_pb_schema_t *s;
    pb_exts_t exts; /* the extensions custom options may name */
    bool proto3;
} en_t;

#define NEW(e, type, init) new_obj((e), sizeof(type), &(type)init)

static void *new_obj(en_t *e, size_t n, const void *init) {
    void *p = pb_alloc(&e->a, n);
    if (p)
        memcpy(p, init, n);
    return p;
}

static const struct {
    const char *name;
    int type;
} scalar_types[] = {{"double", T(DOUBLE)},     {"float", T(FLOAT)},   {"int64", T(INT64)},
                    {"uint64", T(UINT64)},     {"int32", T(INT32)},   {"fixed64", T(FIXED64)},
                    {"fixed32", T(FIXED32)},   {"bool", T(BOOL)},     {"string", T(STRING)},
                    {"bytes", T(BYTES)},       {"uint32", T(UINT32)}, {"sfixed32", T(SFIXED32)},
                    {"sfixed64", T(SFIXED64)}, {"sint32", T(SINT32)}, {"sint64", T(SINT64)}};

static char *dotted(en_t *e, const char *fqn) {
    size_t n = strlen(fqn) + 2;
    char *s = pb_alloc(&e->a, n);
    if (s)
        snprintf(s, n, ".%s", fqn);
    return s;
}

/* type and type_name of a type written `type` that resolved to sym (NULL: a scalar). */
static void set_type(en_t *e, field_d *d, const char *type, const pb_sym_t *sym) {
    d->has_type = true;
    if (!sym) {
        for (size_t i = 0; i < sizeof(scalar_types) / sizeof(scalar_types[0]); i++)
            if (strcmp(scalar_types[i].name, type) == 0)
                d->type = scalar_types[i].type;
        return;
    }
    d->type = sym->type->is_enum ? T(ENUM) : T(MESSAGE);
    d->type_name = dotted(e, sym->fqn);
}

static bool opt_true(const pb_opts_t *o, const char *name, protobuf_c_boolean *out) {
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->v[i].name, name) == 0 && o->v[i].val->kind == PB_VAL_BOOL) {
            *out = strcmp(o->v[i].val->text, "true") == 0;
            return true;
        }
    return false;
}

static const char *opt_str(const pb_opts_t *o, const char *name) {
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->v[i].name, name) == 0 && o->v[i].val->kind == PB_VAL_STRING)
            return o->v[i].val->text;
    return NULL;
}

/* The custom options of o as fields of the options message base; true when there is one. */
static bool custom(en_t *e, ProtobufCMessage *base, const char *extendee, const pb_opts_t *o) {
    base->unknown_fields = pb_ext_encode(&e->a, &e->exts, extendee, o, &base->n_unknown_fields);
    return base->n_unknown_fields > 0;
}

static Google__Protobuf__FieldOptions *field_options(en_t *e, const pb_opts_t *o) {
    Google__Protobuf__FieldOptions *fo =
        NEW(e, Google__Protobuf__FieldOptions, GOOGLE__PROTOBUF__FIELD_OPTIONS__INIT);
    bool any = false;
    if (!fo)
        return NULL;
    any |= fo->has_packed = opt_true(o, "packed", &fo->packed);
    any |= fo->has_deprecated = opt_true(o, "deprecated", &fo->deprecated);
    any |= fo->has_lazy = opt_true(o, "lazy", &fo->lazy);
    any |= custom(e, &fo->base, "google.protobuf.FieldOptions", o);
    return any ? fo : NULL;
}

static field_d *field(en_t *e, const pb_field_t *f) {
    field_d *d = NEW(e, field_d, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT);
    if (!d)
        return NULL;
    d->name = f->name;
    d->has_number = true;
    d->number = f->tag;
    d->has_label = true;
    d->label = !f->label                           ? L(OPTIONAL)
               : strcmp(f->label, "required") == 0 ? L(REQUIRED)
               : strcmp(f->label, "repeated") == 0 ? L(REPEATED)
                                                   : L(OPTIONAL);
    d->proto3_optional = e->proto3 && f->label && strcmp(f->label, "optional") == 0;
    d->has_proto3_optional = d->proto3_optional;
    set_type(e, d, f->type, f->rsym);
    if (f->def)
        d->default_value = f->def->text;
    d->json_name = f->json_name;
    d->options = field_options(e, &f->opts);
    return d;
}

/* protoc's map entry name: the field name in CamelCase + "Entry". */
static char *entry_name(en_t *e, const char *field_name) {
    size_t n = strlen(field_name) + 6, k = 0;
    char *s = pb_alloc(&e->a, n);
    bool up = true;
    if (!s)
        return NULL;
    for (const char *p = field_name; *p; p++) {
        if (*p == '_') {
            up = true;
            continue;
        }
        s[k++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
        up = false;
    }
    memcpy(s + k, "Entry", 6);
    return s;
}

#define PUSHP(e, vec, n, item)                                                                     \
    do {                                                                                           \
        __typeof__(*(vec)) *slot_ = PB_PUSH(&(e)->a, (vec), (n));                                  \
        if (slot_)                                                                                 \
            *slot_ = (item);                                                                       \
    } while (0)

/* map<K, V> f = n: a repeated field of a new nested entry type. */
static field_d *map_field(en_t *e, const pb_type_t *m, const pb_field_t *f, msg_d *md) {
    msg_d *entry = NEW(e, msg_d, GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT);
    field_d *d = field(e, f), *k = NEW(e, field_d, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT),
            *v = NEW(e, field_d, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT);
    Google__Protobuf__MessageOptions *mo =
        NEW(e, Google__Protobuf__MessageOptions, GOOGLE__PROTOBUF__MESSAGE_OPTIONS__INIT);
    if (!entry || !d || !k || !v || !mo)
        return NULL;
    entry->name = entry_name(e, f->name);
    mo->has_map_entry = mo->map_entry = true;
    entry->options = mo;
    k->name = "key", k->has_number = true, k->number = 1, k->has_label = true;
    k->label = L(OPTIONAL);
    set_type(e, k, f->map_key, NULL);
    v->name = "value", v->has_number = true, v->number = 2, v->has_label = true;
    v->label = L(OPTIONAL);
    set_type(e, v, f->map_val, f->rsym);
    PUSHP(e, entry->field, entry->n_field, k);
    PUSHP(e, entry->field, entry->n_field, v);
    PUSHP(e, md->nested_type, md->n_nested_type, entry);
    d->label = L(REPEATED);
    d->proto3_optional = d->has_proto3_optional = false;
    d->type = T(MESSAGE);
    size_t n = strlen(m->fqn) + strlen(entry->name ? entry->name : "") + 3;
    if ((d->type_name = pb_alloc(&e->a, n)))
        snprintf(d->type_name, n, ".%s.%s", m->fqn, entry->name ? entry->name : "");
    return d;
}

static field_d *any_field(en_t *e, const pb_type_t *m, const pb_field_t *f, msg_d *md) {
    return f->map_key ? map_field(e, m, f, md) : field(e, f);
}

static void add_extends(en_t *e, const pb_extend_t *v, size_t n, field_d ***out, size_t *nout) {
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < v[i].nfields; k++) {
            field_d *d = field(e, v[i].fields[k]);
            if (!d)
                continue;
            d->extendee = v[i].rsym ? dotted(e, v[i].rsym->fqn) : v[i].name;
            PUSHP(e, *out, *nout, d);
        }
}

static void ranges(en_t *e, const pb_type_t *m, msg_d *md) {
    for (size_t i = 0; i < m->nreserved; i++)
        for (size_t k = 0; k < m->reserved[i].n; k++) {
            const pb_ritem_t *it = &m->reserved[i].items[k];
            if (it->kind == PB_R_NAME) {
                PUSHP(e, md->reserved_name, md->n_reserved_name, it->name);
                continue;
            }
            Google__Protobuf__DescriptorProto__ReservedRange *r =
                NEW(e, Google__Protobuf__DescriptorProto__ReservedRange,
                    GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__RESERVED_RANGE__INIT);
            if (!r)
                return;
            r->has_start = r->has_end = true;
            r->start = it->start;
            r->end = it->end + 1;
            PUSHP(e, md->reserved_range, md->n_reserved_range, r);
        }
    for (size_t i = 0; i < m->nextensions; i++)
        for (size_t k = 0; k < m->extensions[i].n; k++) {
            const pb_ritem_t *it = &m->extensions[i].items[k];
            Google__Protobuf__DescriptorProto__ExtensionRange *r =
                NEW(e, Google__Protobuf__DescriptorProto__ExtensionRange,
                    GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__EXTENSION_RANGE__INIT);
            if (!r || it->kind == PB_R_NAME)
                continue;
            r->has_start = r->has_end = true;
            r->start = it->start;
            r->end = it->end + 1;
            PUSHP(e, md->extension_range, md->n_extension_range, r);
        }
}

static enum_d *enumeration(en_t *e, const pb_type_t *t) {
    enum_d *d = NEW(e, enum_d, GOOGLE__PROTOBUF__ENUM_DESCRIPTOR_PROTO__INIT);
    Google__Protobuf__EnumOptions *o =
        NEW(e, Google__Protobuf__EnumOptions, GOOGLE__PROTOBUF__ENUM_OPTIONS__INIT);
    if (!d || !o)
        return NULL;
    d->name = t->name;
    o->has_allow_alias = opt_true(&t->opts, "allow_alias", &o->allow_alias);
    o->has_deprecated = opt_true(&t->opts, "deprecated", &o->deprecated);
    if (custom(e, &o->base, "google.protobuf.EnumOptions", &t->opts) || o->has_allow_alias ||
        o->has_deprecated)
        d->options = o;
    for (size_t i = 0; i < t->nconsts; i++) {
        Google__Protobuf__EnumValueDescriptorProto *v =
            NEW(e, Google__Protobuf__EnumValueDescriptorProto,
                GOOGLE__PROTOBUF__ENUM_VALUE_DESCRIPTOR_PROTO__INIT);
        Google__Protobuf__EnumValueOptions *vo =
            NEW(e, Google__Protobuf__EnumValueOptions, GOOGLE__PROTOBUF__ENUM_VALUE_OPTIONS__INIT);
        if (!v || !vo)
            return NULL;
        v->name = t->consts[i].name;
        v->has_number = true;
        v->number = t->consts[i].value;
        vo->has_deprecated = opt_true(&t->consts[i].opts, "deprecated", &vo->deprecated);
        if (custom(e, &vo->base, "google.protobuf.EnumValueOptions", &t->consts[i].opts) ||
            vo->has_deprecated)
            v->options = vo;
        PUSHP(e, d->value, d->n_value, v);
    }
    return d;
}

static msg_d *message(en_t *e, const pb_type_t *m);

static void oneofs(en_t *e, const pb_type_t *m, msg_d *md) {
    for (size_t o = 0; o < m->noneofs; o++) {
        Google__Protobuf__OneofDescriptorProto *od =
            NEW(e, Google__Protobuf__OneofDescriptorProto,
                GOOGLE__PROTOBUF__ONEOF_DESCRIPTOR_PROTO__INIT);
        if (!od)
            return;
        od->name = m->oneofs[o].name;
        Google__Protobuf__OneofOptions *oo =
            NEW(e, Google__Protobuf__OneofOptions, GOOGLE__PROTOBUF__ONEOF_OPTIONS__INIT);
        if (oo && custom(e, &oo->base, "google.protobuf.OneofOptions", &m->oneofs[o].opts))
            od->options = oo;
        PUSHP(e, md->oneof_decl, md->n_oneof_decl, od);
        for (size_t i = 0; i < m->oneofs[o].nfields; i++) {
            field_d *d = any_field(e, m, m->oneofs[o].fields[i], md);
            if (!d)
                return;
            d->has_oneof_index = true;
            d->oneof_index = (int32_t)o;
            PUSHP(e, md->field, md->n_field, d);
        }
    }
}

/* proto3 optional fields each get a synthetic oneof "_name", after the real ones. */
static void synthetic_oneofs(en_t *e, msg_d *md) {
    for (size_t i = 0; i < md->n_field; i++) {
        if (!md->field[i]->proto3_optional)
            continue;
        Google__Protobuf__OneofDescriptorProto *od =
            NEW(e, Google__Protobuf__OneofDescriptorProto,
                GOOGLE__PROTOBUF__ONEOF_DESCRIPTOR_PROTO__INIT);
        size_t n = strlen(md->field[i]->name) + 2;
        if (!od || !(od->name = pb_alloc(&e->a, n)))
            return;
        snprintf(od->name, n, "_%s", md->field[i]->name);
        md->field[i]->has_oneof_index = true;
        md->field[i]->oneof_index = (int32_t)md->n_oneof_decl;
        PUSHP(e, md->oneof_decl, md->n_oneof_decl, od);
    }
}

static void groups(en_t *e, const pb_type_t *m, const pb_group_t *g, size_t n, msg_d *md,
                   int oneof) {
    for (size_t i = 0; i < n; i++) {
        field_d *d = NEW(e, field_d, GOOGLE__PROTOBUF__FIELD_DESCRIPTOR_PROTO__INIT);
        size_t len = strlen(g[i].name) + 1;
        if (!d || !(d->name = pb_alloc(&e->a, len)))
            return;
        for (size_t k = 0; k < len; k++) /* protoc names the field in lower case */
            d->name[k] = (char)(g[i].name[k] >= 'A' && g[i].name[k] <= 'Z' ? g[i].name[k] + 32
                                                                           : g[i].name[k]);
        d->has_number = d->has_label = d->has_type = true;
        d->number = g[i].tag;
        d->label = g[i].label && strcmp(g[i].label, "repeated") == 0   ? L(REPEATED)
                   : g[i].label && strcmp(g[i].label, "required") == 0 ? L(REQUIRED)
                                                                       : L(OPTIONAL);
        d->type = T(GROUP);
        size_t tn = strlen(m->fqn) + strlen(g[i].name) + 3;
        if ((d->type_name = pb_alloc(&e->a, tn)))
            snprintf(d->type_name, tn, ".%s.%s", m->fqn, g[i].name);
        d->has_oneof_index = oneof >= 0;
        d->oneof_index = oneof;
        PUSHP(e, md->field, md->n_field, d);
    }
}

static msg_d *message(en_t *e, const pb_type_t *m) {
    msg_d *md = NEW(e, msg_d, GOOGLE__PROTOBUF__DESCRIPTOR_PROTO__INIT);
    Google__Protobuf__MessageOptions *mo =
        NEW(e, Google__Protobuf__MessageOptions, GOOGLE__PROTOBUF__MESSAGE_OPTIONS__INIT);
    if (!md || !mo)
        return NULL;
    md->name = m->name;
    mo->has_deprecated = opt_true(&m->opts, "deprecated", &mo->deprecated);
    mo->has_map_entry = opt_true(&m->opts, "map_entry", &mo->map_entry);
    if (custom(e, &mo->base, "google.protobuf.MessageOptions", &m->opts) || mo->has_deprecated ||
        mo->has_map_entry)
        md->options = mo;
    /* declared nested types first: map entries come after them, as Confluent builds them */
    for (size_t i = 0; i < m->nnested; i++) {
        if (m->nested[i]->is_enum)
            PUSHP(e, md->enum_type, md->n_enum_type, enumeration(e, m->nested[i]));
        else
            PUSHP(e, md->nested_type, md->n_nested_type, message(e, m->nested[i]));
    }
    for (size_t i = 0; i < m->nfields; i++)
        PUSHP(e, md->field, md->n_field, any_field(e, m, m->fields[i], md));
    groups(e, m, m->groups, m->ngroups, md, -1);
    oneofs(e, m, md);
    for (size_t o = 0; o < m->noneofs; o++)
        groups(e, m, m->oneofs[o].groups, m->oneofs[o].ngroups, md, (int)o);
    synthetic_oneofs(e, md);
    ranges(e, m, md);
    add_extends(e, m->extends, m->nextends, &md->extension, &md->n_extension);
    return md;
}

static Google__Protobuf__FileOptions *file_options(en_t *e, const pb_opts_t *o) {
    Google__Protobuf__FileOptions *fo =
        NEW(e, Google__Protobuf__FileOptions, GOOGLE__PROTOBUF__FILE_OPTIONS__INIT);
    static const char *const modes[] = {"SPEED", "CODE_SIZE", "LITE_RUNTIME"};
    if (!fo)
        return NULL;
    fo->java_package = (char *)opt_str(o, "java_package");
    fo->java_outer_classname = (char *)opt_str(o, "java_outer_classname");
    fo->go_package = (char *)opt_str(o, "go_package");
    fo->objc_class_prefix = (char *)opt_str(o, "objc_class_prefix");
    fo->csharp_namespace = (char *)opt_str(o, "csharp_namespace");
    fo->swift_prefix = (char *)opt_str(o, "swift_prefix");
    fo->php_namespace = (char *)opt_str(o, "php_namespace");
    fo->ruby_package = (char *)opt_str(o, "ruby_package");
    fo->has_java_multiple_files = opt_true(o, "java_multiple_files", &fo->java_multiple_files);
    fo->has_deprecated = opt_true(o, "deprecated", &fo->deprecated);
    fo->has_cc_enable_arenas = opt_true(o, "cc_enable_arenas", &fo->cc_enable_arenas);
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->v[i].name, "optimize_for") == 0)
            for (int k = 0; k < 3; k++)
                if (strcmp(o->v[i].val->text, modes[k]) == 0) {
                    fo->has_optimize_for = true;
                    fo->optimize_for = (Google__Protobuf__FileOptions__OptimizeMode)(k + 1);
                }
    custom(e, &fo->base, "google.protobuf.FileOptions", o);
    return fo;
}

static Google__Protobuf__ServiceDescriptorProto *service(en_t *e, const pb_service_t *s) {
    Google__Protobuf__ServiceDescriptorProto *d =
        NEW(e, Google__Protobuf__ServiceDescriptorProto,
            GOOGLE__PROTOBUF__SERVICE_DESCRIPTOR_PROTO__INIT);
    if (!d)
        return NULL;
    d->name = s->name;
    Google__Protobuf__ServiceOptions *so =
        NEW(e, Google__Protobuf__ServiceOptions, GOOGLE__PROTOBUF__SERVICE_OPTIONS__INIT);
    if (so && custom(e, &so->base, "google.protobuf.ServiceOptions", &s->opts))
        d->options = so;
    for (size_t i = 0; i < s->nrpcs; i++) {
        const pb_rpc_t *r = &s->rpcs[i];
        const pb_sym_t *in = pb_resolve(e->s, e->s->file, NULL, r->req);
        const pb_sym_t *out = pb_resolve(e->s, e->s->file, NULL, r->resp);
        Google__Protobuf__MethodDescriptorProto *m =
            NEW(e, Google__Protobuf__MethodDescriptorProto,
                GOOGLE__PROTOBUF__METHOD_DESCRIPTOR_PROTO__INIT);
        if (!m)
            return NULL;
        m->name = r->name;
        m->input_type = in ? dotted(e, in->fqn) : r->req;
        m->output_type = out ? dotted(e, out->fqn) : r->resp;
        m->has_client_streaming = m->client_streaming = r->req_stream;
        m->has_server_streaming = m->server_streaming = r->resp_stream;
        Google__Protobuf__MethodOptions *mo =
            NEW(e, Google__Protobuf__MethodOptions, GOOGLE__PROTOBUF__METHOD_OPTIONS__INIT);
        if (mo && custom(e, &mo->base, "google.protobuf.MethodOptions", &r->opts))
            m->options = mo;
        PUSHP(e, d->method, d->n_method, m);
    }
    return d;
}

static file_d *file(en_t *e) {
    const pb_file_t *f = e->s->file;
    file_d *d = NEW(e, file_d, GOOGLE__PROTOBUF__FILE_DESCRIPTOR_PROTO__INIT);
    if (!d)
        return NULL;
    d->package = f->package;
    if (e->proto3)
        d->syntax = "proto3";
    for (size_t i = 0; i < f->nimports; i++) {
        int32_t at = (int32_t)d->n_dependency;
        PUSHP(e, d->dependency, d->n_dependency, f->imports[i].path);
        if (f->imports[i].kind == PB_IMPORT_PUBLIC)
            PUSHP(e, d->public_dependency, d->n_public_dependency, at);
        else if (f->imports[i].kind == PB_IMPORT_WEAK)
            PUSHP(e, d->weak_dependency, d->n_weak_dependency, at);
    }
    d->options = file_options(e, &f->opts);
    for (size_t i = 0; i < f->ntypes; i++) {
        if (f->types[i]->is_enum)
            PUSHP(e, d->enum_type, d->n_enum_type, enumeration(e, f->types[i]));
        else
            PUSHP(e, d->message_type, d->n_message_type, message(e, f->types[i]));
    }
    add_extends(e, f->extends, f->nextends, &d->extension, &d->n_extension);
    for (size_t i = 0; i < f->nservices; i++)
        PUSHP(e, d->service, d->n_service, service(e, &f->services[i]));
    return d;
}

char *compat_pb_serialized(const compat_pb_schema_t *s, cn_error_t *err) {
    en_t e = {.s = s, .proto3 = s->file->syntax && strcmp(s->file->syntax, "proto3") == 0};
    file_d *d;
    char *out = NULL;
    pb_exts_from_schema(&e.exts, s, 0);
    d = file(&e);
    if (d && !e.a.failed && !e.exts.failed) {
        size_t n = google__protobuf__file_descriptor_proto__get_packed_size(d);
        uint8_t *buf = malloc(n ? n : 1);
        if (buf) {
            google__protobuf__file_descriptor_proto__pack(d, buf);
            out = pb_b64_encode(buf, n);
            free(buf);
        }
    }
    pb_arena_free(&e.a);
    pb_exts_free(&e.exts);
    if (!out)
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    return out;
}
