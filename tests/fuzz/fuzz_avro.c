/* SPDX-License-Identifier: Apache-2.0
 *
 * libFuzzer target for the Avro schema parser (`make fuzz`): any input either fails to parse
 * with an error or parses into a model that every printer and the checker (against itself)
 * handle.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/cn_buf.h"
#include "compat/avro/compat_avro.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    compat_avro_schema_t *s = NULL;
    cn_error_t err;
    cn_buf_t b;
    compat_avro_result_t res = {0};
    if (compat_avro_parse((const char *)data, size, NULL, 0, &s, &err) != CN_OK)
        return 0;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    compat_avro_print_canonical(s, &b, &err);
    cn_buf_reset(&b);
    compat_avro_print_normalized(s, &b, &err);
    cn_buf_reset(&b);
    compat_avro_print_pcf(s, &b, &err);
    cn_buf_fini(&b);
    if (compat_avro_check(compat_avro_root(s), compat_avro_root(s), &res, &err) == CN_OK)
        compat_avro_result_fini(&res);
    compat_avro_schema_free(s);
    return 0;
}
