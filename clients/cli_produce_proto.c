/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn produce --type protobuf`: reads the .proto file and, transitively, the files it imports
 * (found in the file's directory, then the -I directories, as protoc does; well-known imports
 * are built into libcairn-serdes), and makes a libcairn-serdes Protobuf serializer of them, which
 * registers the imports as schema references first. Bounded: at most CLI_PROTO_MAX_FILES files
 * of at most CLI_MAX_FILE bytes each. Owns the file texts until the serializer has copied them.
 */
#include "clients/cli_produce_int.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/cli_int.h"
#include "compat/protobuf/compat_protobuf.h"

typedef struct proto_set {
    cairn_protobuf_file_t f[CLI_PROTO_MAX_FILES];
    size_t n;
    const char *dirs[CLI_PROTO_MAX_DIRS + 1];
    size_t ndirs;
    const char *cmd;
} proto_set_t;

static bool proto_have(const proto_set_t *s, const char *name) {
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(s->f[i].name, name) == 0)
            return true;
    return false;
}

static int proto_add(proto_set_t *s, const char *name, const char *path);

/* Find an import in the directories and add it (with its own imports). */
static int proto_import(proto_set_t *s, const char *name) {
    char path[4096];
    if (compat_pb_is_wellknown(name) || proto_have(s, name))
        return 0;
    for (size_t d = 0; d < s->ndirs; d++) {
        snprintf(path, sizeof(path), "%s/%s", s->dirs[d], name);
        if (access(path, R_OK) == 0)
            return proto_add(s, name, path);
    }
    fprintf(stderr, "%s: import \"%s\" not found (add -I DIR)\n", s->cmd, name);
    return CLI_EXIT_USAGE;
}

static int proto_add(proto_set_t *s, const char *name, const char *path) {
    char *text = NULL, **imps = NULL;
    size_t nimps = 0;
    cn_error_t err;
    int rc = 0;
    if (s->n == CLI_PROTO_MAX_FILES) {
        fprintf(stderr, "%s: more than %d .proto files\n", s->cmd, CLI_PROTO_MAX_FILES);
        return CLI_EXIT_USAGE;
    }
    if (cli_read_file(path, CLI_MAX_FILE, &text, NULL, &err) != CN_OK ||
        compat_pb_imports(text, strlen(text), &imps, &nimps, &err) != CN_OK) {
        fprintf(stderr, "%s: %s: %s\n", s->cmd, path, err.msg);
        free(text);
        return CLI_EXIT_USAGE;
    }
    s->f[s->n].name = strdup(name);
    s->f[s->n++].text = text;
    for (size_t i = 0; i < nimps; i++) {
        if (rc == 0)
            rc = proto_import(s, imps[i]);
        free(imps[i]);
    }
    free(imps);
    return rc;
}

cairn_serializer_t *cli_proto_serializer(cairn_serdes_t *sd, cairn_role_t role, const char *file,
                                         const char *const *dirs, size_t ndirs, const char *cmd) {
    proto_set_t s = {.cmd = cmd};
    char *copy = strdup(file);
    cairn_serializer_t *ser = NULL;
    cairn_error_t err;
    if (!copy)
        return NULL;
    s.dirs[s.ndirs++] = dirname(copy);
    for (size_t i = 0; i < ndirs && s.ndirs <= CLI_PROTO_MAX_DIRS; i++)
        s.dirs[s.ndirs++] = dirs[i];
    if (proto_add(&s, "", file) == 0 &&
        !(ser = cairn_protobuf_serializer_new(sd, role, s.f, s.n, &err)))
        fprintf(stderr, "%s: %s: %s\n", cmd, file, err.msg);
    for (size_t i = 0; i < s.n; i++) {
        free((char *)s.f[i].name);
        free((char *)s.f[i].text);
    }
    free(copy);
    return ser;
}
