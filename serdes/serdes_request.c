/* SPDX-License-Identifier: Apache-2.0
 *
 * cairn_registry_request: one arbitrary registry request through the handle's settings (URLs
 * with fail-over, auth, TLS, timeouts, retries), for tools such as the `cairn` command line
 * that speak the whole REST API. Uses its own transport per call; owns nothing between calls.
 */
#include <stdlib.h>
#include <string.h>

#include "common/cn_buf.h"
#include "serdes/serdes_api_int.h"

#define SERDES_REQUEST_MAX_BODY (64u * 1024 * 1024)

cairn_err_t cairn_registry_request(cairn_serdes_t *sd, const char *method, const char *path,
                                   const char *body, char **body_out, cairn_error_t *err) {
    serdes_err_t e = {0};
    cn_buf_t out;
    serdes_http_t *h;
    cn_err_t rc;
    if (!sd || !method || !path || path[0] != '/' || !body_out) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "cairn_registry_request: bad arguments");
        return serdes_edge(&e, err);
    }
    *body_out = NULL;
    if (!(h = serdes_http_new(&sd->s))) {
        serdes_err_set(&e, CN_ERR_NO_MEMORY, "out of memory");
        return serdes_edge(&e, err);
    }
    cn_buf_init(&out, SERDES_REQUEST_MAX_BODY);
    rc = serdes_http_request(h, method, path, body, &out, &e);
    if (rc == CN_OK) {
        const char *text = cn_buf_cstr(&out);
        if (!text || !(*body_out = strdup(text)))
            rc = serdes_err_set(&e, CN_ERR_NO_MEMORY, "out of memory");
    }
    cn_buf_fini(&out);
    serdes_http_free(h);
    if (rc == CN_OK) {
        serdes_edge_ok(err);
        return CAIRN_OK;
    }
    return serdes_edge(&e, err);
}
