/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema references for offline `cairn check`: a job's {"name","file"} references become
 * compat_ref_t entries and a resolver that reads and parses each referenced file once (Avro
 * named types defined in other files, Protobuf imports) and keeps the parsed schemas alive for
 * the whole check. An entry's "imports" (Protobuf) are the entries it is parsed with; a cycle
 * among them is an error. chk_proto_imports finds a .proto file's imports in -I directories as
 * protoc does, transitively, and adds them as such entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/compat_protobuf.h"

#include "clients/cli_check_int.h"

struct chk_refset {
    compat_type_t type;
    compat_ref_t *refs;
    char **files;
    const json_t **imports;   /* by index: its "imports" names, or NULL */
    compat_schema_t **parsed; /* by index, parsed on first use */
    bool *busy;               /* being parsed: a cycle when met again */
    size_t n;
};

static cn_err_t refset_resolve(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                               cn_error_t *err);

/* Parse entry i with the entries it imports as its references. */
static compat_schema_t *parse_entry(chk_refset_t *rs, size_t i, const char *text, cn_error_t *err) {
    compat_parse_opts_t po = {.type = rs->type};
    size_t n = json_array_size(rs->imports[i]);
    compat_ref_t *refs = calloc(n + 1, sizeof(*refs));
    compat_schema_t *s = NULL;
    if (!refs) {
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        const char *name = json_string_value(json_array_get(rs->imports[i], k));
        refs[k] =
            (compat_ref_t){.name = name ? name : "", .subject = name ? name : "", .version = 1};
    }
    po.refs = refs;
    po.nrefs = n;
    po.resolve = refset_resolve;
    po.resolve_arg = rs;
    rs->busy[i] = true;
    s = compat_schema_parse(text, strlen(text), &po, err);
    rs->busy[i] = false;
    free(refs);
    return s;
}

static cn_err_t refset_resolve(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                               cn_error_t *err) {
    chk_refset_t *rs = arg;
    for (size_t i = 0; i < rs->n; i++) {
        char *text;
        if (strcmp(rs->refs[i].name, ref->name) != 0)
            continue;
        if (rs->busy[i])
            return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "import cycle through %s", ref->name);
        if (!rs->parsed[i]) {
            if (cli_read_file(rs->files[i], CLI_MAX_FILE, &text, NULL, err) != CN_OK)
                return err->code;
            rs->parsed[i] = parse_entry(rs, i, text, err);
            free(text);
            if (!rs->parsed[i]) {
                char why[sizeof(err->msg)]; /* the message is rewritten into err */
                snprintf(why, sizeof(why), "%s", err->msg);
                return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "reference %s (%s): %s", ref->name,
                                    rs->files[i], why);
            }
        }
        *out = rs->parsed[i];
        return CN_OK;
    }
    return cn_error_set(err, CN_ERR_NOT_FOUND, "reference %s not given", ref->name);
}

chk_refset_t *chk_refset_new(compat_type_t type, const json_t *refs, char *msg, size_t cap) {
    chk_refset_t *rs = calloc(1, sizeof(*rs));
    size_t n = json_array_size(refs), i;
    json_t *e;
    if (!rs || !(rs->refs = calloc(n + 1, sizeof(*rs->refs))) ||
        !(rs->files = calloc(n + 1, sizeof(char *))) ||
        !(rs->parsed = calloc(n + 1, sizeof(*rs->parsed))) ||
        !(rs->imports = calloc(n + 1, sizeof(*rs->imports))) ||
        !(rs->busy = calloc(n + 1, sizeof(*rs->busy)))) {
        snprintf(msg, cap, "out of memory");
        chk_refset_free(rs);
        return NULL;
    }
    rs->type = type;
    json_array_foreach(refs, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *file = json_string_value(json_object_get(e, "file"));
        if (!name || !file) {
            snprintf(msg, cap, "offline references need \"name\" and \"file\"");
            chk_refset_free(rs);
            return NULL;
        }
        rs->refs[i] = (compat_ref_t){.name = name, .subject = file, .version = 1};
        rs->files[i] = (char *)file;
        rs->imports[i] = json_object_get(e, "imports");
        rs->n = i + 1;
    }
    return rs;
}

void chk_refset_opts(chk_refset_t *rs, compat_parse_opts_t *po) {
    po->type = rs->type;
    po->refs = rs->refs;
    po->nrefs = rs->n;
    po->resolve = refset_resolve;
    po->resolve_arg = rs;
}

void chk_refset_free(chk_refset_t *rs) {
    if (!rs)
        return;
    for (size_t i = 0; rs->parsed && i < rs->n; i++)
        compat_schema_free(rs->parsed[i]);
    free(rs->parsed);
    free(rs->imports);
    free(rs->busy);
    free(rs->files);
    free(rs->refs);
    free(rs);
}

/* ---- protoc-style import search ---- */

#define CHK_MAX_IMPORTS 1000

static bool have_entry(const json_t *refs, const char *name) {
    size_t i;
    json_t *e;
    json_array_foreach(refs, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0)
            return true;
    }
    return false;
}

/* The import paths of a file that must come from a file (not the built-in well-known ones),
 * as a JSON array; NULL with msg when the file cannot be read or parsed. */
static json_t *imports_of(const char *file, char *msg, size_t cap) {
    char *text = NULL, **v = NULL;
    size_t n = 0;
    cn_error_t err = {0};
    json_t *arr;
    if (cli_read_file(file, CLI_MAX_FILE, &text, NULL, &err) != CN_OK ||
        compat_pb_imports(text, strlen(text), &v, &n, &err) != CN_OK) {
        snprintf(msg, cap, "%s: %s", file, err.msg);
        free(text);
        return NULL;
    }
    arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (!compat_pb_is_wellknown(v[i]))
            json_array_append_new(arr, json_string(v[i]));
        free(v[i]);
    }
    free(v);
    free(text);
    return arr;
}

int chk_proto_imports(json_t *refs, const json_t *dirs, char *const *files, size_t nfiles,
                      char *msg, size_t cap) {
    json_t *todo = json_array();
    int rc = 0;
    for (size_t i = 0; i < nfiles && !rc; i++) {
        json_t *im = imports_of(files[i], msg, cap);
        if (!im)
            rc = -1;
        else
            json_array_extend(todo, im);
        json_decref(im);
    }
    while (!rc && json_array_size(todo)) {
        char *name = strdup(json_string_value(json_array_get(todo, 0)));
        json_array_remove(todo, 0);
        char *file = name && !have_entry(refs, name) ? cli_proto_find(dirs, name) : NULL;
        if (name && !file && !have_entry(refs, name)) {
            snprintf(msg, cap, "import \"%s\" not found in the -I directories", name);
            rc = -1;
        } else if (file && json_array_size(refs) >= CHK_MAX_IMPORTS) {
            snprintf(msg, cap, "more than %d imported files", CHK_MAX_IMPORTS);
            rc = -1;
        } else if (file) {
            json_t *im = imports_of(file, msg, cap);
            if (!im) {
                rc = -1;
            } else {
                json_array_append_new(
                    refs, json_pack("{s:s,s:s,s:O}", "name", name, "file", file, "imports", im));
                json_array_extend(todo, im);
                json_decref(im);
            }
        }
        free(file);
        free(name);
    }
    json_decref(todo);
    return rc;
}
