/* SPDX-License-Identifier: Apache-2.0
 *
 * The in-process mock schema registry of mock_registry.h (libmicrohttpd, internal polling
 * thread). State (schemas by id, subjects with their version lists, fault injection) sits
 * behind one mutex; each mock_registry_t owns everything it holds.
 */
#include "tests/support/mock_registry.h"

#include <jansson.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MR_MAX 4096

typedef struct mr_subject {
    char *name;
    int32_t ids[MR_MAX / 4]; /* version v is ids[v-1] */
    int n;
} mr_subject_t;

struct mock_registry {
    struct MHD_Daemon *d;
    int port;
    char url[64];
    pthread_mutex_t lock;
    char *schemas[MR_MAX]; /* id -> text (ids start at 1) */
    int n_schemas;
    mr_subject_t subjects[64];
    int n_subjects;
    int fail_n, fail_status;
    int delay_ms;
    char *auth;
    char watch[128];
    char last_header[1024];
    char last_req[1024];
    atomic_uint_fast64_t requests;
};

typedef struct mr_conn {
    char *body;
    size_t len;
} mr_conn_t;

static int32_t mr_id_of(mock_registry_t *mr, const char *schema) {
    for (int i = 0; i < mr->n_schemas; i++)
        if (strcmp(mr->schemas[i], schema) == 0)
            return i + 1;
    if (mr->n_schemas == MR_MAX)
        return -1;
    mr->schemas[mr->n_schemas++] = strdup(schema);
    return mr->n_schemas;
}

static mr_subject_t *mr_subject(mock_registry_t *mr, const char *name, int create) {
    for (int i = 0; i < mr->n_subjects; i++)
        if (strcmp(mr->subjects[i].name, name) == 0)
            return &mr->subjects[i];
    if (!create || mr->n_subjects == 64)
        return NULL;
    mr->subjects[mr->n_subjects].name = strdup(name);
    mr->subjects[mr->n_subjects].n = 0;
    return &mr->subjects[mr->n_subjects++];
}

static int mr_version_of(mr_subject_t *s, int32_t id) {
    for (int v = 0; v < s->n; v++)
        if (s->ids[v] == id)
            return v + 1;
    return 0;
}

/* Register under subject; returns id (caller holds the lock). */
static int32_t mr_register(mock_registry_t *mr, const char *subject, const char *schema) {
    int32_t id = mr_id_of(mr, schema);
    mr_subject_t *s = mr_subject(mr, subject, 1);
    if (id > 0 && s && !mr_version_of(s, id) && s->n < MR_MAX / 4)
        s->ids[s->n++] = id;
    return id;
}

int32_t mr_add(mock_registry_t *mr, const char *subject, const char *schema) {
    int32_t id;
    pthread_mutex_lock(&mr->lock);
    id = mr_register(mr, subject, schema);
    pthread_mutex_unlock(&mr->lock);
    return id;
}

static enum MHD_Result mr_send(struct MHD_Connection *c, int status, json_t *body) {
    char *text = json_dumps(body, JSON_COMPACT);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result rc;
    json_decref(body);
    MHD_add_response_header(r, "Content-Type", "application/vnd.schemaregistry.v1+json");
    rc = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result mr_error(struct MHD_Connection *c, int status, int code, const char *msg) {
    return mr_send(c, status, json_pack("{siss}", "error_code", code, "message", msg));
}

static void mr_unescape(char *s) {
    char *o = s;
    for (; *s; s++) {
        unsigned v;
        if (*s == '%' && s[1] && s[2] && sscanf(s + 1, "%2x", &v) == 1) {
            *o++ = (char)v;
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

static enum MHD_Result mr_get_id(mock_registry_t *mr, struct MHD_Connection *c, const char *arg) {
    long id = strtol(arg, NULL, 10);
    json_t *body = NULL;
    pthread_mutex_lock(&mr->lock);
    if (id >= 1 && id <= mr->n_schemas)
        body = json_pack("{ss}", "schema", mr->schemas[id - 1]);
    pthread_mutex_unlock(&mr->lock);
    if (!body)
        return mr_error(c, 404, 40403, "Schema not found");
    return mr_send(c, 200, body);
}

static enum MHD_Result mr_post_subject(mock_registry_t *mr, struct MHD_Connection *c,
                                       const char *subject, int lookup, mr_conn_t *conn) {
    json_t *req = json_loadb(conn->body ? conn->body : "", conn->len, 0, NULL);
    const char *schema = json_string_value(json_object_get(req, "schema"));
    json_t *body = NULL;
    mr_subject_t *s;
    int32_t id;
    if (!schema) {
        json_decref(req);
        return mr_error(c, 422, 42201, "Invalid schema");
    }
    pthread_mutex_lock(&mr->lock);
    if (!lookup) {
        body = json_pack("{si}", "id", mr_register(mr, subject, schema));
    } else if ((s = mr_subject(mr, subject, 0)) != NULL) {
        for (id = 1; id <= mr->n_schemas && strcmp(mr->schemas[id - 1], schema) != 0; id++)
            ;
        if (id <= mr->n_schemas && mr_version_of(s, id))
            body = json_pack("{sssisiss}", "subject", subject, "id", id, "version",
                             mr_version_of(s, id), "schema", schema);
    }
    pthread_mutex_unlock(&mr->lock);
    json_decref(req);
    if (!body)
        return lookup && !mr_subject(mr, subject, 0) ? mr_error(c, 404, 40401, "Subject not found.")
                                                     : mr_error(c, 404, 40403, "Schema not found");
    return mr_send(c, 200, body);
}

static enum MHD_Result mr_latest(mock_registry_t *mr, struct MHD_Connection *c,
                                 const char *subject) {
    json_t *body = NULL;
    mr_subject_t *s;
    pthread_mutex_lock(&mr->lock);
    if ((s = mr_subject(mr, subject, 0)) != NULL && s->n > 0)
        body = json_pack("{sssisiss}", "subject", subject, "id", s->ids[s->n - 1], "version", s->n,
                         "schema", mr->schemas[s->ids[s->n - 1] - 1]);
    pthread_mutex_unlock(&mr->lock);
    if (!body)
        return mr_error(c, 404, 40401, "Subject not found.");
    return mr_send(c, 200, body);
}

static enum MHD_Result mr_route(mock_registry_t *mr, struct MHD_Connection *c, const char *method,
                                const char *url, mr_conn_t *conn) {
    char path[1024], *seg, *rest;
    snprintf(path, sizeof(path), "%s", url);
    if (strcmp(method, "GET") == 0 && strncmp(path, "/schemas/ids/", 13) == 0)
        return mr_get_id(mr, c, path + 13);
    if (strncmp(path, "/subjects/", 10) != 0)
        return mr_error(c, 404, 404, "HTTP 404 Not Found");
    seg = path + 10;
    rest = strchr(seg, '/');
    if (rest)
        *rest++ = '\0';
    mr_unescape(seg);
    if (strcmp(method, "POST") == 0 && !rest)
        return mr_post_subject(mr, c, seg, 1, conn);
    if (strcmp(method, "POST") == 0 && strcmp(rest, "versions") == 0)
        return mr_post_subject(mr, c, seg, 0, conn);
    if (strcmp(method, "GET") == 0 && rest && strcmp(rest, "versions/latest") == 0)
        return mr_latest(mr, c, seg);
    return mr_error(c, 404, 404, "HTTP 404 Not Found");
}

static enum MHD_Result mr_query_cat(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
    char *out = cls;
    size_t n = strlen(out);
    (void)kind;
    snprintf(out + n, 1024 - n, "%s%s=%s", strchr(out, '?') ? "&" : "?", key, value ? value : "");
    return MHD_YES;
}

/* Bookkeeping before routing: counters, last request, watched header, faults, auth. */
static enum MHD_Result mr_gate(mock_registry_t *mr, struct MHD_Connection *c, const char *method,
                               const char *url, int *answered) {
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *w;
    int fail = 0;
    atomic_fetch_add(&mr->requests, 1);
    pthread_mutex_lock(&mr->lock);
    snprintf(mr->last_req, sizeof(mr->last_req), "%s %s", method, url);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, mr_query_cat, mr->last_req);
    w = mr->watch[0] ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, mr->watch) : NULL;
    snprintf(mr->last_header, sizeof(mr->last_header), "%s", w ? w : "");
    if (mr->fail_n > 0) {
        mr->fail_n--;
        fail = mr->fail_status;
    }
    if (!fail && mr->auth && (!auth || strcmp(auth, mr->auth) != 0))
        fail = 401;
    pthread_mutex_unlock(&mr->lock);
    *answered = fail != 0;
    if (fail == 401)
        return mr_error(c, 401, 401, "Unauthorized");
    if (fail)
        return mr_error(c, fail, fail * 100 + 1, "injected failure");
    return MHD_YES;
}

static enum MHD_Result mr_handler(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
    mock_registry_t *mr = cls;
    mr_conn_t *conn = *con_cls;
    int answered = 0, delay;
    enum MHD_Result rc;
    (void)version;
    if (!conn) {
        *con_cls = calloc(1, sizeof(mr_conn_t));
        return *con_cls ? MHD_YES : MHD_NO;
    }
    if (*upload_size) {
        char *nb = realloc(conn->body, conn->len + *upload_size + 1);
        if (!nb)
            return MHD_NO;
        memcpy(nb + conn->len, upload, *upload_size);
        conn->body = nb;
        conn->len += *upload_size;
        nb[conn->len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&mr->lock);
    delay = mr->delay_ms;
    pthread_mutex_unlock(&mr->lock);
    if (delay > 0)
        usleep((useconds_t)delay * 1000);
    rc = mr_gate(mr, c, method, url, &answered);
    if (answered)
        return rc;
    return mr_route(mr, c, method, url, conn);
}

static void mr_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe) {
    mr_conn_t *conn = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (conn) {
        free(conn->body);
        free(conn);
        *con_cls = NULL;
    }
}

/* Keep the URL escaped: routes split on '/' first and unescape each segment after. */
static size_t mr_no_unescape(void *cls, struct MHD_Connection *c, char *uri) {
    (void)cls;
    (void)c;
    return strlen(uri);
}

static mock_registry_t *mr_launch(const char *cert, const char *key, const char *host) {
    mock_registry_t *mr = calloc(1, sizeof(*mr));
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD; /* failed handshakes are expected: quiet */
    if (!mr)
        return NULL;
    pthread_mutex_init(&mr->lock, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (cert)
        mr->d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, mr_handler, mr,
                                 MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, mr_done,
                                 NULL, MHD_OPTION_UNESCAPE_CALLBACK, mr_no_unescape, NULL,
                                 MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_HTTPS_MEM_CERT, cert,
                                 MHD_OPTION_END);
    else
        mr->d =
            MHD_start_daemon(flags, 0, NULL, NULL, mr_handler, mr, MHD_OPTION_SOCK_ADDR, &sa,
                             MHD_OPTION_NOTIFY_COMPLETED, mr_done, NULL,
                             MHD_OPTION_UNESCAPE_CALLBACK, mr_no_unescape, NULL, MHD_OPTION_END);
    info = mr->d ? MHD_get_daemon_info(mr->d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info) {
        mr_stop(mr);
        return NULL;
    }
    mr->port = info->port;
    snprintf(mr->url, sizeof(mr->url), "%s://%s:%d", cert ? "https" : "http", host, mr->port);
    return mr;
}

mock_registry_t *mr_start(void) {
    return mr_launch(NULL, NULL, "127.0.0.1");
}

mock_registry_t *mr_start_tls(const char *cert_pem, const char *key_pem, const char *host) {
    return mr_launch(cert_pem, key_pem, host);
}

void mr_stop(mock_registry_t *mr) {
    if (!mr)
        return;
    if (mr->d)
        MHD_stop_daemon(mr->d);
    for (int i = 0; i < mr->n_schemas; i++)
        free(mr->schemas[i]);
    for (int i = 0; i < mr->n_subjects; i++)
        free(mr->subjects[i].name);
    free(mr->auth);
    pthread_mutex_destroy(&mr->lock);
    free(mr);
}

const char *mr_url(const mock_registry_t *mr) {
    return mr->url;
}

int mr_port(const mock_registry_t *mr) {
    return mr->port;
}

uint64_t mr_requests(mock_registry_t *mr) {
    return atomic_load(&mr->requests);
}

void mr_fail_next(mock_registry_t *mr, int n, int status) {
    pthread_mutex_lock(&mr->lock);
    mr->fail_n = n;
    mr->fail_status = status;
    pthread_mutex_unlock(&mr->lock);
}

void mr_delay(mock_registry_t *mr, int ms) {
    pthread_mutex_lock(&mr->lock);
    mr->delay_ms = ms;
    pthread_mutex_unlock(&mr->lock);
}

void mr_require_auth(mock_registry_t *mr, const char *value) {
    pthread_mutex_lock(&mr->lock);
    free(mr->auth);
    mr->auth = value ? strdup(value) : NULL;
    pthread_mutex_unlock(&mr->lock);
}

void mr_watch_header(mock_registry_t *mr, const char *name) {
    pthread_mutex_lock(&mr->lock);
    snprintf(mr->watch, sizeof(mr->watch), "%s", name ? name : "");
    pthread_mutex_unlock(&mr->lock);
}

void mr_last_header(mock_registry_t *mr, char *out, size_t cap) {
    pthread_mutex_lock(&mr->lock);
    snprintf(out, cap, "%s", mr->last_header);
    pthread_mutex_unlock(&mr->lock);
}

void mr_last_request(mock_registry_t *mr, char *out, size_t cap) {
    pthread_mutex_lock(&mr->lock);
    snprintf(out, cap, "%s", mr->last_req);
    pthread_mutex_unlock(&mr->lock);
}
