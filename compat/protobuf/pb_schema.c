/* SPDX-License-Identifier: Apache-2.0
 *
 * One Protobuf schema: its parsed file, its imports (schema references by import path, then the
 * built-in well-known files for imports no reference names), the symbol table over all of them,
 * and its canonical and normalized texts. A schema owns private copies of its imports (parsed
 * again from their texts), so the caller's import models are borrowed only for the call. A
 * file imported along several paths (a diamond) is copied once per schema and shared within
 * it; the number of files one schema reaches and the depth of its import chain are bounded.
 */
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_int.h"

/* One import already copied for this schema: the schema it was copied from (NULL for a
 * built-in) and how it is referenced. */
typedef struct memo {
    const compat_pb_schema_t *orig;
    const char *subject;
    int32_t version;
    compat_pb_schema_t *copy;
} memo_t;

typedef struct build {
    int files; /* files parsed for this schema so far */
    bool lenient;
    cn_error_t *err;
    memo_t memo[PB_MAX_FILES];
    size_t nmemo;
} build_t;

/* The same import: one reference (subject, version) to one text (copies of one schema made
 * along different paths are different objects with the same text). */
static bool same_text(const compat_pb_schema_t *a, const compat_pb_schema_t *b) {
    if (!a || !b)
        return a == b;
    return a->srclen == b->srclen && memcmp(a->src, b->src, a->srclen) == 0;
}

static compat_pb_schema_t *memo_get(build_t *b, const compat_pb_schema_t *orig, const char *subject,
                                    int32_t version) {
    for (size_t i = 0; i < b->nmemo; i++)
        if (b->memo[i].version == version && strcmp(b->memo[i].subject, subject) == 0 &&
            same_text(b->memo[i].orig, orig)) {
            b->memo[i].copy->shared++;
            return b->memo[i].copy;
        }
    return NULL;
}

static void memo_put(build_t *b, const compat_pb_schema_t *orig, compat_pb_schema_t *copy) {
    if (b->nmemo < PB_MAX_FILES)
        b->memo[b->nmemo++] = (memo_t){orig, copy->as_subject, copy->file->ref_version, copy};
}

static cn_err_t parse_at(const char *text, size_t len, const compat_pb_import_t *imps, size_t n,
                         int depth, build_t *b, compat_pb_schema_t **out);

void compat_pb_schema_free(compat_pb_schema_t *s) {
    if (!s)
        return;
    if (s->shared > 0) {
        s->shared--;
        return;
    }
    for (size_t i = 0; i < s->ndeps; i++) {
        free(s->deps[i].name);
        free(s->deps[i].subject);
        compat_pb_schema_free(s->deps[i].schema);
    }
    free(s->deps);
    cn_map_free(s->syms);
    pb_file_free(s->file);
    if (!s->src_static)
        free(s->src);
    free(s->canonical);
    free(s->normalized);
    free(s->as_subject);
    free(s);
}

/* A private copy of an import: its text parsed again with copies of its own imports. */
static compat_pb_import_t *refs_of(const compat_pb_schema_t *s, size_t *n);

static cn_err_t clone(const compat_pb_schema_t *src, int depth, build_t *b,
                      compat_pb_schema_t **out) {
    size_t n = 0;
    compat_pb_import_t *imps = refs_of(src, &n);
    if (!imps)
        return cn_error_set(b->err, CN_ERR_NO_MEMORY, NULL);
    cn_err_t rc = parse_at(src->src, src->srclen, imps, n, depth, b, out);
    free(imps);
    return rc;
}

static cn_err_t add_dep(compat_pb_schema_t *s, const char *name, const char *subject,
                        int32_t version, bool builtin, compat_pb_schema_t *dep, cn_error_t *err) {
    pb_dep_t *d = &s->deps[s->ndeps];
    d->name = strdup(name);
    d->subject = strdup(subject);
    d->version = version;
    d->builtin = builtin;
    d->schema = dep;
    s->ndeps++;
    if (!d->name || !d->subject)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (!dep->as_subject) { /* a shared copy keeps the reference it was made for */
        if (!(dep->as_subject = strdup(subject)))
            return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        dep->file->ref_subject = dep->as_subject;
        dep->file->ref_version = version;
    }
    return CN_OK;
}

static bool have_dep(const compat_pb_schema_t *s, const char *path) {
    for (size_t i = 0; i < s->ndeps; i++)
        if (strcmp(s->deps[i].name, path) == 0)
            return true;
    return false;
}

/* Each import statement: a reference of that name, else a built-in, else an error. */
static cn_err_t load_imports(compat_pb_schema_t *s, const compat_pb_import_t *imps, size_t n,
                             int depth, build_t *b) {
    const pb_file_t *f = s->file;
    cn_err_t rc = CN_OK;
    if (!(s->deps = calloc(n + f->nimports + 1, sizeof(*s->deps))))
        return cn_error_set(b->err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        compat_pb_schema_t *dep = NULL;
        const char *subject = imps[i].subject ? imps[i].subject : "";
        if (!imps[i].schema || !imps[i].name)
            return cn_error_set(b->err, CN_ERR_INVALID_SCHEMA, "reference %zu has no schema", i);
        if (!(dep = memo_get(b, imps[i].schema, subject, imps[i].version)))
            rc = clone(imps[i].schema, depth + 1, b, &dep);
        bool fresh = rc == CN_OK && !dep->as_subject;
        if (rc == CN_OK)
            rc = add_dep(s, imps[i].name, subject, imps[i].version, false, dep, b->err);
        if (rc == CN_OK && fresh)
            memo_put(b, imps[i].schema, dep);
    }
    for (size_t i = 0; rc == CN_OK && i < f->nimports; i++) {
        const pb_import_t *im = &f->imports[i];
        const char *text;
        compat_pb_schema_t *dep = NULL;
        if (have_dep(s, im->path))
            continue;
        if (!(text = pb_wellknown(im->path)))
            return cn_error_set(b->err, CN_ERR_INVALID_SCHEMA,
                                "line %d:%d: import \"%s\" is neither a schema reference nor a "
                                "well-known file",
                                im->line, im->col, im->path);
        if (!(dep = memo_get(b, NULL, im->path, 0)))
            rc = parse_at(text, strlen(text), NULL, 0, depth + 1, b, &dep);
        bool fresh = rc == CN_OK && !dep->as_subject;
        if (rc == CN_OK)
            rc = add_dep(s, im->path, im->path, 0, true, dep, b->err);
        if (rc == CN_OK && fresh)
            memo_put(b, NULL, dep);
    }
    return rc;
}

static char *print_text(const compat_pb_schema_t *s, bool normalize) {
    cn_buf_t b;
    char *t = NULL;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    if (pb_print(s, normalize, &b) == CN_OK && cn_buf_cstr(&b))
        t = (char *)cn_buf_steal(&b, NULL);
    cn_buf_fini(&b);
    return t;
}

static cn_err_t print_texts(compat_pb_schema_t *s, cn_error_t *err) {
    if (!(s->canonical = print_text(s, false)))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    return CN_OK;
}

static cn_err_t parse_at(const char *text, size_t len, const compat_pb_import_t *imps, size_t n,
                         int depth, build_t *b, compat_pb_schema_t **out) {
    compat_pb_schema_t *s;
    cn_err_t rc;
    if (depth > PB_MAX_IMPORTS)
        return cn_error_set(b->err, CN_ERR_TOO_DEEP, "imports nested deeper than %d",
                            PB_MAX_IMPORTS);
    if (++b->files > PB_MAX_FILES)
        return cn_error_set(b->err, CN_ERR_TOO_LARGE, "more than %d files imported", PB_MAX_FILES);
    bool builtin = depth > 0 && !imps && text == pb_wellknown_text_of(text);
    if (!(s = calloc(1, sizeof(*s))) || !(s->src = builtin ? (char *)text : malloc(len + 1))) {
        free(s);
        return cn_error_set(b->err, CN_ERR_NO_MEMORY, NULL);
    }
    s->src_static = builtin;
    if (!builtin) {
        memcpy(s->src, text, len);
        s->src[len] = '\0';
    }
    s->lenient = b->lenient;
    s->srclen = len;
    rc = pb_parse_file(text, len, &s->file, b->err);
    if (rc == CN_OK)
        rc = load_imports(s, imps, n, depth, b);
    if (rc == CN_OK)
        rc = pb_resolve_all(s, b->err);
    if (rc == CN_OK && depth == 0) /* an import's text is never asked for */
        rc = print_texts(s, b->err);
    if (rc != CN_OK) {
        compat_pb_schema_free(s);
        return rc;
    }
    *out = s;
    return CN_OK;
}

/* A base64 FileDescriptorProto: its .proto text with names as a person writes them, parsed
 * again so that the model, its stored text and its clones all come from that text. */
static cn_err_t parse_descriptor(const char *text, size_t len, const compat_pb_import_t *imports,
                                 size_t nimports, bool lenient, compat_pb_schema_t **out,
                                 cn_error_t *err) {
    char *t1 = NULL, *t2 = NULL;
    compat_pb_schema_t *s1 = NULL;
    build_t b = {.err = err, .lenient = lenient};
    cn_err_t rc = pb_desc_to_text(text, len, imports, nimports, &t1, err);
    if (rc == CN_OK)
        rc = parse_at(t1, strlen(t1), imports, nimports, 0, &b, &s1);
    if (rc == CN_OK) {
        cn_buf_t buf;
        pb_shorten_names(s1);
        cn_buf_init(&buf, CN_BUF_NO_LIMIT);
        rc = pb_print(s1, false, &buf);
        t2 = rc == CN_OK && cn_buf_cstr(&buf) ? (char *)cn_buf_steal(&buf, NULL) : NULL;
        cn_buf_fini(&buf);
        if (!t2)
            rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    if (rc == CN_OK) {
        b.files = 0;
        b.nmemo = 0;
        rc = parse_at(t2, strlen(t2), imports, nimports, 0, &b, out);
    }
    compat_pb_schema_free(s1);
    free(t1);
    free(t2);
    return rc;
}

cn_err_t compat_pb_parse(const char *text, size_t len, const compat_pb_import_t *imports,
                         size_t nimports, compat_pb_schema_t **out, cn_error_t *err) {
    return compat_pb_parse_ex(text, len, imports, nimports, 0, out, err);
}

cn_err_t compat_pb_parse_ex(const char *text, size_t len, const compat_pb_import_t *imports,
                            size_t nimports, unsigned flags, compat_pb_schema_t **out,
                            cn_error_t *err) {
    build_t b = {.err = err, .lenient = (flags & COMPAT_PB_LENIENT) != 0};
    if (!text || !out || (nimports && !imports))
        return cn_error_set(err, CN_ERR_INVALID_ARGUMENT, NULL);
    size_t a = 0, z = len; /* a descriptor may come with surrounding blanks */
    while (a < z && (text[a] == ' ' || text[a] == '\n' || text[a] == '\r' || text[a] == '\t'))
        a++;
    while (z > a && (text[z - 1] == ' ' || text[z - 1] == '\n' || text[z - 1] == '\r' ||
                     text[z - 1] == '\t'))
        z--;
    if (pb_is_base64(text + a, z - a))
        return parse_descriptor(text + a, z - a, imports, nimports, b.lenient, out, err);
    return parse_at(text, len, imports, nimports, 0, &b, out);
}

cn_err_t compat_pb_imports(const char *text, size_t len, char ***out, size_t *n, cn_error_t *err) {
    pb_file_t *f = NULL;
    cn_err_t rc = pb_parse_file(text, len, &f, err);
    char **v = NULL;
    if (rc == CN_OK && !(v = calloc(f->nimports + 1, sizeof(*v))))
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; rc == CN_OK && i < f->nimports; i++)
        if (!(v[i] = strdup(f->imports[i].path)))
            rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK) {
        *out = v;
        *n = f->nimports;
    } else if (v) {
        for (size_t i = 0; i < f->nimports; i++)
            free(v[i]);
        free(v);
    }
    pb_file_free(f);
    return rc;
}

bool compat_pb_is_wellknown(const char *path) {
    return pb_wellknown(path) != NULL;
}

const char *compat_pb_wellknown_text(const char *path) {
    return pb_wellknown(path);
}

const char *compat_pb_canonical(const compat_pb_schema_t *s) {
    return s->canonical;
}

/* The schema's references again, for parsing a text of it (builtins come back by themselves). */
static compat_pb_import_t *refs_of(const compat_pb_schema_t *s, size_t *n) {
    compat_pb_import_t *imps = calloc(s->ndeps + 1, sizeof(*imps));
    *n = 0;
    for (size_t i = 0; imps && i < s->ndeps; i++)
        if (!s->deps[i].builtin)
            imps[(*n)++] = (compat_pb_import_t){.name = s->deps[i].name,
                                                .subject = s->deps[i].subject,
                                                .version = s->deps[i].version,
                                                .schema = s->deps[i].schema};
    return imps;
}

const char *compat_pb_normalized(compat_pb_schema_t *s, cn_error_t *err) {
    char *text;
    size_t n;
    compat_pb_import_t *imps;
    compat_pb_schema_t *again = NULL;
    build_t b = {.err = err, .lenient = s->lenient};
    if (s->normalized)
        return s->normalized;
    if (!(text = print_text(s, true)) || !(imps = refs_of(s, &n))) {
        free(text);
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    if (parse_at(text, strlen(text), imps, n, 0, &b, &again) == CN_OK) {
        s->normalized = again->canonical;
        again->canonical = NULL;
    }
    compat_pb_schema_free(again);
    free(imps);
    free(text);
    return s->normalized;
}

char *compat_pb_ignore_extensions(const compat_pb_schema_t *s, cn_error_t *err) {
    size_t n;
    compat_pb_import_t *imps = refs_of(s, &n);
    compat_pb_schema_t *again = NULL;
    build_t b = {.err = err, .lenient = true}; /* the stored text parsed again, as stored */
    char *text = NULL;
    if (!imps) {
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    if (parse_at(s->canonical, strlen(s->canonical), imps, n, 0, &b, &again) == CN_OK) {
        pb_strip_extensions(again->file);
        if (!(text = print_text(again, false)))
            cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    compat_pb_schema_free(again);
    free(imps);
    return text;
}

/* Whether the message m declares a field (oneof members and groups included) named name. */
static bool message_has_field(const pb_type_t *m, const char *name) {
    for (size_t i = 0; i < m->nfields; i++)
        if (strcmp(m->fields[i]->name, name) == 0)
            return true;
    for (size_t o = 0; o < m->noneofs; o++)
        for (size_t i = 0; i < m->oneofs[o].nfields; i++)
            if (strcmp(m->oneofs[o].fields[i]->name, name) == 0)
                return true;
    for (size_t g = 0; g < m->ngroups; g++)
        if (strcmp(m->groups[g].name, name) == 0)
            return true;
    return false;
}

bool compat_pb_has_field(const compat_pb_schema_t *s, const char *name) {
    const pb_file_t *f = s->file;
    for (size_t i = 0; f && i < f->ntypes; i++) /* the first message is the record's root */
        if (!f->types[i]->is_enum)
            return message_has_field(f->types[i], name);
    return false;
}
