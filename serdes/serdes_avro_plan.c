/* SPDX-License-Identifier: Apache-2.0
 *
 * Compiling Avro schema resolution (Avro specification, "Schema Resolution") into a plan:
 * promotions int->long/float/double, long->float/double, float->double, string<->bytes; records
 * matched by name or reader aliases, fields by name or reader field aliases, writer-only fields
 * skipped, reader-only fields filled from their defaults (an error when a reader field has
 * none); enums by symbol with the reader's enum default; fixed by name and size; unions as the
 * specification says (a writer branch the reader cannot read fails only when it is met).
 * avro-c's own resolver is not used: it rejects defaults and accepts what the spec rejects.
 * Owns the plan's nodes.
 */
#include "serdes/serdes_avro_plan_int.h"

#include <stdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct serdes_memo {
    avro_schema_t w, r;
    serdes_node_t *node;
} serdes_memo_t;

typedef struct serdes_pc {
    serdes_avro_plan_t *plan;
    serdes_memo_t memo[256];
    size_t n_memo;
    serdes_err_t *err;
    int depth;
} serdes_pc_t;

static cn_err_t serdes_compile(serdes_pc_t *pc, avro_schema_t w, avro_schema_t r, const char *path,
                               serdes_node_t **out);

static avro_schema_t serdes_deref(avro_schema_t s) {
    while (s && avro_typeof(s) == AVRO_LINK)
        s = avro_schema_link_target(s);
    return s;
}

static serdes_node_t *serdes_node_new(serdes_pc_t *pc, serdes_op_t op, avro_schema_t w,
                                      avro_schema_t r) {
    serdes_node_t *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->op = op;
    n->w = w;
    n->r = r;
    n->next_alloc = pc->plan->nodes;
    pc->plan->nodes = n;
    return n;
}

static cn_err_t serdes_oom(serdes_pc_t *pc) {
    return serdes_err_set(pc->err, CN_ERR_NO_MEMORY, NULL);
}

static cn_err_t serdes_incompatible(serdes_pc_t *pc, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cn_err_t serdes_incompatible(serdes_pc_t *pc, const char *path, const char *fmt, ...) {
    char what[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return serdes_err_set(pc->err, CN_ERR_INCOMPATIBLE, "reader cannot read writer data at %s: %s",
                          *path ? path : "/", what);
}

/* Reader's JSON definition of a named type. */
static json_t *serdes_reader_def(serdes_pc_t *pc, avro_schema_t r) {
    char full[1024];
    serdes_avro_full_name(r, full, sizeof(full));
    return serdes_avro_named_json(pc->plan->reader, full);
}

static bool serdes_in_aliases(json_t *aliases, const char *a, const char *b) {
    size_t i;
    json_t *x;
    json_array_foreach(aliases, i, x) {
        const char *s = serdes_json_text(x);
        if (s && ((a && strcmp(s, a) == 0) || (b && strcmp(s, b) == 0)))
            return true;
    }
    return false;
}

/* Named types match by unqualified name, full name, or a reader alias of either. */
static bool serdes_names_match(serdes_pc_t *pc, avro_schema_t w, avro_schema_t r) {
    char wf[1024];
    json_t *def;
    serdes_avro_full_name(w, wf, sizeof(wf));
    if (strcmp(avro_schema_name(w), avro_schema_name(r)) == 0)
        return true;
    def = serdes_reader_def(pc, r);
    return def && serdes_in_aliases(json_object_get(def, "aliases"), wf, avro_schema_name(w));
}

static serdes_node_t *serdes_memo_get(serdes_pc_t *pc, avro_schema_t w, avro_schema_t r) {
    for (size_t i = 0; i < pc->n_memo; i++)
        if (pc->memo[i].w == w && pc->memo[i].r == r)
            return pc->memo[i].node;
    return NULL;
}

/* ---- records ---- */

static int serdes_reader_field_for(serdes_pc_t *pc, avro_schema_t r, json_t *rdef,
                                   const char *wname) {
    int idx = avro_schema_record_field_get_index(r, wname);
    json_t *fields = json_object_get(rdef, "fields");
    size_t i;
    json_t *f;
    (void)pc;
    if (idx >= 0)
        return idx;
    json_array_foreach(fields, i, f) {
        if (serdes_in_aliases(json_object_get(f, "aliases"), wname, NULL))
            return (int)i;
    }
    return -1;
}

static cn_err_t serdes_record_defaults(serdes_pc_t *pc, serdes_node_t *n, avro_schema_t r,
                                       json_t *rdef, const bool *covered, const char *path) {
    size_t nr = avro_schema_record_size(r);
    json_t *fields = json_object_get(rdef, "fields");
    n->dfields = calloc(nr ? nr : 1, sizeof(*n->dfields));
    if (!n->dfields)
        return serdes_oom(pc);
    for (size_t j = 0; j < nr; j++) {
        json_t *dv;
        if (covered[j])
            continue;
        dv = json_object_get(json_array_get(fields, j), "default");
        if (!dv)
            return serdes_incompatible(pc, path,
                                       "reader field %s has no default and the writer has no "
                                       "such field",
                                       avro_schema_record_field_name(r, (int)j));
        n->dfields[n->n_dfields++] =
            (serdes_dfield_t){(int)j, avro_schema_record_field_get_by_index(r, (int)j), dv};
    }
    return CN_OK;
}

static cn_err_t serdes_compile_record(serdes_pc_t *pc, serdes_node_t *n, avro_schema_t w,
                                      avro_schema_t r, const char *path) {
    size_t nw = avro_schema_record_size(w), nr = avro_schema_record_size(r);
    json_t *rdef = serdes_reader_def(pc, r);
    bool *covered = calloc(nr ? nr : 1, sizeof(bool));
    char sub[1024];
    cn_err_t rc = CN_OK;
    n->wfields = calloc(nw ? nw : 1, sizeof(*n->wfields));
    if (!covered || !n->wfields) {
        free(covered);
        return serdes_oom(pc);
    }
    n->n_wfields = nw;
    for (size_t i = 0; rc == CN_OK && i < nw; i++) {
        const char *wname = avro_schema_record_field_name(w, (int)i);
        avro_schema_t wf = avro_schema_record_field_get_by_index(w, (int)i);
        int j = serdes_reader_field_for(pc, r, rdef, wname);
        snprintf(sub, sizeof(sub), "%s/%s", path, wname);
        n->wfields[i].reader_index = j;
        if (j < 0) {
            n->wfields[i].plan = serdes_node_new(pc, OP_SKIP, wf, NULL);
            rc = n->wfields[i].plan ? CN_OK : serdes_oom(pc);
        } else {
            covered[j] = true;
            rc = serdes_compile(pc, wf, avro_schema_record_field_get_by_index(r, j), sub,
                                &n->wfields[i].plan);
        }
    }
    if (rc == CN_OK)
        rc = serdes_record_defaults(pc, n, r, rdef, covered, path);
    free(covered);
    return rc;
}

/* ---- enums, unions ---- */

static cn_err_t serdes_compile_enum(serdes_pc_t *pc, serdes_node_t *n, avro_schema_t w,
                                    avro_schema_t r) {
    json_t *rdef = serdes_reader_def(pc, r);
    const char *dflt = rdef ? serdes_json_text(json_object_get(rdef, "default")) : NULL;
    int dflt_idx = dflt ? avro_schema_enum_get_by_name(r, dflt) : -1;
    n->enum_n = (size_t)avro_schema_enum_number_of_symbols(w);
    n->enum_map = calloc(n->enum_n ? n->enum_n : 1, sizeof(int32_t));
    if (!n->enum_map)
        return serdes_oom(pc);
    for (size_t i = 0; i < n->enum_n; i++) {
        int idx = avro_schema_enum_get_by_name(r, avro_schema_enum_get(w, (int)i));
        n->enum_map[i] = idx >= 0 ? idx : dflt_idx;
    }
    return CN_OK;
}

static bool serdes_exact(avro_schema_t w, avro_schema_t b) {
    avro_type_t t = avro_typeof(w);
    if (t != avro_typeof(b))
        return false;
    if (t == AVRO_RECORD || t == AVRO_ENUM || t == AVRO_FIXED)
        return strcmp(avro_schema_name(w), avro_schema_name(b)) == 0;
    return true;
}

static cn_err_t serdes_compile_runion(serdes_pc_t *pc, avro_schema_t w, avro_schema_t r,
                                      const char *path, serdes_node_t **out) {
    size_t n = avro_schema_union_size(r);
    serdes_node_t *node = serdes_node_new(pc, OP_RUNION, w, r);
    if (!node)
        return serdes_oom(pc);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            avro_schema_t b = serdes_deref(avro_schema_union_branch(r, (int)i));
            if (pass == 0 && !serdes_exact(w, b))
                continue;
            if (serdes_compile(pc, w, b, path, &node->child) == CN_OK) {
                node->branch = (int)i;
                *out = node;
                return CN_OK;
            }
        }
    }
    return serdes_incompatible(pc, path, "no branch of the reader union can read writer type %s",
                               avro_schema_type_name(w));
}

static cn_err_t serdes_compile_wunion(serdes_pc_t *pc, serdes_node_t *n, avro_schema_t w,
                                      avro_schema_t r, const char *path) {
    n->n_branches = avro_schema_union_size(w);
    n->branches = calloc(n->n_branches ? n->n_branches : 1, sizeof(*n->branches));
    if (!n->branches)
        return serdes_oom(pc);
    for (size_t i = 0; i < n->n_branches; i++) {
        avro_schema_t b = avro_schema_union_branch(w, (int)i);
        if (serdes_compile(pc, b, r, path, &n->branches[i]) == CN_OK)
            continue;
        if (pc->err->e.code == CN_ERR_NO_MEMORY)
            return CN_ERR_NO_MEMORY;
        if (!(n->branches[i] = serdes_node_new(pc, OP_ERROR, b, r)) ||
            !(n->branches[i]->error = strdup(pc->err->e.msg)))
            return serdes_oom(pc);
    }
    return CN_OK;
}

/* ---- same types and promotions ---- */

static serdes_op_t serdes_promotion(avro_type_t tw, avro_type_t tr) {
    static const struct {
        avro_type_t w, r;
        serdes_op_t op;
    } table[] = {
        {AVRO_NULL, AVRO_NULL, OP_NULL},           {AVRO_BOOLEAN, AVRO_BOOLEAN, OP_BOOL},
        {AVRO_INT32, AVRO_INT32, OP_INT},          {AVRO_INT64, AVRO_INT64, OP_LONG},
        {AVRO_FLOAT, AVRO_FLOAT, OP_FLOAT},        {AVRO_DOUBLE, AVRO_DOUBLE, OP_DOUBLE},
        {AVRO_BYTES, AVRO_BYTES, OP_BYTES},        {AVRO_STRING, AVRO_STRING, OP_STRING},
        {AVRO_STRING, AVRO_BYTES, OP_BYTES},       {AVRO_BYTES, AVRO_STRING, OP_STRING},
        {AVRO_INT32, AVRO_INT64, OP_INT_LONG},     {AVRO_INT32, AVRO_FLOAT, OP_INT_FLOAT},
        {AVRO_INT32, AVRO_DOUBLE, OP_INT_DOUBLE},  {AVRO_INT64, AVRO_FLOAT, OP_LONG_FLOAT},
        {AVRO_INT64, AVRO_DOUBLE, OP_LONG_DOUBLE}, {AVRO_FLOAT, AVRO_DOUBLE, OP_FLOAT_DOUBLE},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (table[i].w == tw && table[i].r == tr)
            return table[i].op;
    return OP_ERROR;
}

static cn_err_t serdes_compile_named(serdes_pc_t *pc, avro_schema_t w, avro_schema_t r,
                                     const char *path, serdes_node_t **out) {
    avro_type_t t = avro_typeof(w);
    serdes_node_t *n;
    size_t saved;
    cn_err_t rc = CN_OK;
    if (!serdes_names_match(pc, w, r))
        return serdes_incompatible(pc, path, "writer type %s does not match reader type %s",
                                   avro_schema_name(w), avro_schema_name(r));
    if ((n = serdes_memo_get(pc, w, r)) != NULL) {
        *out = n;
        return CN_OK;
    }
    if (t == AVRO_FIXED && avro_schema_fixed_size(w) != avro_schema_fixed_size(r))
        return serdes_incompatible(pc, path, "fixed %s and %s differ in size", avro_schema_name(w),
                                   avro_schema_name(r));
    n = serdes_node_new(pc,
                        t == AVRO_RECORD ? OP_RECORD
                        : t == AVRO_ENUM ? OP_ENUM
                                         : OP_FIXED,
                        w, r);
    if (!n)
        return serdes_oom(pc);
    n->fixed_size = t == AVRO_FIXED ? avro_schema_fixed_size(w) : 0;
    if (pc->n_memo == sizeof(pc->memo) / sizeof(pc->memo[0]))
        return serdes_err_set(pc->err, CN_ERR_TOO_LARGE, "too many named types to resolve");
    saved = pc->n_memo;
    pc->memo[pc->n_memo++] = (serdes_memo_t){w, r, n};
    *out = n;
    if (t == AVRO_RECORD)
        rc = serdes_compile_record(pc, n, w, r, path);
    else if (t == AVRO_ENUM)
        rc = serdes_compile_enum(pc, n, w, r);
    if (rc != CN_OK)
        pc->n_memo = saved; /* a failed trial must not be found again */
    return rc;
}

static cn_err_t serdes_compile_same(serdes_pc_t *pc, avro_schema_t w, avro_schema_t r,
                                    const char *path, serdes_node_t **out) {
    avro_type_t tw = avro_typeof(w), tr = avro_typeof(r);
    serdes_node_t *n;
    serdes_op_t op;
    if (tw == tr && (tw == AVRO_RECORD || tw == AVRO_ENUM || tw == AVRO_FIXED))
        return serdes_compile_named(pc, w, r, path, out);
    if (tw == tr && (tw == AVRO_ARRAY || tw == AVRO_MAP)) {
        if (!(n = serdes_node_new(pc, tw == AVRO_ARRAY ? OP_ARRAY : OP_MAP, w, r)))
            return serdes_oom(pc);
        *out = n;
        return tw == AVRO_ARRAY ? serdes_compile(pc, avro_schema_array_items(w),
                                                 avro_schema_array_items(r), path, &n->child)
                                : serdes_compile(pc, avro_schema_map_values(w),
                                                 avro_schema_map_values(r), path, &n->child);
    }
    op = serdes_promotion(tw, tr);
    if (op == OP_ERROR)
        return serdes_incompatible(pc, path, "writer type %s cannot be read as %s",
                                   avro_schema_type_name(w), avro_schema_type_name(r));
    if (!(n = serdes_node_new(pc, op, w, r)))
        return serdes_oom(pc);
    *out = n;
    return CN_OK;
}

static cn_err_t serdes_compile(serdes_pc_t *pc, avro_schema_t w, avro_schema_t r, const char *path,
                               serdes_node_t **out) {
    cn_err_t rc;
    serdes_node_t *n;
    w = serdes_deref(w);
    r = serdes_deref(r);
    if (++pc->depth > SERDES_AVRO_MAX_DEPTH) {
        pc->depth--;
        return serdes_err_set(pc->err, CN_ERR_TOO_DEEP, "at %s: nesting deeper than %d", path,
                              SERDES_AVRO_MAX_DEPTH);
    }
    if (avro_typeof(w) == AVRO_UNION) {
        n = serdes_node_new(pc, OP_WUNION, w, r);
        rc = n ? serdes_compile_wunion(pc, n, w, r, path) : serdes_oom(pc);
        *out = n;
    } else if (avro_typeof(r) == AVRO_UNION) {
        rc = serdes_compile_runion(pc, w, r, path, out);
    } else {
        rc = serdes_compile_same(pc, w, r, path, out);
    }
    pc->depth--;
    return rc;
}

cn_err_t serdes_avro_plan_new(const serdes_avro_schema_t *writer,
                              const serdes_avro_schema_t *reader, serdes_avro_plan_t **out,
                              serdes_err_t *err) {
    serdes_avro_plan_t *plan = calloc(1, sizeof(*plan));
    serdes_pc_t *pc = calloc(1, sizeof(*pc));
    cn_err_t rc;
    if (!plan || !pc) {
        free(plan);
        free(pc);
        return serdes_err_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    plan->writer = writer;
    plan->reader = reader;
    plan->raw_bytes = writer->raw_bytes;
    pc->plan = plan;
    pc->err = err;
    rc = serdes_compile(pc, writer->schema, reader->schema, "", &plan->root);
    free(pc);
    if (rc != CN_OK) {
        serdes_avro_plan_free(plan);
        return rc;
    }
    *out = plan;
    return CN_OK;
}

void serdes_avro_plan_free(serdes_avro_plan_t *plan) {
    serdes_node_t *n, *next;
    if (!plan)
        return;
    for (n = plan->nodes; n; n = next) {
        next = n->next_alloc;
        free(n->enum_map);
        free(n->branches);
        free(n->wfields);
        free(n->dfields);
        free(n->error);
        free(n);
    }
    free(plan);
}
