/* SPDX-License-Identifier: Apache-2.0
 *
 * URI reference resolution for "$id" and "$ref" (RFC 3986 §5.2: component split, merge and
 * remove_dot_segments). Works on strings only; nothing is fetched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_text.h"
#include "compat/jsonschema/js_int.h"

typedef struct span {
    const char *p;
    size_t n;
    bool has;
} span_t;

typedef struct uri {
    span_t scheme, auth, path, query, frag;
} uri_t;

static size_t cspan(const char *s, const char *stop) {
    return strcspn(s, stop);
}

/* RFC 3986 appendix B, without regex. */
static void uri_split(const char *s, uri_t *u) {
    memset(u, 0, sizeof(*u));
    size_t n = cspan(s, ":/?#");
    if (s[n] == ':' && n > 0) {
        u->scheme = (span_t){s, n, true};
        s += n + 1;
    }
    if (s[0] == '/' && s[1] == '/') {
        s += 2;
        n = cspan(s, "/?#");
        u->auth = (span_t){s, n, true};
        s += n;
    }
    n = cspan(s, "?#");
    u->path = (span_t){s, n, true};
    s += n;
    if (*s == '?') {
        n = cspan(s + 1, "#");
        u->query = (span_t){s + 1, n, true};
        s += n + 1;
    }
    if (*s == '#')
        u->frag = (span_t){s + 1, strlen(s + 1), true};
}

/* remove_dot_segments (RFC 3986 §5.2.4) of in[0..n) into out (at least n + 1 bytes). */
static void remove_dots(const char *in, size_t n, char *out) {
    size_t o = 0, i = 0;
    while (i < n) {
        const char *p = in + i;
        size_t left = n - i;
        if (left >= 3 && strncmp(p, "../", 3) == 0)
            i += 3;
        else if (left >= 2 && strncmp(p, "./", 2) == 0)
            i += 2;
        else if ((left >= 3 && strncmp(p, "/./", 3) == 0))
            i += 2;
        else if (left == 2 && strncmp(p, "/.", 2) == 0) {
            out[o++] = '/';
            i += 2;
        } else if ((left >= 4 && strncmp(p, "/../", 4) == 0) ||
                   (left == 3 && strncmp(p, "/..", 3) == 0)) {
            bool end = left == 3;
            i += 3; /* "/../x" continues as "/x"; a final "/.." becomes "/" */
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            if (end)
                out[o++] = '/';
        } else if ((left == 1 && p[0] == '.') || (left == 2 && strncmp(p, "..", 2) == 0)) {
            i = n;
        } else {
            size_t k = 1;
            while (k < left && p[k] != '/')
                k++;
            memcpy(out + o, p, k);
            o += k;
            i += k;
        }
    }
    out[o] = '\0';
}

static void put(char **w, const char *p, size_t n) {
    memcpy(*w, p, n);
    *w += n;
}

/* The target path before dot removal: ref's (absolute) or merged with base's. */
static void merge_path(const uri_t *b, const uri_t *r, char *out) {
    if (r->path.n > 0 && r->path.p[0] == '/') {
        memcpy(out, r->path.p, r->path.n);
        out[r->path.n] = '\0';
        return;
    }
    size_t k = 0;
    if (b->auth.has && b->path.n == 0)
        out[k++] = '/';
    else {
        size_t last = b->path.n;
        while (last > 0 && b->path.p[last - 1] != '/')
            last--;
        memcpy(out, b->path.p, last);
        k = last;
    }
    memcpy(out + k, r->path.p, r->path.n);
    out[k + r->path.n] = '\0';
}

char *js_uri_resolve(const char *base, const char *ref) {
    uri_t b, r, t;
    uri_split(base ? base : "", &b);
    uri_split(ref, &r);
    size_t cap = strlen(base ? base : "") + strlen(ref) + 8;
    char *tmp = malloc(cap), *pathbuf = malloc(cap), *out = malloc(cap);
    if (!tmp || !pathbuf || !out) {
        free(tmp), free(pathbuf), free(out);
        return NULL;
    }
    t = r;
    if (!r.scheme.has) {
        t.scheme = b.scheme;
        if (!r.auth.has) {
            t.auth = b.auth;
            if (r.path.n == 0) {
                t.path = b.path;
                if (!r.query.has)
                    t.query = b.query;
            } else {
                merge_path(&b, &r, tmp);
                t.path = (span_t){tmp, strlen(tmp), true};
            }
        }
    }
    remove_dots(t.path.p, t.path.n, pathbuf);
    char *w = out;
    if (t.scheme.has)
        put(&w, t.scheme.p, t.scheme.n), put(&w, ":", 1);
    if (t.auth.has)
        put(&w, "//", 2), put(&w, t.auth.p, t.auth.n);
    put(&w, pathbuf, strlen(pathbuf));
    if (t.query.has)
        put(&w, "?", 1), put(&w, t.query.p, t.query.n);
    if (r.frag.has)
        put(&w, "#", 1), put(&w, r.frag.p, r.frag.n);
    *w = '\0';
    free(tmp);
    free(pathbuf);
    return out;
}

size_t js_uri_nofrag_len(const char *uri) {
    return strcspn(uri, "#");
}

void js_uri_unescape(char *s) {
    char *w = s;
    for (; *s; s++) {
        int h, l;
        if (s[0] == '%' && (h = cn_hex_digit(s[1])) >= 0 && (l = cn_hex_digit(s[2])) >= 0) {
            *w++ = (char)(h * 16 + l);
            s += 2;
        } else {
            *w++ = *s;
        }
    }
    *w = '\0';
}
