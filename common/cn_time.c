/* SPDX-License-Identifier: Apache-2.0
 *
 * clock_gettime wrappers.
 */
#include "common/cn_time.h"

#include <time.h>

static int64_t cn_clock_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t cn_wall_ms(void) {
    return cn_clock_ns(CLOCK_REALTIME) / 1000000;
}

int64_t cn_mono_ms(void) {
    return cn_clock_ns(CLOCK_MONOTONIC) / 1000000;
}

int64_t cn_mono_ns(void) {
    return cn_clock_ns(CLOCK_MONOTONIC);
}
