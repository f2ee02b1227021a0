/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn schema register|lookup --type PROTOBUF -I DIR`: the files a .proto imports, found in the
 * -I directories as protoc finds them, are registered first (depth first, each with its own imports
 * as references) under the import path as subject, Confluent's default reference subject strategy
 * (DefaultReferenceSubjectNameStrategy in confluentinc/schema-registry); their versions become the
 * references of the file that imports them. Built-in well-known imports (google/protobuf,
 * google/type, confluent) are not registered: the registry resolves them itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clients/cli_int.h"
#include "compat/protobuf/compat_protobuf.h"

#define PROTO_MAX_FILES 1000

typedef struct walk {
    cairn_serdes_t *sd;
    const char *cmd;
    const json_t *dirs;
    json_t *done; /* import path -> version registered, or 0 while in progress */
} walk_t;

static int fail(const walk_t *w, const char *what, const char *arg) {
    fprintf(stderr, "%s: %s%s%s\n", w->cmd, what, arg ? ": " : "", arg ? arg : "");
    return CLI_EXIT_USAGE;
}

char *cli_proto_find(const json_t *dirs, const char *path) {
    size_t i;
    json_t *d;
    json_array_foreach(dirs, i, d) {
        char *p = NULL;
        if (asprintf(&p, "%s/%s", json_string_value(d), path) < 0)
            return NULL;
        if (access(p, R_OK) == 0)
            return p;
        free(p);
    }
    return NULL;
}

static char *subject_path(const char *subject, const char *suffix) {
    cn_buf_t b;
    cn_buf_init(&b, 1 << 20);
    cn_buf_put_str(&b, "/subjects/");
    cli_escape(&b, subject);
    cn_buf_put_str(&b, suffix);
    if (!cn_buf_cstr(&b)) {
        cn_buf_fini(&b);
        return NULL;
    }
    return (char *)cn_buf_steal(&b, NULL);
}

/* POST the schema under subject (register, then lookup for its version). */
static int register_one(walk_t *w, const char *subject, const char *text, json_t *refs,
                        int *version) {
    json_t *body = json_pack("{s:s,s:s,s:O}", "schema", text, "schemaType", "PROTOBUF",
                             "references", refs),
           *out = NULL;
    cairn_error_t err;
    char *p1 = subject_path(subject, "/versions"), *p2 = subject_path(subject, "");
    int rc = 0;
    if (!body || !p1 || !p2 || cli_reg_call(w->sd, "POST", p1, body, &out, &err) != CAIRN_OK ||
        (json_decref(out), out = NULL, cli_reg_call(w->sd, "POST", p2, body, &out, &err)) !=
            CAIRN_OK)
        rc = body && p1 && p2 ? cli_reg_fail(w->cmd, &err) : fail(w, "out of memory", NULL);
    if (!rc)
        *version = (int)json_integer_value(json_object_get(out, "version"));
    json_decref(out);
    json_decref(body);
    free(p1);
    free(p2);
    return rc;
}

static int walk_file(walk_t *w, const char *file, json_t *refs_out, int depth);

/* One import: registered once (its own imports first), then named in refs_out. */
static int walk_import(walk_t *w, const char *name, json_t *refs_out, int depth) {
    json_t *seen = json_object_get(w->done, name);
    int version = 0, rc;
    if (seen && json_integer_value(seen) == 0)
        return fail(w, "import cycle through", name);
    if (!seen) {
        char *file = cli_proto_find(w->dirs, name), *text = NULL;
        json_t *refs = json_array();
        cn_error_t err;
        if (!file) {
            json_decref(refs);
            return fail(w, "import not found in the -I directories", name);
        }
        json_object_set_new(w->done, name, json_integer(0));
        rc = walk_file(w, file, refs, depth + 1);
        if (!rc && cli_read_file(file, CLI_MAX_FILE, &text, NULL, &err) != CN_OK)
            rc = fail(w, err.msg, file);
        if (!rc)
            rc = register_one(w, name, text, refs, &version);
        free(text);
        free(file);
        json_decref(refs);
        if (rc)
            return rc;
        json_object_set_new(w->done, name, json_integer(version));
    }
    version = (int)json_integer_value(json_object_get(w->done, name));
    json_array_append_new(
        refs_out, json_pack("{s:s,s:s,s:i}", "name", name, "subject", name, "version", version));
    return 0;
}

static int walk_file(walk_t *w, const char *file, json_t *refs_out, int depth) {
    char *text = NULL, **v = NULL;
    size_t n = 0;
    cn_error_t err;
    int rc = 0;
    if (depth > 32 || json_object_size(w->done) > PROTO_MAX_FILES)
        return fail(w, "imports nested too deep or too many", file);
    if (cli_read_file(file, CLI_MAX_FILE, &text, NULL, &err) != CN_OK)
        return fail(w, err.msg, file);
    if (compat_pb_imports(text, strlen(text), &v, &n, &err) != CN_OK)
        rc = fail(w, err.msg, file);
    for (size_t i = 0; i < n; i++) {
        if (!rc && !compat_pb_is_wellknown(v[i]))
            rc = walk_import(w, v[i], refs_out, depth);
        free(v[i]);
    }
    free(v);
    free(text);
    return rc;
}

int cli_proto_register_imports(cairn_serdes_t *sd, const char *cmd, const json_t *dirs,
                               const char *file, json_t *refs_out) {
    walk_t w = {.sd = sd, .cmd = cmd, .dirs = dirs, .done = json_object()};
    int rc = walk_file(&w, file, refs_out, 0);
    json_decref(w.done);
    return rc;
}
