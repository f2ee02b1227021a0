/* SPDX-License-Identifier: Apache-2.0
 *
 * Running brokerd as a child process for integration tests and benchmarks (tu_brokerd.h).
 */
#include "tests/support/test_util.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/tu_brokerd.h"

void tu_brokerd_path(char *out, size_t cap) {
    const char *env = getenv("BROKERD");
    if (env && *env)
        snprintf(out, cap, "%s", env);
    else
        snprintf(out, cap, "%s/bin/brokerd", tu_build_dir());
}

static void child(int wfd, const char *dir, int port, const char *const *extra) {
    const char *argv[16];
    char listen[64], path[512];
    int n = 0, i;
    snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
    tu_brokerd_path(path, sizeof(path));
    argv[n++] = path;
    argv[n++] = "--data-dir";
    argv[n++] = dir;
    argv[n++] = "--listen";
    argv[n++] = listen;
    for (i = 0; extra && extra[i] && n < 15; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    dup2(wfd, 1);
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

void tu_brokerd_start(tu_brokerd_t *b, const char *dir, int port, const char *const *extra) {
    char line[32], path[512];
    int fds[2];
    ssize_t n, got = 0;
    memset(b, 0, sizeof(*b));
    snprintf(b->dir, sizeof(b->dir), "%s", dir);
    if (pipe(fds) != 0)
        fail_msg("pipe");
    b->pid = fork();
    if (b->pid == 0)
        child(fds[1], dir, port, extra);
    close(fds[1]);
    while (got < (ssize_t)sizeof(line) - 1 && (n = read(fds[0], line + got, 1)) == 1) {
        if (line[got] == '\n')
            break;
        got++;
    }
    close(fds[0]);
    line[got] = '\0';
    b->port = (int)strtol(line, NULL, 10);
    tu_brokerd_path(path, sizeof(path));
    if (b->pid <= 0 || b->port <= 0)
        fail_msg("brokerd (%s) did not start", path);
}

void tu_brokerd_stop(tu_brokerd_t *b, int sig) {
    int st;
    if (b->pid <= 0)
        return;
    kill(b->pid, sig);
    waitpid(b->pid, &st, 0);
    b->pid = 0;
}
