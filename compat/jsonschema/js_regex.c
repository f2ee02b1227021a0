/* SPDX-License-Identifier: Apache-2.0
 *
 * "pattern" and "patternProperties" regexes: ECMA-262 syntax (JSON Schema Validation §6.3.3,
 * Core §4.3.2) translated onto PCRE2 in UTF mode, searched (not anchored) with a match-step,
 * depth and heap limit so a hostile pattern cannot run away. Translation: "\s"/"\S" take
 * ECMA-262's WhiteSpace and LineTerminator set (PCRE2's is ASCII-only without UCP), "\uXXXX"
 * and "\u{X}" become "\x{X}", "$" matches only at the end (PCRE2_DOLLAR_ENDONLY), "." stops at
 * any line terminator, and escapes that ECMA-262 lacks (\a, \Z, \A, \e, ...) are errors.
 * "\d" and "\w" stay ASCII, as PCRE2 without UCP has them. "\p{...}" takes ECMA-262's long
 * General_Category names and aliases ("Letter", "digit", "gc=Lu", "Script=Greek").
 */
#include <stdio.h>
#include <string.h>

#include "common/cn_buf.h"
#include "compat/jsonschema/js_int.h"

#define JS_RE_MATCH_LIMIT 1000000u
#define JS_RE_DEPTH_LIMIT 10000u
#define JS_RE_HEAP_KIB    16384u

static const char ecma_ws[] = "\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}"
                              "\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";

static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "\u..." at p (after the backslash): writes "\x{...}", returns chars consumed or 0. */
static size_t unicode_escape(const char *p, cn_buf_t *o) {
    size_t n = 0;
    if (p[1] == '{') {
        while (is_hex(p[2 + n]))
            n++;
        if (n == 0 || p[2 + n] != '}')
            return 0;
        cn_buf_printf(o, "\\x{%.*s}", (int)n, p + 2);
        return n + 3;
    }
    for (n = 0; n < 4 && is_hex(p[1 + n]); n++)
        ;
    if (n != 4)
        return 0;
    cn_buf_printf(o, "\\x{%.4s}", p + 1);
    return 5;
}

/* ECMA-262 §22.2.2.9 names a General_Category by any of its Unicode aliases
 * (PropertyValueAliases.txt); PCRE2 knows the short ones and the script names. */
static const char *const gc_alias[][2] = {{"Letter", "L"},
                                          {"Cased_Letter", "L&"},
                                          {"Uppercase_Letter", "Lu"},
                                          {"Lowercase_Letter", "Ll"},
                                          {"Titlecase_Letter", "Lt"},
                                          {"Modifier_Letter", "Lm"},
                                          {"Other_Letter", "Lo"},
                                          {"Mark", "M"},
                                          {"Combining_Mark", "M"},
                                          {"Nonspacing_Mark", "Mn"},
                                          {"Spacing_Mark", "Mc"},
                                          {"Enclosing_Mark", "Me"},
                                          {"Number", "N"},
                                          {"Decimal_Number", "Nd"},
                                          {"digit", "Nd"},
                                          {"Letter_Number", "Nl"},
                                          {"Other_Number", "No"},
                                          {"Punctuation", "P"},
                                          {"punct", "P"},
                                          {"Connector_Punctuation", "Pc"},
                                          {"Dash_Punctuation", "Pd"},
                                          {"Open_Punctuation", "Ps"},
                                          {"Close_Punctuation", "Pe"},
                                          {"Initial_Punctuation", "Pi"},
                                          {"Final_Punctuation", "Pf"},
                                          {"Other_Punctuation", "Po"},
                                          {"Symbol", "S"},
                                          {"Math_Symbol", "Sm"},
                                          {"Currency_Symbol", "Sc"},
                                          {"Modifier_Symbol", "Sk"},
                                          {"Other_Symbol", "So"},
                                          {"Separator", "Z"},
                                          {"Space_Separator", "Zs"},
                                          {"Line_Separator", "Zl"},
                                          {"Paragraph_Separator", "Zp"},
                                          {"Other", "C"},
                                          {"Control", "Cc"},
                                          {"cntrl", "Cc"},
                                          {"Format", "Cf"},
                                          {"Surrogate", "Cs"},
                                          {"Private_Use", "Co"},
                                          {"Unassigned", "Cn"},
                                          {"LC", "L&"}};

/* "\p{...}" / "\P{...}" at p (after the backslash): the value of "General_Category=",
 * "gc=", "Script=" or "sc=" (or a lone value) in PCRE2's spelling; chars consumed or 0. */
static size_t property_escape(const char *p, cn_buf_t *o) {
    static const char *const prefixes[] = {"General_Category=", "gc=", "Script=", "sc="};
    const char *close = p[1] == '{' ? strchr(p + 2, '}') : NULL, *v = p + 2;
    if (!close || close == v)
        return 0;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(v, prefixes[i], strlen(prefixes[i])) == 0 && v + strlen(prefixes[i]) < close)
            v += strlen(prefixes[i]);
    size_t n = (size_t)(close - v);
    const char *name = NULL;
    for (size_t i = 0; !name && i < sizeof(gc_alias) / sizeof(gc_alias[0]); i++)
        if (strlen(gc_alias[i][0]) == n && strncmp(gc_alias[i][0], v, n) == 0)
            name = gc_alias[i][1];
    if (name)
        cn_buf_printf(o, "\\%c{%s}", *p, name);
    else
        cn_buf_printf(o, "\\%c{%.*s}", *p, (int)n, v);
    return (size_t)(close - p) + 1;
}

/* One escape at p (after '\'); returns chars consumed, 0 when ECMA-262 has no such escape. */
static size_t escape(const char *p, bool in_class, cn_buf_t *o) {
    switch (*p) {
    case 's':
        cn_buf_printf(o, in_class ? "%s" : "[%s]", ecma_ws);
        return 1;
    case 'S':
        if (in_class)
            cn_buf_put_str(o, "\\S");
        else
            cn_buf_printf(o, "[^%s]", ecma_ws);
        return 1;
    case 'u':
        return unicode_escape(p, o);
    case 'p':
    case 'P':
        return property_escape(p, o);
    case '/':
        cn_buf_put_str(o, "/");
        return 1;
    case '\0':
    case 'a':
    case 'e':
    case 'A':
    case 'Z':
    case 'z':
    case 'G':
    case 'Q':
    case 'E':
    case 'K':
    case 'R':
    case 'X':
    case 'C':
    case 'h':
    case 'H':
    case 'V':
    case 'N':
    case 'o':
    case 'g':
        return 0;
    default:
        cn_buf_put(o, p - 1, 2);
        return 1;
    }
}

static bool translate(const char *pat, cn_buf_t *o, char *why, size_t whylen) {
    bool in_class = false;
    for (const char *p = pat; *p; p++) {
        if (*p == '\\') {
            size_t k = escape(p + 1, in_class, o);
            if (!k) {
                snprintf(why, whylen, "invalid escape \\%.1s for ECMA-262", p + 1);
                return false;
            }
            p += k;
        } else {
            if (*p == '[' && !in_class)
                in_class = true;
            else if (*p == ']' && in_class)
                in_class = false;
            cn_buf_put(o, p, 1);
        }
    }
    return cn_buf_cstr(o) != NULL;
}

pcre2_code *js_regex_compile(const char *pattern, char *why, size_t whylen) {
    cn_buf_t o;
    int ec;
    PCRE2_SIZE off;
    cn_buf_init(&o, 1u << 20);
    if (!translate(pattern, &o, why, whylen)) {
        cn_buf_fini(&o);
        return NULL;
    }
    pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
    if (cc)
        pcre2_set_newline(cc, PCRE2_NEWLINE_ANY);
    pcre2_code *re =
        cc ? pcre2_compile((PCRE2_SPTR)cn_buf_cstr(&o), PCRE2_ZERO_TERMINATED,
                           PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_NO_UTF_CHECK * 0, &ec, &off, cc)
           : NULL;
    if (!re && cc) {
        PCRE2_UCHAR msg[120];
        pcre2_get_error_message(ec, msg, sizeof(msg));
        snprintf(why, whylen, "%s at offset %zu", (const char *)msg, (size_t)off);
    } else if (!cc) {
        snprintf(why, whylen, "out of memory");
    }
    pcre2_compile_context_free(cc);
    cn_buf_fini(&o);
    return re;
}

int js_regex_search(const pcre2_code *re, const char *subject, size_t len) {
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    int rc = -1;
    if (mc && md) {
        pcre2_set_match_limit(mc, JS_RE_MATCH_LIMIT);
        pcre2_set_depth_limit(mc, JS_RE_DEPTH_LIMIT);
        pcre2_set_heap_limit(mc, JS_RE_HEAP_KIB);
        rc = pcre2_match(re, (PCRE2_SPTR)subject, len, 0, 0, md, mc);
        rc = rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
    }
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
    return rc;
}

const pcre2_code *js_regex_get(const compat_js_schema_t *s, const char *pattern) {
    return cn_map_sget(s->regexes, pattern);
}
