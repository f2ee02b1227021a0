/* SPDX-License-Identifier: Apache-2.0
 *
 * The crash-safe swap of cleaned segments (as Kafka's LogCleaner does with .cleaned and .swap
 * files, LocalLog.replaceSegments) and its recovery. A group of consecutive segments
 * [first .. last] is replaced by one cleaned segment named by the first base, which covers exactly
 * the group's offset range (the cleaner closes it with an empty batch when needed):
 *   (1) write <first>.log.cleaned and fsync it; (2) rename it to .log.swap, fsync the directory
 *   (brk_clean.c); (3) remove the old indexes and rename every old .log to .log.deleted;
 *   (4) rename .swap to <first>.log and fsync the directory; (5) each .deleted file is unlinked
 *   when no reader holds its segment any more.
 * At load, a .swap file is complete (it was fsynced before its rename): it replaces every .log
 * whose base lies in its range, whether step 3 ran or not. .cleaned and .deleted leftovers go,
 * and so do .tmp files of atomic replacements a crash interrupted.
 */
#include "broker/log/brk_log_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cn_fs.h"

cn_err_t brk_clean_stop(const brk_partition_t *part, int step, cn_error_t *err) {
    if (part->logs->opts.compact_stop_after == step)
        return cn_error_set(err, CN_ERR_INTERNAL, "compaction stopped after step %d (test)", step);
    return CN_OK;
}

/* ---- steps 3 and 4, under mu ---- */

static cn_err_t retire_old(brk_partition_t *part, brk_segment_t **group, size_t n,
                           cn_error_t *err) {
    for (size_t i = 0; i < n; i++) {
        char log[BRK_PATH_MAX], del[BRK_PATH_MAX];
        brk_segment_path(group[i], ".log", log, sizeof(log));
        brk_segment_path(group[i], ".log.deleted", del, sizeof(del));
        brk_segment_unlink_indexes(group[i]);
        if (rename(log, del) != 0)
            return cn_error_set(err, CN_ERR_IO, "rename %s: %s", log, strerror(errno));
        group[i]->unlink_on_free = true;
    }
    return brk_clean_stop(part, 3, err);
}

/* Put seg where group[0..n) were in the list. */
static void replace_in_list(brk_partition_t *part, brk_segment_t **group, size_t n,
                            brk_segment_t *seg) {
    size_t i;
    pthread_rwlock_wrlock(&part->rw);
    for (i = 0; i < part->nsegs && part->segs[i] != group[0]; i++)
        ;
    if (i + n <= part->nsegs && part->segs[i + n - 1] == group[n - 1]) {
        for (size_t k = 0; k < n; k++)
            brk_segment_unref(part->segs[i + k]);
        part->segs[i] = seg;
        memmove(&part->segs[i + 1], &part->segs[i + n],
                (part->nsegs - i - n) * sizeof(*part->segs));
        part->nsegs -= n - 1;
    } else {
        brk_segment_unref(seg);
    }
    pthread_rwlock_unlock(&part->rw);
}

cn_err_t brk_clean_swap_in(brk_partition_t *part, brk_segment_t **group, size_t n,
                           cn_error_t *err) {
    char log[BRK_PATH_MAX], swap[BRK_PATH_MAX];
    brk_segment_t *seg;
    cn_err_t rc;
    brk_segment_path(group[0], ".log", log, sizeof(log));
    brk_segment_path(group[0], ".log.swap", swap, sizeof(swap));
    if ((rc = retire_old(part, group, n, err)) != CN_OK)
        return rc;
    if (rename(swap, log) != 0)
        return cn_error_set(err, CN_ERR_IO, "rename %s: %s", swap, strerror(errno));
    if ((rc = cn_fs_fsync_dir(part->dir, err)) != CN_OK || (rc = brk_clean_stop(part, 4, err)))
        return rc;
    if (!(seg = brk_segment_open(part->dir, group[0]->base, err)))
        return err ? err->code : CN_ERR_IO;
    if ((rc = brk_segment_rebuild(seg, false, part->cfg.index_interval_bytes, err)) != CN_OK ||
        (rc = brk_segment_write_indexes(seg, err)) != CN_OK) {
        brk_segment_unref(seg);
        return rc;
    }
    replace_in_list(part, group, n, seg);
    return CN_OK;
}

/* ---- recovery ---- */

static bool has_suffix(const char *name, const char *suffix, size_t *stem) {
    size_t n = strlen(name), s = strlen(suffix);
    if (n <= s || strcmp(name + n - s, suffix) != 0)
        return false;
    *stem = n - s;
    return true;
}

/* The offset after the last whole batch of a file (its base when it holds none). */
static int64_t file_next_offset(const char *path, int64_t base) {
    uint8_t h[BRK_BATCH_HEADER_SIZE];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    off_t pos = 0, size;
    int64_t next = base;
    if (fd < 0)
        return base;
    size = lseek(fd, 0, SEEK_END);
    while (pread(fd, h, sizeof(h), pos) == (ssize_t)sizeof(h)) {
        size_t sz = brk_batch_size(h, sizeof(h));
        if (sz == 0 || pos + (off_t)sz > size)
            break;
        next = (int64_t)cn_be64_get(h) + (int32_t)cn_be32_get(h + 23) + 1;
        pos += (off_t)sz;
    }
    close(fd);
    return next;
}

static void unlink_segment(const char *dir, int64_t base) {
    static const char *const suffixes[] = {".log", ".index", ".timeindex"};
    char p[BRK_PATH_MAX];
    for (size_t i = 0; i < 3; i++) {
        brk_segment_name(dir, base, suffixes[i], p, sizeof(p));
        unlink(p);
    }
}

/* Step 3 and 4 for a swap found at load: old segments of its range go, the swap takes over. */
static void finish_swap(const char *dir, int64_t base) {
    char swap[BRK_PATH_MAX], log[BRK_PATH_MAX];
    int64_t next, b;
    DIR *d;
    struct dirent *e;
    brk_segment_name(dir, base, ".log.swap", swap, sizeof(swap));
    brk_segment_name(dir, base, ".log", log, sizeof(log));
    next = file_next_offset(swap, base);
    if ((d = opendir(dir)) != NULL) {
        while ((e = readdir(d)) != NULL)
            if (brk_parse_segment_name(e->d_name, ".log", &b) && b > base && b < next)
                unlink_segment(dir, b);
        closedir(d);
    }
    unlink_segment(dir, base);
    rename(swap, log);
}

static cn_err_t recover_pass(const char *dir, bool swaps, bool *changed, cn_error_t *err) {
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return cn_error_set(err, CN_ERR_IO, "opendir %s: %s", dir, strerror(errno));
    while ((e = readdir(d)) != NULL) {
        char p[BRK_PATH_MAX];
        size_t stem;
        int64_t base;
        if (swaps && brk_parse_segment_name(e->d_name, ".log.swap", &base)) {
            finish_swap(dir, base);
            *changed = true;
        } else if (!swaps && (has_suffix(e->d_name, ".cleaned", &stem) ||
                              has_suffix(e->d_name, ".deleted", &stem) ||
                              has_suffix(e->d_name, ".tmp", &stem))) {
            snprintf(p, sizeof(p), "%s/%.255s", dir, e->d_name);
            unlink(p);
            *changed = true;
        }
    }
    closedir(d);
    return CN_OK;
}

cn_err_t brk_clean_recover_dir(const char *dir, cn_error_t *err) {
    bool changed = false;
    cn_err_t rc = recover_pass(dir, true, &changed, err);
    if (rc == CN_OK)
        rc = recover_pass(dir, false, &changed, err);
    if (rc == CN_OK && changed)
        rc = cn_fs_fsync_dir(dir, err);
    return rc;
}
