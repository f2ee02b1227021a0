/* SPDX-License-Identifier: Apache-2.0
 *
 * Confluent's text of a Protobuf schema (ProtobufSchemaUtils.toString in Confluent Schema
 * Registry's protobuf-provider, which re-prints Square Wire's ProtoFileElement): syntax,
 * package, imports, file options, messages then enums, extends, services; two-space
 * indentation, every section of a block after a blank line, comments dropped, default and
 * json_name printed as the last field options. With normalize (ProtobufSchema.normalize, the
 * same printer with its normalize flag):
 * imports and options sorted, fields by number, oneofs by first member, enum constants by
 * value, reserved ranges one per statement, type names fully qualified, map entries as maps.
 * Message order never changes: Confluent's message indexes refer to it.
 *
 * Blocks are built as strings and indented line by line as the original does, so nested
 * blank lines carry the indentation, as in Confluent's output.
 */
#include <stdlib.h>
#include <string.h>

#include "compat/protobuf/pb_int.h"


/* Every line of src (a trailing newline dropped) prefixed with two spaces. */
void pb_pr_indented(cn_buf_t *dst, const cn_buf_t *src) {
    const char *p = (const char *)src->data, *end = p + src->len;
    if (!p)
        return;
    while (end > p && end[-1] == '\n')
        end--;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        cn_buf_put(dst, "  ", 2);
        cn_buf_put(dst, p, (size_t)(e - p));
        cn_buf_put(dst, "\n", 1);
        p = nl ? nl + 1 : end;
    }
}

void pb_pr_indented_str(cn_buf_t *dst, const char *s) {
    cn_buf_t t = {.data = (uint8_t *)s, .len = strlen(s)};
    pb_pr_indented(dst, &t);
}

/* Java-style escapes of ProtobufSchemaUtils.escapeChars; other control bytes and bytes that
 * are not UTF-8 as octal escapes, so the text stays valid UTF-8 and parses back. */
static void escape(cn_buf_t *b, const char *s, size_t n) {
    static const char from[] = "\a\b\f\n\r\t\v\\'\"";
    static const char to[] = "abfnrtv\\'\"";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *k = c ? memchr(from, c, sizeof(from) - 1) : NULL;
        if (k) {
            char e[2] = {'\\', to[k - from]};
            cn_buf_put(b, e, 2);
        } else if (c < 0x20 || c == 0x7f) {
            cn_buf_printf(b, "\\%03o", c);
        } else if (c < 0x80) {
            cn_buf_put(b, &s[i], 1);
        } else {
            size_t k2 = (c & 0xE0) == 0xC0   ? 1
                        : (c & 0xF0) == 0xE0 ? 2
                        : (c & 0xF8) == 0xF0 ? 3
                                             : 9;
            bool ok = k2 != 9 && i + k2 < n;
            for (size_t j = 1; ok && j <= k2; j++)
                ok = ((unsigned char)s[i + j] & 0xC0) == 0x80;
            if (ok) {
                cn_buf_put(b, &s[i], k2 + 1);
                i += k2;
            } else {
                cn_buf_printf(b, "\\%03o", c);
            }
        }
    }
}

void pb_pr_quoted(cn_buf_t *b, const char *s, size_t n) {
    cn_buf_put(b, "\"", 1);
    escape(b, s, n);
    cn_buf_put(b, "\"", 1);
}

static int kv_cmp(const void *x, const void *y) {
    return strcmp(((const pb_kv_t *)x)->key, ((const pb_kv_t *)y)->key);
}

static void map_value(cn_buf_t *b, const pb_val_t *v, bool norm);

static void map_entries(cn_buf_t *b, const pb_val_t *m, bool norm) {
    pb_kv_t *kv = m->kv;
    pb_kv_t *sorted = NULL;
    if (norm && m->n > 1 && (sorted = malloc(m->n * sizeof(*sorted)))) {
        memcpy(sorted, m->kv, m->n * sizeof(*sorted));
        qsort(sorted, m->n, sizeof(*sorted), kv_cmp);
        kv = sorted;
    }
    for (size_t i = 0; i < m->n; i++) {
        cn_buf_t t;
        cn_buf_init(&t, CN_BUF_NO_LIMIT);
        cn_buf_printf(&t, "%s: ", kv[i].key);
        map_value(&t, kv[i].val, norm);
        if (i + 1 < m->n)
            cn_buf_put(&t, ",", 1);
        pb_pr_indented(b, &t);
        b->failed |= t.failed;
        cn_buf_fini(&t);
    }
    free(sorted);
}

static void map_value(cn_buf_t *b, const pb_val_t *v, bool norm) {
    switch (v->kind) {
    case PB_VAL_STRING:
        pb_pr_quoted(b, v->text, v->len);
        break;
    case PB_VAL_MAP:
        cn_buf_put_str(b, "{\n");
        map_entries(b, v, norm);
        cn_buf_put(b, "}", 1);
        break;
    case PB_VAL_LIST:
        cn_buf_put_str(b, "[\n");
        for (size_t i = 0; i < v->n; i++) {
            cn_buf_t t;
            cn_buf_init(&t, CN_BUF_NO_LIMIT);
            map_value(&t, v->items[i], norm);
            if (i + 1 < v->n)
                cn_buf_put(&t, ",", 1);
            pb_pr_indented(b, &t);
            b->failed |= t.failed;
            cn_buf_fini(&t);
        }
        cn_buf_put(b, "]", 1);
        break;
    default:
        cn_buf_put(b, v->text, v->len);
    }
}

/* name = value (OptionElement.toString of the Confluent printer). */
static void option(cn_buf_t *b, const pb_opt_t *o, bool norm) {
    cn_buf_put_str(b, o->name);
    switch (o->val->kind) {
    case PB_VAL_STRING:
        cn_buf_put_str(b, " = ");
        pb_pr_quoted(b, o->val->text, o->val->len);
        break;
    case PB_VAL_MAP:
        cn_buf_put_str(b, " = {\n");
        map_entries(b, o->val, norm);
        cn_buf_put(b, "}", 1);
        break;
    default:
        cn_buf_put_str(b, " = ");
        map_value(b, o->val, norm);
    }
}

static int opt_cmp(const void *x, const void *y) {
    const pb_opt_t *a = *(const pb_opt_t *const *)x, *c = *(const pb_opt_t *const *)y;
    int r = strcmp(a->sort, c->sort);
    return r ? r : (a < c ? -1 : a > c); /* stable, as Java's sort */
}

/* Pointers to the options, sorted by name when normalizing (owned array). */
static const pb_opt_t **opt_order(const pb_opt_t *v, size_t n, const pb_opt_t *extra, size_t nextra,
                                  bool norm) {
    const pb_opt_t **o = malloc((n + nextra + 1) * sizeof(*o));
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++)
        o[i] = &v[i];
    for (size_t i = 0; i < nextra; i++)
        o[n + i] = &extra[i];
    if (norm)
        qsort(o, n + nextra, sizeof(*o), opt_cmp);
    return o;
}

/* [a = b] for one, else one per line (appendOptions). */
static void option_list(cn_buf_t *b, const pb_opt_t **o, size_t n, bool norm) {
    if (n == 1) {
        cn_buf_put(b, "[", 1);
        option(b, o[0], norm);
        cn_buf_put(b, "]", 1);
        return;
    }
    cn_buf_put_str(b, "[\n");
    for (size_t i = 0; i < n; i++) {
        cn_buf_t t;
        cn_buf_init(&t, CN_BUF_NO_LIMIT);
        option(&t, o[i], norm);
        if (i + 1 < n)
            cn_buf_put(&t, ",", 1);
        pb_pr_indented(b, &t);
        b->failed |= t.failed;
        cn_buf_fini(&t);
    }
    cn_buf_put(b, "]", 1);
}

void pb_pr_opts_inline(cn_buf_t *b, const pb_opts_t *opts, const pb_opt_t *extra, size_t nextra,
                       bool norm) {
    size_t n = opts->n + nextra;
    const pb_opt_t **o;
    if (n == 0)
        return;
    if (!(o = opt_order(opts->v, opts->n, extra, nextra, norm))) {
        b->failed = true;
        return;
    }
    cn_buf_put(b, " ", 1);
    option_list(b, o, n, norm);
    free(o);
}

/* option x = y; lines, indented when in a block. */
void pb_pr_opt_stmts(cn_buf_t *b, const pb_opts_t *opts, bool norm, bool indent) {
    const pb_opt_t **o = opt_order(opts->v, opts->n, NULL, 0, norm);
    if (!o) {
        b->failed = true;
        return;
    }
    for (size_t i = 0; i < opts->n; i++) {
        cn_buf_t t;
        cn_buf_init(&t, CN_BUF_NO_LIMIT);
        cn_buf_put_str(&t, "option ");
        option(&t, o[i], norm);
        cn_buf_put_str(&t, ";\n");
        if (indent)
            pb_pr_indented(b, &t);
        else
            cn_buf_put(b, t.data, t.len);
        b->failed |= t.failed;
        cn_buf_fini(&t);
    }
    free(o);
}
