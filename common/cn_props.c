/* SPDX-License-Identifier: Apache-2.0
 *
 * The properties store (an insertion-ordered array of owned key/value strings; configs are small
 * so lookups are linear) and the java.util.Properties-compatible parser.
 */
#include "common/cn_props.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cn_buf.h"
#include "common/cn_fs.h"
#include "common/cn_text.h"

typedef struct cn_prop {
    char *key;
    char *value;
} cn_prop_t;

struct cn_props {
    cn_prop_t *items;
    size_t n;
    size_t cap;
};

cn_props_t *cn_props_new(void) {
    return calloc(1, sizeof(cn_props_t));
}

void cn_props_free(cn_props_t *props) {
    if (!props)
        return;
    for (size_t i = 0; i < props->n; i++) {
        free(props->items[i].key);
        free(props->items[i].value);
    }
    free(props->items);
    free(props);
}

static cn_prop_t *cn_props_find(const cn_props_t *props, const char *key) {
    for (size_t i = 0; i < props->n; i++)
        if (strcmp(props->items[i].key, key) == 0)
            return &props->items[i];
    return NULL;
}

cn_err_t cn_props_set(cn_props_t *props, const char *key, const char *value) {
    cn_prop_t *p = cn_props_find(props, key);
    char *v = strdup(value);
    if (!v)
        return CN_ERR_NO_MEMORY;
    if (p) {
        free(p->value);
        p->value = v;
        return CN_OK;
    }
    if (props->n == props->cap) {
        size_t cap = props->cap ? props->cap * 2 : 16;
        cn_prop_t *items = realloc(props->items, cap * sizeof(*items));
        if (!items) {
            free(v);
            return CN_ERR_NO_MEMORY;
        }
        props->items = items;
        props->cap = cap;
    }
    props->items[props->n].key = strdup(key);
    if (!props->items[props->n].key) {
        free(v);
        return CN_ERR_NO_MEMORY;
    }
    props->items[props->n++].value = v;
    return CN_OK;
}

const char *cn_props_get(const cn_props_t *props, const char *key) {
    cn_prop_t *p = cn_props_find(props, key);
    return p ? p->value : NULL;
}

const char *cn_props_get_str(const cn_props_t *props, const char *key, const char *dflt) {
    const char *v = cn_props_get(props, key);
    return v ? v : dflt;
}

bool cn_parse_i64(const char *s, int64_t *out) {
    char *end;
    long long v;
    if (!s || !*s || isspace((unsigned char)*s))
        return false;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = v;
    return true;
}

cn_err_t cn_parse_listener(const char *s, char *host, size_t cap, int *port, cn_error_t *err) {
    const char *p = strstr(s, "://") ? strstr(s, "://") + 3 : s;
    size_t len = strcspn(p, ",");
    const char *colon = memrchr(p, ':', len);
    char num[16];
    int64_t v;
    size_t hlen = colon ? (size_t)(colon - p) : 0;
    size_t plen = colon ? len - hlen - 1 : 0;
    if (!colon || hlen >= cap || plen == 0 || plen >= sizeof(num))
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "listener '%s' is not HOST:PORT", s);
    if (hlen >= 2 && p[0] == '[' && p[hlen - 1] == ']') { /* [::1]:9092 */
        p++;
        hlen -= 2;
    }
    memcpy(num, colon + 1, plen);
    num[plen] = '\0';
    if (!cn_parse_i64(num, &v) || v < 0 || v > 65535)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "listener '%s': bad port", s);
    if (hlen == 0)
        snprintf(host, cap, "0.0.0.0");
    else if (hlen == 9 && strncmp(p, "localhost", 9) == 0)
        snprintf(host, cap, "127.0.0.1");
    else
        snprintf(host, cap, "%.*s", (int)hlen, p);
    *port = (int)v;
    return CN_OK;
}

cn_err_t cn_props_get_i64(const cn_props_t *props, const char *key, int64_t dflt, int64_t min,
                          int64_t max, int64_t *out, cn_error_t *err) {
    const char *v = cn_props_get(props, key);
    int64_t n = dflt;
    if (v && !cn_parse_i64(v, &n))
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "%s: '%s' is not an integer", key, v);
    if (n < min || n > max)
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "%s: %lld is outside [%lld, %lld]", key,
                            (long long)n, (long long)min, (long long)max);
    *out = n;
    return CN_OK;
}

cn_err_t cn_props_get_bool(const cn_props_t *props, const char *key, bool dflt, bool *out,
                           cn_error_t *err) {
    const char *v = cn_props_get(props, key);
    if (!v)
        *out = dflt;
    else if (strcasecmp(v, "true") == 0)
        *out = true;
    else if (strcasecmp(v, "false") == 0)
        *out = false;
    else
        return cn_error_set(err, CN_ERR_INVALID_CONFIG, "%s: '%s' is not true or false", key, v);
    return CN_OK;
}

size_t cn_props_count(const cn_props_t *props) {
    return props->n;
}

void cn_props_at(const cn_props_t *props, size_t i, const char **key, const char **value) {
    *key = props->items[i].key;
    *value = props->items[i].value;
}

/* ---- parser ---- */

typedef struct cn_props_lexer {
    const char *p;
    const char *end;
    int line;
} cn_props_lexer_t;

static cn_err_t cn_props_put_utf8(cn_buf_t *out, uint32_t cp) {
    uint8_t b[3];
    if (cp < 0x80)
        return cn_buf_put_u8(out, (uint8_t)cp);
    if (cp < 0x800) {
        b[0] = (uint8_t)(0xc0 | (cp >> 6));
        b[1] = (uint8_t)(0x80 | (cp & 0x3f));
        return cn_buf_put(out, b, 2);
    }
    b[0] = (uint8_t)(0xe0 | (cp >> 12));
    b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
    b[2] = (uint8_t)(0x80 | (cp & 0x3f));
    return cn_buf_put(out, b, 3);
}

/* One escape after a backslash; lx->p is on the character after it. */
static cn_err_t cn_props_escape(cn_props_lexer_t *lx, cn_buf_t *out, cn_error_t *err) {
    char c = *lx->p++;
    uint32_t cp = 0;
    switch (c) {
    case 't':
        return cn_buf_put_u8(out, '\t');
    case 'n':
        return cn_buf_put_u8(out, '\n');
    case 'r':
        return cn_buf_put_u8(out, '\r');
    case 'f':
        return cn_buf_put_u8(out, '\f');
    case 'u':
        for (int i = 0; i < 4; i++) {
            int h = lx->p < lx->end ? cn_hex_digit(*lx->p) : -1;
            if (h < 0)
                return cn_error_set(err, CN_ERR_PARSE,
                                    "line %d: malformed \\u escape (four hex digits expected)",
                                    lx->line);
            cp = cp << 4 | (uint32_t)h;
            lx->p++;
        }
        return cn_props_put_utf8(out, cp);
    default:
        return cn_buf_put_u8(out, (uint8_t)c);
    }
}

static void cn_props_skip_blank(cn_props_lexer_t *lx) {
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\f'))
        lx->p++;
}

/* Backslash + end of line: continue on the next line, without its leading white space. */
static bool cn_props_continuation(cn_props_lexer_t *lx) {
    if (lx->p + 1 > lx->end || *lx->p != '\\')
        return false;
    if (lx->p + 1 == lx->end) {
        lx->p++;
        return true;
    }
    if (lx->p[1] != '\n' && lx->p[1] != '\r')
        return false;
    lx->p += 2;
    if (lx->p[-1] == '\r' && lx->p < lx->end && *lx->p == '\n')
        lx->p++;
    lx->line++;
    cn_props_skip_blank(lx);
    return true;
}

static bool cn_props_at_eol(const cn_props_lexer_t *lx) {
    return lx->p >= lx->end || *lx->p == '\n' || *lx->p == '\r';
}

/* Read a key (stop at unescaped = : or blank) or a value (stop at end of line). */
static cn_err_t cn_props_token(cn_props_lexer_t *lx, bool is_key, cn_buf_t *out, cn_error_t *err) {
    cn_err_t rc = CN_OK;
    while (rc == CN_OK && !cn_props_at_eol(lx)) {
        char c = *lx->p;
        if (cn_props_continuation(lx))
            continue;
        if (is_key && (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f'))
            break;
        lx->p++;
        rc = c == '\\' ? cn_props_escape(lx, out, err) : cn_buf_put_u8(out, (uint8_t)c);
    }
    if (rc == CN_OK && !cn_buf_cstr(out))
        rc = CN_ERR_NO_MEMORY;
    return rc;
}

static void cn_props_skip_separator(cn_props_lexer_t *lx) {
    cn_props_skip_blank(lx);
    if (lx->p < lx->end && (*lx->p == '=' || *lx->p == ':'))
        lx->p++;
    cn_props_skip_blank(lx);
}

static void cn_props_next_line(cn_props_lexer_t *lx) {
    while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r')
        lx->p++;
    if (lx->p < lx->end && *lx->p == '\r')
        lx->p++;
    if (lx->p < lx->end && *lx->p == '\n')
        lx->p++;
    lx->line++;
}

static cn_err_t cn_props_line(cn_props_t *props, cn_props_lexer_t *lx, cn_error_t *err) {
    cn_buf_t key, value;
    cn_err_t rc;
    cn_props_skip_blank(lx);
    if (cn_props_at_eol(lx) || *lx->p == '#' || *lx->p == '!') {
        cn_props_next_line(lx);
        return CN_OK;
    }
    cn_buf_init(&key, 1 << 20);
    cn_buf_init(&value, 1 << 24);
    rc = cn_props_token(lx, true, &key, err);
    if (rc == CN_OK) {
        cn_props_skip_separator(lx);
        rc = cn_props_token(lx, false, &value, err);
    }
    if (rc == CN_OK)
        rc = cn_props_set(props, (const char *)key.data, (const char *)value.data);
    cn_buf_fini(&key);
    cn_buf_fini(&value);
    cn_props_next_line(lx);
    return rc;
}

cn_err_t cn_props_parse(cn_props_t *props, const char *text, size_t len, cn_error_t *err) {
    cn_props_lexer_t lx = {text, text + len, 1};
    cn_err_t rc = CN_OK;
    while (rc == CN_OK && lx.p < lx.end)
        rc = cn_props_line(props, &lx, err);
    if (rc != CN_OK && (!err || err->code != rc))
        cn_error_set(err, rc, "line %d: %s", lx.line, cn_err_default_msg(rc));
    return rc;
}

cn_err_t cn_props_load_file(cn_props_t *props, const char *path, cn_error_t *err) {
    char *text;
    size_t len;
    cn_err_t rc = cn_fs_read_all(path, 16u << 20, &text, &len, err);
    if (rc != CN_OK)
        return rc;
    rc = cn_props_parse(props, text, len, err);
    if (rc != CN_OK)
        cn_error_prefix(err, "%s", path);
    free(text);
    return rc;
}

/* CAIRN_KAFKASTORE_BOOTSTRAP__X___Y -> kafkastore.bootstrap_x-y */
static void cn_props_env_key(const char *name, size_t n, cn_buf_t *out) {
    for (size_t i = 0; i < n;) {
        size_t run = 0;
        while (i + run < n && name[i + run] == '_')
            run++;
        if (run == 0) {
            cn_buf_put_u8(out, (uint8_t)tolower((unsigned char)name[i++]));
            continue;
        }
        cn_buf_put_u8(out, run == 1 ? '.' : run == 2 ? '_' : '-');
        i += run;
    }
}

cn_err_t cn_props_apply_env(cn_props_t *props, const char *prefix, char *const *envp) {
    size_t plen = strlen(prefix);
    cn_err_t rc = CN_OK;
    for (; envp && *envp && rc == CN_OK; envp++) {
        const char *eq = strchr(*envp, '=');
        cn_buf_t key;
        if (!eq || strncmp(*envp, prefix, plen) != 0 || eq == *envp + plen)
            continue;
        cn_buf_init(&key, 4096);
        cn_props_env_key(*envp + plen, (size_t)(eq - *envp) - plen, &key);
        rc = cn_buf_cstr(&key) ? cn_props_set(props, (const char *)key.data, eq + 1)
                               : CN_ERR_NO_MEMORY;
        cn_buf_fini(&key);
    }
    return rc;
}
