/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn check` reports: text (for people), json (one JSON object per subject per line, with a
 * format version), junit (one testsuite per subject, one testcase per violation or one passing
 * testcase) and github (workflow commands: ::error / ::notice annotations on the schema file).
 */
#include <string.h>

#include "clients/cli_check_int.h"

#define CHK_JSON_VERSION 1

static const char *const status_names[] = {"compatible", "incompatible", "parse_error", "error"};

/* ---- text ---- */

static void text_violation(FILE *f, const chk_violation_t *v) {
    fprintf(f, "  ");
    if (v->version > 0)
        fprintf(f, "version %d%s%s%s: ", v->version, v->against ? " (" : "",
                v->against ? v->against : "", v->against ? ")" : "");
    fprintf(f, "%s%s%s", v->rule, v->path ? " at " : "", v->path ? v->path : "");
    if (v->file)
        fprintf(f, " at %s", v->file);
    if (v->file && v->line > 0)
        fprintf(f, ":%d:%d", v->line, v->col);
    fprintf(f, ": %s\n", v->message);
}

static void text_result(FILE *f, const chk_result_t *r) {
    fprintf(f, "%s (%s): ", r->job->subject, r->job->file);
    switch (r->status) {
    case CHK_COMPATIBLE:
        if (r->new_subject)
            fprintf(f, "compatible (new subject)\n");
        else
            fprintf(f, "compatible (%s, %zu previous version%s)\n", r->level, r->compared,
                    r->compared == 1 ? "" : "s");
        break;
    case CHK_INCOMPATIBLE:
        fprintf(f, "incompatible (%s)\n", r->level);
        break;
    case CHK_PARSE_ERROR:
        fprintf(f, "a schema does not parse\n");
        break;
    case CHK_ERROR:
        fprintf(f, "error\n");
        break;
    }
    for (size_t i = 0; i < r->nv; i++)
        text_violation(f, &r->v[i]);
}

static void report_text(FILE *f, const chk_result_t *rs, size_t n) {
    size_t count[4] = {0};
    for (size_t i = 0; i < n; i++) {
        text_result(f, &rs[i]);
        count[rs[i].status]++;
    }
    if (n > 1)
        fprintf(f, "%zu subjects: %zu compatible, %zu incompatible, %zu parse errors, %zu errors\n",
                n, count[0], count[1], count[2], count[3]);
}

/* ---- json lines ---- */

static json_t *json_str_or_null(const char *s) {
    return s ? json_string(s) : json_null();
}

/* --rules: {"file","line","column"} (line and column null where buf gives none), else null. */
static json_t *json_location(const chk_violation_t *v) {
    if (!v->file)
        return json_null();
    return json_pack("{s:s,s:o,s:o}", "file", v->file, "line",
                     v->line > 0 ? json_integer(v->line) : json_null(), "column",
                     v->line > 0 ? json_integer(v->col) : json_null());
}

static void report_json(FILE *f, const chk_result_t *rs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const chk_result_t *r = &rs[i];
        json_t *o = json_object(), *vs = json_array();
        for (size_t k = 0; k < r->nv; k++)
            json_array_append_new(
                vs, json_pack("{s:s,s:s,s:i,s:o,s:s,s:s,s:o,s:o}", "rule", r->v[k].rule, "subject",
                              r->job->subject, "version", r->v[k].version, "path",
                              json_str_or_null(r->v[k].path), "message", r->v[k].message, "file",
                              r->job->file, "against", json_str_or_null(r->v[k].against),
                              "location", json_location(&r->v[k])));
        json_object_set_new(o, "format_version", json_integer(CHK_JSON_VERSION));
        json_object_set_new(o, "subject", json_string(r->job->subject));
        json_object_set_new(o, "file", json_string(r->job->file));
        json_object_set_new(o, "status", json_string(status_names[r->status]));
        json_object_set_new(o, "is_compatible", json_boolean(r->status == CHK_COMPATIBLE));
        json_object_set_new(o, "level", r->level[0] ? json_string(r->level) : json_null());
        json_object_set_new(o, "new_subject", json_boolean(r->new_subject));
        json_object_set_new(o, "compared_versions", json_integer((json_int_t)r->compared));
        json_object_set_new(o, "violations", vs);
        json_object_set_new(o, "messages", r->messages ? json_incref(r->messages) : json_array());
        cli_print_json(f, o);
        json_decref(o);
    }
}

/* ---- junit ---- */

static void xml_text(FILE *f, const char *s) {
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        case '\n':
            fputs("&#10;", f);
            break;
        case '\t':
            fputs("&#9;", f);
            break;
        default:
            if (*p < 0x20)
                fputc(' ', f); /* not allowed in XML 1.0 */
            else
                fputc(*p, f);
        }
    }
}

static void junit_case(FILE *f, const chk_result_t *r, const chk_violation_t *v) {
    const char *tag = r->status >= CHK_PARSE_ERROR ? "error" : "failure";
    fprintf(f, "    <testcase classname=\"");
    xml_text(f, r->job->subject);
    fprintf(f, "\" name=\"");
    xml_text(f, v->rule);
    if (v->version > 0)
        fprintf(f, " version %d", v->version);
    if (v->path) {
        fputc(' ', f);
        xml_text(f, v->path);
    }
    if (v->file) {
        fputc(' ', f);
        xml_text(f, v->file);
        if (v->line > 0)
            fprintf(f, ":%d:%d", v->line, v->col);
    }
    fprintf(f, "\" file=\"");
    xml_text(f, v->file ? v->file : r->job->file);
    if (v->line > 0)
        fprintf(f, "\" line=\"%d", v->line);
    fprintf(f, "\">\n      <%s type=\"", tag);
    xml_text(f, v->rule);
    fprintf(f, "\" message=\"");
    xml_text(f, v->message);
    fprintf(f, "\">");
    xml_text(f, v->against ? v->against : r->job->file);
    fprintf(f, ": ");
    xml_text(f, v->message);
    fprintf(f, "</%s>\n    </testcase>\n", tag);
}

static void junit_suite(FILE *f, const chk_result_t *r) {
    size_t tests = r->nv ? r->nv : 1;
    bool err = r->status >= CHK_PARSE_ERROR;
    fprintf(f, "  <testsuite name=\"");
    xml_text(f, r->job->subject);
    fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", tests, err ? 0 : r->nv,
            err ? r->nv : 0);
    if (r->nv == 0) {
        fprintf(f, "    <testcase classname=\"");
        xml_text(f, r->job->subject);
        fprintf(f, "\" name=\"%s %s\" file=\"", r->new_subject ? "new subject" : "compatible",
                r->level);
        xml_text(f, r->job->file);
        fprintf(f, "\"/>\n");
    }
    for (size_t i = 0; i < r->nv; i++)
        junit_case(f, r, &r->v[i]);
    fprintf(f, "  </testsuite>\n");
}

static void report_junit(FILE *f, const chk_result_t *rs, size_t n) {
    size_t tests = 0, failures = 0, errors = 0;
    for (size_t i = 0; i < n; i++) {
        tests += rs[i].nv ? rs[i].nv : 1;
        if (rs[i].status >= CHK_PARSE_ERROR)
            errors += rs[i].nv;
        else
            failures += rs[i].nv;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"cairn check\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n",
            tests, failures, errors);
    for (size_t i = 0; i < n; i++)
        junit_suite(f, &rs[i]);
    fprintf(f, "</testsuites>\n");
}

/* ---- github workflow commands ---- */

static void gh_escape(FILE *f, const char *s, bool property) {
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '%')
            fputs("%25", f);
        else if (*p == '\r')
            fputs("%0D", f);
        else if (*p == '\n')
            fputs("%0A", f);
        else if (property && *p == ':')
            fputs("%3A", f);
        else if (property && *p == ',')
            fputs("%2C", f);
        else
            fputc(*p, f);
    }
}

static void report_github(FILE *f, const chk_result_t *rs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const chk_result_t *r = &rs[i];
        if (r->nv == 0) {
            fprintf(f, "::notice file=");
            gh_escape(f, r->job->file, true);
            fprintf(f, ",title=cairn check::");
            gh_escape(f, r->job->subject, false);
            fprintf(f, " is compatible (%s)\n", r->new_subject ? "new subject" : r->level);
        }
        for (size_t k = 0; k < r->nv; k++) {
            const chk_violation_t *v = &r->v[k];
            fprintf(f, "::error file=");
            gh_escape(f,
                      v->file                                             ? v->file
                      : v->against && strcmp(v->rule, "PARSE_ERROR") == 0 ? v->against
                                                                          : r->job->file,
                      true);
            if (v->line > 0)
                fprintf(f, ",line=%d,col=%d", v->line, v->col);
            fprintf(f, ",title=");
            gh_escape(f, v->rule, true);
            fprintf(f, "::");
            gh_escape(f, r->job->subject, false);
            if (v->version > 0)
                fprintf(f, " version %d", v->version);
            if (v->path) {
                fprintf(f, " at ");
                gh_escape(f, v->path, false);
            }
            fprintf(f, ": ");
            gh_escape(f, v->message, false);
            fputc('\n', f);
        }
    }
}

void chk_report(FILE *f, chk_format_t format, const chk_result_t *rs, size_t n) {
    switch (format) {
    case CHK_TEXT:
        report_text(f, rs, n);
        break;
    case CHK_JSON:
        report_json(f, rs, n);
        break;
    case CHK_JUNIT:
        report_junit(f, rs, n);
        break;
    case CHK_GITHUB:
        report_github(f, rs, n);
        break;
    }
}
