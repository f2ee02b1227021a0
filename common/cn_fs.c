/* SPDX-License-Identifier: Apache-2.0
 *
 * File-system helpers: whole reads and writes, directory fsync, atomic replacement, mkdir -p and
 * rm -r. Errors carry the path and strerror(errno).
 */
#include "common/cn_fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static cn_err_t cn_fs_errno(cn_error_t *err, const char *what, const char *path) {
    return cn_error_set(err, CN_ERR_IO, "%s %s: %s", what, path, strerror(errno));
}

cn_err_t cn_fs_mkdirs(const char *path, mode_t mode, cn_error_t *err) {
    char tmp[PATH_MAX];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof(tmp))
        return cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "bad directory path");
    memcpy(tmp, path, len + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, mode) != 0 && errno != EEXIST)
            return cn_fs_errno(err, "mkdir", tmp);
        *p = '/';
    }
    if (mkdir(tmp, mode) != 0 && errno != EEXIST)
        return cn_fs_errno(err, "mkdir", tmp);
    return CN_OK;
}

cn_err_t cn_fs_fsync_dir(const char *path, cn_error_t *err) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cn_err_t rc = CN_OK;
    if (fd < 0)
        return cn_fs_errno(err, "open directory", path);
    if (fsync(fd) != 0)
        rc = cn_error_set(err, CN_ERR_FSYNC, "fsync directory %s: %s", path, strerror(errno));
    close(fd);
    return rc;
}

cn_err_t cn_fs_fsync_parent(const char *path, cn_error_t *err) {
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n >= sizeof(dir))
        return cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "path too long");
    if (!slash)
        return cn_fs_fsync_dir(".", err);
    memcpy(dir, path, n);
    dir[n ? n : 1] = '\0';
    if (n == 0)
        dir[0] = '/';
    return cn_fs_fsync_dir(dir, err);
}

cn_err_t cn_fs_write_all(int fd, const void *data, size_t len, cn_error_t *err) {
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return cn_error_set(err, CN_ERR_IO, "write: %s", n < 0 ? strerror(errno) : "0 bytes");
        p += n;
        len -= (size_t)n;
    }
    return CN_OK;
}

cn_err_t cn_fs_pread_all(int fd, void *data, size_t len, off_t off, cn_error_t *err) {
    char *p = data;
    while (len > 0) {
        ssize_t n = pread(fd, p, len, off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return cn_error_set(err, CN_ERR_IO, "read: %s", strerror(errno));
        if (n == 0)
            return cn_error_set(err, CN_ERR_IO, "read: unexpected end of file");
        p += n;
        off += n;
        len -= (size_t)n;
    }
    return CN_OK;
}

cn_err_t cn_fs_write_atomic(const char *path, const void *data, size_t len, cn_error_t *err) {
    char tmp[PATH_MAX];
    int fd;
    cn_err_t rc;
    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
        return cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "path too long: %s", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return cn_fs_errno(err, "create", tmp);
    rc = cn_fs_write_all(fd, data, len, err);
    if (rc == CN_OK && fsync(fd) != 0)
        rc = cn_error_set(err, CN_ERR_FSYNC, "fsync %s: %s", tmp, strerror(errno));
    close(fd);
    if (rc == CN_OK && rename(tmp, path) != 0)
        rc = cn_fs_errno(err, "rename", tmp);
    if (rc == CN_OK)
        rc = cn_fs_fsync_parent(path, err);
    if (rc != CN_OK)
        unlink(tmp);
    return rc;
}

static cn_err_t cn_fs_read_fd(int fd, const char *path, size_t limit, char **data_out,
                              size_t *len_out, cn_error_t *err) {
    struct stat st;
    char *data;
    if (fstat(fd, &st) != 0)
        return cn_fs_errno(err, "stat", path);
    if ((uint64_t)st.st_size > limit)
        return cn_error_set(err, CN_ERR_TOO_LARGE, "%s: %lld bytes is over the limit of %zu", path,
                            (long long)st.st_size, limit);
    data = malloc((size_t)st.st_size + 1);
    if (!data)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (cn_fs_pread_all(fd, data, (size_t)st.st_size, 0, err) != CN_OK) {
        free(data);
        return CN_ERR_IO;
    }
    data[st.st_size] = '\0';
    *data_out = data;
    if (len_out)
        *len_out = (size_t)st.st_size;
    return CN_OK;
}

cn_err_t cn_fs_read_all(const char *path, size_t limit, char **data_out, size_t *len_out,
                        cn_error_t *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    cn_err_t rc;
    if (fd < 0)
        return cn_error_set(err, errno == ENOENT ? CN_ERR_NOT_FOUND : CN_ERR_IO, "open %s: %s",
                            path, strerror(errno));
    rc = cn_fs_read_fd(fd, path, limit, data_out, len_out, err);
    close(fd);
    return rc;
}

cn_err_t cn_fs_rmtree(const char *path, cn_error_t *err) {
    struct stat st;
    DIR *dir;
    struct dirent *de;
    cn_err_t rc = CN_OK;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? CN_OK : cn_fs_errno(err, "stat", path);
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 ? CN_OK : cn_fs_errno(err, "unlink", path);
    dir = opendir(path);
    if (!dir)
        return cn_fs_errno(err, "opendir", path);
    while (rc == CN_OK && (de = readdir(dir)) != NULL) {
        char child[PATH_MAX];
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if ((size_t)snprintf(child, sizeof(child), "%s/%s", path, de->d_name) >= sizeof(child))
            rc = cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "path too long under %s", path);
        else
            rc = cn_fs_rmtree(child, err);
    }
    closedir(dir);
    if (rc == CN_OK && rmdir(path) != 0)
        rc = cn_fs_errno(err, "rmdir", path);
    return rc;
}

int cn_fs_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}
