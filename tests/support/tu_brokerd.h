/* SPDX-License-Identifier: Apache-2.0
 *
 * Test fixture: run the bundled broker (build/bin/brokerd, or $BROKERD) as a child process on a
 * loopback port with a given data directory, and stop it gently or with SIGKILL.
 */
#ifndef TU_BROKERD_H
#define TU_BROKERD_H

#include <stddef.h>
#include <sys/types.h>

typedef struct tu_brokerd {
    pid_t pid;
    int port;
    char dir[512];
} tu_brokerd_t;

/** @brief The brokerd binary to run ($BROKERD or $CAIRN_BUILD/bin/brokerd). */
void tu_brokerd_path(char *out, size_t cap);
/** @brief Start brokerd on 127.0.0.1:port (0 = any) with data in dir; extra is NULL or an extra
 *  argument such as "--partitions=4" split as two words ("--partitions", "4"). Fails the test
 *  when it does not come up. */
void tu_brokerd_start(tu_brokerd_t *b, const char *dir, int port, const char *const *extra);
/** @brief Stop it with sig (SIGTERM: clean; SIGKILL: crash) and wait. */
void tu_brokerd_stop(tu_brokerd_t *b, int sig);

#endif
