/* SPDX-License-Identifier: Apache-2.0
 *
 * brokerd: the bundled Kafka broker on its own, for tests and benchmarks until cairnd has
 * --kafka. Opens (or creates) a data directory, listens, prints the bound port on the first
 * line of stdout, and runs until SIGINT or SIGTERM.
 *
 *   brokerd --data-dir DIR [--listen HOST:PORT] [--partitions N] [--no-auto-create]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "broker/server/brk_server.h"

static int usage(void) {
    fprintf(stderr, "usage: brokerd --data-dir DIR [--listen HOST:PORT] [--partitions N] "
                    "[--no-auto-create]\n");
    return 2;
}

static bool parse_listen(char *arg, brk_server_opts_t *so) {
    char *colon = strrchr(arg, ':');
    char *end;
    long port;
    if (!colon)
        return false;
    *colon = '\0';
    port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return false;
    so->listen_host = arg;
    so->listen_port = (int)port;
    return true;
}

static bool parse_args(int argc, char **argv, brk_logs_options_t *lo, brk_server_opts_t *so) {
    int i;
    for (i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) {
            lo->dir = argv[++i];
        } else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
            if (!parse_listen(argv[++i], so))
                return false;
        } else if (strcmp(argv[i], "--partitions") == 0 && i + 1 < argc) {
            so->default_partitions = (int32_t)strtol(argv[++i], &end, 10);
            if (*end || so->default_partitions < 1)
                return false;
        } else if (strcmp(argv[i], "--no-auto-create") == 0) {
            so->auto_create_topics = false;
        } else {
            return false;
        }
    }
    return lo->dir != NULL;
}

/* Until SIGINT/SIGTERM (0), or a failed fsync in the log engine (1: exit, recovery runs at the
 * next start, docs/storage.md). */
static int wait_for_signal(const sigset_t *ss, brk_logs_t *logs, const cn_log_t *lg) {
    struct timespec tick = {1, 0};
    for (;;) {
        if (sigtimedwait(ss, NULL, &tick) >= 0)
            return 0;
        if (brk_logs_failed(logs)) {
            cn_log_error(lg, "brokerd: the log engine failed (fsync); exiting");
            return 1;
        }
    }
}

int main(int argc, char **argv) {
    brk_logs_options_t lo;
    brk_server_opts_t so;
    brk_logs_t *logs = NULL;
    brk_server_t *srv = NULL;
    cn_error_t err;
    cn_log_t lg;
    sigset_t ss;
    int rc = 1;
    memset(&lo, 0, sizeof(lo));
    brk_server_opts_defaults(&so);
    so.listen_port = 0;
    if (!parse_args(argc, argv, &lo, &so))
        return usage();
    cn_log_init(&lg, CN_LOG_INFO, 2, "brokerd");
    lo.log = &lg;
    lo.background = true;
    so.log = &lg;
    sigemptyset(&ss);
    sigaddset(&ss, SIGINT);
    sigaddset(&ss, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &ss, NULL);
    if (!(logs = brk_logs_open(&lo, &err)) || !(srv = brk_server_new(logs, &so, &err)) ||
        brk_server_start(srv, &err) != CN_OK) {
        fprintf(stderr, "brokerd: %s\n", err.msg);
        goto done;
    }
    printf("%d\n", brk_server_port(srv));
    fflush(stdout);
    rc = wait_for_signal(&ss, logs, &lg);
done:
    brk_server_free(srv);
    brk_logs_close(logs);
    return rc;
}
