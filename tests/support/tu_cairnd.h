/* SPDX-License-Identifier: Apache-2.0
 *
 * Start and stop a real cairnd ($CAIRN_BUILD/bin/cairnd) on a free loopback port for tests and
 * benchmarks written in C.
 */
#ifndef TU_CAIRND_H
#define TU_CAIRND_H

#include <stdint.h>
#include <sys/types.h>

typedef struct tu_cairnd {
    pid_t pid;
    int port;
    char dir[512];
    int64_t ready_ms; /* from exec to /status/ready answering 200 */
} tu_cairnd_t;

/** @brief Start cairnd on dir (created by the caller) and wait until ready (timeout_ms).
 *  @returns 0 or -1. */
int tu_cairnd_start(tu_cairnd_t *c, const char *dir, int64_t timeout_ms);
/** @brief Peak resident memory (VmHWM) of the running cairnd in KiB, -1 if unknown. */
long tu_cairnd_peak_rss_kib(const tu_cairnd_t *c);
/** @brief Send sig (SIGTERM for a clean stop) and reap; returns the exit status or -1. */
int tu_cairnd_stop(tu_cairnd_t *c, int sig);

#endif
