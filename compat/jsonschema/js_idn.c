/* SPDX-License-Identifier: Apache-2.0
 *
 * The "idn-hostname" format (JSON Schema Validation 2020-12 §7.3.3): IDNA2008 labels, a
 * feasible subset of RFC 5890-5892. Labels split at the four dots of RFC 3490 §3.1; an ASCII
 * label follows the LDH rule (RFC 5890 §2.3.1: letters, digits, hyphen, no hyphen first or last,
 * no "--" in the 3rd and 4th positions unless it is an A-label "xn--" whose Punycode (RFC 3492)
 * decodes to a valid U-label); a U-label does not begin with a combining mark (RFC 5891
 * §4.2.3.2), holds none of the DISALLOWED exceptions of RFC 5892 §2.6, and meets the CONTEXTJ /
 * CONTEXTO rules of RFC 5892 Appendix A (ZWNJ, ZWJ, MIDDLE DOT, Greek KERAIA, Hebrew GERESH /
 * GERSHAYIM, KATAKANA MIDDLE DOT, Arabic-Indic digits); a U-label's A-label fits in 63 octets.
 * Not checked: the full derived property table of RFC 5892 (so most symbols and unassigned code
 * points pass), NFC, and the Bidi rule (RFC 5893).
 */
#include <stdint.h>
#include <string.h>

#include "compat/jsonschema/js_int.h"

#define MAX_LABEL 63

typedef struct range {
    uint32_t lo, hi;
} range_t;

static bool in(const range_t *r, size_t n, uint32_t c) {
    for (size_t i = 0; i < n; i++)
        if (c >= r[i].lo && c <= r[i].hi)
            return true;
    return false;
}

#define IN(table, c) in(table, sizeof(table) / sizeof(table[0]), c)

/* General category M (Mn, Mc, Me) in the scripts a host name commonly uses. */
static const range_t marks[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
    {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
    {0x06D6, 0x06DC}, {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0900, 0x0903},
    {0x093A, 0x093C}, {0x093E, 0x094F}, {0x0951, 0x0957}, {0x0962, 0x0963}, {0x0981, 0x0983},
    {0x09BC, 0x09BC}, {0x09BE, 0x09CD}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},
    {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x20D0, 0x20FF}, {0x302A, 0x302F}, {0x3099, 0x309A},
    {0xFE20, 0xFE2F}};
/* Canonical combining class 9 (virama). */
static const range_t viramas[] = {
    {0x094D, 0x094D}, {0x09CD, 0x09CD}, {0x0A4D, 0x0A4D}, {0x0ACD, 0x0ACD}, {0x0B4D, 0x0B4D},
    {0x0BCD, 0x0BCD}, {0x0C4D, 0x0C4D}, {0x0CCD, 0x0CCD}, {0x0D3B, 0x0D3C}, {0x0D4D, 0x0D4D},
    {0x0DCA, 0x0DCA}, {0x0E3A, 0x0E3A}, {0x0F84, 0x0F84}, {0x1039, 0x103A}, {0x1714, 0x1714},
    {0x1734, 0x1734}, {0x17D2, 0x17D2}, {0x1A60, 0x1A60}, {0x1B44, 0x1B44}, {0x1BAA, 0x1BAB},
    {0xA806, 0xA806}, {0xA8C4, 0xA8C4}, {0xA953, 0xA953}, {0xA9C0, 0xA9C0}, {0xABED, 0xABED}};
/* RFC 5892 §2.6 exceptions that are DISALLOWED. */
static const range_t disallowed[] = {
    {0x0640, 0x0640}, {0x07FA, 0x07FA}, {0x302E, 0x302F}, {0x3031, 0x3035}, {0x303B, 0x303B}};
/* Dual- and left-joining Arabic letters (Joining_Type D or L), for the ZWNJ rule. */
static const range_t joining[] = {
    {0x0626, 0x0626}, {0x0628, 0x0628}, {0x062A, 0x062E}, {0x0633, 0x063F}, {0x0641, 0x0647},
    {0x0649, 0x064A}, {0x066E, 0x066F}, {0x0678, 0x0687}, {0x069A, 0x06BF}, {0x06C1, 0x06C2},
    {0x06CC, 0x06CC}, {0x06CE, 0x06CE}, {0x06D0, 0x06D1}, {0x06FA, 0x06FC}, {0x06FF, 0x06FF}};
/* Right-joining too (Joining_Type R): the letter after a ZWNJ may be either. */
static const range_t rjoining[] = {{0x0622, 0x0625}, {0x0627, 0x0627}, {0x0629, 0x0629},
                                   {0x062F, 0x0632}, {0x0648, 0x0648}, {0x0671, 0x0677},
                                   {0x0688, 0x0699}, {0x06C0, 0x06C0}, {0x06C3, 0x06CB},
                                   {0x06CD, 0x06CD}, {0x06CF, 0x06CF}, {0x06D2, 0x06D3}};
static const range_t kana_han[] = {
    {0x3005, 0x3007}, {0x3021, 0x3029}, {0x3038, 0x303B}, {0x3041, 0x309F}, {0x30A0, 0x30FA},
    {0x30FC, 0x30FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x2FA1F}};

/* One code point from s (advanced), or -1 on a malformed sequence. */
static long utf8_next(const unsigned char **s) {
    const unsigned char *p = *s;
    unsigned n = p[0] < 0x80 ? 0 : p[0] >= 0xF0 ? 3 : p[0] >= 0xE0 ? 2 : p[0] >= 0xC2 ? 1 : 9;
    uint32_t c = n == 0 ? p[0] : p[0] & (0x3F >> n);
    if (n > 3)
        return -1;
    for (unsigned i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return -1;
        c = c << 6 | (p[i] & 0x3F);
    }
    *s = p + n + 1;
    return c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) ? -1 : (long)c;
}

static bool is_dot(uint32_t c) {
    return c == '.' || c == 0x3002 || c == 0xFF0E || c == 0xFF61;
}

/* RFC 3492 §6.1: the bias after a delta. */
static uint32_t adapt(uint32_t delta, uint32_t npoints, bool first) {
    uint32_t k = 0;
    delta = first ? delta / 700 : delta / 2;
    delta += delta / npoints;
    for (; delta > 455; k += 36) /* ((base - tmin) * tmax) / 2 */
        delta /= 35;
    return k + 36 * delta / (delta + 38);
}

static uint32_t digit(char ch) {
    return ch >= 'a' && ch <= 'z'   ? (uint32_t)(ch - 'a')
           : ch >= 'A' && ch <= 'Z' ? (uint32_t)(ch - 'A')
           : ch >= '0' && ch <= '9' ? (uint32_t)(ch - '0' + 26)
                                    : 36;
}

/* One generalized variable-length integer (§3.3) from *p, added to *i; false when malformed. */
static bool read_delta(const char **p, const char *end, uint32_t bias, uint32_t *i) {
    uint32_t w = 1;
    for (uint32_t k = 36;; k += 36) {
        uint32_t d = *p < end ? digit(*(*p)++) : 36, t;
        if (d >= 36 || d > (UINT32_MAX - *i) / w)
            return false;
        *i += d * w;
        t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
        if (d < t)
            return true;
        if (w > UINT32_MAX / (36 - t))
            return false;
        w *= 36 - t;
    }
}

/* RFC 3492 §6.2: decode the Punycode of an A-label (after "xn--") into out[MAX_LABEL]. */
static bool punycode_decode(const char *in, size_t n, uint32_t *out, size_t *nout) {
    const char *dash = NULL, *p, *end = in + n;
    size_t k = 0;
    uint32_t code = 128, bias = 72, i = 0;
    bool first = true;
    for (p = in; p < end; p++)
        if (*p == '-')
            dash = p;
    for (p = in; dash && p < dash; p++) {
        if ((unsigned char)*p >= 0x80 || k >= MAX_LABEL)
            return false;
        out[k++] = (unsigned char)*p;
    }
    for (p = dash ? dash + 1 : in; p < end;) {
        uint32_t old = i, len = (uint32_t)k + 1;
        if (!read_delta(&p, end, bias, &i))
            return false;
        bias = adapt(i - old, len, first);
        first = false;
        if (i / len > 0x10FFFF - code || k >= MAX_LABEL)
            return false;
        code += i / len;
        i %= len;
        memmove(out + i + 1, out + i, (k - i) * sizeof(*out));
        out[i++] = code;
        k++;
    }
    *nout = k;
    return k > 0;
}

/* RFC 3492 §6.3: the length of the Punycode of l[0..n) (the A-label is 4 more, "xn--"). */
static size_t punycode_len(const uint32_t *l, size_t n) {
    size_t b = 0, h, out;
    uint32_t code = 128, bias = 72;
    uint64_t delta = 0;
    for (size_t i = 0; i < n; i++)
        b += l[i] < 0x80;
    out = b + (b > 0);
    for (h = b; h < n; delta++, code++) {
        uint32_t m = UINT32_MAX;
        for (size_t i = 0; i < n; i++)
            if (l[i] >= code && l[i] < m)
                m = l[i];
        delta += (uint64_t)(m - code) * (h + 1);
        code = m;
        for (size_t i = 0; i < n; i++) {
            if (l[i] < code)
                delta++;
            if (l[i] != code)
                continue;
            uint64_t q = delta;
            for (uint32_t k = 36;; k += 36, out++) {
                uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
                if (q < t)
                    break;
                q = (q - t) / (36 - t);
            }
            out++;
            bias =
                adapt((uint32_t)(delta > UINT32_MAX ? UINT32_MAX : delta), (uint32_t)h + 1, h == b);
            delta = 0;
            h++;
        }
    }
    return out;
}

static bool ldh(uint32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

static bool has(const uint32_t *l, size_t n, uint32_t lo, uint32_t hi) {
    for (size_t i = 0; i < n; i++)
        if (l[i] >= lo && l[i] <= hi)
            return true;
    return false;
}

/* RFC 5892 Appendix A, at position i of the label. */
static bool context_ok(const uint32_t *l, size_t n, size_t i) {
    uint32_t c = l[i], before = i ? l[i - 1] : 0, after = i + 1 < n ? l[i + 1] : 0;
    switch (c) {
    case 0x200C: /* A.1: after a virama, or between joining letters */
        return IN(viramas, before) ||
               (IN(joining, before) && (IN(joining, after) || IN(rjoining, after)));
    case 0x200D: /* A.2 */
        return IN(viramas, before);
    case 0x00B7: /* A.3 */
        return before == 'l' && after == 'l';
    case 0x0375: /* A.4: Greek follows */
        return (after >= 0x0370 && after <= 0x03FF) || (after >= 0x1F00 && after <= 0x1FFF);
    case 0x05F3: /* A.5, A.6: Hebrew precedes */
    case 0x05F4:
        return before >= 0x0590 && before <= 0x05FF;
    case 0x30FB: { /* A.7: some Hiragana, Katakana or Han in the label */
        for (size_t k = 0; k < n; k++)
            if (IN(kana_han, l[k]))
                return true;
        return false;
    }
    default: /* A.8, A.9: the two sets of Arabic-Indic digits do not mix */
        if (c >= 0x0660 && c <= 0x0669)
            return !has(l, n, 0x06F0, 0x06F9);
        if (c >= 0x06F0 && c <= 0x06F9)
            return !has(l, n, 0x0660, 0x0669);
        return true;
    }
}

/* RFC 5891 §4.2.3: hyphens, leading mark, code points, contexts; a U-label's A-label fits in
 * 63 octets (RFC 5890 §2.3.2.1). */
static bool label_ok(const uint32_t *l, size_t n, bool ascii) {
    if (n == 0 || n > MAX_LABEL || l[0] == '-' || l[n - 1] == '-')
        return false;
    if (!ascii && 4 + punycode_len(l, n) > MAX_LABEL)
        return false;
    if (n >= 4 && l[2] == '-' && l[3] == '-')
        return false;
    if (IN(marks, l[0]))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (ascii && !ldh(l[i]))
            return false;
        if ((l[i] < 0x80 && !ldh(l[i])) || IN(disallowed, l[i]) || !context_ok(l, n, i))
            return false;
    }
    return true;
}

static bool alabel_ok(const uint32_t *l, size_t n) {
    char a[MAX_LABEL + 1];
    uint32_t u[MAX_LABEL];
    size_t nu = 0;
    if (n > MAX_LABEL)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!ldh(l[i]))
            return false;
        a[i] = (char)l[i];
    }
    if (n < 5 || l[n - 1] == '-' || !punycode_decode(a + 4, n - 4, u, &nu))
        return false;
    return has(u, nu, 0x80, 0x10FFFF) && label_ok(u, nu, false);
}

static bool is_alabel(const uint32_t *l, size_t n) {
    return n >= 4 && (l[0] | 0x20) == 'x' && (l[1] | 0x20) == 'n' && l[2] == '-' && l[3] == '-';
}

bool js_idn_hostname_ok(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    uint32_t l[MAX_LABEL + 1];
    size_t n = 0, total = 0;
    bool ascii = true;
    for (;;) {
        long c = *p ? utf8_next(&p) : -2;
        if (c == -1)
            return false;
        if (c == -2 || is_dot((uint32_t)c)) {
            if (n == 0 && !(c == -2 && total > 0))
                return false; /* an empty label (a single trailing dot is fine) */
            if (n > 0 && !(is_alabel(l, n) ? alabel_ok(l, n) : label_ok(l, n, ascii)))
                return false;
            if (c == -2)
                return total <= 253;
            n = 0, ascii = true;
            total++;
            continue;
        }
        if (n > MAX_LABEL - 4 && c >= 0x80)
            return false; /* its A-label would exceed 63 octets */
        if (n > MAX_LABEL)
            return false;
        l[n++] = (uint32_t)c;
        ascii = ascii && c < 0x80;
        total++;
    }
}
