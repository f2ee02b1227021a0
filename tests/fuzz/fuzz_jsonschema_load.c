/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for JSON Schema loading (`make fuzz`): any input either fails to parse with
 * an error or loads (stored and normalized text, identity digest), its stored text parses back
 * with the same stored text, and it diffs against itself without a single change, at every
 * level of compat_check.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compat/compat.h"
#include "compat/jsonschema/compat_jsonschema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    compat_parse_opts_t po = {.type = COMPAT_JSON};
    cn_error_t err;
    compat_schema_t *s = compat_schema_parse((const char *)data, size, &po, &err);
    if (!s)
        return 0;
    po.normalize = true;
    compat_schema_t *n = compat_schema_parse((const char *)data, size, &po, &err);
    assert(n && compat_schema_equivalent(s, n));
    uint8_t d[16];
    compat_schema_digest(s, d);
    /* the stored text parses back and is its own stored text (not always an equivalent tree:
     * 1E0 is written 1, which reads back as an integer, as Jackson's would) */
    const char *c = compat_schema_canonical(s);
    po.normalize = false;
    compat_schema_t *again = compat_schema_parse(c, strlen(c), &po, &err);
    assert(again);
    assert(strcmp(compat_schema_canonical(again), c) == 0);
    compat_schema_free(again);
    compat_prev_t prev = {.schema = n, .version = 1};
    compat_report_t *rep = NULL;
    if (compat_check(COMPAT_FULL_TRANSITIVE, s, &prev, 1, &rep, &err) == CN_OK) {
        assert(compat_report_is_compatible(rep));
        compat_report_free(rep);
    }
    compat_schema_free(n);
    compat_schema_free(s);
    return 0;
}
