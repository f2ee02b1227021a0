/* SPDX-License-Identifier: Apache-2.0
 *
 * Shared inside compat/avro/ only: the schema container (node list and name table), node
 * allocation, JSON text helpers used by every printer, and the validators the parser calls.
 */
#ifndef COMPAT_AVRO_INT_H
#define COMPAT_AVRO_INT_H

#include <locale.h>

#include "common/cn_map.h"
#include "compat/avro/compat_avro.h"

/** Name validation state: the C.UTF-8 locale, created on the first non-ASCII name. */
typedef struct compat_avro_names {
    locale_t loc;
    bool tried;
} compat_avro_names_t;

/** @brief One name part as Java accepts it (Unicode letters, digits, '_'; first not a digit). */
bool compat_avro_valid_part(const char *s, size_t n, compat_avro_names_t *nm);
/** @brief A dotted name: every part valid, none empty. */
bool compat_avro_valid_dotted(const char *s, compat_avro_names_t *nm);
void compat_avro_names_fini(compat_avro_names_t *nm);

struct compat_avro_schema {
    compat_avro_node_t *root;
    compat_avro_node_t **nodes; /* every node, owned */
    size_t nnodes;
    size_t cap;
    cn_map_t *names; /* full name -> node (borrowed from nodes) */
};

/** @brief A zeroed node of kind appended to the schema's list. */
compat_avro_node_t *compat_avro_node_new(compat_avro_schema_t *sch, compat_avro_kind_t kind);
compat_avro_schema_t *compat_avro_schema_new(void);
/** @brief Copy every node of imp into sch, marking named ones imported and registering their
 *  names (a name already present is skipped). */
cn_err_t compat_avro_import(compat_avro_schema_t *sch, const compat_avro_schema_t *imp,
                            cn_error_t *err);
bool compat_avro_is_named(compat_avro_kind_t kind);
/** @brief Primitive kind of a type name, or -1. */
int compat_avro_primitive(const char *name);

/** @brief Append a JSON string literal (Jackson's escaping: \" \\ \b \f \n \r \t, other
 *  controls as \u00XX, everything else as UTF-8). */
cn_err_t compat_avro_put_str(cn_buf_t *out, const char *s);
/** @brief compat_avro_put_str of s[0..len), which may hold NUL (written \u0000, as Jackson
 *  writes U+0000). */
cn_err_t compat_avro_put_strn(cn_buf_t *out, const char *s, size_t len);
/** @brief The text of a JSON string without NUL, else NULL (not a string, or a string
 *  holding U+0000, which no name, type or keyword can). */
const char *compat_avro_jstr(const json_t *v);
/** @brief Append a JSON value compactly (objects in insertion order, reals as Java prints
 *  doubles). sort_keys sorts object keys (normalized form). */
cn_err_t compat_avro_put_json(cn_buf_t *out, const json_t *v, bool sort_keys);
/** @brief Java's Double.toString of d. */
void compat_avro_java_double(char *out, size_t cap, double d);

/** @brief The logical type name when Java would recognize it on this node (valid for the
 *  underlying type and parameters), else NULL. */
const char *compat_avro_logical(const compat_avro_node_t *node);
/** @brief Validate a decimal's precision/scale when the node declares logicalType decimal on
 *  bytes or fixed; msg gets the reason. */
bool compat_avro_decimal_ok(const compat_avro_node_t *node, char *msg, size_t cap);
/** @brief compat_avro_equivalent on two nodes (a redefined imported type must equal it). */
bool compat_avro_node_equivalent(const compat_avro_node_t *a, const compat_avro_node_t *b);
/** @brief Whether v is a valid default for type (Java's isValidDefault, stricter for enums). */
bool compat_avro_default_ok(const compat_avro_node_t *type, const json_t *v, int depth);

#endif
