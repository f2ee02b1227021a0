/* SPDX-License-Identifier: Apache-2.0
 *
 * Avro name validation as Apache Avro Java applies it (Schema.validateName): the first character
 * a letter or '_', the others letters, digits or '_', where letters and digits are Unicode ones
 * (Java's Character.isLetter / isLetterOrDigit on UTF-16 units, so characters beyond the BMP are
 * refused). Non-ASCII characters are classified with the C.UTF-8 locale, created on first need
 * by the caller's context (no global locale is touched).
 */
#include <string.h>
#include <wctype.h>

#include "compat/avro/avro_int.h"

static bool ascii_ok(unsigned char ch, bool first) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
           (!first && ch >= '0' && ch <= '9');
}

/* Decode one UTF-8 sequence (the text is valid UTF-8: Jansson checked it). */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp) {
    size_t len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
    unsigned v = s[0] & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        v = (v << 6) | (s[i] & 0x3f);
    *cp = v;
    return len;
}

static bool unicode_ok(unsigned cp, bool first, compat_avro_names_t *nm) {
    if (cp > 0xffff)
        return false;
    if (!nm->loc && !nm->tried) {
        nm->tried = true;
        nm->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    }
    if (!nm->loc)
        return false;
    return first ? iswalpha_l((wint_t)cp, nm->loc) : iswalnum_l((wint_t)cp, nm->loc);
}

bool compat_avro_valid_part(const char *s, size_t n, compat_avro_names_t *nm) {
    const unsigned char *p = (const unsigned char *)s;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t len;
        if (p[i] < 0x80) {
            if (!ascii_ok(p[i], i == 0))
                return false;
            i++;
            continue;
        }
        if ((len = utf8_next(p + i, n - i, &cp)) == 0 || !unicode_ok(cp, i == 0, nm))
            return false;
        i += len;
    }
    return true;
}

bool compat_avro_valid_dotted(const char *s, compat_avro_names_t *nm) {
    for (const char *p = s;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (!compat_avro_valid_part(p, n, nm))
            return false;
        if (!dot)
            return true;
        p = dot + 1;
    }
}

void compat_avro_names_fini(compat_avro_names_t *nm) {
    if (nm->loc)
        freelocale(nm->loc);
    nm->loc = (locale_t)0;
}
