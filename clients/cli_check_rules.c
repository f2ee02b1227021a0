/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn check --type protobuf --rules wire|wire-json|package|file`: instead of Confluent's
 * check, the rule category of `buf breaking` (https://buf.build/docs/breaking/rules/) from
 * compat_pb_breaking, each finding a violation with buf's rule ID, its location and message.
 * The level picks the compared versions (the latest, or every one for _TRANSITIVE) and the
 * direction (BACKWARD: previous -> new, as `buf breaking --against previous`; FORWARD: the
 * reverse; FULL: both).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/cli_check_int.h"

static void add_findings(chk_result_t *r, const compat_pb_findings_t *f, size_t from, int version,
                         const char *file, const char *against) {
    for (size_t i = from; i < f->n; i++)
        chk_add_at(r, f->v[i].rule, version, file, f->v[i].line, f->v[i].col, f->v[i].message,
                   against);
}

/* One pair: the rules from old to now; locations are in now's file. */
static bool pair(chk_result_t *r, compat_pb_rules_t rules, const compat_schema_t *old,
                 const compat_schema_t *now, int version, const char *now_file,
                 const char *against) {
    compat_pb_findings_t f = {0};
    cn_error_t err;
    if (compat_pb_breaking(compat_schema_protobuf(old), compat_schema_protobuf(now), rules, &f,
                           &err) != CN_OK) {
        r->status = CHK_ERROR;
        chk_add(r, "ERROR", version, NULL, err.msg, against);
        compat_pb_findings_fini(&f);
        return false;
    }
    add_findings(r, &f, 0, version, now_file, against);
    compat_pb_findings_fini(&f);
    return true;
}

static compat_schema_t *parse(chk_result_t *r, const compat_parse_opts_t *po, const char *text,
                              int version, const char *name) {
    cn_error_t err;
    compat_schema_t *s = compat_schema_parse(text, strlen(text), po, &err);
    if (!s) {
        r->status = CHK_PARSE_ERROR;
        chk_add(r, "PARSE_ERROR", version, NULL, err.msg, name);
    }
    return s;
}

static bool backward(compat_level_t l) {
    return l == COMPAT_BACKWARD || l == COMPAT_BACKWARD_TRANSITIVE || l == COMPAT_FULL ||
           l == COMPAT_FULL_TRANSITIVE;
}

static bool forward(compat_level_t l) {
    return l == COMPAT_FORWARD || l == COMPAT_FORWARD_TRANSITIVE || l == COMPAT_FULL ||
           l == COMPAT_FULL_TRANSITIVE;
}

static bool transitive(compat_level_t l) {
    return l == COMPAT_BACKWARD_TRANSITIVE || l == COMPAT_FORWARD_TRANSITIVE ||
           l == COMPAT_FULL_TRANSITIVE;
}

void chk_rules(chk_result_t *r, const compat_parse_opts_t *po, const compat_parse_opts_t *hpo,
               compat_pb_rules_t rules, compat_level_t level, const char *text,
               const char *new_file, char *const *history, const int *versions, char *const *names,
               size_t n) {
    compat_schema_t *nw = NULL;
    size_t first = transitive(level) ? 0 : n ? n - 1 : 0;
    snprintf(r->level, sizeof(r->level), "%s %s", compat_level_name(level),
             compat_pb_rules_name(rules));
    if (po->type != COMPAT_PROTOBUF) {
        r->status = CHK_ERROR;
        chk_add(r, "UNSUPPORTED", 0, NULL, "--rules applies to Protobuf schemas only", NULL);
        return;
    }
    if (!(nw = parse(r, po, text, 0, NULL)))
        return;
    /* newest first, as the registry's transitive checks */
    for (size_t i = n; i-- > first && r->status == CHK_COMPATIBLE && level != COMPAT_NONE;) {
        const char *name = names ? names[i] : NULL;
        compat_schema_t *old = parse(r, hpo ? &hpo[i] : po, history[i], versions[i], name);
        size_t before = r->nv;
        bool ok = old != NULL;
        if (ok && backward(level))
            ok = pair(r, rules, old, nw, versions[i], new_file, name);
        if (ok && forward(level)) { /* locations in the previous version: its file, or its URL */
            char where[512];
            snprintf(where, sizeof(where), "/subjects/%s/versions/%d", r->job->subject,
                     versions[i]);
            ok = pair(r, rules, nw, old, versions[i], name ? name : where, name);
        }
        compat_schema_free(old);
        if (ok && r->nv > before)
            r->status = CHK_INCOMPATIBLE;
    }
    compat_schema_free(nw);
}
