/* SPDX-License-Identifier: Apache-2.0
 *
 * The registry HTTP transport (serdes_http_int.h): libcurl easy handles in a small pool (keep-alive
 * across requests), URL fail-over, retry rounds with capped exponential backoff and jitter, and
 * Confluent error bodies. Owns the pool and the counters.
 */
#include "serdes/serdes_http_int.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SERDES_HTTP_POOL  8
#define SERDES_USER_AGENT "libcairn-serdes/" CAIRN_SERDES_VERSION_STR

struct serdes_http {
    const serdes_settings_t *s;
    struct curl_slist *headers;      /* Accept, User-Agent, bearer, extra headers */
    struct curl_slist *headers_body; /* the same plus Content-Type */
    pthread_mutex_t lock;            /* guards pool and seed */
    CURL *pool[SERDES_HTTP_POOL];
    size_t n_pool;
    unsigned seed;
    atomic_size_t preferred; /* index of the URL that answered last */
    atomic_uint_fast64_t requests, failures;
};

cn_err_t serdes_err_set(serdes_err_t *err, cn_err_t code, const char *fmt, ...) {
    va_list ap;
    err->http_status = 0;
    err->error_code = 0;
    va_start(ap, fmt);
    cn_error_vset(&err->e, code, fmt, ap);
    va_end(ap);
    return code;
}

static struct curl_slist *serdes_http_base_headers(const serdes_settings_t *s, bool body) {
    struct curl_slist *l = NULL, *t;
    char line[8192];
    l = curl_slist_append(l, "Accept: application/vnd.schemaregistry.v1+json, "
                             "application/vnd.schemaregistry+json, application/json");
    if (l && body &&
        (t = curl_slist_append(l, "Content-Type: application/vnd.schemaregistry.v1+json")))
        l = t;
    if (l && s->bearer_token) {
        snprintf(line, sizeof(line), "Authorization: Bearer %s", s->bearer_token);
        if ((t = curl_slist_append(l, line)) != NULL)
            l = t;
    }
    for (size_t i = 0; l && i < s->n_headers; i++)
        if ((t = curl_slist_append(l, s->headers[i])) != NULL)
            l = t;
    return l;
}

serdes_http_t *serdes_http_new(const serdes_settings_t *s) {
    serdes_http_t *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->s = s;
    h->headers = serdes_http_base_headers(s, false);
    h->headers_body = serdes_http_base_headers(s, true);
    h->seed = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)h;
    pthread_mutex_init(&h->lock, NULL);
    if (!h->headers || !h->headers_body) {
        serdes_http_free(h);
        return NULL;
    }
    return h;
}

void serdes_http_free(serdes_http_t *h) {
    if (!h)
        return;
    for (size_t i = 0; i < h->n_pool; i++)
        curl_easy_cleanup(h->pool[i]);
    curl_slist_free_all(h->headers);
    curl_slist_free_all(h->headers_body);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

uint64_t serdes_http_requests(const serdes_http_t *h) {
    return atomic_load(&h->requests);
}

uint64_t serdes_http_failures(const serdes_http_t *h) {
    return atomic_load(&h->failures);
}

static CURL *serdes_http_take(serdes_http_t *h) {
    CURL *c = NULL;
    pthread_mutex_lock(&h->lock);
    if (h->n_pool)
        c = h->pool[--h->n_pool];
    pthread_mutex_unlock(&h->lock);
    if (c)
        curl_easy_reset(c);
    else
        c = curl_easy_init();
    return c;
}

static void serdes_http_give(serdes_http_t *h, CURL *c) {
    pthread_mutex_lock(&h->lock);
    if (h->n_pool < SERDES_HTTP_POOL) {
        h->pool[h->n_pool++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&h->lock);
    if (c)
        curl_easy_cleanup(c);
}

static size_t serdes_http_sink(char *data, size_t size, size_t nmemb, void *arg) {
    cn_buf_t *out = arg;
    size_t n = size * nmemb;
    return cn_buf_put(out, data, n) == CN_OK ? n : 0;
}

static void serdes_http_setup(serdes_http_t *h, CURL *c, const char *method, const char *url,
                              const char *body, cn_buf_t *out) {
    const serdes_settings_t *s = h->s;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, SERDES_USER_AGENT);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, body ? h->headers_body : h->headers);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)s->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)s->request_timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, serdes_http_sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    if (s->userpwd) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERPWD, s->userpwd);
    }
    if (s->ssl_ca)
        curl_easy_setopt(c, CURLOPT_CAINFO, s->ssl_ca);
    if (s->ssl_cert)
        curl_easy_setopt(c, CURLOPT_SSLCERT, s->ssl_cert);
    if (s->ssl_key)
        curl_easy_setopt(c, CURLOPT_SSLKEY, s->ssl_key);
    if (s->ssl_key_password)
        curl_easy_setopt(c, CURLOPT_KEYPASSWD, s->ssl_key_password);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, s->ssl_verify_peer ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, s->ssl_verify_host ? 2L : 0L);
}

/* Fill err from an error answer: Confluent's {"error_code":N,"message":"..."} or the raw text. */
static cn_err_t serdes_http_answer_error(long status, cn_buf_t *body, const char *url,
                                         serdes_err_t *err) {
    json_error_t jerr;
    json_t *j =
        body->len ? json_loadb((const char *)body->data, body->len, JSON_ALLOW_NUL, &jerr) : NULL;
    json_t *code = j ? json_object_get(j, "error_code") : NULL;
    json_t *msg = j ? json_object_get(j, "message") : NULL;
    const char *text = cn_buf_cstr(body);
    if (json_is_string(msg))
        cn_error_set(&err->e, CN_ERR_SERDES_REGISTRY, "%s", json_string_value(msg));
    else
        cn_error_set(&err->e, CN_ERR_SERDES_REGISTRY, "HTTP %ld from %s: %.200s", status, url,
                     text ? text : "");
    err->http_status = (int)status;
    err->error_code = json_is_integer(code) ? (int)json_integer_value(code) : -1;
    json_decref(j);
    return CN_ERR_SERDES_REGISTRY;
}

typedef enum serdes_try { TRY_OK, TRY_FINAL, TRY_AGAIN } serdes_try_t;

static serdes_try_t serdes_http_once(serdes_http_t *h, size_t u, const char *method,
                                     const char *path, const char *body, cn_buf_t *out,
                                     serdes_err_t *err) {
    char url[8192];
    CURL *c;
    CURLcode cc;
    long status = 0;
    int n = snprintf(url, sizeof(url), "%s%s", h->s->urls[u], path);
    if (n < 0 || (size_t)n >= sizeof(url)) {
        serdes_err_set(err, CN_ERR_INVALID_ARGUMENT, "request URL longer than %zu bytes",
                       sizeof(url) - 1);
        return TRY_FINAL;
    }
    if (!(c = serdes_http_take(h))) {
        serdes_err_set(err, CN_ERR_NO_MEMORY, "curl_easy_init failed");
        return TRY_FINAL;
    }
    cn_buf_reset(out);
    serdes_http_setup(h, c, method, url, body, out);
    atomic_fetch_add(&h->requests, 1);
    cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    serdes_http_give(h, c);
    if (cc != CURLE_OK) {
        atomic_fetch_add(&h->failures, 1);
        serdes_err_set(err, CN_ERR_SERDES_TRANSPORT, "%s %s: %s", method, url,
                       curl_easy_strerror(cc));
        return TRY_AGAIN;
    }
    if (status >= 200 && status < 300)
        return TRY_OK;
    serdes_http_answer_error(status, out, url, err);
    if (status >= 500) {
        atomic_fetch_add(&h->failures, 1);
        return TRY_AGAIN;
    }
    return TRY_FINAL;
}

static void serdes_http_backoff(serdes_http_t *h, int64_t attempt) {
    int64_t wait = h->s->retries_wait_ms;
    int64_t cap = h->s->retries_max_wait_ms;
    struct timespec ts;
    unsigned r;
    for (int64_t i = 0; i < attempt && wait < cap; i++)
        wait *= 2;
    if (wait > cap)
        wait = cap;
    pthread_mutex_lock(&h->lock);
    r = (unsigned)rand_r(&h->seed);
    pthread_mutex_unlock(&h->lock);
    wait = wait / 2 + (wait > 0 ? (int64_t)(r % (unsigned)(wait / 2 + 1)) : 0);
    ts.tv_sec = wait / 1000;
    ts.tv_nsec = (long)(wait % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0)
        ;
}

cn_err_t serdes_http_request(serdes_http_t *h, const char *method, const char *path,
                             const char *body, cn_buf_t *out, serdes_err_t *err) {
    size_t n = h->s->n_urls;
    for (int64_t attempt = 0; attempt <= h->s->max_retries; attempt++) {
        size_t start = atomic_load(&h->preferred) % n;
        if (attempt > 0)
            serdes_http_backoff(h, attempt - 1);
        for (size_t k = 0; k < n; k++) {
            size_t u = (start + k) % n;
            serdes_try_t t = serdes_http_once(h, u, method, path, body, out, err);
            if (t == TRY_OK) {
                atomic_store(&h->preferred, u);
                return CN_OK;
            }
            if (t == TRY_FINAL)
                return err->e.code;
        }
    }
    return err->e.code;
}

cn_err_t serdes_http_escape(cn_buf_t *out, const char *segment) {
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)segment; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            cn_buf_put_u8(out, *p);
        } else {
            uint8_t e[3] = {'%', (uint8_t)hex[*p >> 4], (uint8_t)hex[*p & 15]};
            cn_buf_put(out, e, 3);
        }
    }
    return out->failed ? CN_ERR_NO_MEMORY : CN_OK;
}
