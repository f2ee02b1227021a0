/* SPDX-License-Identifier: Apache-2.0
 *
 * Small text scanners shared by the parsers: the nesting depth of JSON text, measured without
 * recursion before any recursive parser (Jansson) sees it, and hex digits.
 */
#ifndef CN_TEXT_H
#define CN_TEXT_H

#include <stddef.h>

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

#endif
