/* SPDX-License-Identifier: Apache-2.0
 *
 * "format" assertions for the common formats (JSON Schema Validation 2020-12 §7.3), used only
 * when asked (compat_js_opts_t.format_assert): date-time, date, time (RFC 3339 §5.6), duration
 * (RFC 3339 appendix A), email (RFC 5321 dot-atom), hostname (RFC 1123), ipv4, ipv6 (RFC 4291),
 * uri and uri-reference (RFC 3986), uuid (RFC 4122), regex (ECMA-262), json-pointer (RFC 6901),
 * relative-json-pointer. Unknown formats and non-strings pass.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/jsonschema/js_int.h"

static bool re_full(const char *pattern, const char *s) {
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_CASELESS |
                                       PCRE2_DOLLAR_ENDONLY,
                                   &ec, &off, NULL);
    if (!re)
        return false;
    int m = js_regex_search(re, s, strlen(s));
    pcre2_code_free(re);
    return m == 1;
}

static int num(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool date_ok(const char *s) {
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!re_full("[0-9]{4}-[0-9]{2}-[0-9]{2}", s))
        return false;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    return !(m == 2 && d == 29 && !leap);
}

static bool time_ok(const char *s) {
    if (!re_full("[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(z|[+-][0-9]{2}:[0-9]{2})", s))
        return false;
    int h = num(s, 2), mi = num(s + 3, 2), se = num(s + 6, 2);
    if (h > 23 || mi > 59 || se > 60)
        return false;
    const char *z = s + 8;
    while (*z == '.' || isdigit((unsigned char)*z))
        z++;
    int oh = 0, om = 0, sign = 0;
    if (*z == '+' || *z == '-') {
        sign = *z == '+' ? 1 : -1;
        oh = num(z + 1, 2), om = num(z + 4, 2);
        if (oh > 23 || om > 59)
            return false;
    }
    if (se == 60) { /* a leap second only at 23:59:60 UTC */
        int utc = ((h * 60 + mi - sign * (oh * 60 + om)) % 1440 + 1440) % 1440;
        return utc == 23 * 60 + 59;
    }
    return true;
}

static bool datetime_ok(const char *s) {
    if (strlen(s) < 20 || (s[10] != 'T' && s[10] != 't'))
        return false;
    char d[11];
    memcpy(d, s, 10);
    d[10] = '\0';
    return date_ok(d) && time_ok(s + 11);
}

static bool hostname_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 253)
        return false;
    return re_full("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\\.?",
                   s);
}

static bool ipv4_ok(const char *s);

/* RFC 5321 §4.1.3 address literal: "[" IPv4 "]" or "[IPv6:" ... "]". */
static bool addr_literal_ok(const char *lit) {
    char ip[64];
    size_t n = strlen(lit);
    if (n < 3 || n - 2 >= sizeof(ip) || lit[n - 1] != ']')
        return false;
    memcpy(ip, lit + 1, n - 2);
    ip[n - 2] = '\0';
    return ipv4_ok(ip) || re_full("\\[ipv6:[0-9a-f:.]+\\]", lit);
}

static bool email_ok(const char *s) {
    const char *at = strrchr(s, '@');
    if (!at || at == s)
        return false;
    char local[256];
    size_t n = (size_t)(at - s);
    if (n >= sizeof(local))
        return false;
    memcpy(local, s, n);
    local[n] = '\0';
    if (local[0] == '"')
        return n >= 2 && local[n - 1] == '"' && hostname_ok(at + 1);
    if (!re_full("[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*", local))
        return false;
    if (at[1] == '[')
        return addr_literal_ok(at + 1);
    return hostname_ok(at + 1);
}

/* RFC 6531: the e-mail rules with UTF-8 allowed in both parts. */
static bool idn_email_ok(const char *s) {
    return re_full("[a-z0-9!#$%&'*+/=?^_`{|}~\\x{80}-\\x{10ffff}-]+"
                   "(\\.[a-z0-9!#$%&'*+/=?^_`{|}~\\x{80}-\\x{10ffff}-]+)*"
                   "@[a-z0-9\\x{80}-\\x{10ffff}]([a-z0-9\\x{80}-\\x{10ffff}-]*"
                   "[a-z0-9\\x{80}-\\x{10ffff}])?(\\.[a-z0-9\\x{80}-\\x{10ffff}]"
                   "([a-z0-9\\x{80}-\\x{10ffff}-]*[a-z0-9\\x{80}-\\x{10ffff}])?)*",
                   s);
}

static bool ipv4_ok(const char *s) {
    return re_full("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
                   "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])",
                   s);
}

static bool ipv6_ok(const char *s) {
    unsigned char buf[16];
    if (strchr(s, '%') || strlen(s) > 45)
        return false;
    return inet_pton(AF_INET6, s, buf) == 1;
}

static const char uri_chars[] = "[a-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%\\x{80}-\\x{10ffff}]";

static bool uri_ref_ok(const char *s) {
    char pat[160];
    snprintf(pat, sizeof(pat), "%s*", uri_chars);
    if (!re_full(pat, s))
        return false;
    for (const char *p = strchr(s, '%'); p; p = strchr(p + 1, '%'))
        if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
            return false;
    return true;
}

/* RFC 3986 §3.2: after "//", [userinfo@]host[:port] where an IPv6 host is bracketed, so an
 * unbracketed host has no colon and the port is digits. */
static bool authority_ok(const char *s) {
    const char *a = strstr(s, "://"), *end, *at, *colon;
    if (!a)
        return true;
    a += 3;
    end = a + strcspn(a, "/?#");
    for (at = end; at > a && at[-1] != '@'; at--)
        ;
    if (*at == '[')
        return memchr(at, ']', (size_t)(end - at)) != NULL;
    colon = memchr(at, ':', (size_t)(end - at));
    for (const char *p = colon ? colon + 1 : end; p < end; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

static bool uri_ok(const char *s) {
    return re_full("[a-z][a-z0-9+.-]*:.*", s) && uri_ref_ok(s) && authority_ok(s);
}

static bool template_ok(const char *s) {
    int open = 0;
    for (; *s; s++) {
        if (*s == '{' && open++)
            return false;
        if (*s == '}' && --open < 0)
            return false;
    }
    return open == 0;
}

static bool pointer_ok(const char *s) {
    if (*s && *s != '/')
        return false;
    for (const char *p = strchr(s, '~'); p; p = strchr(p + 1, '~'))
        if (p[1] != '0' && p[1] != '1')
            return false;
    return true;
}

static bool rel_pointer_ok(const char *s) {
    if (!isdigit((unsigned char)*s) || (s[0] == '0' && isdigit((unsigned char)s[1])))
        return false;
    while (isdigit((unsigned char)*s))
        s++;
    return strcmp(s, "#") == 0 || pointer_ok(s);
}

static bool regex_ok(const char *s) {
    char why[8];
    pcre2_code *re = js_regex_compile(s, why, sizeof(why));
    pcre2_code_free(re);
    return re != NULL;
}

static bool duration_ok(const char *s) {
    return re_full("P(([0-9]+D|[0-9]+M([0-9]+D)?|[0-9]+Y([0-9]+M([0-9]+D)?)?)"
                   "(T([0-9]+H([0-9]+M([0-9]+S)?)?|[0-9]+M([0-9]+S)?|[0-9]+S))?"
                   "|T([0-9]+H([0-9]+M([0-9]+S)?)?|[0-9]+M([0-9]+S)?|[0-9]+S)|[0-9]+W)",
                   s) &&
           !strchr(s, 'p') && !strchr(s, 't');
}

static bool uuid_ok(const char *s) {
    return re_full("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", s);
}

typedef struct fmt_row {
    const char *name;
    bool (*ok)(const char *s);
} fmt_row_t;

static const fmt_row_t formats[] = {
    {"date-time", datetime_ok},
    {"date", date_ok},
    {"time", time_ok},
    {"duration", duration_ok},
    {"email", email_ok},
    {"idn-email", idn_email_ok},
    {"hostname", hostname_ok},
    {"idn-hostname", js_idn_hostname_ok},
    {"ipv4", ipv4_ok},
    {"ipv6", ipv6_ok},
    {"uri", uri_ok},
    {"uri-reference", uri_ref_ok},
    {"iri", uri_ok},
    {"iri-reference", uri_ref_ok},
    {"uri-template", template_ok},
    {"uuid", uuid_ok},
    {"regex", regex_ok},
    {"json-pointer", pointer_ok},
    {"relative-json-pointer", rel_pointer_ok},
};

/* RFC 4648 base64 into out (at least 3/4 of n bytes); -1 when not base64. */
static long base64_decode(const char *s, size_t n, unsigned char *out) {
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned acc = 0;
    int bits = 0;
    long k = 0;
    size_t i = 0;
    for (; i < n && s[i] != '='; i++) {
        const char *p = memchr(alpha, s[i], 64);
        if (!p)
            return -1;
        acc = acc << 6 | (unsigned)(p - alpha);
        if ((bits += 6) >= 8)
            out[k++] = (unsigned char)(acc >> (bits -= 8));
    }
    for (; i < n; i++)
        if (s[i] != '=')
            return -1;
    return n % 4 == 0 ? k : -1;
}

bool js_content_valid(const char *encoding, const char *media, const json_t *inst) {
    const char *s = json_string_value(inst);
    size_t n = json_string_length(inst);
    unsigned char *buf = malloc(n + 1);
    long len = (long)n;
    bool ok = buf != NULL;
    if (ok && encoding && strcmp(encoding, "base64") == 0)
        ok = (len = base64_decode(s, n, buf)) >= 0;
    else if (ok)
        memcpy(buf, s, n);
    if (ok && media && strcmp(media, "application/json") == 0) {
        json_t *j = json_loadb((const char *)buf, (size_t)len, JSON_DECODE_ANY, NULL);
        ok = j != NULL;
        json_decref(j);
    }
    free(buf);
    return ok;
}

bool js_format_valid(const char *format, const json_t *inst, int draft) {
    (void)draft;
    if (!json_is_string(inst))
        return true;
    const char *s = json_string_value(inst);
    if (strlen(s) != json_string_length(inst))
        return false; /* an embedded NUL is in no format */
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (strcmp(formats[i].name, format) == 0)
            return formats[i].ok(s);
    return true;
}
