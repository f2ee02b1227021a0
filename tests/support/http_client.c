/* SPDX-License-Identifier: Apache-2.0
 *
 * The test HTTP client of http_client.h: real sockets on 127.0.0.1.
 */
#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cn_buf.h"
#include "common/cn_fs.h"

static int connect_port(int port) {
    struct sockaddr_in a = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void parse_resp(cn_buf_t *in, tu_http_resp_t *resp) {
    const char *all = cn_buf_cstr(in);
    const char *sep = all ? strstr(all, "\r\n\r\n") : NULL;
    if (!all || !sep)
        return;
    sscanf(all, "HTTP/1.%*d %d", &resp->status);
    resp->headers = strndup(all, (size_t)(sep - all));
    resp->body_len = in->len - (size_t)(sep + 4 - all);
    resp->body = malloc(resp->body_len + 1);
    memcpy(resp->body, sep + 4, resp->body_len);
    resp->body[resp->body_len] = '\0';
}

int tu_http(int port, const char *method, const char *path, const char *extra_headers,
            const char *body, size_t body_len, tu_http_resp_t *resp) {
    cn_buf_t req, in;
    char chunk[65536];
    ssize_t n;
    int fd = connect_port(port);
    memset(resp, 0, sizeof(*resp));
    if (fd < 0)
        return -1;
    cn_buf_init(&req, CN_BUF_NO_LIMIT);
    cn_buf_init(&in, CN_BUF_NO_LIMIT);
    cn_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s", method,
                  path, extra_headers ? extra_headers : "");
    if (body)
        cn_buf_printf(&req, "Content-Length: %zu\r\n", body_len);
    cn_buf_put_str(&req, "\r\n");
    if (body)
        cn_buf_put(&req, body, body_len);
    cn_fs_write_all(fd, req.data, req.len, NULL);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        cn_buf_put(&in, chunk, (size_t)n);
    close(fd);
    parse_resp(&in, resp);
    cn_buf_fini(&req);
    cn_buf_fini(&in);
    return resp->status ? 0 : -1;
}

void tu_http_resp_free(tu_http_resp_t *resp) {
    free(resp->headers);
    free(resp->body);
    memset(resp, 0, sizeof(*resp));
}
