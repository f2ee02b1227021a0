/* SPDX-License-Identifier: Apache-2.0
 *
 * Small text scanners shared by the parsers: the nesting depth of JSON text, measured without
 * recursion before any recursive parser (Jansson) sees it, hex digits, percent-decoding, and
 * UTF-8 well-formedness (names that arrive percent-encoded are bytes, not yet text), GUIDs as
 * text (RFC 9562 §4), and formatting into a new string.
 */
#ifndef CN_TEXT_H
#define CN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief Deepest nesting of `[` and `{` in JSON text, not counting brackets inside strings.
 *  Stops at the first bracket that goes beyond limit and returns limit + 1, with *at (may be
 *  NULL) set to its byte offset. No allocation, no recursion; malformed JSON is measured as well
 *  as it can be (the parser that follows rejects it). */
int cn_json_depth(const char *text, size_t len, int limit, size_t *at);
/** @brief 0..15 for a hex digit (either case), -1 otherwise. */
int cn_hex_digit(char c);
/** @brief URL percent-decoding of in[0..len) into out (cap bytes including the NUL written
 *  after the text; longer output is cut). A `%` not followed by two hex digits stays as it is.
 *  @returns the length written. */
size_t cn_percent_decode(const char *in, size_t len, char *out, size_t cap);
/** @brief Whether s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 *  nothing above U+10FFFF). NUL bytes are well-formed. */
bool cn_utf8_valid(const char *s, size_t len);
/** @brief Copy the NUL-terminated s into out (cap bytes including the final NUL; longer text is
 *  cut on a character boundary), each byte that is not part of well-formed UTF-8 replaced by
 *  '?', so that the copy can go into JSON. @returns the length written. */
size_t cn_utf8_scrub(const char *s, char *out, size_t cap);
/** Length of a GUID in its text form (RFC 9562 §4: 8-4-4-4-12 hex digits), without the NUL. */
#define CN_GUID_TEXT_LEN 36
/** @brief The 16 bytes of guid as lowercase 8-4-4-4-12 hex text, NUL-terminated. */
void cn_guid_format(const uint8_t guid[16], char out[CN_GUID_TEXT_LEN + 1]);
/** @brief Parse s[0..len): 36 characters with dashes or 32 hex digits without, either case.
 *  @returns false (out partly written) on anything else. */
bool cn_guid_parse(const char *s, size_t len, uint8_t out[16]);
/** @brief printf into a new string (owned; free). NULL without memory. */
char *cn_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
