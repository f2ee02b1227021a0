/* SPDX-License-Identifier: Apache-2.0
 *
 * Helpers shared by the `cairn` subcommands: reading input files with a size limit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clients/cli.h"

cn_err_t cli_read_file(const char *path, size_t limit, char **out, size_t *len_out,
                       cn_error_t *err) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    cn_err_t rc = CN_OK;
    if (!f)
        return cn_error_set(err, CN_ERR_IO, "%s: %s", path, strerror(errno));
    for (;;) {
        if (len + 4096 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (len > limit) {
            rc = cn_error_set(err, CN_ERR_TOO_LARGE, "%s: larger than %zu bytes", path, limit);
            break;
        }
        if (n == 0) {
            if (ferror(f))
                rc = cn_error_set(err, CN_ERR_IO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (rc != CN_OK) {
        free(buf);
        return rc;
    }
    buf[len] = 0;
    *out = buf;
    *len_out = len;
    return CN_OK;
}
