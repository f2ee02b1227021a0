/* SPDX-License-Identifier: Apache-2.0
 *
 * Loading a JSON Schema: the draft of each resource ("$schema", draft 7 by default), the index
 * of resources by "$id" (draft 4: "id"), of "$anchor" / "$dynamicAnchor" / draft 6-7 "#name"
 * identifiers, and of compiled "pattern" / "patternProperties" regexes; then every "$ref" is
 * resolved once so a schema that points nowhere is rejected at load (JSON Schema Core 2020-12
 * §8.2 and §9; draft-07 Core §8). Depth is bounded before each recursion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/js_int.h"
#include "compat/jsonschema/js_meta.h"

typedef struct walk {
    compat_js_schema_t *s;
    cn_error_t *err;
    char path[256];      /* schema path for messages, truncated */
    const json_t **refs; /* every schema with a reference keyword (check_refs, add_metas) */
    size_t nrefs, cap;
    size_t nroot; /* refs[0..nroot) are the root document's, which must all resolve */
    const compat_js_opts_t *opts; /* the documents "$schema" may name */
    unsigned vocab;               /* JG_* allowed by the document's meta-schema "$vocabulary" */
} walk_t;

static const char *const map_kw[] = {"properties", "patternProperties", "definitions",
                                     "$defs",      "dependentSchemas",  "dependencies"};
static const char *const one_kw[] = {"additionalProperties",
                                     "additionalItems",
                                     "items",
                                     "unevaluatedProperties",
                                     "unevaluatedItems",
                                     "contains",
                                     "propertyNames",
                                     "not",
                                     "if",
                                     "then",
                                     "else",
                                     "contentSchema"};
static const char *const arr_kw[] = {"allOf", "anyOf", "oneOf", "prefixItems", "items"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *const *l, size_t n, const char *k) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i], k) == 0)
            return true;
    return false;
}

int js_draft_of(const char *uri, int dflt);
int js_draft_of(const char *uri, int dflt) {
    if (!uri)
        return dflt;
    if (strstr(uri, "draft-04"))
        return COMPAT_JS_DRAFT4;
    if (strstr(uri, "draft-06"))
        return COMPAT_JS_DRAFT6;
    if (strstr(uri, "draft-07"))
        return COMPAT_JS_DRAFT7;
    if (strstr(uri, "2019-09"))
        return COMPAT_JS_DRAFT2019;
    if (strstr(uri, "2020-12"))
        return COMPAT_JS_DRAFT2020;
    return dflt;
}

static const char *intern(compat_js_schema_t *s, const char *str, size_t n) {
    char *v = cn_map_get(s->strings, str, n);
    if (v)
        return v;
    if (!(v = strndup(str, n)))
        return NULL;
    if (cn_map_put(s->strings, str, n, v) != CN_OK) {
        free(v);
        return NULL;
    }
    return v;
}

static cn_err_t put_anchor(walk_t *w, cn_map_t *m, const char *base, const char *name,
                           json_t *node) {
    char key[1024];
    int k = snprintf(key, sizeof(key), "%s#%s", base, name);
    if (k < 0 || (size_t)k >= sizeof(key))
        return cn_error_set(w->err, CN_ERR_INVALID_SCHEMA, "anchor too long at %s", w->path);
    if (cn_map_get(m, key, (size_t)k))
        return CN_OK; /* first wins */
    return cn_map_put(m, key, (size_t)k, node) == CN_OK
               ? CN_OK
               : cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
}

/* "$id" (or draft 4 "id"): a new base, or a draft 6/7 plain-name anchor. */
static cn_err_t take_id(walk_t *w, json_t *node, const char **base, int draft) {
    const char *kw = draft == COMPAT_JS_DRAFT4 ? "id" : "$id";
    json_t *id = json_object_get(node, kw);
    if (!id || !json_is_string(id))
        return CN_OK;
    if (draft <= COMPAT_JS_DRAFT7 && json_object_get(node, "$ref"))
        return CN_OK; /* "$ref" overrides its siblings before 2019-09 */
    const char *v = json_string_value(id);
    if (v[0] == '#' && draft <= COMPAT_JS_DRAFT7)
        return put_anchor(w, w->s->anchors, *base, v + 1, node);
    char *abs = js_uri_resolve(*base, v);
    if (!abs)
        return cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
    size_t n = js_uri_nofrag_len(abs);
    const char *nb = intern(w->s, abs, n);
    cn_err_t rc = nb ? CN_OK : cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK && !cn_map_get(w->s->resources, nb, n))
        rc = cn_map_put(w->s->resources, nb, n, node);
    if (rc == CN_OK && abs[n] == '#' && abs[n + 1] && draft <= COMPAT_JS_DRAFT7)
        rc = put_anchor(w, w->s->anchors, nb, abs + n + 1, node);
    free(abs);
    if (rc == CN_OK)
        *base = nb;
    return rc;
}

static cn_err_t take_anchors(walk_t *w, json_t *node, const char *base, int draft) {
    json_t *a;
    cn_err_t rc = CN_OK;
    if (draft < COMPAT_JS_DRAFT2019)
        return CN_OK;
    if ((a = json_object_get(node, "$anchor")) && json_is_string(a))
        rc = put_anchor(w, w->s->anchors, base, json_string_value(a), node);
    if (rc == CN_OK && (a = json_object_get(node, "$dynamicAnchor")) && json_is_string(a)) {
        rc = put_anchor(w, w->s->anchors, base, json_string_value(a), node);
        if (rc == CN_OK)
            rc = put_anchor(w, w->s->dynamic, base, json_string_value(a), node);
    }
    return rc;
}

static cn_err_t add_regex(walk_t *w, const char *pattern) {
    char why[160];
    if (cn_map_sget(w->s->regexes, pattern))
        return CN_OK;
    pcre2_code *re = js_regex_compile(pattern, why, sizeof(why));
    if (!re)
        return cn_error_set(w->err, CN_ERR_INVALID_SCHEMA, "invalid regex at %s: %s", w->path, why);
    if (cn_map_sput(w->s->regexes, pattern, re) != CN_OK) {
        pcre2_code_free(re);
        return cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
    }
    return CN_OK;
}

static cn_err_t take_patterns(walk_t *w, json_t *node) {
    json_t *p = json_object_get(node, "pattern"), *v;
    const char *k;
    cn_err_t rc = CN_OK;
    if (p && json_is_string(p))
        rc = add_regex(w, json_string_value(p));
    p = json_object_get(node, "patternProperties");
    if (p && json_is_object(p))
        json_object_foreach(p, k, v) if (rc == CN_OK) rc = add_regex(w, k);
    if (json_object_get(node, "unevaluatedProperties") || json_object_get(node, "unevaluatedItems"))
        w->s->unevaluated = true;
    return rc;
}

static cn_err_t walk(walk_t *w, json_t *node, const char *base, int draft, unsigned depth);

static cn_err_t remember_ref(walk_t *w, const json_t *node) {
    if (!json_object_get(node, "$ref") && !json_object_get(node, "$dynamicRef") &&
        !json_object_get(node, "$recursiveRef"))
        return CN_OK;
    if (w->nrefs == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        const json_t **v = realloc(w->refs, cap * sizeof(*v));
        if (!v)
            return CN_ERR_NO_MEMORY;
        w->refs = v;
        w->cap = cap;
    }
    w->refs[w->nrefs++] = node;
    return CN_OK;
}

static cn_err_t walk_child(walk_t *w, json_t *child, const char *seg, const char *base, int draft,
                           unsigned depth) {
    size_t at = strlen(w->path);
    snprintf(w->path + at, sizeof(w->path) - at, "/%s", seg);
    cn_err_t rc = walk(w, child, base, draft, depth + 1);
    w->path[at] = '\0';
    return rc;
}

static cn_err_t walk_keywords(walk_t *w, json_t *node, const char *base, int draft,
                              unsigned depth) {
    const char *k, *k2;
    json_t *v, *v2;
    size_t i;
    cn_err_t rc = CN_OK;
    json_object_foreach(node, k, v) {
        if (rc != CN_OK)
            break;
        if (in_list(map_kw, N(map_kw), k) && json_is_object(v)) {
            json_object_foreach(v, k2, v2) {
                char seg[300];
                snprintf(seg, sizeof(seg), "%s/%s", k, k2);
                if (rc == CN_OK && (json_is_object(v2) || json_is_boolean(v2)))
                    rc = walk_child(w, v2, seg, base, draft, depth);
            }
        } else if (in_list(one_kw, N(one_kw), k) && (json_is_object(v) || json_is_boolean(v))) {
            rc = walk_child(w, v, k, base, draft, depth);
        } else if (in_list(arr_kw, N(arr_kw), k) && json_is_array(v)) {
            json_array_foreach(v, i, v2) {
                char seg[48];
                snprintf(seg, sizeof(seg), "%s/%zu", k, i);
                if (rc == CN_OK)
                    rc = walk_child(w, v2, seg, base, draft, depth);
            }
        }
    }
    return rc;
}

/* 2019-09 / 2020-12 "$vocabulary" (Core 2020-12 §8.1.2): a document whose "$schema" names a
 * given meta-schema that lists vocabularies without the validation one does not assert the
 * validation keywords type, enum, const and the number bounds. Only that vocabulary is
 * weighed; the applicators stay on. */
static unsigned vocab_of(const walk_t *w, const char *uri) {
    size_t n = js_uri_nofrag_len(uri);
    for (size_t i = 0; w->opts && i < w->opts->ndocs; i++) {
        const compat_js_doc_t *d = &w->opts->docs[i];
        json_t *voc = json_object_get(d->schema, "$vocabulary");
        if (js_uri_nofrag_len(d->uri) != n || strncmp(d->uri, uri, n) != 0 || !json_is_object(voc))
            continue;
        if (json_object_get(voc, "https://json-schema.org/draft/2020-12/vocab/validation") ||
            json_object_get(voc, "https://json-schema.org/draft/2019-09/vocab/validation"))
            return JG_ALL;
        return JG_ALL & ~(JG_TYPE | JG_ENUM | JG_NUM); /* JG_STR holds "format" too */
    }
    return JG_ALL;
}

static cn_err_t walk(walk_t *w, json_t *node, const char *base, int draft, unsigned depth) {
    if (depth > COMPAT_JS_MAX_DEPTH)
        return cn_error_set(w->err, CN_ERR_TOO_DEEP, "schema nested deeper than %d at %.200s",
                            COMPAT_JS_MAX_DEPTH, w->path);
    if (!json_is_object(node))
        return CN_OK;
    json_t *sv = json_object_get(node, "$schema");
    if (sv && json_is_string(sv) && (depth == 0 || json_object_get(node, "$id")))
        draft = js_draft_of(json_string_value(sv), draft);
    if (depth == 0)
        w->vocab = sv && json_is_string(sv) ? vocab_of(w, json_string_value(sv)) : JG_ALL;
    cn_err_t rc = w->s->opts.lenient ? CN_OK : js_check_shapes(node, w->path, w->err);
    if (rc == CN_OK)
        rc = take_id(w, node, &base, draft);
    if (rc == CN_OK)
        rc = take_anchors(w, node, base, draft);
    if (rc == CN_OK)
        rc = take_patterns(w, node);
    if (rc != CN_OK)
        return rc;
    js_node_t *info = calloc(1, sizeof(*info));
    if (!info)
        return cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
    json_t *ra = json_object_get(node, "$recursiveAnchor");
    *info = (js_node_t){.base = base, .draft = draft, .rec_anchor = ra && json_is_true(ra)};
    const char *k;
    json_t *v;
    json_object_foreach(node, k, v) info->groups |= js_keyword_group(k);
    info->groups &= w->vocab;
    if (cn_map_put(w->s->nodes, &node, sizeof(node), info) != CN_OK) {
        free(info);
        return cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
    }
    if (remember_ref(w, node) != CN_OK)
        return cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
    return walk_keywords(w, node, base, draft, depth);
}

/* Index one document: its URI names its root, whatever "$id" says inside. */
static cn_err_t index_doc(walk_t *w, json_t *doc, const char *uri) {
    size_t n = js_uri_nofrag_len(uri);
    const char *base = intern(w->s, uri, n);
    if (!base)
        return cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
    if (!cn_map_get(w->s->resources, base, n) && cn_map_put(w->s->resources, base, n, doc) != CN_OK)
        return cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
    int dflt = w->s->opts.default_draft ? (int)w->s->opts.default_draft : COMPAT_JS_DRAFT7;
    w->path[0] = '#', w->path[1] = '\0';
    return walk(w, doc, base, dflt, 0);
}

const js_node_t *js_node_get(const compat_js_schema_t *s, const json_t *node) {
    return cn_map_get(s->nodes, &node, sizeof(node));
}

const json_t *js_pointer(const json_t *root, const char *ptr) {
    const json_t *cur = root;
    char seg[512];
    while (cur && *ptr == '/') {
        size_t n = 0;
        for (ptr++; *ptr && *ptr != '/' && n + 1 < sizeof(seg); ptr++) {
            if (ptr[0] == '~' && (ptr[1] == '0' || ptr[1] == '1'))
                seg[n++] = ptr[1] == '0' ? '~' : '/', ptr++;
            else
                seg[n++] = *ptr;
        }
        seg[n] = '\0';
        if (json_is_object(cur))
            cur = json_object_get(cur, seg);
        else if (json_is_array(cur)) {
            char *end;
            unsigned long i = strtoul(seg, &end, 10);
            cur = (*end || !n) ? NULL : json_array_get(cur, i);
        } else
            cur = NULL;
    }
    return *ptr ? NULL : cur;
}

static const json_t *lookup_abs(const compat_js_schema_t *s, const char *abs,
                                const char **base_out) {
    size_t n = js_uri_nofrag_len(abs);
    const json_t *doc = cn_map_get(s->resources, abs, n);
    if (doc && base_out)
        *base_out = cn_map_get(s->strings, abs, n);
    const char *frag = abs[n] == '#' ? abs + n + 1 : "";
    if (!doc)
        return NULL;
    if (!*frag)
        return doc;
    if (frag[0] == '/') {
        char *f = strdup(frag);
        if (!f)
            return NULL;
        js_uri_unescape(f);
        const json_t *t = js_pointer(doc, f);
        free(f);
        return t;
    }
    return cn_map_sget(s->anchors, abs);
}

const json_t *js_ref_lookup(const compat_js_schema_t *s, const char *base, const char *ref,
                            const char **base_out) {
    char *abs = js_uri_resolve(base, ref);
    const json_t *t = abs ? lookup_abs(s, abs, base_out) : NULL;
    free(abs);
    if (!t && ref[0] != '#') /* a registered reference named as written */
        t = lookup_abs(s, ref, base_out);
    return t;
}

const json_t *js_dynamic_lookup(const compat_js_schema_t *s, const char *base, const char *name) {
    char key[1024];
    int k = snprintf(key, sizeof(key), "%s#%s", base, name);
    return k > 0 && (size_t)k < sizeof(key) ? cn_map_get(s->dynamic, key, (size_t)k) : NULL;
}

/* The family of a built-in meta-schema URI: "https://json-schema.org/draft/2020-12/" for the
 * 2019-09 and 2020-12 documents (the dialect and its vocabularies go together), the URI without
 * its fragment for drafts 4-7; 0 when uri names no built-in document. */
static size_t meta_family(const char *uri, size_t n) {
    static const char *const modern[] = {"https://json-schema.org/draft/2019-09/",
                                         "https://json-schema.org/draft/2020-12/"};
    for (size_t i = 0; i < N(modern); i++)
        if (n > strlen(modern[i]) && strncmp(uri, modern[i], strlen(modern[i])) == 0)
            return strlen(modern[i]);
    for (size_t i = 0; i < js_meta_ndocs; i++)
        if (js_uri_nofrag_len(js_meta_docs[i].uri) == n &&
            strncmp(js_meta_docs[i].uri, uri, n) == 0)
            return n;
    return 0;
}

/* Index the built-in meta-schemas of uri's family (once), as Confluent's loaders bundle them:
 * a "$ref" to "http://json-schema.org/draft-07/schema#" resolves without the network. */
static cn_err_t add_meta_family(walk_t *w, const char *uri) {
    size_t n = js_uri_nofrag_len(uri), fam = meta_family(uri, n);
    cn_err_t rc = CN_OK;
    for (size_t i = 0; fam && rc == CN_OK && i < js_meta_ndocs; i++) {
        const char *mu = js_meta_docs[i].uri;
        json_t *doc;
        if (strncmp(mu, uri, fam) != 0 || cn_map_get(w->s->resources, mu, js_uri_nofrag_len(mu)))
            continue;
        if (!(doc = json_loads(js_meta_docs[i].text, 0, NULL)))
            return cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
        w->s->docs[w->s->ndocs++] = doc; /* the schema owns it */
        rc = index_doc(w, doc, mu);
    }
    return rc;
}

/* The meta-schemas that the references of the root document, or of a document given with it
 * (a registered reference that points to one), point to and nothing given provides. */
static cn_err_t add_metas(walk_t *w) {
    cn_err_t rc = CN_OK;
    for (size_t r = 0; rc == CN_OK && r < w->nrefs; r++) {
        json_t *v = json_object_get(w->refs[r], "$ref");
        const js_node_t *info = js_node_get(w->s, w->refs[r]);
        char *abs;
        if (!json_is_string(v) || !info ||
            js_ref_lookup(w->s, info->base, json_string_value(v), NULL))
            continue;
        if (!(abs = js_uri_resolve(info->base, json_string_value(v))))
            return cn_error_set(w->err, CN_ERR_NO_MEMORY, NULL);
        rc = add_meta_family(w, abs);
        free(abs);
    }
    return rc;
}

/* Every "$ref" / "$recursiveRef" / "$dynamicRef" of the root document must resolve. */
static cn_err_t check_refs(const walk_t *w, cn_error_t *err) {
    static const char *const kws[] = {"$ref", "$dynamicRef", "$recursiveRef"};
    for (size_t r = 0; r < w->nroot; r++) {
        const json_t *node = w->refs[r];
        const js_node_t *info = js_node_get(w->s, node);
        for (size_t i = 0; i < N(kws); i++) {
            json_t *v = json_object_get(node, kws[i]);
            if (!v)
                continue;
            if (!json_is_string(v))
                return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "%s must be a string", kws[i]);
            if (!js_ref_lookup(w->s, info->base, json_string_value(v), NULL))
                return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "%s '%.200s' does not resolve",
                                    kws[i], json_string_value(v));
        }
    }
    return CN_OK;
}

static void free_re(void *p) {
    pcre2_code_free(p);
}

void compat_js_schema_free(compat_js_schema_t *s) {
    if (!s)
        return;
    cn_map_free(s->nodes);
    cn_map_free(s->resources);
    cn_map_free(s->anchors);
    cn_map_free(s->dynamic);
    cn_map_free(s->regexes);
    cn_map_free(s->strings);
    for (size_t i = 0; i < s->ndocs; i++)
        json_decref(s->docs[i]);
    free(s->docs);
    json_decref(s->root);
    free(s);
}

static compat_js_schema_t *schema_new(json_t *root, const compat_js_opts_t *opts) {
    compat_js_schema_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->root = json_incref(root);
    s->opts = opts ? *opts : (compat_js_opts_t){0};
    s->opts.docs = NULL;
    s->nodes = cn_map_new(free);
    s->resources = cn_map_new(NULL);
    s->anchors = cn_map_new(NULL);
    s->dynamic = cn_map_new(NULL);
    s->regexes = cn_map_new(free_re);
    s->strings = cn_map_new(free);
    s->docs = calloc((opts ? opts->ndocs : 0) + js_meta_ndocs, sizeof(json_t *));
    if (!s->nodes || !s->resources || !s->anchors || !s->dynamic || !s->regexes || !s->strings ||
        !s->docs) {
        compat_js_schema_free(s);
        return NULL;
    }
    return s;
}

compat_js_schema_t *compat_js_schema_load(json_t *root, const compat_js_opts_t *opts,
                                          cn_error_t *err) {
    compat_js_schema_t *s = root ? schema_new(root, opts) : NULL;
    walk_t w = {.s = s, .err = err, .opts = opts, .vocab = JG_ALL};
    cn_err_t rc = s ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK && !json_is_object(root) && !json_is_boolean(root))
        rc = cn_error_set(err, CN_ERR_INVALID_SCHEMA, "a schema is an object or a boolean");
    if (rc == CN_OK)
        rc = index_doc(&w, root, "");
    w.nroot = w.nrefs;
    for (size_t i = 0; rc == CN_OK && opts && i < opts->ndocs; i++) {
        s->docs[s->ndocs++] = json_incref(opts->docs[i].schema);
        rc = index_doc(&w, opts->docs[i].schema, opts->docs[i].uri);
    }
    if (rc == CN_OK)
        rc = add_metas(&w);
    if (rc == CN_OK)
        rc = check_refs(&w, err);
    free(w.refs);
    if (rc != CN_OK) {
        compat_js_schema_free(s);
        return NULL;
    }
    return s;
}

json_t *compat_js_schema_root(const compat_js_schema_t *s) {
    return s->root;
}

compat_js_draft_t compat_js_schema_draft(const compat_js_schema_t *s) {
    const js_node_t *n = js_node_get(s, s->root);
    return n ? (compat_js_draft_t)n->draft
             : (s->opts.default_draft ? s->opts.default_draft : COMPAT_JS_DRAFT7);
}
