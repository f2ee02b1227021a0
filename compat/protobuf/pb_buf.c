/* SPDX-License-Identifier: Apache-2.0
 *
 * The rule categories of `buf breaking` (https://buf.build/docs/breaking/rules/: FILE, PACKAGE,
 * WIRE_JSON, WIRE and the rule IDs in each, as `buf config ls-breaking-rules` lists them) over
 * the main files of two versions of a schema: the rule table, deletions of messages and enums
 * (map entries included), enum values, oneofs, reserved and extension ranges. The fields of
 * each message present in both versions are pb_buf_field.c's, the file, its services and
 * extensions pb_buf_file.c's. Messages and enums are matched by full name, enum values by
 * number, as buf does. Pure.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compat/protobuf/pb_buf_int.h"

#define W  BUF_WIRE
#define WJ BUF_WIRE_JSON
#define P  BUF_PACKAGE
#define F  BUF_FILE

/* Every rule this checker knows and its categories (buf's v2 configuration). */
static const struct {
    const char *id;
    unsigned cats;
} rule_table[] = {
    {"ENUM_NO_DELETE", F},
    {"EXTENSION_NO_DELETE", F},
    {"FILE_NO_DELETE", F},
    {"MESSAGE_NO_DELETE", F},
    {"SERVICE_NO_DELETE", F},
    {"ENUM_SAME_TYPE", F | P},
    {"FIELD_SAME_CARDINALITY", F | P},
    {"FIELD_SAME_CPP_STRING_TYPE", F | P},
    {"FIELD_SAME_JAVA_UTF8_VALIDATION", F | P},
    {"FIELD_SAME_JSTYPE", F | P},
    {"FIELD_SAME_UTF8_VALIDATION", F | P},
    {"FILE_SAME_OPTION", F | P}, /* FILE_SAME_<OPTION>: the options of file_opts below */
    {"RPC_NO_DELETE", F | P},
    {"ENUM_VALUE_NO_DELETE", F | P},
    {"EXTENSION_MESSAGE_NO_DELETE", F | P},
    {"FIELD_NO_DELETE", F | P},
    {"FIELD_SAME_TYPE", F | P},
    {"FILE_SAME_SYNTAX", F | P},
    {"MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR", F | P},
    {"ONEOF_NO_DELETE", F | P},
    {"ENUM_VALUE_SAME_NAME", F | P | WJ},
    {"FIELD_SAME_JSON_NAME", F | P | WJ},
    {"FIELD_SAME_NAME", F | P | WJ},
    {"FIELD_SAME_DEFAULT", F | P | WJ | W},
    {"FIELD_SAME_ONEOF", F | P | WJ | W},
    {"FILE_SAME_PACKAGE", F | P | WJ | W},
    {"MESSAGE_SAME_REQUIRED_FIELDS", F | P | WJ | W},
    {"RESERVED_ENUM_NO_DELETE", F | P | WJ | W},
    {"RESERVED_MESSAGE_NO_DELETE", F | P | WJ | W},
    {"RPC_SAME_CLIENT_STREAMING", F | P | WJ | W},
    {"RPC_SAME_IDEMPOTENCY_LEVEL", F | P | WJ | W},
    {"RPC_SAME_REQUEST_TYPE", F | P | WJ | W},
    {"RPC_SAME_RESPONSE_TYPE", F | P | WJ | W},
    {"RPC_SAME_SERVER_STREAMING", F | P | WJ | W},
    {"PACKAGE_ENUM_NO_DELETE", P},
    {"PACKAGE_EXTENSION_NO_DELETE", P},
    {"PACKAGE_MESSAGE_NO_DELETE", P},
    {"PACKAGE_NO_DELETE", P},
    {"PACKAGE_SERVICE_NO_DELETE", P},
    {"ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", WJ},
    {"FIELD_NO_DELETE_UNLESS_NAME_RESERVED", WJ},
    {"FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", WJ},
    {"FIELD_WIRE_JSON_COMPATIBLE_TYPE", WJ},
    {"ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", WJ | W},
    {"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", WJ | W},
    {"FIELD_WIRE_COMPATIBLE_CARDINALITY", W},
    {"FIELD_WIRE_COMPATIBLE_TYPE", W},
};

static const char *const cat_names[] = {"WIRE", "WIRE_JSON", "PACKAGE", "FILE"};

bool compat_pb_rules_parse(const char *s, compat_pb_rules_t *out) {
    static const char *const alias[] = {"wire", "wire-json", "package", "file"};
    for (size_t i = 0; s && i < 4; i++)
        if (strcasecmp(s, cat_names[i]) == 0 || strcasecmp(s, alias[i]) == 0) {
            *out = (compat_pb_rules_t)i;
            return true;
        }
    return false;
}

const char *compat_pb_rules_name(compat_pb_rules_t r) {
    return (unsigned)r < 4 ? cat_names[r] : "?";
}

bool pb_buf_on(const pb_bctx_t *c, const char *rule) {
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < sizeof(rule_table) / sizeof(rule_table[0]); i++)
            if (strcmp(rule_table[i].id, rule) == 0)
                return (rule_table[i].cats & c->cat) != 0;
        assert(strncmp(rule, "FILE_SAME_", 10) == 0); /* else: a rule missing from the table */
        rule = "FILE_SAME_OPTION"; /* the FILE_SAME_<OPTION> rules of pb_buf_file.c */
    }
    return false;
}

static bool grow(compat_pb_findings_t *o) {
    size_t cap = o->cap ? o->cap * 2 : 16;
    compat_pb_finding_t *v;
    if (o->n < o->cap)
        return true;
    if (!(v = realloc(o->v, cap * sizeof(*v))))
        return false;
    o->v = v;
    o->cap = cap;
    return true;
}

void pb_buf_add(pb_bctx_t *c, const char *rule, int line, int col, const char *fmt, ...) {
    compat_pb_findings_t *o = c->out;
    va_list ap;
    char *msg = NULL;
    if (!pb_buf_on(c, rule) || c->oom)
        return;
    va_start(ap, fmt);
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0 || !grow(o)) {
        free(n < 0 ? NULL : msg);
        c->oom = true;
        return;
    }
    o->v[o->n++] = (compat_pb_finding_t){.rule = rule, .line = line, .col = col, .message = msg};
}

/* ---- helpers ---- */

const char *pb_buf_name(const pb_type_t *t) {
    const char *pkg = t->file ? t->file->package : NULL;
    size_t n = pkg ? strlen(pkg) : 0;
    return n && strncmp(t->fqn, pkg, n) == 0 && t->fqn[n] == '.' ? t->fqn + n + 1 : t->fqn;
}

bool pb_buf_in_ranges(const pb_ranges_t *r, size_t n, int32_t num) {
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r[i].n; k++)
            if (r[i].items[k].kind != PB_R_NAME && num >= r[i].items[k].start &&
                num <= r[i].items[k].end)
                return true;
    return false;
}

bool pb_buf_name_reserved(const pb_ranges_t *r, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < r[i].n; k++)
            if (r[i].items[k].kind == PB_R_NAME && strcmp(r[i].items[k].name, name) == 0)
                return true;
    return false;
}

static const pb_val_t *opt_get(const pb_opts_t *o, const char *name) {
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->v[i].name, name) == 0)
            return o->v[i].val;
    return NULL;
}

const char *pb_buf_opt(const pb_opts_t *o, const char *name, const char *absent) {
    const pb_val_t *v = opt_get(o, name);
    return v && v->text ? v->text : absent;
}

/* The messages and enums of a file, nested ones included, in declaration order. */
typedef struct tlist {
    const pb_type_t **v;
    const pb_type_t **by_name; /* sorted by (is_enum, fqn) */
    size_t n, cap;
} tlist_t;

static bool tl_add(tlist_t *l, const pb_type_t *const *types, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 64;
            const pb_type_t **v = realloc(l->v, cap * sizeof(*v));
            if (!v)
                return false;
            l->v = v;
            l->cap = cap;
        }
        l->v[l->n++] = types[i];
        if (!tl_add(l, (const pb_type_t *const *)types[i]->nested, types[i]->nnested))
            return false;
    }
    return true;
}

static int tl_cmp(const void *x, const void *y) {
    const pb_type_t *a = *(const pb_type_t *const *)x, *b = *(const pb_type_t *const *)y;
    return a->is_enum != b->is_enum ? (a->is_enum ? 1 : -1) : strcmp(a->fqn, b->fqn);
}

/* by_name: the list sorted for tl_find (the declaration order stays in v). */
static bool tl_index(tlist_t *l) {
    if (!(l->by_name = malloc((l->n ? l->n : 1) * sizeof(*l->by_name))))
        return false;
    if (l->n)
        memcpy(l->by_name, l->v, l->n * sizeof(*l->v));
    qsort(l->by_name, l->n, sizeof(*l->by_name), tl_cmp);
    return true;
}

static const pb_type_t *tl_find(const tlist_t *l, const char *fqn, bool is_enum) {
    pb_type_t key = {.is_enum = is_enum, .fqn = (char *)fqn};
    const pb_type_t *kp = &key, *const * hit;
    if (!l->n)
        return NULL;
    hit = bsearch(&kp, l->by_name, l->n, sizeof(*l->by_name), tl_cmp);
    return hit ? *hit : NULL;
}

/* The enclosing message of a deleted type in the new file, for buf's location. */
static const pb_type_t *parent_in(const tlist_t *now, const pb_type_t *t) {
    return t->parent ? tl_find(now, t->parent->fqn, false) : NULL;
}

bool pb_buf_same_package(const pb_file_t *a, const pb_file_t *b) {
    return strcmp(a->package ? a->package : "", b->package ? b->package : "") == 0;
}

/* ---- reserved ranges and names (messages and enums) ---- */

/* Append to b the values of [s, e] that no range of now covers, "a" or "a-b" each. */
static void missing_values(char *b, size_t cap, int32_t s, int32_t e, const pb_ranges_t *now,
                           size_t n) {
    size_t len = 0;
    int64_t x = s;
    b[0] = 0;
    while (x <= e && len + 32 < cap) {
        int64_t next = (int64_t)e + 1;
        bool covered = false;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < now[i].n; k++) {
                const pb_ritem_t *it = &now[i].items[k];
                if (it->kind == PB_R_NAME)
                    continue;
                if (x >= it->start && x <= it->end) {
                    covered = true;
                    next = (int64_t)it->end + 1;
                }
            }
        if (!covered) {
            for (size_t i = 0; i < n; i++)
                for (size_t k = 0; k < now[i].n; k++)
                    if (now[i].items[k].kind != PB_R_NAME && now[i].items[k].start > x &&
                        now[i].items[k].start < next)
                        next = now[i].items[k].start;
            len += (size_t)snprintf(b + len, cap - len, next - 1 > x ? "%s%lld-%lld" : "%s%lld",
                                    len ? "," : "", (long long)x, (long long)(next - 1));
        }
        x = next;
    }
}

static void reserved_rule(pb_bctx_t *c, const char *rule, const char *what, const pb_type_t *now,
                          const pb_ranges_t *old, size_t nold, const pb_ranges_t *cur,
                          size_t ncur) {
    char miss[256];
    for (size_t i = 0; i < nold; i++)
        for (size_t k = 0; k < old[i].n; k++) {
            const pb_ritem_t *it = &old[i].items[k];
            if (it->kind == PB_R_NAME) {
                if (!pb_buf_name_reserved(cur, ncur, it->name))
                    pb_buf_add(c, rule, now->decl_line, now->decl_col,
                               "Previously present reserved name \"%s\" on %s \"%s\" was deleted.",
                               it->name, what, now->name);
                continue;
            }
            missing_values(miss, sizeof(miss), it->start, it->end, cur, ncur);
            if (miss[0])
                pb_buf_add(c, rule, now->decl_line, now->decl_col,
                           "Previously present %s range \"[%d,%d]\" on %s \"%s\" is missing "
                           "values: [%s] were removed.",
                           strcmp(rule, "EXTENSION_MESSAGE_NO_DELETE") == 0 ? "extension"
                                                                            : "reserved",
                           it->start, it->end, what, now->name, miss);
        }
}

/* ---- messages ---- */

static bool has_oneof(const pb_type_t *t, const char *name) {
    for (size_t i = 0; i < t->noneofs; i++)
        if (strcmp(t->oneofs[i].name, name) == 0)
            return true;
    return false;
}

static void message_rules(pb_bctx_t *c, const pb_type_t *old, const pb_type_t *now) {
    const char *name = now->name;
    for (size_t i = 0; i < old->noneofs; i++)
        if (!has_oneof(now, old->oneofs[i].name))
            pb_buf_add(c, "ONEOF_NO_DELETE", now->decl_line, now->decl_col,
                       "Previously present oneof \"%s\" on message \"%s\" was deleted.",
                       old->oneofs[i].name, name);
    reserved_rule(c, "RESERVED_MESSAGE_NO_DELETE", "message", now, old->reserved, old->nreserved,
                  now->reserved, now->nreserved);
    reserved_rule(c, "EXTENSION_MESSAGE_NO_DELETE", "message", now, old->extensions,
                  old->nextensions, now->extensions, now->nextensions);
    if (strcmp(pb_buf_opt(&old->opts, "no_standard_descriptor_accessor", "false"), "true") != 0 &&
        strcmp(pb_buf_opt(&now->opts, "no_standard_descriptor_accessor", "false"), "true") == 0)
        pb_buf_add(c, "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR", now->decl_line,
                   now->decl_col,
                   "Message option \"no_standard_descriptor_accessor\" changed from \"false\" to "
                   "\"true\".");
    pb_buf_fields(c, old, now);
}

/* ---- enums ---- */

static const pb_const_t *const_by_number(const pb_type_t *e, int32_t v) {
    for (size_t i = 0; i < e->nconsts; i++)
        if (e->consts[i].value == v)
            return &e->consts[i];
    return NULL;
}

static bool enum_closed(const pb_type_t *e) {
    return !e->file->edition && (!e->file->syntax || strcmp(e->file->syntax, "proto2") == 0);
}

static int str_cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names an enum gives number v (aliases), sorted, joined with ", " into b. */
static const char *names_of(const pb_type_t *e, int32_t v, char *b, size_t cap) {
    const char *names[64];
    size_t n = 0, len = 0;
    for (size_t i = 0; i < e->nconsts && n < 64; i++)
        if (e->consts[i].value == v)
            names[n++] = e->consts[i].name;
    qsort(names, n, sizeof(names[0]), str_cmp);
    b[0] = 0;
    for (size_t i = 0; i < n && len < cap; i++)
        len += (size_t)snprintf(b + len, cap - len, "%s%s", i ? ", " : "", names[i]);
    return b;
}

static void enum_rules(pb_bctx_t *c, const pb_type_t *old, const pb_type_t *now) {
    const char *name = now->name;
    for (size_t i = 0; i < old->nconsts; i++) {
        const pb_const_t *k = &old->consts[i], *n = const_by_number(now, k->value);
        char on[512], nn[512];
        if (n && const_by_number(old, k->value) == k &&
            strcmp(names_of(old, k->value, on, sizeof(on)),
                   names_of(now, k->value, nn, sizeof(nn))))
            pb_buf_add(c, "ENUM_VALUE_SAME_NAME", n->line, n->col,
                       "Enum value \"%d\" on enum \"%s\" changed name from \"%s\" to \"%s\".",
                       k->value, name, on, nn);
        if (n || const_by_number(old, k->value) != k)
            continue;
        pb_buf_add(c, "ENUM_VALUE_NO_DELETE", now->decl_line, now->decl_col,
                   "Previously present enum value \"%d\" on enum \"%s\" was deleted.", k->value,
                   name);
        if (!pb_buf_in_ranges(now->reserved, now->nreserved, k->value))
            pb_buf_add(c, "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", now->decl_line,
                       now->decl_col,
                       "Previously present enum value \"%d\" on enum \"%s\" was deleted without "
                       "reserving the number \"%d\".",
                       k->value, name, k->value);
        if (!pb_buf_name_reserved(now->reserved, now->nreserved, k->name))
            pb_buf_add(c, "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", now->decl_line,
                       now->decl_col,
                       "Previously present enum value \"%d\" on enum \"%s\" was deleted without "
                       "reserving the name \"%s\".",
                       k->value, name, k->name);
    }
    reserved_rule(c, "RESERVED_ENUM_NO_DELETE", "enum", now, old->reserved, old->nreserved,
                  now->reserved, now->nreserved);
    if (enum_closed(old) != enum_closed(now))
        pb_buf_add(c, "ENUM_SAME_TYPE", now->decl_line, now->decl_col,
                   "Enum \"%s\" changed from %s to %s.", name, enum_closed(old) ? "closed" : "open",
                   enum_closed(now) ? "closed" : "open");
}

/* ---- types: deleted, or compared ---- */

/* A message or enum (by its name without the package) deleted; at the enclosing message in
 * the new file, or at the file's start. */
static void report_deleted(pb_bctx_t *c, bool is_enum, const char *name, const pb_type_t *at) {
    const char *what = is_enum ? "enum" : "message";
    int line = at ? at->decl_line : 1, col = at ? at->decl_col : 1;
    pb_buf_add(c, is_enum ? "ENUM_NO_DELETE" : "MESSAGE_NO_DELETE", line, col,
               "Previously present %s \"%s\" was deleted from file.", what, name);
    if (pb_buf_same_package(c->prev, c->cur))
        pb_buf_add(c, is_enum ? "PACKAGE_ENUM_NO_DELETE" : "PACKAGE_MESSAGE_NO_DELETE", line, col,
                   "Previously present %s \"%s\" was deleted from package \"%s\".", what, name,
                   c->cur->package ? c->cur->package : "");
}

/* protoc's map entry message of a map field: the field name in CamelCase + "Entry". */
static void entry_name(const pb_field_t *f, char *out, size_t cap) {
    size_t k = 0;
    bool up = true;
    for (const char *p = f->name; *p && k + 6 < cap; p++) {
        if (*p == '_') {
            up = true;
            continue;
        }
        out[k++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        up = false;
    }
    snprintf(out + k, cap - k, "Entry");
}

static bool has_entry(const pb_type_t *m, const char *entry) {
    char e[300];
    for (size_t i = 0; m && i < m->nfields; i++)
        if (m->fields[i]->map_key) {
            entry_name(m->fields[i], e, sizeof(e));
            if (strcmp(e, entry) == 0)
                return true;
        }
    return false;
}

/* The map entry messages of old that now (NULL: deleted) no longer has. */
static void deleted_entries(pb_bctx_t *c, const pb_type_t *old, const pb_type_t *now) {
    char e[300], name[600];
    for (size_t i = 0; i < old->nfields; i++) {
        if (!old->fields[i]->map_key)
            continue;
        entry_name(old->fields[i], e, sizeof(e));
        if (has_entry(now, e))
            continue;
        snprintf(name, sizeof(name), "%s.%s", pb_buf_name(old), e);
        report_deleted(c, false, name, now);
    }
}

static void deleted_type(pb_bctx_t *c, const pb_type_t *t, const tlist_t *now) {
    if (t->map_entry)
        return;
    report_deleted(c, t->is_enum, pb_buf_name(t), parent_in(now, t));
    if (!t->is_enum)
        deleted_entries(c, t, NULL);
}

/* buf compares a file with the file of the same path: a type whose package alone changed is
 * not deleted from it (FILE_SAME_PACKAGE says it). */
static bool moved_package(const tlist_t *now, const pb_type_t *t) {
    for (size_t i = 0; i < now->n; i++)
        if (now->v[i]->is_enum == t->is_enum && strcmp(pb_buf_name(now->v[i]), pb_buf_name(t)) == 0)
            return true;
    return false;
}

static void type_rules(pb_bctx_t *c, const tlist_t *old, const tlist_t *now) {
    for (size_t i = 0; i < old->n && !c->oom; i++) {
        const pb_type_t *t = old->v[i], *n = tl_find(now, t->fqn, t->is_enum);
        if (!n && !moved_package(now, t))
            deleted_type(c, t, now);
        else if (!n)
            continue;
        else if (t->is_enum)
            enum_rules(c, t, n);
        else {
            message_rules(c, t, n);
            deleted_entries(c, t, n);
        }
    }
}

static int by_location(const void *a, const void *b) {
    const compat_pb_finding_t *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

cn_err_t compat_pb_breaking(const compat_pb_schema_t *prev, const compat_pb_schema_t *cur,
                            compat_pb_rules_t rules, compat_pb_findings_t *out, cn_error_t *err) {
    pb_bctx_t c = {.cat = 1u << rules, .prev = prev->file, .cur = cur->file, .out = out};
    tlist_t old = {0}, now = {0};
    size_t first = out->n;
    assert((unsigned)rules < 4);
    if (!tl_add(&old, (const pb_type_t *const *)c.prev->types, c.prev->ntypes) ||
        !tl_add(&now, (const pb_type_t *const *)c.cur->types, c.cur->ntypes) || !tl_index(&now))
        c.oom = true;
    if (!c.oom) {
        pb_buf_file_rules(&c);
        type_rules(&c, &old, &now);
    }
    free(old.v);
    free(now.v);
    free(now.by_name);
    if (c.oom)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (out->n > first)
        qsort(out->v + first, out->n - first, sizeof(*out->v), by_location);
    return CN_OK;
}

void compat_pb_findings_fini(compat_pb_findings_t *f) {
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].message);
    free(f->v);
    *f = (compat_pb_findings_t){0};
}
