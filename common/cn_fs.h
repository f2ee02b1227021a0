/* SPDX-License-Identifier: Apache-2.0
 *
 * File-system helpers with the durability rules of docs/storage.md (Durability): whole writes and
 * reads that survive EINTR and short transfers, directory fsync, and atomic file replacement (write
 * a temporary file, fsync it, rename it over, fsync the directory).
 */
#ifndef CN_FS_H
#define CN_FS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/cn_err.h"

/** @brief mkdir -p with mode; existing directories are fine. */
cn_err_t cn_fs_mkdirs(const char *path, mode_t mode, cn_error_t *err);
/** @brief fsync a directory, so that entries created or renamed in it are durable. */
cn_err_t cn_fs_fsync_dir(const char *path, cn_error_t *err);
/** @brief fsync the directory that holds path. */
cn_err_t cn_fs_fsync_parent(const char *path, cn_error_t *err);
/** @brief Write all len bytes to fd (retries EINTR and short writes). */
cn_err_t cn_fs_write_all(int fd, const void *data, size_t len, cn_error_t *err);
/** @brief pread exactly len bytes at off; fewer (end of file) is CN_ERR_IO. */
cn_err_t cn_fs_pread_all(int fd, void *data, size_t len, off_t off, cn_error_t *err);
/** @brief Replace path with data atomically and durably (tmp + fsync + rename + dir fsync). */
cn_err_t cn_fs_write_atomic(const char *path, const void *data, size_t len, cn_error_t *err);
/** @brief Read a whole file of at most limit bytes. *data_out is owned by the caller (free()),
 *  NUL-terminated beyond *len_out. */
cn_err_t cn_fs_read_all(const char *path, size_t limit, char **data_out, size_t *len_out,
                        cn_error_t *err);
/** @brief Remove a file or a directory tree; a missing path is fine. */
cn_err_t cn_fs_rmtree(const char *path, cn_error_t *err);
/** @brief Whether a path exists. */
int cn_fs_exists(const char *path);

#endif
