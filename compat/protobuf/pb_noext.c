/* SPDX-License-Identifier: Apache-2.0
 *
 * format=ignore_extensions (Confluent's ProtobufSchema.formattedString with ignoreExtensions):
 * a parsed file stripped, in place, of its custom options (parenthesized option names, except
 * Confluent's own `(confluent.*)` metadata), its `extend` blocks and its messages' `extensions`
 * ranges, everywhere: file, messages, fields, oneofs, enums, enum values, services and RPCs.
 */
#include <string.h>

#include "compat/protobuf/pb_int.h"

static void strip_opts(pb_opts_t *o) {
    size_t k = 0;
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i].name[0] != '(' || strncmp(o->v[i].name, "(confluent.", 11) == 0)
            o->v[k++] = o->v[i];
    o->n = k;
}

static void strip_fields(pb_field_t **f, size_t n) {
    for (size_t i = 0; i < n; i++)
        strip_opts(&f[i]->opts);
}

static void strip_type(pb_type_t *t, int depth) {
    if (depth > PB_MAX_DEPTH)
        return;
    strip_opts(&t->opts);
    for (size_t i = 0; i < t->nconsts; i++)
        strip_opts(&t->consts[i].opts);
    strip_fields(t->fields, t->nfields);
    for (size_t i = 0; i < t->noneofs; i++) {
        strip_opts(&t->oneofs[i].opts);
        strip_fields(t->oneofs[i].fields, t->oneofs[i].nfields);
    }
    t->nextensions = 0;
    t->nextends = 0;
    for (size_t i = 0; i < t->nnested; i++)
        strip_type(t->nested[i], depth + 1);
}

void pb_strip_extensions(pb_file_t *f) {
    strip_opts(&f->opts);
    for (size_t i = 0; i < f->ntypes; i++)
        strip_type(f->types[i], 0);
    f->nextends = 0;
    for (size_t i = 0; i < f->nservices; i++) {
        strip_opts(&f->services[i].opts);
        for (size_t k = 0; k < f->services[i].nrpcs; k++)
            strip_opts(&f->services[i].rpcs[k].opts);
    }
}
