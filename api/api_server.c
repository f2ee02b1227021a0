/* SPDX-License-Identifier: Apache-2.0
 *
 * The libmicrohttpd server: daemon options (thread pool, connection, per-IP, memory and inactivity
 * limits), the per-request context (body up to the limit, total deadline), content negotiation (the
 * media types of Confluent's API reference), dispatch through the route table, and the response.
 * Owns the daemon and the request contexts.
 */
#include "api/api_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cn_text.h"
#include "common/cn_time.h"

struct api_server {
    struct MHD_Daemon *daemon;
    api_config_t cfg;
    reg_registry_t *reg;
    const cn_log_t *log;
    int port;
};

static const char *const api_types[] = {"application/vnd.schemaregistry.v1+json",
                                        "application/vnd.schemaregistry+json", "application/json"};

void api_config_defaults(api_config_t *cfg) {
    memset(cfg, 0, sizeof(*cfg));
    cfg->host = "127.0.0.1";
    cfg->port = 8081;
    cfg->threads = 4;
    cfg->conn_limit = 512;
    cfg->per_ip_limit = 64;
    cfg->idle_timeout_s = 30;
    cfg->conn_memory = 32 * 1024;
    cfg->body_limit = 1024 * 1024;
    cfg->deadline_ms = 30000;
    cfg->search_limit = 1000;
    cfg->cluster_id = "cairn";
}

/* ---- content negotiation ---- */

static size_t media_type(const char *s, char *out, size_t cap, double *q) {
    size_t n = 0, i = 0;
    const char *qp;
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    while (s[i] && s[i] != ';' && s[i] != ',' && s[i] != ' ' && n + 1 < cap)
        out[n++] = s[i++];
    out[n] = '\0';
    *q = 1.0;
    while (s[i] && s[i] != ',')
        i++;
    qp = strstr(s, "q=");
    if (qp && qp < s + i)
        *q = strtod(qp + 2, NULL);
    return s[i] == ',' ? i + 1 : i;
}

static bool content_type_ok(const char *ct) {
    char mt[128];
    double q;
    if (!ct || !*ct)
        return true;
    media_type(ct, mt, sizeof(mt), &q);
    for (size_t i = 0; i < 3; i++)
        if (strcasecmp(mt, api_types[i]) == 0)
            return true;
    return strcasecmp(mt, "application/octet-stream") == 0;
}

/* The response type: the best of ours the client accepts; NULL: 406. */
static const char *negotiate(const char *accept) {
    int best = 99;
    size_t at = 0;
    if (!accept || !*accept)
        return api_types[0];
    while (accept[at]) {
        char mt[128];
        double q;
        at += media_type(accept + at, mt, sizeof(mt), &q);
        if (q <= 0.0)
            continue;
        if (strcmp(mt, "*/*") == 0 || strcasecmp(mt, "application/*") == 0)
            best = 0;
        for (int i = 0; i < 3; i++)
            if (strcasecmp(mt, api_types[i]) == 0 && i < best)
                best = i;
    }
    return best < 3 ? api_types[best] : NULL;
}

/* ---- requests ---- */

static void req_free(api_req_t *req) {
    for (size_t i = 0; i < req->nsegs; i++)
        free(req->segs[i]);
    cn_buf_fini(&req->body);
    free(req);
}

static void pct_decode_inplace(char *s) {
    size_t w = 0;
    for (size_t r = 0; s[r]; r++) {
        int h = s[r] == '%' ? cn_hex_digit(s[r + 1]) : -1;
        int l = h >= 0 ? cn_hex_digit(s[r + 2]) : -1;
        if (l >= 0) { /* %00 would cut the name short: 0x7f keeps it invalid (42208) */
            s[w++] = h * 16 + l ? (char)(h * 16 + l) : (char)0x7f;
            r += 2;
        } else {
            s[w++] = s[r];
        }
    }
    s[w] = '\0';
}

static void split_path(api_req_t *req, const char *url) {
    const char *p = url;
    while (*p) {
        const char *end;
        size_t len;
        char *seg;
        while (*p == '/')
            p++;
        if (!*p)
            break;
        end = strchr(p, '/');
        len = end ? (size_t)(end - p) : strlen(p);
        if (req->nsegs == API_MAX_SEGS || !(seg = malloc(len + 1))) {
            req->bad_path = true; /* too deep: matches no route */
            return;
        }
        memcpy(seg, p, len);
        seg[len] = '\0';
        pct_decode_inplace(seg);
        req->segs[req->nsegs++] = seg;
        p += len;
    }
}

/* Confluent's ContextFilter (in confluentinc/schema-registry): /contexts/{ctx}/subjects/{s}/...,
 * /contexts/{ctx}/compatibility/subjects/{s}/..., /contexts/{ctx}/config and /mode become the
 * same paths on the qualified subject ":{ctx}:{s}" (or the context ":{ctx}:"). */
static void context_prefix(api_req_t *req) {
    size_t subj_at = 0, n = req->nsegs;
    char *q;
    if (n < 3 || req->bad_path || strcmp(req->segs[0], "contexts") != 0)
        return;
    if (strcmp(req->segs[2], "subjects") == 0 && n >= 4)
        subj_at = 3;
    else if (strcmp(req->segs[2], "compatibility") == 0 && n >= 5)
        subj_at = 4;
    else if ((strcmp(req->segs[2], "config") == 0 || strcmp(req->segs[2], "mode") == 0) && n == 3)
        subj_at = 3;
    else
        return;
    if (asprintf(&q, ":%s%s:%s", req->segs[1][0] == '.' ? "" : ".", req->segs[1],
                 subj_at < n ? req->segs[subj_at] : "") < 0)
        return;
    if (subj_at < n)
        free(req->segs[subj_at]);
    else
        req->nsegs++;
    req->segs[subj_at] = q;
    free(req->segs[0]);
    free(req->segs[1]);
    memmove(&req->segs[0], &req->segs[2], (req->nsegs - 2) * sizeof(*req->segs));
    req->nsegs -= 2;
}

/* ---- message framing (RFC 9112 §6.3) ---- */

typedef struct api_framing {
    int content_lengths; /* Content-Length fields */
    bool length_list;    /* one of them is a list ("5, 5") */
    bool chunked;        /* a Transfer-Encoding field */
} api_framing_t;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value) {
    api_framing_t *f = cls;
    (void)kind;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        f->content_lengths++;
        f->length_list |= value && strchr(value, ',') != NULL;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->chunked = true;
    }
    return MHD_YES;
}

/* Several Content-Length fields (or a list) leave the body length to whoever reads which one
 * (request smuggling): answer 400 and close. With Transfer-Encoding the chunked body wins, as
 * the RFC says, and the connection closes after the answer. */
static bool framing_bad(struct MHD_Connection *conn, bool *must_close) {
    api_framing_t f = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count_framing, &f);
    *must_close = f.chunked && f.content_lengths > 0;
    return f.content_lengths > 1 || f.length_list;
}

static enum MHD_Result send_resp(api_req_t *req, api_resp_t *resp, const char *ctype) {
    struct MHD_Response *r;
    enum MHD_Result ret;
    if (!resp->body)
        api_json(resp, resp->status ? resp->status : 500, json_object());
    r = MHD_create_response_from_buffer(resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(resp->body);
        return MHD_NO;
    }
    resp->body = NULL;
    MHD_add_response_header(r, "Content-Type", ctype);
    if (req->must_close)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    ret = MHD_queue_response(req->conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result dispatch(api_req_t *req) {
    api_resp_t resp = {0};
    const char *accept = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Accept");
    const char *ctype = negotiate(accept);
    int status = 404;
    api_handler_fn fn;
    if (!ctype) {
        api_error(&resp, req, CN_ERR_HTTP_NOT_ACCEPTABLE, NULL);
        return send_resp(req, &resp, api_types[0]);
    }
    if (req->body_too_large) {
        char msg[96];
        snprintf(msg, sizeof(msg), "Request body larger than %zu bytes", req->cfg->body_limit);
        api_error(&resp, req, CN_ERR_TOO_LARGE, msg);
    } else if (req->body.len > 0 && !content_type_ok(MHD_lookup_connection_value(
                                        req->conn, MHD_HEADER_KIND, "Content-Type"))) {
        api_error(&resp, req, CN_ERR_HTTP_MEDIA_TYPE, NULL);
    } else if ((fn = api_route_find(req, &status))) {
        fn(req, &resp);
    } else {
        api_error(&resp, req, status == 405 ? CN_ERR_HTTP_METHOD : CN_ERR_HTTP_NOT_FOUND, NULL);
    }
    return send_resp(req, &resp, ctype);
}

static api_req_t *req_new(struct api_server *srv, struct MHD_Connection *conn, const char *url,
                          const char *method) {
    api_req_t *req = calloc(1, sizeof(*req));
    if (!req)
        return NULL;
    req->conn = conn;
    req->cfg = &srv->cfg;
    req->reg = srv->reg;
    req->method = method;
    req->start_ms = cn_mono_ms();
    cn_buf_init(&req->body, srv->cfg.body_limit);
    split_path(req, url);
    context_prefix(req);
    return req;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    struct api_server *srv = cls;
    api_req_t *req = *con_cls;
    (void)version;
    if (!req) {
        if (!(req = req_new(srv, conn, url, method)))
            return MHD_NO;
        *con_cls = req;
        if (framing_bad(conn, &req->must_close)) { /* answered before any body is read */
            api_resp_t resp = {0};
            req->must_close = true;
            api_error(&resp, req, CN_ERR_HTTP_BAD_REQUEST,
                      "Conflicting Content-Length header fields (RFC 9112 section 6.3)");
            return send_resp(req, &resp, api_types[0]);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (cn_mono_ms() - req->start_ms > srv->cfg.deadline_ms) {
            cn_log_warn(srv->log, "request %s %s exceeded the %lld ms deadline: closed", method,
                        url, (long long)srv->cfg.deadline_ms);
            return MHD_NO;
        }
        if (!req->body_too_large &&
            cn_buf_put(&req->body, upload_data, *upload_data_size) != CN_OK) {
            req->body_too_large = true;
            cn_buf_fini(&req->body);
            cn_buf_init(&req->body, 0);
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return dispatch(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)cls;
    (void)conn;
    (void)toe;
    if (*con_cls)
        req_free(*con_cls);
    *con_cls = NULL;
}

static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s) {
    (void)cls;
    (void)c;
    return strlen(s); /* we decode path segments and query values ourselves */
}

static void mhd_log(void *cls, const char *fmt, va_list ap) {
    char line[512];
    size_t n;
    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    cn_log_warn((const cn_log_t *)cls, "http: %s", line);
}

api_server_t *api_server_start(const api_config_t *cfg, reg_registry_t *reg, const cn_log_t *log,
                               cn_error_t *err) {
    api_server_t *srv = calloc(1, sizeof(*srv));
    struct sockaddr_in addr = {0};
    const union MHD_DaemonInfo *info;
    if (!srv) {
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    srv->cfg = *cfg;
    srv->reg = reg;
    srv->log = log;
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)cfg->port);
    if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1) {
        free(srv);
        cn_error_set(err, CN_ERR_INVALID_CONFIG, "http listener: '%s' is not an IPv4 address",
                     cfg->host);
        return NULL;
    }
    srv->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, (uint16_t)cfg->port, NULL, NULL,
        on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, (void *)log, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)cfg->per_ip_limit, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->idle_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->conn_memory,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        srv, MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, srv, MHD_OPTION_END);
    if (!srv->daemon) {
        free(srv);
        cn_error_set(err, CN_ERR_IO, "http listener: cannot listen on %s:%d", cfg->host, cfg->port);
        return NULL;
    }
    info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : cfg->port;
    return srv;
}

int api_server_port(const api_server_t *srv) {
    return srv->port;
}

void api_server_stop(api_server_t *srv) {
    if (!srv)
        return;
    MHD_stop_daemon(srv->daemon);
    free(srv);
}
