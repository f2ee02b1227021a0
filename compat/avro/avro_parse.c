/* SPDX-License-Identifier: Apache-2.0
 *
 * Avro JSON -> model, as Apache Avro Java's Schema.Parser reads it (names, namespace
 * inheritance, aliases, properties kept in order), with strict validation: bad or duplicate
 * names, unknown or redefined types, nested or duplicate union branches, bad decimals and
 * defaults that do not match their type. Every error names a JSON path. The text is pre-scanned
 * for depth before Jansson (which recurses) sees it. U+0000 (\u0000) is accepted where Java
 * keeps any string (defaults, docs, properties) and refused in names, symbols and type names.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_text.h"
#include "compat/avro/avro_int.h"

typedef struct pctx {
    compat_avro_schema_t *sch;
    const char *space; /* the enclosing namespace, NULL for none */
    char path[256];
    size_t plen;
    int depth;
    bool lenient; /* stored schemas: no name, default or decimal validation */
    compat_avro_names_t names;
    compat_avro_node_t **redef; /* pairs (new, imported) of imported names defined again */
    size_t nredef, credef;
    cn_error_t *err;
} pctx_t;

static const char *const schema_reserved[] = {"doc",       "fields",  "items",   "name",
                                              "namespace", "size",    "symbols", "values",
                                              "type",      "aliases", NULL};
static const char *const field_reserved[] = {"default", "doc",     "name", "order",
                                             "type",    "aliases", NULL};

static cn_err_t perr(pctx_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static cn_err_t perr(pctx_t *c, const char *fmt, ...) {
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return cn_error_set(c->err, CN_ERR_INVALID_SCHEMA, "%s at %s", msg, c->plen ? c->path : "/");
}

static cn_err_t nomem(pctx_t *c) {
    return cn_error_set(c->err, CN_ERR_NO_MEMORY, NULL);
}

static size_t ppush(pctx_t *c, const char *tok) {
    size_t saved = c->plen, n = strlen(tok), room = sizeof(c->path) - 1 - c->plen;
    if (room > 0) {
        c->path[c->plen++] = '/';
        room--;
    }
    n = n < room ? n : room;
    memcpy(c->path + c->plen, tok, n);
    c->plen += n;
    c->path[c->plen] = 0;
    return saved;
}

static size_t ppush_i(pctx_t *c, size_t i) {
    char tok[24];
    snprintf(tok, sizeof(tok), "%zu", i);
    return ppush(c, tok);
}

static void ppop(pctx_t *c, size_t saved) {
    c->plen = saved;
    c->path[saved] = 0;
}

static bool is_reserved(const char *key, const char *const *set, bool enum_default) {
    if (enum_default && strcmp(key, "default") == 0)
        return true;
    for (; *set; set++)
        if (strcmp(key, *set) == 0)
            return true;
    return false;
}

/* Custom properties in order; *dst stays NULL when there are none. */
static cn_err_t take_props(pctx_t *c, json_t **dst, json_t *obj, const char *const *reserved,
                           bool enum_default) {
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (is_reserved(k, reserved, enum_default))
            continue;
        if ((!*dst && !(*dst = json_object())) || json_object_set(*dst, k, v) != 0)
            return nomem(c);
    }
    return CN_OK;
}

/* ---- names ---- */

/* s holds len bytes: a name with U+0000 in it is refused (stored schemas too) rather than cut. */
static cn_err_t check_name(pctx_t *c, const char *what, const char *s, size_t len, bool dotted) {
    size_t n = strlen(s);
    if (n != len)
        return perr(c, "%s \"%.64s\\u0000...\" contains U+0000, which no Avro name can", what, s);
    if (n > COMPAT_AVRO_MAX_NAME)
        return perr(c, "%s too long (%zu bytes, at most %d)", what, n, COMPAT_AVRO_MAX_NAME);
    if (!c->lenient && (dotted ? !compat_avro_valid_dotted(s, &c->names)
                               : !compat_avro_valid_part(s, n, &c->names)))
        return perr(c, "invalid %s \"%.64s\"", what, s);
    return CN_OK;
}

static char *join_name(const char *space, const char *name) {
    size_t a = space ? strlen(space) : 0, b = strlen(name);
    char *s = malloc(a + b + 2);
    if (!s)
        return NULL;
    if (space) {
        memcpy(s, space, a);
        s[a++] = '.';
    }
    memcpy(s + a, name, b + 1);
    return s;
}

/* An imported name defined again (a canonical text inlines the nested types of its references):
 * accepted when the definitions are equivalent, as Avro 1.12's ParseContext accepts an equal
 * redefinition (it compares a record before its fields are read, so Java rejects records; we
 * accept them so that every canonical text we store parses back). Checked once parsed. */
static cn_err_t note_redefinition(pctx_t *c, compat_avro_node_t *n, compat_avro_node_t *known) {
    if (c->nredef + 2 > c->credef) {
        size_t cap = c->credef ? c->credef * 2 : 8;
        compat_avro_node_t **v = realloc(c->redef, cap * sizeof(*v));
        if (!v)
            return nomem(c);
        c->redef = v;
        c->credef = cap;
    }
    c->redef[c->nredef++] = n;
    c->redef[c->nredef++] = known;
    return CN_OK;
}

static cn_err_t check_redefinitions(pctx_t *c) {
    for (size_t i = 0; i + 1 < c->nredef; i += 2)
        if (!compat_avro_node_equivalent(c->redef[i], c->redef[i + 1]))
            return cn_error_set(c->err, CN_ERR_INVALID_SCHEMA, "Can't redefine: %.64s",
                                c->redef[i]->fullname);
    return CN_OK;
}

/* Fill node->name/space/fullname from "name" (may be dotted) and an explicit namespace. */
static cn_err_t set_name(pctx_t *c, compat_avro_node_t *n, json_t *obj) {
    json_t *jn = json_object_get(obj, "name"), *js = json_object_get(obj, "namespace");
    const char *name, *space = c->space, *dot;
    if (!json_is_string(jn))
        return perr(c, "No name in schema");
    name = json_string_value(jn);
    if (js && !json_is_string(js))
        return perr(c, "namespace must be a string");
    cn_err_t rc = check_name(c, "name", name, json_string_length(jn), true);
    if (rc == CN_OK && js && strlen(json_string_value(js)) != json_string_length(js))
        rc = check_name(c, "namespace", json_string_value(js), json_string_length(js), true);
    if (rc != CN_OK)
        return rc;
    if (js)
        space = json_string_value(js)[0] ? json_string_value(js) : NULL;
    dot = strrchr(name, '.');
    if (!dot && space && (rc = check_name(c, "namespace", space, strlen(space), true)) != CN_OK)
        return rc;
    n->space = dot ? strndup(name, (size_t)(dot - name)) : space ? strdup(space) : NULL;
    n->name = strdup(dot ? dot + 1 : name);
    if (!n->name || ((dot || space) && !n->space) || !(n->fullname = join_name(n->space, n->name)))
        return nomem(c);
    if (strlen(n->fullname) > COMPAT_AVRO_MAX_NAME)
        return perr(c, "name too long");
    compat_avro_node_t *known = cn_map_sget(c->sch->names, n->fullname);
    if (known && known->imported)
        return note_redefinition(c, n, known);
    if (compat_avro_primitive(n->fullname) >= 0 || known)
        return perr(c, "Can't redefine: %.64s", n->fullname);
    return cn_map_sput(c->sch->names, n->fullname, n) == CN_OK ? CN_OK : nomem(c);
}

static compat_avro_node_t *resolve(pctx_t *c, const char *name) {
    compat_avro_node_t *n = NULL;
    if (!strchr(name, '.') && c->space && strlen(name) <= COMPAT_AVRO_MAX_NAME) {
        char *full = join_name(c->space, name);
        if (full)
            n = cn_map_sget(c->sch->names, full);
        free(full);
    }
    return n ? n : cn_map_sget(c->sch->names, name);
}

/* Aliases: a JSON array of names; qualified with space (named types) or kept plain (fields). */
static cn_err_t parse_aliases(pctx_t *c, json_t *obj, const char *space, bool qualify, char ***out,
                              size_t *nout) {
    json_t *ja = json_object_get(obj, "aliases"), *v;
    size_t i, saved = ppush(c, "aliases");
    cn_err_t rc = CN_OK;
    if (ja && !json_is_array(ja))
        rc = perr(c, "aliases not an array");
    else if (ja && json_array_size(ja) && !(*out = calloc(json_array_size(ja), sizeof(char *))))
        rc = nomem(c);
    json_array_foreach(ja, i, v) {
        if (rc != CN_OK)
            break;
        if (!json_is_string(v)) {
            rc = perr(c, "alias not a string");
            break;
        }
        const char *a = json_string_value(v);
        if ((rc = check_name(c, "alias", a, json_string_length(v), qualify)) != CN_OK)
            break;
        char *full = qualify && !strchr(a, '.') ? join_name(space, a) : strdup(a);
        if (!full) {
            rc = nomem(c);
            break;
        }
        bool dup = false;
        for (size_t k = 0; k < *nout && !dup; k++)
            dup = strcmp((*out)[k], full) == 0;
        if (dup)
            free(full);
        else
            (*out)[(*nout)++] = full;
    }
    ppop(c, saved);
    return rc;
}

/* The doc is kept as a JSON string: it may hold U+0000 and prints back as \u0000. */
static cn_err_t set_doc(pctx_t *c, json_t **dst, json_t *obj) {
    json_t *d = json_object_get(obj, "doc");
    (void)c;
    if (json_is_string(d))
        *dst = json_incref(d);
    return CN_OK;
}

static cn_err_t parse_type(pctx_t *c, json_t *j, compat_avro_node_t **out);

/* ---- records ---- */

static cn_err_t field_order(pctx_t *c, compat_avro_field_t *f, json_t *obj) {
    json_t *o = json_object_get(obj, "order");
    const char *s = compat_avro_jstr(o);
    if (!o)
        return CN_OK;
    if (s && strcmp(s, "ascending") == 0)
        f->order = COMPAT_AVRO_ASCENDING;
    else if (s && strcmp(s, "descending") == 0)
        f->order = COMPAT_AVRO_DESCENDING;
    else if (s && strcmp(s, "ignore") == 0)
        f->order = COMPAT_AVRO_IGNORE;
    else
        return perr(c, "invalid field order (ascending, descending or ignore)");
    return CN_OK;
}

static cn_err_t field_default(pctx_t *c, compat_avro_field_t *f, json_t *obj) {
    json_t *d = json_object_get(obj, "default");
    if (!d)
        return CN_OK;
    if (!c->lenient && !compat_avro_default_ok(f->type, d, 0)) {
        char *txt = json_dumps(d, JSON_ENCODE_ANY | JSON_COMPACT);
        size_t saved = ppush(c, "default");
        cn_err_t rc = perr(c, "Invalid default for field %.64s: %.64s not a %s", f->name,
                           txt ? txt : "?", compat_avro_kind_name(f->type->kind));
        ppop(c, saved);
        free(txt);
        return rc;
    }
    f->def = json_incref(d);
    return CN_OK;
}

static cn_err_t parse_field(pctx_t *c, compat_avro_node_t *rec, json_t *obj) {
    compat_avro_field_t *f = &rec->fields[rec->nfields];
    json_t *jn = json_object_get(obj, "name"), *jt = json_object_get(obj, "type");
    cn_err_t rc;
    if (!json_is_object(obj))
        return perr(c, "field must be an object");
    if (!json_is_string(jn))
        return perr(c, "No field name");
    if ((rc = check_name(c, "field name", json_string_value(jn), json_string_length(jn), false)) !=
        CN_OK)
        return rc;
    for (size_t i = 0; i < rec->nfields; i++)
        if (strcmp(rec->fields[i].name, json_string_value(jn)) == 0)
            return perr(c, "Duplicate field %.64s in record %.64s", json_string_value(jn),
                        rec->fullname);
    if (!jt)
        return perr(c, "No field type");
    if (!(f->name = strdup(json_string_value(jn))))
        return nomem(c);
    rec->nfields++;
    size_t saved = ppush(c, "type");
    rc = parse_type(c, jt, &f->type);
    ppop(c, saved);
    if (rc == CN_OK)
        rc = set_doc(c, &f->doc, obj);
    if (rc == CN_OK)
        rc = field_order(c, f, obj);
    if (rc == CN_OK)
        rc = parse_aliases(c, obj, NULL, false, &f->aliases, &f->naliases);
    if (rc == CN_OK)
        rc = take_props(c, &f->props, obj, field_reserved, false);
    return rc == CN_OK ? field_default(c, f, obj) : rc;
}

static cn_err_t parse_record(pctx_t *c, compat_avro_node_t *n, json_t *obj) {
    json_t *jf = json_object_get(obj, "fields"), *v;
    const char *saved_space = c->space;
    size_t i, saved = ppush(c, "fields");
    cn_err_t rc = CN_OK;
    if (!json_is_array(jf))
        rc = perr(c, "Record has no fields");
    else if (json_array_size(jf) && !(n->fields = calloc(json_array_size(jf), sizeof(*n->fields))))
        rc = nomem(c);
    c->space = n->space;
    json_array_foreach(jf, i, v) {
        if (rc != CN_OK)
            break;
        size_t s2 = ppush_i(c, i);
        rc = parse_field(c, n, v);
        ppop(c, s2);
    }
    c->space = saved_space;
    ppop(c, saved);
    return rc;
}

/* ---- enums and fixed ---- */

static cn_err_t enum_symbols(pctx_t *c, compat_avro_node_t *n, json_t *obj) {
    json_t *js = json_object_get(obj, "symbols"), *v;
    size_t i, saved = ppush(c, "symbols");
    cn_err_t rc = CN_OK;
    if (!json_is_array(js))
        rc = perr(c, "Enum has no symbols");
    else if (json_array_size(js) && !(n->symbols = calloc(json_array_size(js), sizeof(char *))))
        rc = nomem(c);
    json_array_foreach(js, i, v) {
        if (rc != CN_OK)
            break;
        const char *s = json_string_value(v);
        if (!s) {
            rc = perr(c, "enum symbol not a string");
            break;
        }
        if ((rc = check_name(c, "enum symbol", s, json_string_length(v), false)) != CN_OK)
            break;
        for (size_t k = 0; k < n->nsymbols && rc == CN_OK; k++)
            if (strcmp(n->symbols[k], s) == 0)
                rc = perr(c, "Duplicate enum symbol: %.64s", s);
        if (rc == CN_OK && !(n->symbols[n->nsymbols++] = strdup(s)))
            rc = nomem(c);
    }
    ppop(c, saved);
    return rc;
}

static cn_err_t enum_default(pctx_t *c, compat_avro_node_t *n, json_t *obj) {
    json_t *d = json_object_get(obj, "default");
    size_t saved = ppush(c, "default");
    cn_err_t rc = CN_OK;
    if (d && !json_is_string(d)) {
        rc = perr(c, "enum default must be a string");
    } else if (d) {
        bool found = false;
        for (size_t k = 0; k < n->nsymbols && !found && compat_avro_jstr(d); k++)
            found = strcmp(n->symbols[k], json_string_value(d)) == 0;
        if (!found)
            rc = perr(c, "The Enum Default: %.64s is not in the enum symbol set",
                      json_string_value(d));
        else if (!(n->enum_default = strdup(json_string_value(d))))
            rc = nomem(c);
    }
    ppop(c, saved);
    return rc;
}

static cn_err_t fixed_size(pctx_t *c, compat_avro_node_t *n, json_t *obj) {
    json_t *js = json_object_get(obj, "size");
    if (!json_is_integer(js) || json_integer_value(js) < 0 || json_integer_value(js) > INT32_MAX) {
        size_t saved = ppush(c, "size");
        cn_err_t rc = perr(c, "Invalid or no size");
        ppop(c, saved);
        return rc;
    }
    n->size = json_integer_value(js);
    return CN_OK;
}

/* ---- dispatch ---- */

static cn_err_t parse_named(pctx_t *c, compat_avro_node_t *n, json_t *obj) {
    cn_err_t rc = set_name(c, n, obj);
    if (rc == CN_OK)
        rc = set_doc(c, &n->doc, obj);
    if (rc == CN_OK)
        rc = parse_aliases(c, obj, n->space, true, &n->aliases, &n->naliases);
    if (rc != CN_OK)
        return rc;
    if (n->kind == COMPAT_AVRO_RECORD)
        rc = parse_record(c, n, obj);
    else if (n->kind == COMPAT_AVRO_ENUM && (rc = enum_symbols(c, n, obj)) == CN_OK)
        rc = enum_default(c, n, obj);
    else if (n->kind == COMPAT_AVRO_FIXED)
        rc = fixed_size(c, n, obj);
    return rc;
}

static cn_err_t parse_child(pctx_t *c, compat_avro_node_t *n, json_t *obj, const char *key,
                            const char *missing) {
    json_t *v = json_object_get(obj, key);
    size_t saved = ppush(c, key);
    cn_err_t rc = v ? parse_type(c, v, &n->child) : perr(c, "%s", missing);
    ppop(c, saved);
    return rc;
}

static int complex_kind(const char *t, bool *is_error) {
    *is_error = strcmp(t, "error") == 0;
    if (strcmp(t, "record") == 0 || *is_error)
        return COMPAT_AVRO_RECORD;
    if (strcmp(t, "enum") == 0)
        return COMPAT_AVRO_ENUM;
    if (strcmp(t, "array") == 0)
        return COMPAT_AVRO_ARRAY;
    if (strcmp(t, "map") == 0)
        return COMPAT_AVRO_MAP;
    if (strcmp(t, "fixed") == 0)
        return COMPAT_AVRO_FIXED;
    return compat_avro_primitive(t);
}

static cn_err_t parse_object(pctx_t *c, json_t *obj, compat_avro_node_t **out) {
    json_t *jt = json_object_get(obj, "type");
    bool is_error;
    cn_err_t rc = CN_OK;
    char msg[200];
    if (!json_is_string(jt))
        return perr(c, jt ? "\"type\" must be a string" : "No type");
    if (!compat_avro_jstr(jt))
        return perr(c, "Type not supported: \"%.64s\\u0000...\" (U+0000 in a type name)",
                    json_string_value(jt));
    int k = complex_kind(json_string_value(jt), &is_error);
    if (k < 0) {
        compat_avro_node_t *ref = resolve(c, json_string_value(jt));
        if (!ref)
            return perr(c, "Type not supported: %.64s", json_string_value(jt));
        *out = ref;
        return CN_OK;
    }
    compat_avro_node_t *n = compat_avro_node_new(c->sch, (compat_avro_kind_t)k);
    if (!n)
        return nomem(c);
    n->is_error = is_error;
    *out = n;
    if (compat_avro_is_named(n->kind))
        rc = parse_named(c, n, obj);
    else if (k == COMPAT_AVRO_ARRAY)
        rc = parse_child(c, n, obj, "items", "Array has no items type");
    else if (k == COMPAT_AVRO_MAP)
        rc = parse_child(c, n, obj, "values", "Map has no values type");
    if (rc == CN_OK)
        rc = take_props(c, &n->props, obj, schema_reserved, k == COMPAT_AVRO_ENUM);
    if (rc == CN_OK && !c->lenient && !compat_avro_decimal_ok(n, msg, sizeof(msg)))
        rc = perr(c, "%s", msg);
    return rc;
}

static const char *branch_key(const compat_avro_node_t *b) {
    return compat_avro_is_named(b->kind) ? b->fullname : compat_avro_kind_name(b->kind);
}

static cn_err_t parse_union(pctx_t *c, json_t *arr, compat_avro_node_t **out) {
    compat_avro_node_t *n = compat_avro_node_new(c->sch, COMPAT_AVRO_UNION);
    size_t i, nb = json_array_size(arr);
    json_t *v;
    cn_err_t rc = CN_OK;
    if (!n || (nb && !(n->branches = calloc(nb, sizeof(*n->branches)))))
        return nomem(c);
    *out = n;
    json_array_foreach(arr, i, v) {
        compat_avro_node_t *b = NULL;
        size_t saved = ppush_i(c, i);
        rc = parse_type(c, v, &b);
        if (rc == CN_OK && b->kind == COMPAT_AVRO_UNION)
            rc = perr(c, "Nested union");
        for (size_t k = 0; rc == CN_OK && k < n->nbranches; k++)
            if (strcmp(branch_key(n->branches[k]), branch_key(b)) == 0)
                rc = perr(c, "Duplicate in union: %.64s", branch_key(b));
        ppop(c, saved);
        if (rc != CN_OK)
            break;
        n->branches[n->nbranches++] = b;
    }
    return rc;
}

static cn_err_t parse_type(pctx_t *c, json_t *j, compat_avro_node_t **out) {
    cn_err_t rc;
    if (++c->depth > COMPAT_AVRO_MAX_DEPTH + 4) {
        c->depth--;
        return cn_error_set(c->err, CN_ERR_TOO_DEEP, "schema nesting too deep at %s", c->path);
    }
    if (json_is_string(j) && !compat_avro_jstr(j)) {
        rc = perr(c, "Undefined name: \"%.64s\\u0000...\" (U+0000 in a type name)",
                  json_string_value(j));
    } else if (json_is_string(j)) {
        const char *s = json_string_value(j);
        int k = compat_avro_primitive(s);
        *out = k >= 0 ? compat_avro_node_new(c->sch, (compat_avro_kind_t)k) : resolve(c, s);
        rc = *out ? CN_OK : k >= 0 ? nomem(c) : perr(c, "Undefined name: \"%.64s\"", s);
    } else if (json_is_array(j)) {
        rc = parse_union(c, j, out);
    } else if (json_is_object(j)) {
        rc = parse_object(c, j, out);
    } else {
        rc = perr(c, "a schema must be a string, an array or an object");
    }
    c->depth--;
    return rc;
}

cn_err_t compat_avro_parse(const char *text, size_t len, const compat_avro_schema_t *const *imports,
                           size_t nimports, compat_avro_schema_t **out, cn_error_t *err) {
    return compat_avro_parse_ex(text, len, imports, nimports, 0, out, err);
}

cn_err_t compat_avro_parse_ex(const char *text, size_t len,
                              const compat_avro_schema_t *const *imports, size_t nimports,
                              unsigned flags, compat_avro_schema_t **out, cn_error_t *err) {
    json_error_t jerr;
    pctx_t c = {.err = err, .lenient = (flags & COMPAT_AVRO_LENIENT) != 0};
    size_t at = 0;
    cn_err_t rc = CN_OK;
    *out = NULL;
    if (cn_json_depth(text, len, COMPAT_AVRO_MAX_DEPTH, &at) > COMPAT_AVRO_MAX_DEPTH)
        return cn_error_set(err, CN_ERR_TOO_DEEP, "schema nesting deeper than %d at byte %zu",
                            COMPAT_AVRO_MAX_DEPTH, at);
    json_t *doc =
        json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!doc)
        return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Invalid JSON at line %d column %d: %s",
                            jerr.line, jerr.column, jerr.text);
    if (!(c.sch = compat_avro_schema_new()))
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; rc == CN_OK && i < nimports; i++)
        rc = compat_avro_import(c.sch, imports[i], err);
    if (rc == CN_OK)
        rc = parse_type(&c, doc, &c.sch->root);
    if (rc == CN_OK)
        rc = check_redefinitions(&c);
    json_decref(doc);
    free(c.redef);
    compat_avro_names_fini(&c.names);
    if (rc != CN_OK) {
        compat_avro_schema_free(c.sch);
        return rc;
    }
    *out = c.sch;
    return CN_OK;
}
