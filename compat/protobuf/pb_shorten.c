/* SPDX-License-Identifier: Apache-2.0
 *
 * Type names as a person writes them: a schema that came as a FileDescriptorProto names every
 * type fully qualified (".pkg.Outer.Inner"); each such name is replaced by its shortest suffix
 * that Protobuf's scoping rules resolve, from the same place, to the same type. The .proto text
 * printed afterwards is then the one a person would have registered, so both forms of one
 * schema get one canonical text and one id.
 */
#include <stdio.h>
#include <string.h>

#include "compat/protobuf/pb_int.h"

static char *shortest(compat_pb_schema_t *s, const pb_type_t *scope, char *name) {
    const pb_sym_t *target;
    if (!name || name[0] != '.' || !(target = pb_resolve(s, s->file, scope, name)))
        return name;
    /* candidates from the last component outwards: "C", "B.C", "A.B.C" */
    for (const char *p = name + strlen(name); p > name; p--) {
        if (p[-1] != '.')
            continue;
        char *copy;
        if (pb_resolve(s, s->file, scope, p) == target && (copy = pb_strdup(&s->file->arena, p)))
            return copy;
    }
    return name;
}

static void shorten_field(compat_pb_schema_t *s, const pb_type_t *scope, pb_field_t *f) {
    if (f->map_key) {
        char *v = shortest(s, scope, f->map_val);
        if (v != f->map_val) {
            size_t n = strlen(f->map_key) + strlen(v) + 8;
            char *t = pb_alloc(&s->file->arena, n);
            if (t) {
                snprintf(t, n, "map<%s, %s>", f->map_key, v);
                f->map_val = v;
                f->type = t;
            }
        }
        return;
    }
    f->type = shortest(s, scope, f->type);
}

static void shorten_extends(compat_pb_schema_t *s, const pb_type_t *scope, pb_extend_t *v,
                            size_t n) {
    for (size_t i = 0; i < n; i++) {
        v[i].name = shortest(s, scope, v[i].name);
        for (size_t k = 0; k < v[i].nfields; k++)
            shorten_field(s, scope, v[i].fields[k]);
    }
}

static void shorten_type(compat_pb_schema_t *s, pb_type_t *m) {
    if (m->is_enum)
        return;
    for (size_t i = 0; i < m->nfields; i++)
        shorten_field(s, m, m->fields[i]);
    for (size_t o = 0; o < m->noneofs; o++)
        for (size_t i = 0; i < m->oneofs[o].nfields; i++)
            shorten_field(s, m, m->oneofs[o].fields[i]);
    shorten_extends(s, m, m->extends, m->nextends);
    for (size_t i = 0; i < m->nnested; i++)
        shorten_type(s, m->nested[i]);
}

void pb_shorten_names(compat_pb_schema_t *s) {
    pb_file_t *f = s->file;
    for (size_t i = 0; i < f->ntypes; i++)
        shorten_type(s, f->types[i]);
    shorten_extends(s, NULL, f->extends, f->nextends);
    for (size_t i = 0; i < f->nservices; i++)
        for (size_t k = 0; k < f->services[i].nrpcs; k++) {
            pb_rpc_t *r = &f->services[i].rpcs[k];
            r->req = shortest(s, NULL, r->req);
            r->resp = shortest(s, NULL, r->resp);
        }
}
