/* SPDX-License-Identifier: Apache-2.0
 *
 * The fake schema language of reg_fake_lang.h. Owns the parsed schemas it returns.
 */
#include "tests/support/reg_fake_lang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct compat_schema {
    json_t *json;
    char *canonical;
    compat_type_t type;
};

static compat_schema_t *fake_parse(const char *text, size_t len, const compat_parse_opts_t *opts,
                                   cn_error_t *err) {
    json_error_t jerr;
    compat_schema_t *s;
    json_t *j = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
    if (!j) {
        cn_error_set(err, CN_ERR_INVALID_SCHEMA, "Invalid schema: %s", jerr.text);
        return NULL;
    }
    for (size_t i = 0; i < opts->nrefs; i++) {
        const compat_schema_t *dep = NULL;
        cn_err_t rc = opts->resolve(opts->resolve_arg, &opts->refs[i], &dep, err);
        if (rc != CN_OK) {
            json_decref(j);
            return NULL;
        }
    }
    s = calloc(1, sizeof(*s));
    s->json = j;
    s->type = opts->type;
    s->canonical =
        json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | (opts->normalize ? JSON_SORT_KEYS : 0));
    return s;
}

static void fake_free(compat_schema_t *s) {
    if (!s)
        return;
    json_decref(s->json);
    free(s->canonical);
    free(s);
}

static const char *fake_canonical(const compat_schema_t *s) {
    return s->canonical;
}

static bool fake_equivalent(const compat_schema_t *a, const compat_schema_t *b) {
    return strcmp(a->canonical, b->canonical) == 0;
}

static bool fake_supported(compat_type_t t) {
    return t == COMPAT_AVRO;
}

static json_t *field(const compat_schema_t *s, const char *name) {
    json_t *fields = json_object_get(s->json, "fields");
    size_t i;
    json_t *f;
    json_array_foreach(fields, i, f) {
        if (json_is_string(json_object_get(f, "name")) &&
            strcmp(json_string_value(json_object_get(f, "name")), name) == 0)
            return f;
    }
    return NULL;
}

/* reader can read writer: every reader field without a default exists in the writer. */
static bool can_read(const compat_schema_t *reader, const compat_schema_t *writer, json_t *msgs) {
    json_t *fields = json_object_get(reader->json, "fields");
    size_t i;
    json_t *f;
    bool ok = true;
    json_array_foreach(fields, i, f) {
        const char *name = json_string_value(json_object_get(f, "name"));
        if (name && !json_object_get(f, "default") && !field(writer, name)) {
            ok = false;
            json_array_append_new(msgs, json_pack("s+++",
                                                  "{errorType:'READER_FIELD_MISSING_"
                                                  "DEFAULT_VALUE', additionalInfo:'",
                                                  name, "'", "}"));
        }
    }
    return ok;
}

static cn_err_t fake_check(compat_level_t level, const compat_check_opts_t *opts,
                           const compat_schema_t *new_schema, const compat_prev_t *history,
                           size_t n, bool *compatible, json_t *messages, cn_error_t *err) {
    bool transitive = level == COMPAT_BACKWARD_TRANSITIVE || level == COMPAT_FORWARD_TRANSITIVE ||
                      level == COMPAT_FULL_TRANSITIVE;
    (void)opts;
    bool back = level != COMPAT_FORWARD && level != COMPAT_FORWARD_TRANSITIVE;
    bool fwd = level != COMPAT_BACKWARD && level != COMPAT_BACKWARD_TRANSITIVE;
    json_t *tmp = json_array();
    (void)err;
    *compatible = true;
    for (size_t i = transitive ? 0 : (n ? n - 1 : 0); level != COMPAT_NONE && i < n; i++) {
        if (back && !can_read(new_schema, history[i].schema, tmp))
            *compatible = false;
        if (fwd && !can_read(history[i].schema, new_schema, tmp))
            *compatible = false;
    }
    if (!*compatible)
        json_array_append_new(tmp, json_pack("s++", "{validateFields: 'false', compatibility: '",
                                             level == COMPAT_FULL ? "FULL" : "OTHER", "'}"));
    if (messages)
        json_array_extend(messages, tmp);
    json_decref(tmp);
    return CN_OK;
}

/* format=resolved: the canonical text wrapped so that tests see which text they got. */
static char *fake_resolved(const compat_schema_t *s, cn_error_t *err) {
    size_t n = strlen(s->canonical) + 32;
    char *out = malloc(n);
    if (!out)
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    else
        snprintf(out, n, "{\"resolved\":%s}", s->canonical);
    return out;
}

static const reg_lang_ops_t fake_ops = {fake_parse,
                                        fake_free,
                                        fake_canonical,
                                        fake_equivalent,
                                        fake_supported,
                                        fake_check,
                                        NULL,
                                        fake_resolved,
                                        NULL,
                                        NULL,
                                        NULL};

const reg_lang_ops_t *reg_fake_lang(void) {
    return &fake_ops;
}
