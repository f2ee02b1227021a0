/* SPDX-License-Identifier: Apache-2.0
 *
 * Compatibility levels over an ordered history, exactly as Confluent's CompatibilityChecker
 * (confluentinc/schema-registry client/.../CompatibilityChecker.java, the levels of
 * docs.confluent.io/platform/current/schema-registry/fundamentals/schema-evolution.html, and its
 * client/.../avro/Difference.java): which previous versions (latest non-deleted or all, newest
 * first, stopping at the first that fails), the strategy per level (can read, can be read, mutual),
 * role words, the Difference strings, the appended {oldSchemaVersion}, {oldSchema} and
 * {validateFields, compatibility} entries. Owns the report.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cn_text.h"
#include "compat/compat.h"
#include "compat/compat_lang.h"

#define OLD_SCHEMA_LOG_MAX 10240 /* Confluent's MAX_SCHEMA_SIZE_FOR_LOGGING (UTF-16 units) */

struct compat_report {
    char **msgs;
    size_t nmsgs, capm;
    compat_issue_t *issues;
    size_t nissues, capi;
};

typedef struct run {
    compat_report_t *rep;
    cn_err_t rc;
    const compat_prev_t *prev;
    compat_policy_t policy;
} run_t;

static void fail(run_t *r, cn_err_t rc) {
    if (r->rc == CN_OK)
        r->rc = rc;
}

/* Takes ownership of msg. */
static void add_msg(run_t *r, char *msg) {
    compat_report_t *rep = r->rep;
    if (!msg) {
        fail(r, CN_ERR_NO_MEMORY);
        return;
    }
    if (rep->nmsgs == rep->capm) {
        size_t cap = rep->capm ? rep->capm * 2 : 8;
        char **v = realloc(rep->msgs, cap * sizeof(*v));
        if (!v) {
            free(msg);
            fail(r, CN_ERR_NO_MEMORY);
            return;
        }
        rep->msgs = v;
        rep->capm = cap;
    }
    rep->msgs[rep->nmsgs++] = msg;
}

static bool grow_issues(compat_report_t *rep) {
    size_t cap = rep->capi ? rep->capi * 2 : 8;
    compat_issue_t *v;
    if (rep->nissues < rep->capi)
        return true;
    if (!(v = realloc(rep->issues, cap * sizeof(*v))))
        return false;
    rep->issues = v;
    rep->capi = cap;
    return true;
}

/* Takes ownership of path, desc and add. */
static void add_issue(run_t *r, const char *type, char *path, char *desc, char *add) {
    compat_report_t *rep = r->rep;
    if (!path || !desc || !add || !grow_issues(rep)) {
        free(path);
        free(desc);
        free(add);
        fail(r, CN_ERR_NO_MEMORY);
        return;
    }
    rep->issues[rep->nissues++] = (compat_issue_t){.error_type = type,
                                                   .path = path,
                                                   .description = desc,
                                                   .additional = add,
                                                   .old_version = r->prev->version};
}

/* Prefix of s holding at most max UTF-16 code units, cut on a character boundary. */
static size_t utf16_prefix(const char *s, size_t max) {
    size_t units = 0, i = 0;
    while (s[i]) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        size_t u = len == 4 ? 2 : 1;
        if (units + u > max)
            break;
        units += u;
        for (size_t k = 0; k < len && s[i]; k++)
            i++;
    }
    return i;
}

static void append_old(run_t *r) {
    const char *old = compat_schema_canonical(r->prev->schema);
    size_t cut = utf16_prefix(old, OLD_SCHEMA_LOG_MAX);
    if (r->prev->version > 0)
        add_msg(r, cn_strfmt("{oldSchemaVersion: %d}", (int)r->prev->version));
    if (old[cut] == 0)
        add_msg(r, cn_strfmt("{oldSchema: '%s'}", old));
    else
        add_msg(r, cn_strfmt("{oldSchema: <truncated> '%.*s...'}", (int)cut, old));
}

/* Takes each issue's strings into the report (the result is emptied). */
static size_t add_result(run_t *r, compat_lang_result_t *res) {
    for (size_t i = 0; i < res->n; i++) {
        compat_lang_issue_t *is = &res->issues[i];
        add_msg(r, is->message);
        add_issue(r, is->error_type, is->path, is->description, is->additional);
        *is = (compat_lang_issue_t){0};
    }
    return res->n;
}

/* reader.isBackwardCompatible(writer) with role words; append adds the old-schema entries. */
static void run_pair(run_t *r, const compat_schema_t *reader, const compat_schema_t *writer,
                     const char *rw, const char *ww, bool append, cn_error_t *err) {
    compat_lang_result_t res = {0};
    const compat_lang_t *lang = compat_schema_lang(reader);
    cn_err_t rc;
    if (r->rc != CN_OK)
        return;
    if (lang->check_policy)
        rc = lang->check_policy(compat_schema_model(reader), compat_schema_model(writer), r->policy,
                                rw, ww, &res, err);
    else
        rc = lang->check(compat_schema_model(reader), compat_schema_model(writer), rw, ww, &res,
                         err);
    if (rc != CN_OK)
        fail(r, rc);
    else if (add_result(r, &res) > 0 && append)
        append_old(r);
    compat_lang_result_fini(&res);
}

static void check_one(run_t *r, compat_level_t level, const compat_schema_t *nw, cn_error_t *err) {
    const compat_schema_t *old = r->prev->schema;
    if (compat_schema_type(old) != compat_schema_type(nw)) {
        add_msg(r, strdup("Incompatible because of different schema type"));
        return;
    }
    switch (level) {
    case COMPAT_BACKWARD:
    case COMPAT_BACKWARD_TRANSITIVE:
        run_pair(r, nw, old, "new", "old", true, err);
        break;
    case COMPAT_FORWARD:
    case COMPAT_FORWARD_TRANSITIVE:
        run_pair(r, old, nw, "old", "new", true, err);
        break;
    default:
        run_pair(r, old, nw, "old", "new", false, err);
        run_pair(r, nw, old, "new", "old", true, err);
    }
}

static bool transitive(compat_level_t level) {
    return level == COMPAT_BACKWARD_TRANSITIVE || level == COMPAT_FORWARD_TRANSITIVE ||
           level == COMPAT_FULL_TRANSITIVE;
}

cn_err_t compat_check_with(compat_level_t level, const compat_check_opts_t *opts,
                           const compat_schema_t *new_schema, const compat_prev_t *history,
                           size_t n, compat_report_t **report_out, cn_error_t *err) {
    run_t r = {.policy = opts ? opts->policy : COMPAT_POLICY_STRICT};
    bool validate_fields = opts && opts->validate_fields;
    if (!report_out || !new_schema || (n && !history) || (unsigned)level > COMPAT_FULL_TRANSITIVE)
        return cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "compat_check: bad arguments");
    for (size_t i = 0; i < n; i++)
        if (!history[i].schema)
            return cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "compat_check: history[%zu]", i);
    *report_out = NULL;
    if (!(r.rep = calloc(1, sizeof(*r.rep))))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = n; level != COMPAT_NONE && i > 0 && r.rc == CN_OK; i--) {
        r.prev = &history[i - 1];
        check_one(&r, level, new_schema, err);
        if (r.rep->nmsgs > 0 || !transitive(level))
            break;
    }
    if (r.rc == CN_OK && r.rep->nmsgs > 0)
        add_msg(&r, cn_strfmt("{validateFields: '%s', compatibility: '%s'}",
                              validate_fields ? "true" : "false", compat_level_name(level)));
    if (r.rc != CN_OK) {
        compat_report_free(r.rep);
        return err && err->code == r.rc ? r.rc : cn_error_set(err, r.rc, NULL);
    }
    *report_out = r.rep;
    return CN_OK;
}

cn_err_t compat_check_ex(compat_level_t level, bool validate_fields,
                         const compat_schema_t *new_schema, const compat_prev_t *history, size_t n,
                         compat_report_t **report_out, cn_error_t *err) {
    compat_check_opts_t o = {.validate_fields = validate_fields};
    return compat_check_with(level, &o, new_schema, history, n, report_out, err);
}

static const char *const policy_names[] = {"STRICT", "LENIENT", "LOGICAL"};

bool compat_policy_parse(const char *s, compat_policy_t *out) {
    for (size_t i = 0; s && i < sizeof(policy_names) / sizeof(policy_names[0]); i++)
        if (strcasecmp(s, policy_names[i]) == 0) {
            *out = (compat_policy_t)i;
            return true;
        }
    return false;
}

const char *compat_policy_name(compat_policy_t p) {
    return (unsigned)p < sizeof(policy_names) / sizeof(policy_names[0]) ? policy_names[p]
                                                                        : "STRICT";
}

cn_err_t compat_check(compat_level_t level, const compat_schema_t *new_schema,
                      const compat_prev_t *history, size_t n, compat_report_t **report_out,
                      cn_error_t *err) {
    return compat_check_ex(level, false, new_schema, history, n, report_out, err);
}

bool compat_report_is_compatible(const compat_report_t *report) {
    return report->nmsgs == 0;
}

size_t compat_report_message_count(const compat_report_t *report) {
    return report->nmsgs;
}

const char *compat_report_message(const compat_report_t *report, size_t i) {
    return i < report->nmsgs ? report->msgs[i] : NULL;
}

size_t compat_report_issue_count(const compat_report_t *report) {
    return report->nissues;
}

const compat_issue_t *compat_report_issue(const compat_report_t *report, size_t i) {
    return i < report->nissues ? &report->issues[i] : NULL;
}

void compat_report_free(compat_report_t *report) {
    if (!report)
        return;
    for (size_t i = 0; i < report->nmsgs; i++)
        free(report->msgs[i]);
    for (size_t i = 0; i < report->nissues; i++) {
        free((char *)report->issues[i].path);
        free((char *)report->issues[i].description);
        free((char *)report->issues[i].additional);
    }
    free(report->msgs);
    free(report->issues);
    free(report);
}
