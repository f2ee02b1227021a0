/* SPDX-License-Identifier: Apache-2.0
 *
 * Registry REST benchmarks (issue 4), figures printed, never asserted:
 *  - GET /schemas/ids/{id} throughput with wrk against cairnd, next to a minimal
 *    libmicrohttpd server in this process answering a fixed body of the same size with the
 *    same threading (goal: ratio >= 0.7);
 *  - registration latency p50/p99 for new schemas (each fsynced) and for re-registering an
 *    existing one (a pure read; goal p99 < 1 ms). One connection per request.
 */
#include "tests/support/test_util.h"

#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_time.h"
#include "tests/support/http_client.h"
#include "tests/support/tu_cairnd.h"

#define THREADS 4
#define LAT_N   400
#define ROUNDS  3

typedef struct fixed {
    const char *body;
    size_t len;
} fixed_t;

static enum MHD_Result fixed_answer(void *cls, struct MHD_Connection *conn, const char *url,
                                    const char *method, const char *version, const char *up,
                                    size_t *up_size, void **con_cls) {
    fixed_t *f = cls;
    struct MHD_Response *r;
    enum MHD_Result ret;
    (void)url;
    (void)method;
    (void)version;
    (void)up;
    (void)up_size;
    if (!*con_cls) { /* the usual pattern: answer once the request is complete */
        *con_cls = f;
        return MHD_YES;
    }
    r = MHD_create_response_from_buffer(f->len, (void *)f->body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/vnd.schemaregistry.v1+json");
    ret = MHD_queue_response(conn, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static double wrk_rps(int port, const char *path) {
    char cmd[512], line[512];
    double rps = -1;
    FILE *p;
    snprintf(cmd, sizeof(cmd), "wrk -t2 -c32 -d3s http://127.0.0.1:%d%s 2>&1", port, path);
    if (!(p = popen(cmd, "r")))
        return -1;
    while (fgets(line, sizeof(line), p))
        if (strncmp(line, "Requests/sec:", 13) == 0)
            rps = strtod(line + 13, NULL);
    pclose(p);
    return rps;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, int64_t *us) {
    qsort(us, LAT_N, sizeof(*us), cmp_i64);
    printf("%-38s p50 %6.3f ms  p99 %6.3f ms  (n=%d, one connection each)\n", what,
           us[LAT_N / 2] / 1000.0, us[LAT_N * 99 / 100] / 1000.0, LAT_N);
}

/* The floor of this measurement: GET / on the same server, same client. */
static void latency_floor(int port) {
    int64_t *us = calloc(LAT_N, sizeof(*us));
    for (int i = 0; i < LAT_N; i++) {
        tu_http_resp_t r;
        int64_t t0 = cn_mono_ns();
        tu_http(port, "GET", "/", NULL, NULL, 0, &r);
        us[i] = (cn_mono_ns() - t0) / 1000;
        tu_http_resp_free(&r);
    }
    report("baseline GET / (no work):", us);
    free(us);
}

static void latency(int port, const char *what, int first_n) {
    int64_t *us = calloc(LAT_N, sizeof(*us));
    char path[128], body[256];
    for (int i = 0; i < LAT_N; i++) {
        tu_http_resp_t r;
        int64_t t0 = cn_mono_ns();
        snprintf(path, sizeof(path), "/subjects/lat-%d/versions", (first_n + i) % 50);
        snprintf(body, sizeof(body),
                 "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"L%d\\\","
                 "\\\"fields\\\":[{\\\"name\\\":\\\"f\\\",\\\"type\\\":\\\"long\\\"}]}\"}",
                 first_n + i);
        tu_http(port, "POST", path, "Content-Type: application/json\r\n", body, strlen(body), &r);
        us[i] = (cn_mono_ns() - t0) / 1000;
        tu_http_resp_free(&r);
    }
    report(what, us);
    free(us);
}

/* New registrations while wrk keeps every HTTP thread busy reading: writers must not starve. */
static void under_load(int port) {
    char cmd[256];
    FILE *p;
    snprintf(cmd, sizeof(cmd),
             "wrk -t2 -c32 -d4s http://127.0.0.1:%d/schemas/ids/1 >/dev/null 2>&1", port);
    if (!(p = popen(cmd, "r")))
        return;
    usleep(300 * 1000);
    latency(port, "register new schema under GET load:", 100000);
    pclose(p);
}

int main(void) {
    char *dir = tu_tmpdir("bench-http");
    tu_cairnd_t c;
    tu_http_resp_t r;
    const char *schema = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Order\\\","
                         "\\\"namespace\\\":\\\"acme\\\",\\\"fields\\\":[{\\\"name\\\":\\\"id\\\","
                         "\\\"type\\\":\\\"long\\\"},{\\\"name\\\":\\\"customer\\\",\\\"type\\\":"
                         "\\\"string\\\"},{\\\"name\\\":\\\"amount\\\",\\\"type\\\":\\\"double\\\"}"
                         "]}\"}";
    fixed_t fx;
    struct MHD_Daemon *d;
    double base, ours;
    signal(SIGPIPE, SIG_IGN);
    if (tu_cairnd_start(&c, dir, 60000) != 0) {
        fprintf(stderr, "cairnd did not start\n");
        return 1;
    }
    tu_http(c.port, "PUT", "/config", "Content-Type: application/json\r\n",
            "{\"compatibility\":\"NONE\"}", 24, &r);
    tu_http_resp_free(&r);
    tu_http(c.port, "POST", "/subjects/orders-value/versions", "Content-Type: application/json\r\n",
            schema, strlen(schema), &r);
    tu_http_resp_free(&r);
    tu_http(c.port, "GET", "/schemas/ids/1", NULL, NULL, 0, &r);
    fx.body = r.body;
    fx.len = r.body_len;
    d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, fixed_answer, &fx,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS,
                         MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 64u,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                         (size_t)32768, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
    base = ours = 0;
    for (int round = 0; round < ROUNDS; round++) { /* alternate; the best of each (shared CPU) */
        double b =
            wrk_rps(MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port, "/schemas/ids/1");
        double o = wrk_rps(c.port, "/schemas/ids/1");
        base = b > base ? b : base;
        ours = o > ours ? o : ours;
    }
    printf("GET /schemas/ids/1 (%zu-byte body, %d MHD threads, wrk -t2 -c32 -d3s, best of %d)\n",
           fx.len, THREADS, ROUNDS);
    printf("  minimal libmicrohttpd server: %10.0f req/s\n", base);
    printf("  cairnd:                       %10.0f req/s   ratio %.2f (goal >= 0.70)\n", ours,
           base > 0 ? ours / base : 0.0);
    MHD_stop_daemon(d);
    tu_http_resp_free(&r);
    latency_floor(c.port);
    under_load(c.port);
    latency(c.port, "register new schema (fsynced):", 0);
    latency(c.port, "register existing schema (read):", 0);
    tu_cairnd_stop(&c, SIGTERM);
    tu_tmpdir_free(dir);
    return 0;
}
