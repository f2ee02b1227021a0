/* SPDX-License-Identifier: Apache-2.0
 *
 * Names and their rules: subjects (42208), versions (42202), compatibility levels, schema types and
 * modes, and qualified subjects ":.ctx:name" parsed into a reg_name_t (as Confluent's
 * io.confluent.kafka.schemaregistry.utils.QualifiedSubject reads them).
 */
#include "registry/reg_registry.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/cn_props.h"
#include "common/cn_text.h"

static const char *const level_names[] = {
    [COMPAT_NONE] = "NONE",
    [COMPAT_BACKWARD] = "BACKWARD",
    [COMPAT_BACKWARD_TRANSITIVE] = "BACKWARD_TRANSITIVE",
    [COMPAT_FORWARD] = "FORWARD",
    [COMPAT_FORWARD_TRANSITIVE] = "FORWARD_TRANSITIVE",
    [COMPAT_FULL] = "FULL",
    [COMPAT_FULL_TRANSITIVE] = "FULL_TRANSITIVE",
};
static const char *const type_names[] = {
    [COMPAT_AVRO] = "AVRO", [COMPAT_PROTOBUF] = "PROTOBUF", [COMPAT_JSON] = "JSON"};
static const char *const mode_names[] = {[REG_MODE_READWRITE] = "READWRITE",
                                         [REG_MODE_READONLY] = "READONLY",
                                         [REG_MODE_IMPORT] = "IMPORT",
                                         [REG_MODE_READONLY_OVERRIDE] = "READONLY_OVERRIDE"};

static int name_index(const char *const *names, size_t n, const char *s) {
    for (size_t i = 0; s && i < n; i++)
        if (names[i] && strcasecmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

bool reg_level_parse(const char *s, compat_level_t *out) {
    int i = name_index(level_names, sizeof(level_names) / sizeof(*level_names), s);
    if (i >= 0)
        *out = (compat_level_t)i;
    return i >= 0;
}

const char *reg_level_name(compat_level_t level) {
    return (unsigned)level <= COMPAT_FULL_TRANSITIVE ? level_names[level] : "BACKWARD";
}

bool reg_type_parse(const char *s, compat_type_t *out) {
    int i = name_index(type_names, 3, s);
    if (i >= 0)
        *out = (compat_type_t)i;
    return i >= 0;
}

const char *reg_type_name(compat_type_t type) {
    return (unsigned)type <= COMPAT_JSON ? type_names[type] : "AVRO";
}

bool reg_mode_parse(const char *s, reg_mode_t *out) {
    int i = name_index(mode_names, 4, s);
    if (i >= 0)
        *out = (reg_mode_t)i;
    return i >= 0;
}

const char *reg_mode_name(reg_mode_t mode) {
    return (unsigned)mode <= REG_MODE_READONLY_OVERRIDE ? mode_names[mode] : "READWRITE";
}

reg_name_t reg_name(const char *subject) {
    reg_name_t n = {subject, ".", 1, subject ? subject : ""};
    const char *end;
    if (subject && subject[0] == ':' && subject[1] == '.' && (end = strchr(subject + 1, ':'))) {
        n.bare = end + 1;
        if (end - subject - 1 > 1) { /* ":.:" is the default context */
            n.ctx = subject + 1;
            n.ctx_len = (size_t)(end - subject - 1);
        }
    }
    return n;
}

bool reg_name_default_ctx(const reg_name_t *n) {
    return n->ctx_len == 1 && n->ctx[0] == '.';
}

static bool same_ctx(const reg_name_t *a, const reg_name_t *b) {
    return a->ctx_len == b->ctx_len && memcmp(a->ctx, b->ctx, a->ctx_len) == 0;
}

bool reg_name_in_ctx(const reg_name_t *n, const char *ctx) {
    return strlen(ctx) == n->ctx_len && memcmp(ctx, n->ctx, n->ctx_len) == 0;
}

bool reg_name_ref_is(const reg_name_t *n, const char *ref, const char *target) {
    size_t len = n->ctx_len;
    if (reg_name_default_ctx(n) || ref[0] == ':')
        return strcmp(ref, target) == 0;
    return target[0] == ':' && strncmp(target + 1, n->ctx, len) == 0 && target[1 + len] == ':' &&
           strcmp(target + 2 + len, ref) == 0;
}

/* A scope is a subject, a context ":.ctx:" (one colon after the first, at the end) or the
 * global scope (no subject) for every subject. */
bool reg_subject_in_scope(const reg_name_t *name, const reg_name_t *scope) {
    const char *sc = scope->subject;
    size_t len = sc ? strlen(sc) : 0;
    assert(name->subject);
    if (!sc)
        return true;
    if (!(len >= 3 && sc[0] == ':' && sc[len - 1] == ':' && strchr(sc + 1, ':') == sc + len - 1))
        return strcmp(name->subject, sc) == 0;
    return same_ctx(name, scope);
}

/* Confluent refuses subjects with control characters, Java's Character.isISOControl: U+0000-U+001F
 * and U+007F-U+009F (confluentinc/schema-registry#2090); names that are not UTF-8 are refused
 * here too (%C0%AF, %FF%FE), before anything is written. */
cn_err_t reg_subject_check(const reg_name_t *name, bool allow_global_ctx, cn_error_t *err) {
    const char *subject = name->subject;
    size_t len = subject ? strlen(subject) : 0;
    bool bad = len == 0 || len > 255 || !cn_utf8_valid(subject, len);
    for (size_t i = 0; !bad && i < len; i++) {
        unsigned char c = (unsigned char)subject[i];
        bad = c < 0x20 || c == 0x7f ||
              (c == 0xc2 && (unsigned char)subject[i + 1] <= 0x9f); /* U+0080-U+009F */
    }
    if (!bad) {
        bad = strcmp(name->bare, "__GLOBAL") == 0 || strcmp(name->bare, "__EMPTY") == 0;
        if (!allow_global_ctx && strncmp(subject, ":.__GLOBAL:", 11) == 0)
            bad = true;
    }
    if (bad)
        return cn_error_set(err, CN_ERR_INVALID_SUBJECT,
                            "The specified subject '%s' is not a valid.", subject ? subject : "");
    return CN_OK;
}

cn_err_t reg_version_parse(const char *s, int32_t *out, cn_error_t *err) {
    char buf[32];
    size_t len;
    int64_t v = 0;
    while (s && isspace((unsigned char)*s))
        s++;
    len = s ? strlen(s) : 0;
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (s && len < sizeof(buf)) {
        snprintf(buf, sizeof(buf), "%.*s", (int)len, s);
        if (strcasecmp(buf, "latest") == 0 || strcmp(buf, "-1") == 0) {
            *out = -1;
            return CN_OK;
        }
        if (cn_parse_i64(buf, &v) && v >= 1 && v <= INT32_MAX) {
            *out = (int32_t)v;
            return CN_OK;
        }
    }
    return cn_error_set(err, CN_ERR_INVALID_VERSION,
                        "The specified version '%s' is not a valid version id. Allowed values "
                        "are between [1, 2^31-1] and the string \"latest\"",
                        s ? s : "");
}
