/* SPDX-License-Identifier: Apache-2.0
 *
 * Log lines: "<UTC time> <LEVEL> [name] message\n", written with one write(2).
 */
#include "common/cn_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *const cn_log_names[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};

void cn_log_init(cn_log_t *lg, cn_log_level_t level, int fd, const char *name) {
    lg->level = level;
    lg->fd = fd;
    lg->name = name;
}

bool cn_log_enabled(const cn_log_t *lg, cn_log_level_t level) {
    cn_log_level_t min = lg ? lg->level : CN_LOG_INFO;
    return level >= min && level < CN_LOG_OFF;
}

static size_t cn_log_stamp(char *out, size_t cap) {
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    return strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
}

void cn_logf(const cn_log_t *lg, cn_log_level_t level, const char *fmt, ...) {
    char line[2048];
    size_t n;
    int m;
    va_list ap;
    if (!cn_log_enabled(lg, level))
        return;
    n = cn_log_stamp(line, sizeof(line));
    m = snprintf(line + n, sizeof(line) - n, " %-5s ", cn_log_names[level]);
    n += m > 0 ? (size_t)m : 0;
    if (lg && lg->name) {
        m = snprintf(line + n, sizeof(line) - n, "[%s] ", lg->name);
        n += m > 0 ? (size_t)m : 0;
    }
    va_start(ap, fmt);
    m = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    n = m < 0 ? n : (n + (size_t)m >= sizeof(line) - 1 ? sizeof(line) - 2 : n + (size_t)m);
    line[n++] = '\n';
    if (write(lg ? lg->fd : 2, line, n) < 0)
        return; /* nowhere left to report it */
}

bool cn_log_level_parse(const char *s, cn_log_level_t *out) {
    static const struct {
        const char *name;
        cn_log_level_t level;
    } map[] = {{"debug", CN_LOG_DEBUG},  {"info", CN_LOG_INFO},   {"warn", CN_LOG_WARN},
               {"warning", CN_LOG_WARN}, {"error", CN_LOG_ERROR}, {"off", CN_LOG_OFF}};
    for (size_t i = 0; s && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcasecmp(s, map[i].name) == 0) {
            *out = map[i].level;
            return true;
        }
    }
    return false;
}
