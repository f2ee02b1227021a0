/* SPDX-License-Identifier: Apache-2.0
 *
 * Avro schemas (the Avro specification, avro.apache.org/docs/1.11.1/specification/): the
 * full-fidelity model (names, namespaces, aliases, doc, order, defaults, enum defaults, logical
 * types and custom properties in order), the parser and validator on Jansson, the printers
 * (Confluent's canonical string, the normalized form, Parsing Canonical Form), the CRC-64-AVRO
 * fingerprint, structural equivalence and the reader/writer checker of Apache Avro's Java
 * SchemaCompatibility (1.12 location variant). Pure: no I/O, no globals.
 *
 * Ownership: a compat_avro_schema_t owns every node it holds, including private copies of the
 * named types imported from referenced schemas; nodes point at each other freely (recursive
 * types). A compat_avro_result_t owns its issues.
 */
#ifndef COMPAT_AVRO_H
#define COMPAT_AVRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/cn_buf.h"
#include "common/cn_err.h"

/** JSON nesting refused before Jansson sees the text. */
#define COMPAT_AVRO_MAX_DEPTH 128
/** Longest full name (namespace + name) accepted, in bytes. */
#define COMPAT_AVRO_MAX_NAME 1024
/** Bound on the (reader, writer) pairs one check visits: wide unions of records cost the square
 *  of their width; past this a check fails with CN_ERR_TOO_LARGE instead of running long. */
#define COMPAT_AVRO_MAX_PAIRS 1000000
/** Bound on recursive walks over a resolved graph (imports can stack schemas). */
#define COMPAT_AVRO_MAX_WALK 1000

typedef enum compat_avro_kind {
    COMPAT_AVRO_NULL,
    COMPAT_AVRO_BOOLEAN,
    COMPAT_AVRO_INT,
    COMPAT_AVRO_LONG,
    COMPAT_AVRO_FLOAT,
    COMPAT_AVRO_DOUBLE,
    COMPAT_AVRO_BYTES,
    COMPAT_AVRO_STRING,
    COMPAT_AVRO_RECORD,
    COMPAT_AVRO_ENUM,
    COMPAT_AVRO_ARRAY,
    COMPAT_AVRO_MAP,
    COMPAT_AVRO_UNION,
    COMPAT_AVRO_FIXED
} compat_avro_kind_t;

typedef enum compat_avro_order {
    COMPAT_AVRO_ASCENDING,
    COMPAT_AVRO_DESCENDING,
    COMPAT_AVRO_IGNORE
} compat_avro_order_t;

typedef struct compat_avro_node compat_avro_node_t;

typedef struct compat_avro_field {
    char *name;
    json_t *doc;              /* a JSON string (may hold U+0000); NULL when absent */
    compat_avro_node_t *type; /* borrowed from the schema's node list */
    json_t *def;              /* default value (a JSON null is a default); NULL when absent */
    compat_avro_order_t order;
    char **aliases; /* plain names, de-duplicated, in order */
    size_t naliases;
    json_t *props; /* object of custom properties in order; NULL when none */
} compat_avro_field_t;

struct compat_avro_node {
    compat_avro_kind_t kind;
    bool is_error; /* a record declared as "error" */
    bool imported; /* defined in a referenced schema */
    bool ref_root; /* the root of a referenced schema (or of one of its own references): the
                      canonical text names it; other imported types are inlined at first use,
                      as Confluent's canonicalString (Java toString with the references' roots
                      as known names) */
    char *name;    /* named types: simple name */
    char *space;   /* namespace or NULL */
    char *fullname;
    json_t *doc;    /* a JSON string (may hold U+0000); NULL when absent */
    char **aliases; /* named types: full names, de-duplicated, in order */
    size_t naliases;
    json_t *props; /* custom properties in order, logicalType included; NULL when none */
    compat_avro_field_t *fields;
    size_t nfields;
    char **symbols;
    size_t nsymbols;
    char *enum_default;
    compat_avro_node_t *child; /* array items, map values */
    compat_avro_node_t **branches;
    size_t nbranches;
    int64_t size; /* fixed */
};

typedef struct compat_avro_schema compat_avro_schema_t;

/** @brief Kind name as in Java's Schema.Type ("INT", "RECORD", ...). */
const char *compat_avro_kind_upper(compat_avro_kind_t kind);
/** @brief Kind name as written in schemas ("int", "record", ...). */
const char *compat_avro_kind_name(compat_avro_kind_t kind);

/** @brief Parse and validate text. imports are already parsed schemas whose named types
 *  (all of them, including their own imports) become visible, in order; they are copied, so
 *  they need only live during the call. Errors: CN_ERR_INVALID_SCHEMA (message with a JSON
 *  path), CN_ERR_TOO_DEEP, CN_ERR_NO_MEMORY. */
cn_err_t compat_avro_parse(const char *text, size_t len, const compat_avro_schema_t *const *imports,
                           size_t nimports, compat_avro_schema_t **out, cn_error_t *err);
/** Parse flag: Confluent's lenient parse of already stored schemas (Java's Schema.Parser with
 *  name and default validation off): names, defaults and decimal parameters are not validated;
 *  structure, duplicates and unions still are. */
#define COMPAT_AVRO_LENIENT 1u
/** @brief compat_avro_parse with flags (COMPAT_AVRO_LENIENT). */
cn_err_t compat_avro_parse_ex(const char *text, size_t len,
                              const compat_avro_schema_t *const *imports, size_t nimports,
                              unsigned flags, compat_avro_schema_t **out, cn_error_t *err);
void compat_avro_schema_free(compat_avro_schema_t *sch);
/** @brief The root node (borrowed). */
const compat_avro_node_t *compat_avro_root(const compat_avro_schema_t *sch);
/** @brief A named type defined in or imported into the schema, by full name (borrowed). */
const compat_avro_node_t *compat_avro_lookup(const compat_avro_schema_t *sch, const char *fullname);

/** @brief Confluent's canonicalString (Java Schema.toString with the roots of the referenced
 *  schemas written by name, other imported named types in full at first use), appended to out. */
cn_err_t compat_avro_print_canonical(const compat_avro_schema_t *sch, cn_buf_t *out,
                                     cn_error_t *err);
/** @brief The stored text under normalize=true (Confluent's AvroSchema.normalize): canonical
 *  layout with aliases and properties sorted and decimal scale 0 dropped. */
cn_err_t compat_avro_print_normalized(const compat_avro_schema_t *sch, cn_buf_t *out,
                                      cn_error_t *err);
/** @brief Print one node standalone in the canonical layout (named types inlined once). */
cn_err_t compat_avro_print_node(const compat_avro_node_t *node, cn_buf_t *out, cn_error_t *err);
/** @brief Parsing Canonical Form of the specification (imports inlined). */
cn_err_t compat_avro_print_pcf(const compat_avro_schema_t *sch, cn_buf_t *out, cn_error_t *err);
/** @brief CRC-64-AVRO (Rabin) fingerprint of bytes, e.g. of the PCF. */
uint64_t compat_avro_crc64(const void *data, size_t len);

/** @brief Confluent's equivalent(): Java Schema.equals (names, fields, types, defaults, order,
 *  properties as sets) plus doc, aliases and enum default. */
bool compat_avro_equivalent(const compat_avro_schema_t *a, const compat_avro_schema_t *b);
/** @brief Structural identity of two models (everything the printers show, order included):
 *  what the round-trip tests compare. */
bool compat_avro_identical(const compat_avro_schema_t *a, const compat_avro_schema_t *b);

/* ---- reader/writer compatibility ---- */

typedef enum compat_avro_incompat {
    COMPAT_AVRO_NAME_MISMATCH,
    COMPAT_AVRO_FIXED_SIZE_MISMATCH,
    COMPAT_AVRO_MISSING_ENUM_SYMBOLS,
    COMPAT_AVRO_READER_FIELD_MISSING_DEFAULT_VALUE,
    COMPAT_AVRO_TYPE_MISMATCH,
    COMPAT_AVRO_MISSING_UNION_BRANCH
} compat_avro_incompat_t;

/** @brief "NAME_MISMATCH", ... */
const char *compat_avro_incompat_name(compat_avro_incompat_t t);

typedef struct compat_avro_issue {
    compat_avro_incompat_t type;
    char *location; /* JSON pointer, "/" for the root */
    char *message;  /* Avro's message, e.g. "reader type: INT not compatible with ..." */
} compat_avro_issue_t;

typedef struct compat_avro_result {
    compat_avro_issue_t *issues;
    size_t n;
    size_t cap;
    char *exception; /* set when Java would throw (a reader field matching several writer
                        fields): Confluent reports only this message */
} compat_avro_result_t;

/** @brief Can reader read data written with writer? Fills res (zero it first; free with
 *  compat_avro_result_fini) with every incompatibility in Java's order. Errors: memory,
 *  CN_ERR_TOO_DEEP past COMPAT_AVRO_MAX_WALK, CN_ERR_TOO_LARGE past COMPAT_AVRO_MAX_PAIRS. */
cn_err_t compat_avro_check(const compat_avro_node_t *reader, const compat_avro_node_t *writer,
                           compat_avro_result_t *res, cn_error_t *err);
void compat_avro_result_fini(compat_avro_result_t *res);
static inline bool compat_avro_result_ok(const compat_avro_result_t *res) {
    return res->n == 0 && !res->exception;
}

#endif
