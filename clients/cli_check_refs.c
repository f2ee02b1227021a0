/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema references for offline `cairn check`: a job's {"name","file"} references become
 * compat_ref_t entries and a resolver that reads and parses each referenced file once (Avro
 * named types defined in other files) and keeps the parsed schemas alive for the whole check.
 */
#include <stdlib.h>
#include <string.h>

#include "clients/cli_check.h"

struct chk_refset {
    compat_type_t type;
    compat_ref_t *refs;
    char **files;
    compat_schema_t **parsed; /* by index, parsed on first use */
    size_t n;
};

static cn_err_t refset_resolve(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                               cn_error_t *err) {
    chk_refset_t *rs = arg;
    for (size_t i = 0; i < rs->n; i++) {
        char *text;
        compat_parse_opts_t po = {.type = rs->type};
        if (strcmp(rs->refs[i].name, ref->name) != 0)
            continue;
        if (!rs->parsed[i]) {
            if (cli_read_file(rs->files[i], CLI_MAX_FILE, &text, NULL, err) != CN_OK)
                return err->code;
            rs->parsed[i] = compat_schema_parse(text, strlen(text), &po, err);
            free(text);
            if (!rs->parsed[i])
                return cn_error_set(err, CN_ERR_INVALID_SCHEMA, "reference %s (%s): %s", ref->name,
                                    rs->files[i], err->msg);
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
        !(rs->parsed = calloc(n + 1, sizeof(*rs->parsed)))) {
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
    free(rs->files);
    free(rs->refs);
    free(rs);
}
