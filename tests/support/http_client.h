/* SPDX-License-Identifier: Apache-2.0
 *
 * A minimal blocking HTTP/1.1 client for tests on loopback: one request per connection
 * ("Connection: close"), the whole response read into memory.
 */
#ifndef HTTP_CLIENT_H
#define HTTP_CLIENT_H

#include <stddef.h>

typedef struct tu_http_resp {
    int status;
    char *headers; /* raw header block, owned */
    char *body;    /* NUL-terminated, owned */
    size_t body_len;
} tu_http_resp_t;

/** @brief Send method path with optional extra header lines ("K: v\r\n...") and body.
 *  @returns 0, or -1 when the connection failed (resp->status 0). */
int tu_http(int port, const char *method, const char *path, const char *extra_headers,
            const char *body, size_t body_len, tu_http_resp_t *resp);
void tu_http_resp_free(tu_http_resp_t *resp);

#endif
