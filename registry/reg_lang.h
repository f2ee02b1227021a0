/* SPDX-License-Identifier: Apache-2.0
 *
 * What the registry needs from the schema languages, as a table of functions (docs/internals.md):
 * parse with references, canonical text, equivalence, and the compatibility check. The default
 * table (reg_lang_compat) calls compat/; tests of the domain may pass another one. Handles are
 * compat_schema_t pointers owned by the caller of parse (free with ops->free).
 */
#ifndef REG_LANG_H
#define REG_LANG_H

#include <jansson.h>
#include <stdbool.h>

#include "compat/compat.h"

typedef struct reg_lang_ops {
    compat_schema_t *(*parse)(const char *text, size_t len, const compat_parse_opts_t *opts,
                              cn_error_t *err);
    void (*free)(compat_schema_t *sch);
    const char *(*canonical)(const compat_schema_t *sch);
    bool (*equivalent)(const compat_schema_t *a, const compat_schema_t *b);
    bool (*supported)(compat_type_t type);
    /** Check new against history (oldest first) at level with opts (the compatibilityPolicy,
     *  validateFields); *compatible and Confluent's messages appended to messages (a JSON array
     *  of strings). */
    cn_err_t (*check)(compat_level_t level, const compat_check_opts_t *opts,
                      const compat_schema_t *new_schema, const compat_prev_t *history, size_t n,
                      bool *compatible, json_t *messages, cn_error_t *err);
    /** Parse a schema already stored in `_schemas` (maybe written by an older Confluent), as
     *  leniently as Confluent reads stored schemas; NULL: use parse. */
    compat_schema_t *(*parse_stored)(const char *text, size_t len, const compat_parse_opts_t *opts,
                                     cn_error_t *err);
    /** The text of format=resolved (references inlined), owned; NULL: the canonical text. */
    char *(*resolved)(const compat_schema_t *sch, cn_error_t *err);
    /** The text of format=serialized (Protobuf's base64 descriptor), owned; NULL: stored text. */
    char *(*serialized)(const compat_schema_t *sch, cn_error_t *err);
    /** The text of format=ignore_extensions (Protobuf without custom options and extensions),
     *  owned; NULL member: stored text. */
    char *(*ignore_extensions)(const compat_schema_t *sch, cn_error_t *err);
    /** Whether the schema defines the top-level field name (reserved fields); NULL: none does. */
    bool (*has_field)(const compat_schema_t *sch, const char *name);
} reg_lang_ops_t;

/** @brief The table backed by compat/ (Avro now; Protobuf and JSON when they are built). */
const reg_lang_ops_t *reg_lang_compat(void);

#endif
