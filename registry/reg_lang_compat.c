/* SPDX-License-Identifier: Apache-2.0
 *
 * reg_lang_ops_t over compat/: the schema languages the registry serves in production.
 */
#include "registry/reg_lang.h"

static cn_err_t lang_check(compat_level_t level, const compat_check_opts_t *opts,
                           const compat_schema_t *new_schema, const compat_prev_t *history,
                           size_t n, bool *compatible, json_t *messages, cn_error_t *err) {
    compat_report_t *rep = NULL;
    cn_err_t rc = compat_check_with(level, opts, new_schema, history, n, &rep, err);
    if (rc != CN_OK)
        return rc;
    *compatible = compat_report_is_compatible(rep);
    for (size_t i = 0; messages && i < compat_report_message_count(rep); i++)
        json_array_append_new(messages, json_string(compat_report_message(rep, i)));
    compat_report_free(rep);
    return CN_OK;
}

static compat_schema_t *lang_parse_stored(const char *text, size_t len,
                                          const compat_parse_opts_t *opts, cn_error_t *err) {
    return compat_schema_parse_ex(text, len, opts, COMPAT_PARSE_LENIENT, err);
}

static const reg_lang_ops_t lang_compat = {
    .parse = compat_schema_parse,
    .free = compat_schema_free,
    .canonical = compat_schema_canonical,
    .equivalent = compat_schema_equivalent,
    .supported = compat_type_supported,
    .check = lang_check,
    .parse_stored = lang_parse_stored,
    .resolved = compat_schema_resolved_text,
    .serialized = compat_schema_serialized,
    .ignore_extensions = compat_schema_ignore_extensions,
    .has_field = compat_schema_has_field,
};

const reg_lang_ops_t *reg_lang_compat(void) {
    return &lang_compat;
}
