/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for the .proto parser (`make fuzz`): any input either fails with an error or
 * parses into a schema whose canonical and normalized texts parse again, whose serialized
 * descriptor parses again, whose diff against itself and against its normalized form runs, and
 * which breaks none of buf's rule categories against itself.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/compat_protobuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static compat_pb_schema_t *again(const char *text) {
    compat_pb_schema_t *s = NULL;
    cn_error_t err;
    if (text && compat_pb_parse(text, strlen(text), NULL, 0, &s, &err) != CN_OK)
        s = NULL;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    compat_pb_schema_t *s = NULL, *n, *d;
    compat_pb_diffs_t diffs = {0};
    cn_error_t err;
    if (compat_pb_parse((const char *)data, size, NULL, 0, &s, &err) != CN_OK)
        return 0;
    n = again(compat_pb_normalized(s, &err));
    char *ser = compat_pb_serialized(s, &err);
    d = again(ser);
    if (compat_pb_compare(s, s, &diffs, &err) == CN_OK && diffs.n != 0)
        abort(); /* a schema differs from itself */
    compat_pb_diffs_fini(&diffs);
    if (n && compat_pb_compare(s, n, &diffs, &err) == CN_OK)
        compat_pb_diffs_fini(&diffs);
    for (int r = COMPAT_PB_RULES_WIRE; r <= COMPAT_PB_RULES_FILE; r++) {
        compat_pb_findings_t f = {0};
        if (compat_pb_breaking(s, s, (compat_pb_rules_t)r, &f, &err) == CN_OK && f.n != 0)
            abort(); /* buf's rules find a schema breaking itself */
        compat_pb_findings_fini(&f);
        if (d && compat_pb_breaking(s, d, (compat_pb_rules_t)r, &f, &err) == CN_OK)
            compat_pb_findings_fini(&f);
    }
    compat_pb_schema_t *c = again(compat_pb_canonical(s));
    if (!c)
        abort(); /* the stored text must parse back */
    compat_pb_schema_free(c);
    compat_pb_schema_free(n);
    compat_pb_schema_free(d);
    free(ser);
    compat_pb_schema_free(s);
    return 0;
}
