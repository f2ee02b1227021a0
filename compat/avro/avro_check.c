/* SPDX-License-Identifier: Apache-2.0
 *
 * Reader/writer compatibility exactly as Apache Avro Java's SchemaCompatibility (1.12):
 * identity-pair memo (a pair in progress counts as compatible, so recursive types end), union rules
 * in both positions with yes/no sub-checks on a fresh location stack, promotions, enum symbols and
 * enum defaults, fixed sizes, unqualified names with the reader's aliases, and the six
 * incompatibility types with Java's messages and JSON-pointer locations (Avro Java's
 * SchemaCompatibility.ReaderWriterCompatibilityChecker, after the "Schema Resolution" rules of
 * avro.apache.org/docs/1.11.1/specification/). A writer union read by a non-union reader keeps the
 * path and pushes the branch index (Avro 1.12, AVRO-3612).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_text.h"
#include "compat/avro/avro_int.h"

/* A location token: a word ("fields") or an index (s NULL). */
typedef struct tok {
    const char *s;
    size_t idx;
} tok_t;

#define TOK_S(w) ((tok_t){.s = (w)})
#define TOK_I(i) ((tok_t){.s = NULL, .idx = (i)})

enum { MEMO_EMPTY, MEMO_BUSY, MEMO_DONE };

/* Open-addressing memo of identity pairs; res is 1 + index into results (0: no issues). */
typedef struct memo_slot {
    const void *r, *w;
    uint32_t state;
    uint32_t res;
} memo_slot_t;

typedef struct ck {
    tok_t *stack;
    size_t top, cap, base; /* the location is stack[base..top) */
    memo_slot_t *memo;
    size_t mcap, mcount; /* mcap a power of two */
    compat_avro_result_t *results;
    size_t nres, capres;
    int depth;
    cn_err_t rc;
    cn_error_t *err;
    char *exception;
} ck_t;

static const char *const incompat_names[] = {
    "NAME_MISMATCH",        "FIXED_SIZE_MISMATCH",
    "MISSING_ENUM_SYMBOLS", "READER_FIELD_MISSING_DEFAULT_VALUE",
    "TYPE_MISMATCH",        "MISSING_UNION_BRANCH"};

const char *compat_avro_incompat_name(compat_avro_incompat_t t) {
    return incompat_names[t];
}

void compat_avro_result_fini(compat_avro_result_t *res) {
    for (size_t i = 0; i < res->n; i++) {
        free(res->issues[i].location);
        free(res->issues[i].message);
    }
    free(res->issues);
    free(res->exception);
    memset(res, 0, sizeof(*res));
}

static bool ck_ok(const ck_t *c) {
    return c->rc == CN_OK && !c->exception;
}

static void ck_fail(ck_t *c, cn_err_t rc) {
    if (c->rc == CN_OK)
        c->rc = rc;
}

static void res_push(ck_t *c, compat_avro_result_t *r, compat_avro_incompat_t t, char *loc,
                     char *msg) {
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4;
        compat_avro_issue_t *v = realloc(r->issues, cap * sizeof(*v));
        if (!v) {
            free(loc);
            free(msg);
            ck_fail(c, CN_ERR_NO_MEMORY);
            return;
        }
        r->issues = v;
        r->cap = cap;
    }
    if (!loc || !msg) {
        free(loc);
        free(msg);
        ck_fail(c, CN_ERR_NO_MEMORY);
        return;
    }
    r->issues[r->n++] = (compat_avro_issue_t){.type = t, .location = loc, .message = msg};
}

static void res_merge(ck_t *c, compat_avro_result_t *dst, const compat_avro_result_t *src) {
    for (size_t i = 0; i < src->n && c->rc == CN_OK; i++)
        res_push(c, dst, src->issues[i].type, strdup(src->issues[i].location),
                 strdup(src->issues[i].message));
}

/* ---- location stack ---- */

static void push(ck_t *c, tok_t tok) {
    if (c->top == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        tok_t *v = realloc(c->stack, cap * sizeof(*v));
        if (!v) {
            ck_fail(c, CN_ERR_NO_MEMORY);
            return;
        }
        c->stack = v;
        c->cap = cap;
    }
    c->stack[c->top++] = tok;
}

static void pop(ck_t *c, size_t top) {
    c->top = top;
}

/* Java's Incompatibility.getLocation: drop the root token, "/"-join, "/" for the root. */
static char *location(const ck_t *c) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    for (size_t i = c->base + 1; i < c->top; i++) {
        if (c->stack[i].s)
            cn_buf_printf(&b, "/%s", c->stack[i].s);
        else
            cn_buf_printf(&b, "/%zu", c->stack[i].idx);
    }
    if (b.len == 0)
        cn_buf_put_u8(&b, '/');
    if (!cn_buf_cstr(&b)) {
        cn_buf_fini(&b);
        return NULL;
    }
    return (char *)cn_buf_steal(&b, NULL);
}

static void add(ck_t *c, compat_avro_result_t *r, compat_avro_incompat_t t, char *msg) {
    res_push(c, r, t, location(c), msg);
}

/* ---- the walk ---- */

static void check(ck_t *c, tok_t tok, const compat_avro_node_t *r, const compat_avro_node_t *w,
                  compat_avro_result_t *out);

static bool yes_no(ck_t *c, const compat_avro_node_t *r, const compat_avro_node_t *w) {
    size_t base = c->base, top = c->top;
    compat_avro_result_t tmp = {0};
    c->base = c->top;
    check(c, TOK_S(""), r, w, &tmp);
    bool ok = tmp.n == 0;
    compat_avro_result_fini(&tmp);
    c->base = base;
    c->top = top;
    return ok;
}

static void type_mismatch(ck_t *c, const compat_avro_node_t *r, const compat_avro_node_t *w,
                          compat_avro_result_t *out) {
    add(c, out, COMPAT_AVRO_TYPE_MISMATCH,
        cn_strfmt("reader type: %s not compatible with writer type: %s",
                  compat_avro_kind_upper(r->kind), compat_avro_kind_upper(w->kind)));
}

static void check_name(ck_t *c, const compat_avro_node_t *r, const compat_avro_node_t *w,
                       compat_avro_result_t *out) {
    size_t top = c->top;
    bool eq = strcmp(r->name, w->name) == 0;
    for (size_t i = 0; !eq && i < r->naliases; i++)
        eq = strcmp(r->aliases[i], w->fullname) == 0;
    push(c, TOK_S("name"));
    if (!eq)
        add(c, out, COMPAT_AVRO_NAME_MISMATCH, cn_strfmt("expected: %s", w->fullname));
    pop(c, top);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *missing_symbols(const compat_avro_node_t *r, const compat_avro_node_t *w) {
    const char **miss = calloc(w->nsymbols ? w->nsymbols : 1, sizeof(*miss));
    size_t n = 0;
    cn_buf_t b;
    if (!miss)
        return NULL;
    for (size_t i = 0; i < w->nsymbols; i++) {
        bool found = false;
        for (size_t k = 0; k < r->nsymbols && !found; k++)
            found = strcmp(w->symbols[i], r->symbols[k]) == 0;
        if (!found)
            miss[n++] = w->symbols[i];
    }
    if (n == 0) {
        free(miss);
        return strdup("");
    }
    qsort(miss, n, sizeof(*miss), cmp_str);
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_put_u8(&b, '[');
    for (size_t i = 0; i < n; i++)
        cn_buf_printf(&b, i ? ", %s" : "%s", miss[i]);
    cn_buf_put_u8(&b, ']');
    free(miss);
    char *s = cn_buf_cstr(&b) ? (char *)cn_buf_steal(&b, NULL) : NULL;
    cn_buf_fini(&b);
    return s;
}

static void check_symbols(ck_t *c, const compat_avro_node_t *r, const compat_avro_node_t *w,
                          compat_avro_result_t *out) {
    size_t top = c->top;
    char *miss = missing_symbols(r, w);
    push(c, TOK_S("symbols"));
    if (!miss)
        ck_fail(c, CN_ERR_NO_MEMORY);
    else if (miss[0] && !r->enum_default)
        add(c, out, COMPAT_AVRO_MISSING_ENUM_SYMBOLS, miss), miss = NULL;
    free(miss);
    pop(c, top);
}

static void check_size(ck_t *c, const compat_avro_node_t *r, const compat_avro_node_t *w,
                       compat_avro_result_t *out) {
    size_t top = c->top;
    push(c, TOK_S("size"));
    if (r->size != w->size)
        add(c, out, COMPAT_AVRO_FIXED_SIZE_MISMATCH,
            cn_strfmt("expected: %lld, found: %lld", (long long)w->size, (long long)r->size));
    pop(c, top);
}

static const compat_avro_field_t *writer_field(const compat_avro_node_t *w, const char *name,
                                               size_t hint) {
    if (hint < w->nfields && strcmp(w->fields[hint].name, name) == 0)
        return &w->fields[hint];
    for (size_t i = 0; i < w->nfields; i++)
        if (strcmp(w->fields[i].name, name) == 0)
            return &w->fields[i];
    return NULL;
}

static void multiple_matches(ck_t *c, const compat_avro_field_t *rf, size_t pos,
                             const compat_avro_node_t *w) {
    cn_buf_t b;
    cn_buf_init(&b, CN_BUF_NO_LIMIT);
    cn_buf_printf(&b,
                  "Reader record field %s type:%s pos:%zu matches multiple fields in writer "
                  "record schema ",
                  rf->name, compat_avro_kind_upper(rf->type->kind), pos);
    if (compat_avro_print_node(w, &b, NULL) != CN_OK || !cn_buf_cstr(&b))
        ck_fail(c, CN_ERR_NO_MEMORY);
    else
        c->exception = (char *)cn_buf_steal(&b, NULL);
    cn_buf_fini(&b);
}

static void check_field(ck_t *c, const compat_avro_field_t *rf, size_t pos,
                        const compat_avro_node_t *w, compat_avro_result_t *out) {
    const compat_avro_field_t *wf = writer_field(w, rf->name, pos), *m;
    size_t matches = wf ? 1 : 0;
    for (size_t i = 0; i < rf->naliases; i++)
        if ((m = writer_field(w, rf->aliases[i], pos)) != NULL) {
            wf = m;
            matches++;
        }
    if (matches > 1)
        multiple_matches(c, rf, pos, w);
    else if (wf)
        check(c, TOK_S("type"), rf->type, wf->type, out);
    else if (rf->def)
        return;
    else if (rf->type->kind == COMPAT_AVRO_ENUM && rf->type->enum_default)
        check(c, TOK_S("type"), rf->type, w, out);
    else
        add(c, out, COMPAT_AVRO_READER_FIELD_MISSING_DEFAULT_VALUE, strdup(rf->name));
}

static void check_fields(ck_t *c, const compat_avro_node_t *r, const compat_avro_node_t *w,
                         compat_avro_result_t *out) {
    size_t top = c->top;
    push(c, TOK_S("fields"));
    for (size_t p = 0; p < r->nfields && ck_ok(c); p++) {
        size_t t2 = c->top;
        push(c, TOK_I(p));
        check_field(c, &r->fields[p], p, w, out);
        pop(c, t2);
    }
    pop(c, top);
}

static void same_kind(ck_t *c, const compat_avro_node_t *r, const compat_avro_node_t *w,
                      compat_avro_result_t *out) {
    switch (r->kind) {
    case COMPAT_AVRO_ARRAY:
        check(c, TOK_S("items"), r->child, w->child, out);
        break;
    case COMPAT_AVRO_MAP:
        check(c, TOK_S("values"), r->child, w->child, out);
        break;
    case COMPAT_AVRO_FIXED:
        check_name(c, r, w, out);
        check_size(c, r, w, out);
        break;
    case COMPAT_AVRO_ENUM:
        check_name(c, r, w, out);
        check_symbols(c, r, w, out);
        break;
    case COMPAT_AVRO_RECORD:
        check_name(c, r, w, out);
        check_fields(c, r, w, out);
        break;
    case COMPAT_AVRO_UNION:
        for (size_t i = 0; i < w->nbranches && ck_ok(c); i++) {
            size_t top = c->top;
            push(c, TOK_I(i));
            if (!yes_no(c, r, w->branches[i]) && ck_ok(c))
                add(c, out, COMPAT_AVRO_MISSING_UNION_BRANCH,
                    cn_strfmt("reader union lacking writer type: %s",
                              compat_avro_kind_upper(w->branches[i]->kind)));
            pop(c, top);
        }
        break;
    default:
        break;
    }
}

static bool promotes(compat_avro_kind_t r, compat_avro_kind_t w) {
    switch (r) {
    case COMPAT_AVRO_LONG:
        return w == COMPAT_AVRO_INT;
    case COMPAT_AVRO_FLOAT:
        return w == COMPAT_AVRO_INT || w == COMPAT_AVRO_LONG;
    case COMPAT_AVRO_DOUBLE:
        return w == COMPAT_AVRO_INT || w == COMPAT_AVRO_LONG || w == COMPAT_AVRO_FLOAT;
    case COMPAT_AVRO_BYTES:
        return w == COMPAT_AVRO_STRING;
    case COMPAT_AVRO_STRING:
        return w == COMPAT_AVRO_BYTES;
    default:
        return false;
    }
}

static void other_kind(ck_t *c, const compat_avro_node_t *r, const compat_avro_node_t *w,
                       compat_avro_result_t *out) {
    if (w->kind == COMPAT_AVRO_UNION) {
        for (size_t i = 0; i < w->nbranches && ck_ok(c); i++)
            check(c, TOK_I(i), r, w->branches[i], out);
    } else if (r->kind == COMPAT_AVRO_UNION) {
        for (size_t i = 0; i < r->nbranches; i++)
            if (yes_no(c, r->branches[i], w) || !ck_ok(c))
                return;
        add(c, out, COMPAT_AVRO_MISSING_UNION_BRANCH,
            cn_strfmt("reader union lacking writer type: %s", compat_avro_kind_upper(w->kind)));
    } else if (!promotes(r->kind, w->kind)) {
        type_mismatch(c, r, w, out);
    }
}

/* ---- the memo ---- */

static size_t memo_hash(const void *r, const void *w) {
    uint64_t h = (uint64_t)(uintptr_t)r * 0x9E3779B97F4A7C15ULL ^ (uint64_t)(uintptr_t)w;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    return (size_t)(h ^ (h >> 32));
}

/* The slot of (r, w), or the empty slot where it would go. */
static memo_slot_t *memo_find(ck_t *c, const void *r, const void *w) {
    size_t mask = c->mcap - 1, i = memo_hash(r, w) & mask;
    while (c->memo[i].state != MEMO_EMPTY && (c->memo[i].r != r || c->memo[i].w != w))
        i = (i + 1) & mask;
    return &c->memo[i];
}

static bool memo_grow(ck_t *c) {
    size_t old = c->mcap;
    memo_slot_t *prev = c->memo;
    if (c->mcount * 2 < c->mcap)
        return true;
    c->mcap = old ? old * 2 : 256;
    if (!(c->memo = calloc(c->mcap, sizeof(*c->memo)))) {
        c->memo = prev;
        c->mcap = old;
        return false;
    }
    for (size_t i = 0; i < old; i++)
        if (prev[i].state != MEMO_EMPTY)
            *memo_find(c, prev[i].r, prev[i].w) = prev[i];
    free(prev);
    return true;
}

/* Keep a finished pair's issues (moved out of res) and mark it done. */
static void memo_done(ck_t *c, const void *r, const void *w, compat_avro_result_t *res) {
    memo_slot_t *m = memo_find(c, r, w);
    m->state = MEMO_DONE;
    if (res->n == 0 && !res->exception)
        return;
    if (c->nres == c->capres) {
        size_t cap = c->capres ? c->capres * 2 : 16;
        compat_avro_result_t *v = realloc(c->results, cap * sizeof(*v));
        if (!v) {
            ck_fail(c, CN_ERR_NO_MEMORY);
            return;
        }
        c->results = v;
        c->capres = cap;
    }
    c->results[c->nres++] = *res;
    memset(res, 0, sizeof(*res));
    m->res = (uint32_t)c->nres;
}

static void check(ck_t *c, tok_t tok, const compat_avro_node_t *r, const compat_avro_node_t *w,
                  compat_avro_result_t *out) {
    size_t top = c->top;
    memo_slot_t *m = NULL;
    if (!ck_ok(c))
        return;
    if (++c->depth > COMPAT_AVRO_MAX_WALK)
        ck_fail(c, CN_ERR_TOO_DEEP);
    if (c->mcount >= COMPAT_AVRO_MAX_PAIRS)
        ck_fail(c, CN_ERR_TOO_LARGE);
    push(c, tok);
    if (ck_ok(c) && !memo_grow(c))
        ck_fail(c, CN_ERR_NO_MEMORY);
    if (ck_ok(c))
        m = memo_find(c, r, w);
    if (m && m->state != MEMO_EMPTY) {
        if (m->state == MEMO_DONE && m->res)
            res_merge(c, out, &c->results[m->res - 1]);
    } else if (m) {
        compat_avro_result_t res = {0};
        *m = (memo_slot_t){.r = r, .w = w, .state = MEMO_BUSY};
        c->mcount++;
        if (r->kind == w->kind)
            same_kind(c, r, w, &res);
        else
            other_kind(c, r, w, &res);
        res_merge(c, out, &res);
        memo_done(c, r, w, &res);
        compat_avro_result_fini(&res);
    }
    pop(c, top);
    c->depth--;
}

cn_err_t compat_avro_check(const compat_avro_node_t *reader, const compat_avro_node_t *writer,
                           compat_avro_result_t *res, cn_error_t *err) {
    ck_t c = {.err = err};
    check(&c, TOK_S(""), reader, writer, res);
    for (size_t i = 0; i < c.nres; i++)
        compat_avro_result_fini(&c.results[i]);
    free(c.results);
    free(c.memo);
    free(c.stack);
    res->exception = c.exception;
    if (c.rc != CN_OK) {
        compat_avro_result_fini(res);
        return cn_error_set(err, c.rc, "%s",
                            c.rc == CN_ERR_TOO_DEEP    ? "schemas nested too deep to check"
                            : c.rc == CN_ERR_TOO_LARGE ? "schemas too large to check (too many "
                                                         "type pairs)"
                                                       : "out of memory");
    }
    return CN_OK;
}
