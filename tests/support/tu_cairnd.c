/* SPDX-License-Identifier: Apache-2.0
 *
 * The cairnd process helper of tu_cairnd.h.
 */
#include "tests/support/tu_cairnd.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cn_time.h"
#include "tests/support/http_client.h"
#include "tests/support/test_util.h"

int tu_cairnd_start(tu_cairnd_t *c, const char *dir, int64_t timeout_ms) {
    char bin[600], http[64];
    int64_t t0 = cn_mono_ms();
    snprintf(bin, sizeof(bin), "%s/bin/cairnd", tu_build_dir());
    snprintf(c->dir, sizeof(c->dir), "%s", dir);
    c->port = tu_free_port();
    snprintf(http, sizeof(http), "127.0.0.1:%d", c->port);
    c->pid = fork();
    if (c->pid == 0) {
        execl(bin, bin, "--data-dir", dir, "--http", http, "--kafka", "off", (char *)NULL);
        _exit(127);
    }
    while (c->pid > 0 && cn_mono_ms() - t0 < timeout_ms) {
        tu_http_resp_t r;
        struct timespec ts = {0, 5 * 1000 * 1000};
        int st = 0;
        if (waitpid(c->pid, &st, WNOHANG) == c->pid) {
            c->pid = -1;
            return -1;
        }
        if (tu_http(c->port, "GET", "/status/ready", NULL, NULL, 0, &r) == 0 && r.status == 200) {
            tu_http_resp_free(&r);
            c->ready_ms = cn_mono_ms() - t0;
            return 0;
        }
        tu_http_resp_free(&r);
        nanosleep(&ts, NULL);
    }
    return -1;
}

long tu_cairnd_peak_rss_kib(const tu_cairnd_t *c) {
    char path[64], line[256];
    long kib = -1;
    FILE *f;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)c->pid);
    if (!(f = fopen(path, "r")))
        return -1;
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    return kib;
}

int tu_cairnd_stop(tu_cairnd_t *c, int sig) {
    int st = 0;
    if (c->pid <= 0)
        return -1;
    kill(c->pid, sig);
    if (waitpid(c->pid, &st, 0) != c->pid)
        return -1;
    c->pid = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
