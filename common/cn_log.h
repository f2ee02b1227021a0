/* SPDX-License-Identifier: Apache-2.0
 *
 * Logging with levels, for the edges only (binaries, servers): library code returns errors and
 * never prints. A cn_log_t lives in the server context, so there is no global logger; each line
 * goes out in one write(2), so threads do not interleave within a line.
 */
#ifndef CN_LOG_H
#define CN_LOG_H

#include <stdbool.h>

typedef enum cn_log_level {
    CN_LOG_DEBUG,
    CN_LOG_INFO,
    CN_LOG_WARN,
    CN_LOG_ERROR,
    CN_LOG_OFF
} cn_log_level_t;

typedef struct cn_log {
    cn_log_level_t level;
    int fd;           /* where lines go, usually 2 */
    const char *name; /* borrowed, printed in brackets; may be NULL */
} cn_log_t;

void cn_log_init(cn_log_t *lg, cn_log_level_t level, int fd, const char *name);
/** @brief Log one line. lg NULL logs INFO and above to stderr. */
void cn_logf(const cn_log_t *lg, cn_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool cn_log_enabled(const cn_log_t *lg, cn_log_level_t level);
/** @brief "debug", "info", "warn"/"warning", "error", "off" (any case). */
bool cn_log_level_parse(const char *s, cn_log_level_t *out);

#define cn_log_debug(lg, ...) cn_logf(lg, CN_LOG_DEBUG, __VA_ARGS__)
#define cn_log_info(lg, ...)  cn_logf(lg, CN_LOG_INFO, __VA_ARGS__)
#define cn_log_warn(lg, ...)  cn_logf(lg, CN_LOG_WARN, __VA_ARGS__)
#define cn_log_error(lg, ...) cn_logf(lg, CN_LOG_ERROR, __VA_ARGS__)

#endif
