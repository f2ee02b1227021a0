/* SPDX-License-Identifier: Apache-2.0
 *
 * Compiling a Protobuf schema for the serdes: the .proto file and the files it imports, each
 * parsed by compat/protobuf (imports first) and turned into a FileDescriptorProto, an index of
 * message and enum types by full name, and the Protobuf entry of the format table. Imports come
 * from the application (serializers), from the registry's schema references (deserializers,
 * GET /subjects/{s}/versions/{v} per reference, bounded in count and depth), or from the
 * well-known files built into compat/protobuf. Owns serdes_pb_schema_t.
 */
#include "serdes/serdes_protobuf_int.h"

#include <stdlib.h>
#include <string.h>

/* Where a file's imports come from while loading. */
typedef struct serdes_pb_loader {
    serdes_pb_schema_t *s;
    const serdes_pb_source_t *src; /* application files, or NULL */
    size_t nsrc;
    serdes_registry_t *reg; /* registry references, or NULL */
} serdes_pb_loader_t;

static cn_err_t serdes_pb_load(serdes_pb_loader_t *L, const char *name, const char *text,
                               size_t len, json_t *refs, int depth, size_t *at, serdes_err_t *err);

/* ---- base64 ---- */

static const char serdes_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int serdes_b64_val(char c) {
    const char *p = c ? strchr(serdes_b64, c) : NULL;
    return p ? (int)(p - serdes_b64) : -1;
}

uint8_t *serdes_b64_decode(const char *s, size_t n, size_t *out_len) {
    uint8_t *out = n % 4 == 0 ? malloc(n / 4 * 3 + 1) : NULL;
    size_t o = 0;
    for (size_t i = 0; out && i < n; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            v[k] = s[i + k] == '=' && i + 4 == n && k >= 2 ? 0 : serdes_b64_val(s[i + k]);
        if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0) {
            free(out);
            return NULL;
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | v[3];
        out[o++] = (uint8_t)(w >> 16);
        if (s[i + 2] != '=')
            out[o++] = (uint8_t)(w >> 8);
        if (s[i + 3] != '=')
            out[o++] = (uint8_t)w;
    }
    *out_len = o;
    return out;
}

char *serdes_b64_encode(const uint8_t *p, size_t n) {
    char *out = malloc((n + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; out && i < n; i += 3) {
        uint32_t w = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        out[o++] = serdes_b64[(w >> 18) & 63];
        out[o++] = serdes_b64[(w >> 12) & 63];
        out[o++] = i + 1 < n ? serdes_b64[(w >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? serdes_b64[w & 63] : '=';
    }
    if (out)
        out[o] = '\0';
    return out;
}

/* ---- the type index ---- */

static cn_err_t serdes_pb_put_type(serdes_pb_schema_t *s, const char *fqn,
                                   const Google__Protobuf__DescriptorProto *m,
                                   const Google__Protobuf__EnumDescriptorProto *e) {
    serdes_pb_type_t *t = calloc(1, sizeof(*t));
    if (!t)
        return CN_ERR_NO_MEMORY;
    t->msg = m;
    t->en = e;
    if (cn_map_sget(s->types, fqn)) { /* the first definition wins (imports are unique) */
        free(t);
        return CN_OK;
    }
    return cn_map_sput(s->types, fqn, t);
}

static cn_err_t serdes_pb_index_msgs(serdes_pb_schema_t *s, const char *scope,
                                     Google__Protobuf__DescriptorProto **msgs, size_t n,
                                     Google__Protobuf__EnumDescriptorProto **enums, size_t ne,
                                     int depth) {
    char fqn[1024];
    cn_err_t rc = CN_OK;
    if (depth > SERDES_PB_MAX_DEPTH)
        return CN_ERR_TOO_DEEP;
    for (size_t i = 0; rc == CN_OK && i < ne; i++) {
        snprintf(fqn, sizeof(fqn), "%s.%s", scope, enums[i]->name ? enums[i]->name : "");
        rc = serdes_pb_put_type(s, fqn, NULL, enums[i]);
    }
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        const Google__Protobuf__DescriptorProto *m = msgs[i];
        snprintf(fqn, sizeof(fqn), "%s.%s", scope, m->name ? m->name : "");
        rc = serdes_pb_put_type(s, fqn, m, NULL);
        if (rc == CN_OK)
            rc = serdes_pb_index_msgs(s, fqn, m->nested_type, m->n_nested_type, m->enum_type,
                                      m->n_enum_type, depth + 1);
    }
    return rc;
}

static cn_err_t serdes_pb_index_file(serdes_pb_schema_t *s, const serdes_pb_file_t *f) {
    char scope[512];
    const char *pkg = f->fd->package;
    snprintf(scope, sizeof(scope), "%s%s", pkg && *pkg ? "." : "", pkg && *pkg ? pkg : "");
    return serdes_pb_index_msgs(s, scope, f->fd->message_type, f->fd->n_message_type,
                                f->fd->enum_type, f->fd->n_enum_type, 0);
}

const serdes_pb_type_t *serdes_pb_type(const serdes_pb_schema_t *s, const char *type_name) {
    return type_name ? cn_map_sget(s->types, type_name) : NULL;
}

/* ---- one file ---- */

/* protoc's json_name: the field name in lowerCamelCase ("list_value" -> "listValue"). */
static char *serdes_pb_camel(const char *name) {
    char *out = malloc(strlen(name) + 1), *o = out;
    bool up = false;
    for (; out && *name; name++) {
        if (*name == '_') {
            up = true;
            continue;
        }
        *o++ = up && *name >= 'a' && *name <= 'z' ? (char)(*name - 'a' + 'A') : *name;
        up = false;
    }
    if (out)
        *o = '\0';
    return out;
}

/* Fill the json_name a descriptor leaves out (compat/protobuf writes only explicit ones). */
static bool serdes_pb_json_names(Google__Protobuf__DescriptorProto **v, size_t n, int depth) {
    if (depth > SERDES_PB_MAX_DEPTH)
        return false;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < v[i]->n_field; k++) {
            Google__Protobuf__FieldDescriptorProto *f = v[i]->field[k];
            if (!f->json_name && f->name && !(f->json_name = serdes_pb_camel(f->name)))
                return false;
        }
        if (!serdes_pb_json_names(v[i]->nested_type, v[i]->n_nested_type, depth + 1))
            return false;
    }
    return true;
}

static cn_err_t serdes_pb_describe(serdes_pb_file_t *f, serdes_err_t *err) {
    cn_error_t ce = {0};
    char *b64 = compat_pb_serialized(f->parsed, &ce);
    size_t n = 0;
    uint8_t *raw = b64 ? serdes_b64_decode(b64, strlen(b64), &n) : NULL;
    free(b64);
    if (raw)
        f->fd = google__protobuf__file_descriptor_proto__unpack(NULL, n, raw);
    free(raw);
    if (f->fd && !serdes_pb_json_names(f->fd->message_type, f->fd->n_message_type, 0)) {
        google__protobuf__file_descriptor_proto__free_unpacked(f->fd, NULL);
        f->fd = NULL;
    }
    if (!f->fd)
        return serdes_err_set(err, CN_ERR_NO_MEMORY, "no descriptor for %s",
                              f->name[0] ? f->name : "the schema");
    return CN_OK;
}

static void serdes_pb_file_fini(serdes_pb_file_t *f) {
    free(f->name);
    free(f->text);
    compat_pb_schema_free(f->parsed);
    if (f->fd)
        google__protobuf__file_descriptor_proto__free_unpacked(f->fd, NULL);
    for (size_t i = 0; i < f->ndeps; i++)
        free(f->deps[i]);
    free(f->deps);
}

static size_t serdes_pb_find(const serdes_pb_schema_t *s, const char *name) {
    for (size_t i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

/* The reference named name in a registry answer's references, or NULL. */
static json_t *serdes_pb_ref(json_t *refs, const char *name) {
    size_t i;
    json_t *r;
    json_array_foreach(refs, i, r) {
        const char *n = json_string_value(json_object_get(r, "name"));
        if (n && strcmp(n, name) == 0)
            return r;
    }
    return NULL;
}

/* Load one import of a file: already loaded, the application's, the registry's, or built in. */
static cn_err_t serdes_pb_load_dep(serdes_pb_loader_t *L, const char *dep, json_t *refs, int depth,
                                   size_t *at, serdes_err_t *err) {
    json_t *ref = refs ? serdes_pb_ref(refs, dep) : NULL, *ans = NULL;
    const char *wk = compat_pb_wellknown_text(dep);
    cn_err_t rc;
    if ((*at = serdes_pb_find(L->s, dep)) != SIZE_MAX)
        return CN_OK;
    for (size_t i = 0; i < L->nsrc; i++)
        if (L->src[i].name && L->src[i].text && strcmp(L->src[i].name, dep) == 0)
            return serdes_pb_load(L, dep, L->src[i].text, strlen(L->src[i].text), NULL, depth + 1,
                                  at, err);
    if (ref && L->reg) {
        json_t *subj = json_object_get(ref, "subject"), *ver = json_object_get(ref, "version");
        if (!json_is_string(subj) || !json_is_integer(ver))
            return serdes_err_set(err, CN_ERR_SERDES_REGISTRY, "reference %s is malformed", dep);
        rc = serdes_registry_version(L->reg, json_string_value(subj),
                                     (int32_t)json_integer_value(ver), &ans, err);
        json_t *text = rc == CN_OK ? json_object_get(ans, "schema") : NULL;
        if (rc == CN_OK && !json_is_string(text))
            rc = serdes_err_set(err, CN_ERR_SERDES_REGISTRY, "reference %s has no schema", dep);
        if (rc == CN_OK)
            rc = serdes_pb_load(L, dep, json_string_value(text), json_string_length(text),
                                json_object_get(ans, "references"), depth + 1, at, err);
        json_decref(ans);
        return rc;
    }
    if (wk)
        return serdes_pb_load(L, dep, wk, strlen(wk), NULL, depth + 1, at, err);
    return serdes_err_set(err, CN_ERR_INVALID_SCHEMA, "import \"%s\" is not given", dep);
}

static cn_err_t serdes_pb_parse_file(serdes_pb_loader_t *L, serdes_pb_file_t *f, json_t *refs,
                                     int depth, serdes_err_t *err) {
    compat_pb_import_t imps[SERDES_PB_MAX_FILES];
    size_t at;
    cn_err_t rc = compat_pb_imports(f->text, strlen(f->text), &f->deps, &f->ndeps, &err->e);
    if (rc == CN_OK && f->ndeps > SERDES_PB_MAX_FILES)
        rc = serdes_err_set(err, CN_ERR_TOO_LARGE, "too many imports");
    for (size_t i = 0; rc == CN_OK && i < f->ndeps; i++) {
        rc = serdes_pb_load_dep(L, f->deps[i], refs, depth, &at, err);
        if (rc == CN_OK)
            imps[i] = (compat_pb_import_t){f->deps[i], NULL, 0, L->s->files[at].parsed};
    }
    if (rc == CN_OK)
        rc = compat_pb_parse_ex(f->text, strlen(f->text), imps, f->ndeps,
                                L->reg ? COMPAT_PB_LENIENT : 0, &f->parsed, &err->e);
    if (rc == CN_OK)
        rc = serdes_pb_describe(f, err);
    return rc;
}

/* Load a file (its imports first) and append it; *at gets its index. */
static cn_err_t serdes_pb_load(serdes_pb_loader_t *L, const char *name, const char *text,
                               size_t len, json_t *refs, int depth, size_t *at, serdes_err_t *err) {
    serdes_pb_file_t f = {0};
    cn_err_t rc;
    if (depth > SERDES_PB_MAX_REFS)
        return serdes_err_set(err, CN_ERR_TOO_DEEP, "imports nest deeper than %d",
                              SERDES_PB_MAX_REFS);
    if (!(f.name = strdup(name)) || !(f.text = strndup(text, len))) {
        serdes_pb_file_fini(&f);
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    rc = serdes_pb_parse_file(L, &f, refs, depth, err);
    if (rc == CN_OK && L->s->nfiles == SERDES_PB_MAX_FILES)
        rc = serdes_err_set(err, CN_ERR_TOO_LARGE, "more than %d files", SERDES_PB_MAX_FILES);
    if (rc != CN_OK) {
        if (name[0])
            cn_error_prefix(&err->e, "%s", name);
        serdes_pb_file_fini(&f);
        return rc;
    }
    *at = L->s->nfiles;
    L->s->files[L->s->nfiles++] = f;
    return CN_OK;
}

static cn_err_t serdes_pb_finish(serdes_pb_schema_t *s, serdes_err_t *err) {
    const Google__Protobuf__FileDescriptorProto *fd = s->files[s->root].fd;
    cn_err_t rc = CN_OK;
    for (size_t i = 0; rc == CN_OK && i < s->nfiles; i++)
        rc = serdes_pb_index_file(s, &s->files[i]);
    if (rc != CN_OK)
        return serdes_err_set(err, rc, "cannot index the schema's types");
    if (fd->n_message_type > 0) {
        const char *pkg = fd->package && *fd->package ? fd->package : NULL;
        size_t n = (pkg ? strlen(pkg) + 1 : 0) + strlen(fd->message_type[0]->name) + 1;
        if (!(s->first = malloc(n)))
            return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
        snprintf(s->first, n, "%s%s%s", pkg ? pkg : "", pkg ? "." : "", fd->message_type[0]->name);
    }
    return CN_OK;
}

static cn_err_t serdes_pb_compile_with(serdes_pb_loader_t *L, const char *text, size_t len,
                                       json_t *refs, serdes_pb_schema_t **out, serdes_err_t *err) {
    cn_err_t rc;
    if (!(L->s = calloc(1, sizeof(*L->s))) || !(L->s->types = cn_map_new(free))) {
        free(L->s);
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    rc = serdes_pb_load(L, "", text, len, refs, 0, &L->s->root, err);
    if (rc == CN_OK)
        rc = serdes_pb_finish(L->s, err);
    if (rc != CN_OK) {
        serdes_pb_release(L->s);
        return rc;
    }
    *out = L->s;
    return CN_OK;
}

cn_err_t serdes_pb_compile_local(const char *text, size_t len, const serdes_pb_source_t *src,
                                 size_t nsrc, serdes_pb_schema_t **out, serdes_err_t *err) {
    serdes_pb_loader_t L = {NULL, src, nsrc, NULL};
    return serdes_pb_compile_with(&L, text, len, NULL, out, err);
}

static cn_err_t serdes_pb_compile(const char *text, size_t len, void **impl, serdes_err_t *err) {
    return serdes_pb_compile_local(text, len, NULL, 0, (serdes_pb_schema_t **)impl, err);
}

static cn_err_t serdes_pb_compile_refs(serdes_registry_t *r, const char *text, size_t len,
                                       json_t *refs, void **impl, serdes_err_t *err) {
    serdes_pb_loader_t L = {NULL, NULL, 0, r};
    if (json_array_size(refs) > SERDES_PB_MAX_FILES)
        return serdes_err_set(err, CN_ERR_TOO_LARGE, "more than %d references",
                              SERDES_PB_MAX_FILES);
    return serdes_pb_compile_with(&L, text, len, refs, (serdes_pb_schema_t **)impl, err);
}

void serdes_pb_release(void *impl) {
    serdes_pb_schema_t *s = impl;
    if (!s)
        return;
    for (size_t i = 0; i < s->nfiles; i++)
        serdes_pb_file_fini(&s->files[i]);
    for (size_t i = 0; i < SERDES_PB_IDX_SLOTS; i++)
        free(atomic_load(&s->idx[i]));
    cn_map_free(s->types);
    free(s->first);
    free(s);
}

/* ---- message paths ---- */

const Google__Protobuf__DescriptorProto *serdes_pb_at(const serdes_pb_schema_t *s,
                                                      const int32_t *path, size_t n) {
    const Google__Protobuf__FileDescriptorProto *fd = s->files[s->root].fd;
    const Google__Protobuf__DescriptorProto *m = NULL;
    if (n == 0 || path[0] < 0 || (size_t)path[0] >= fd->n_message_type)
        return NULL;
    m = fd->message_type[path[0]];
    for (size_t i = 1; i < n; i++) {
        if (path[i] < 0 || (size_t)path[i] >= m->n_nested_type)
            return NULL;
        m = m->nested_type[path[i]];
    }
    return m;
}

static int32_t serdes_pb_child(Google__Protobuf__DescriptorProto **v, size_t n, const char *name,
                               size_t len) {
    for (size_t i = 0; i < n; i++)
        if (v[i]->name && strlen(v[i]->name) == len && memcmp(v[i]->name, name, len) == 0)
            return (int32_t)i;
    return -1;
}

cn_err_t serdes_pb_path_of(const serdes_pb_schema_t *s, const char *fqn, int32_t *path, size_t cap,
                           size_t *n) {
    const Google__Protobuf__FileDescriptorProto *fd = s->files[s->root].fd;
    const char *pkg = fd->package ? fd->package : "", *p = fqn;
    Google__Protobuf__DescriptorProto **v = fd->message_type;
    size_t nv = fd->n_message_type, plen = strlen(pkg);
    *n = 0;
    if (plen) {
        if (strncmp(fqn, pkg, plen) != 0 || fqn[plen] != '.')
            return CN_ERR_NOT_FOUND;
        p += plen + 1;
    }
    while (*p && *n < cap) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        int32_t i = serdes_pb_child(v, nv, p, len);
        if (i < 0)
            return CN_ERR_NOT_FOUND;
        path[(*n)++] = i;
        nv = v[i]->n_nested_type;
        v = v[i]->nested_type;
        p += len + (dot ? 1 : 0);
    }
    return *p || *n == 0 ? CN_ERR_NOT_FOUND : CN_OK;
}

/* ---- references (serializers) ---- */

static void serdes_pb_ref_subject(const serdes_settings_t *st, const char *name, char *out,
                                  size_t cap) {
    size_t n = strlen(name);
    if (!st->ref_qualified) {
        snprintf(out, cap, "%s", name);
        return;
    }
    /* QualifiedReferenceSubjectNameStrategy: "pkg/file.proto" -> "pkg.file". */
    if (n > 6 && strcmp(name + n - 6, ".proto") == 0)
        n -= 6;
    snprintf(out, cap, "%.*s", (int)n, name);
    for (char *c = out; *c; c++)
        if (*c == '/')
            *c = '.';
}

static bool serdes_pb_skipped(const serdes_settings_t *st, const char *dep) {
    return st->skip_known_types && compat_pb_is_wellknown(dep);
}

static cn_err_t serdes_pb_refs_of(serdes_registry_t *r, const serdes_settings_t *st,
                                  const serdes_pb_schema_t *s, size_t at, bool lookup_only,
                                  int depth, char **refs_out, serdes_err_t *err);

/* Register (or look up) file at and learn its version under the reference subject. */
static cn_err_t serdes_pb_register_file(serdes_registry_t *r, const serdes_settings_t *st,
                                        const serdes_pb_schema_t *s, size_t at, bool lookup_only,
                                        int depth, json_t *into, serdes_err_t *err) {
    const serdes_pb_file_t *f = &s->files[at];
    char subject[1024], *refs = NULL;
    int32_t id = -1, version = 0;
    cn_err_t rc = serdes_pb_refs_of(r, st, s, at, lookup_only, depth + 1, &refs, err);
    const serdes_format_t *fmt = serdes_protobuf_format();
    serdes_pb_ref_subject(st, f->name, subject, sizeof(subject));
    if (rc == CN_OK && !lookup_only)
        rc = serdes_registry_id_for_refs(r, subject, fmt, f->text, refs, false, &id, NULL, err);
    if (rc == CN_OK)
        rc = serdes_registry_id_for_refs(r, subject, fmt, f->text, refs, true, &id, &version, err);
    if (rc == CN_OK && version <= 0)
        rc = serdes_err_set(err, CN_ERR_SERDES_REGISTRY, "no version for reference %s", f->name);
    if (rc == CN_OK &&
        json_array_append_new(into, json_pack("{s:s,s:s,s:i}", "name", f->name, "subject", subject,
                                              "version", (int)version)) != 0)
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    free(refs);
    return rc;
}

static cn_err_t serdes_pb_refs_of(serdes_registry_t *r, const serdes_settings_t *st,
                                  const serdes_pb_schema_t *s, size_t at, bool lookup_only,
                                  int depth, char **refs_out, serdes_err_t *err) {
    const serdes_pb_file_t *f = &s->files[at];
    json_t *arr = json_array();
    cn_err_t rc = arr ? CN_OK : CN_ERR_NO_MEMORY;
    *refs_out = NULL;
    if (depth > SERDES_PB_MAX_REFS)
        rc = serdes_err_set(err, CN_ERR_TOO_DEEP, "imports nest too deep");
    for (size_t i = 0; rc == CN_OK && i < f->ndeps; i++) {
        size_t d = serdes_pb_find(s, f->deps[i]);
        if (!serdes_pb_skipped(st, f->deps[i]) && d != SIZE_MAX)
            rc = serdes_pb_register_file(r, st, s, d, lookup_only, depth, arr, err);
    }
    if (rc == CN_OK && json_array_size(arr) > 0 && !(*refs_out = json_dumps(arr, JSON_COMPACT)))
        rc = serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    json_decref(arr);
    return rc;
}

static cn_err_t serdes_pb_references(serdes_registry_t *r, const void *impl, bool lookup_only,
                                     char **refs_out, serdes_err_t *err) {
    const serdes_settings_t *st = serdes_registry_settings(r);
    const serdes_pb_schema_t *s = impl;
    return serdes_pb_refs_of(r, st, s, s->root, lookup_only || st->ref_lookup_only, 0, refs_out,
                             err);
}

static const char *serdes_pb_record_name(const void *impl) {
    return ((const serdes_pb_schema_t *)impl)->first;
}

static const serdes_format_t serdes_pb_fmt = {
    CAIRN_FORMAT_PROTOBUF, "PROTOBUF",
    serdes_pb_compile,     serdes_pb_release,
    serdes_pb_record_name, serdes_pb_compile_refs,
    serdes_pb_references,
};

const serdes_format_t *serdes_protobuf_format(void) {
    return &serdes_pb_fmt;
}
