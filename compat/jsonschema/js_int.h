/* SPDX-License-Identifier: Apache-2.0
 *
 * Internals of compat/jsonschema/: the loaded schema (documents, the index of identifiers,
 * anchors and compiled patterns), URI resolution, "$ref" lookup, the ECMA-262 regex layer and
 * the pieces the validator and the diff share.
 */
#ifndef JS_INT_H
#define JS_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "common/cn_map.h"
#include "compat/jsonschema/compat_jsonschema.h"

/* Keyword groups present in a schema object (js_node_t.groups): the validator skips the
 * lookups of absent groups. */
enum {
    JG_REF = 1u << 0,   /* $ref, $dynamicRef, $recursiveRef */
    JG_TYPE = 1u << 1,  /* type */
    JG_ENUM = 1u << 2,  /* enum, const */
    JG_APPLY = 1u << 3, /* allOf, anyOf, oneOf, not, if */
    JG_NUM = 1u << 4,   /* multipleOf, maximum, minimum, exclusiveMaximum, exclusiveMinimum */
    JG_STR = 1u << 5,   /* maxLength, minLength, pattern, format */
    JG_OBJ = 1u << 6,   /* the object keywords */
    JG_ARR = 1u << 7,   /* the array keywords */
    JG_UNEV = 1u << 8,  /* unevaluatedProperties, unevaluatedItems */
    JG_ALL = 0x1FFu
};

/* What the index knows of one schema object or boolean schema. */
typedef struct js_node {
    const char *base; /* interned absolute base URI (no fragment) */
    int draft;        /* compat_js_draft_t */
    bool rec_anchor;  /* 2019-09 "$recursiveAnchor": true on a resource root */
    unsigned groups;  /* JG_* */
} js_node_t;

/** @brief The JG_* group of a keyword, 0 for annotations and unknown keywords. */
unsigned js_keyword_group(const char *kw);
/** @brief CN_ERR_INVALID_SCHEMA (with path) when a keyword's value has the wrong shape. */
cn_err_t js_check_shapes(const json_t *node, const char *path, cn_error_t *err);

struct compat_js_schema {
    json_t *root;
    json_t **docs; /* owned references */
    size_t ndocs;
    compat_js_opts_t opts;
    cn_map_t *strings;   /* interned URIs: key -> char * */
    cn_map_t *nodes;     /* (json_t *) -> js_node_t * */
    cn_map_t *resources; /* absolute URI -> json_t * */
    cn_map_t *anchors;   /* "uri#name" -> json_t * */
    cn_map_t *dynamic;   /* "uri#name" -> json_t * ($dynamicAnchor) */
    cn_map_t *regexes;   /* pattern text -> pcre2_code * */
    bool unevaluated;    /* some subschema uses unevaluatedProperties/Items */
};

/* ---- URIs (RFC 3986 §5.2) ---- */

/** @brief Resolve ref against base; owned result (NULL on memory). */
char *js_uri_resolve(const char *base, const char *ref);
/** @brief Length of uri without its fragment. */
size_t js_uri_nofrag_len(const char *uri);
/** @brief Decode a JSON-pointer fragment's percent-escapes in place. */
void js_uri_unescape(char *s);

/* ---- index ---- */

const js_node_t *js_node_get(const compat_js_schema_t *s, const json_t *node);
/** @brief Resolve a "$ref" value against base to the target node, or NULL. *base_out (when
 *  not NULL) is the base URI of the resource the target was found in. */
const json_t *js_ref_lookup(const compat_js_schema_t *s, const char *base, const char *ref,
                            const char **base_out);
/** @brief A "$dynamicAnchor" name in resource base, or NULL. */
const json_t *js_dynamic_lookup(const compat_js_schema_t *s, const char *base, const char *name);
const json_t *js_pointer(const json_t *root, const char *ptr);

/* ---- regex ---- */

/** @brief Compile an ECMA-262 pattern into PCRE2 (translated), or NULL with a message. */
pcre2_code *js_regex_compile(const char *pattern, char *why, size_t whylen);
/** 1 match, 0 no match, -1 the step limit was hit (or an engine error). */
int js_regex_search(const pcre2_code *re, const char *subject, size_t len);
const pcre2_code *js_regex_get(const compat_js_schema_t *s, const char *pattern);

/* ---- values ---- */

/** @brief JSON equality with numbers compared by value (1 == 1.0). */
bool js_equal(const json_t *a, const json_t *b);
bool js_is_number(const json_t *v);
/** @brief A hash consistent with js_equal (equal values, equal hashes). */
uint64_t js_hash(const json_t *v, unsigned depth);
double js_number(const json_t *v);
/** @brief Count of Unicode code points in a UTF-8 string. */
size_t js_utf8_len(const char *s, size_t n);
/** @brief Is s valid for format (only the formats we know; unknown ones pass)? */
bool js_format_valid(const char *format, const json_t *inst, int draft);
/** @brief The "idn-hostname" format (IDNA2008, the subset js_idn.c describes). */
bool js_idn_hostname_ok(const char *s);
/** @brief contentEncoding (base64) and contentMediaType (application/json) of a string. */
bool js_content_valid(const char *encoding, const char *media, const json_t *inst);

#endif
