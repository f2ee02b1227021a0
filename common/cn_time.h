/* SPDX-License-Identifier: Apache-2.0
 *
 * Clocks: wall time in milliseconds since the epoch (Kafka timestamps) and a monotonic clock
 * for timeouts and measurements.
 */
#ifndef CN_TIME_H
#define CN_TIME_H

#include <stdint.h>

int64_t cn_wall_ms(void);
int64_t cn_mono_ms(void);
int64_t cn_mono_ns(void);

#endif
