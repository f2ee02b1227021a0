/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal to compat/protobuf/: the model of one parsed .proto file (the elements the Protocol
 * Buffers language specification defines, https://protobuf.dev/reference/protobuf/proto3-spec/
 * and proto2-spec/), the arena that owns it, the tokenizer, and the functions the parser,
 * resolver, printer and diff share. Every string and array of a file lives in its arena.
 */
#ifndef PB_INT_H
#define PB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_buf.h"
#include "common/cn_err.h"
#include "common/cn_map.h"
#include "compat/protobuf/compat_protobuf.h"

#define PB_MAX_DEPTH   64        /* nesting of messages, groups and option values */
#define PB_MAX_FILES   256       /* files reachable from one schema (imports, transitively) */
#define PB_MAX_TAG     536870911 /* 2^29 - 1, the largest field number */
#define PB_MAX_IMPORTS 32        /* depth of the import chain */

/* ---- arena ---- */
typedef struct pb_chunk pb_chunk_t;
typedef struct pb_arena {
    pb_chunk_t *head;
    bool failed;
} pb_arena_t;

void *pb_alloc(pb_arena_t *a, size_t n);
char *pb_strndup(pb_arena_t *a, const char *s, size_t n);
char *pb_strdup(pb_arena_t *a, const char *s);
/** Grow an arena vector of elements of size sz holding n to room for n + 1; NULL on memory. */
void *pb_vec_push(pb_arena_t *a, void *vec, size_t n, size_t sz);
void pb_arena_free(pb_arena_t *a);

#define PB_PUSH(a, vec, n)                                                                         \
    ((vec) = pb_vec_push((a), (vec), (n), sizeof(*(vec))), (vec) ? &(vec)[(n)++] : NULL)

/* ---- model ---- */
typedef enum pb_val_kind {
    PB_VAL_STRING,
    PB_VAL_BOOL,
    PB_VAL_NUMBER,
    PB_VAL_ENUM,
    PB_VAL_MAP,
    PB_VAL_LIST
} pb_val_kind_t;

typedef struct pb_val pb_val_t;
typedef struct pb_kv {
    char *key;
    pb_val_t *val;
} pb_kv_t;

struct pb_val {
    pb_val_kind_t kind;
    char *text; /* string bytes (unescaped) or the token as written */
    size_t len;
    pb_kv_t *kv;      /* MAP */
    pb_val_t **items; /* LIST */
    size_t n;
};

typedef struct pb_opt {
    char *name; /* as printed: "java_package", "(my.ext).sub" */
    char *sort; /* Wire's OptionElement name: the first segment without parentheses */
    pb_val_t *val;
} pb_opt_t;

typedef struct pb_opts {
    pb_opt_t *v;
    size_t n;
} pb_opts_t;

typedef enum pb_kind { PB_K_SCALAR, PB_K_MESSAGE, PB_K_MAP, PB_K_ENUM } pb_kind_t;

struct pb_type;
struct pb_file;

/** A resolved type name: the message or enum it names, and where it was defined. */
typedef struct pb_sym {
    char *fqn; /* without the leading dot */
    struct pb_type *type;
    const struct pb_file *file; /* owning file (its package and reference) */
} pb_sym_t;

typedef struct pb_field {
    const char *label; /* NULL, "optional", "required", "repeated" */
    char *type;        /* as written; maps as "map<K, V>" */
    char *name;
    int32_t tag;
    pb_opts_t opts; /* without default and json_name */
    pb_val_t *def;  /* [default = ...] or NULL */
    char *json_name;
    char *map_key, *map_val; /* maps only */
    int line, col;
    const pb_sym_t *rsym;  /* resolved message/enum type (value type for maps), else NULL */
    const pb_sym_t *rmapk; /* unused for scalar keys */
} pb_field_t;

typedef struct pb_group {
    const char *label;
    char *name;
    int32_t tag;
    pb_field_t **fields;
    size_t nfields;
} pb_group_t;

typedef struct pb_oneof {
    char *name;
    pb_opts_t opts;
    pb_field_t **fields;
    size_t nfields;
    pb_group_t *groups;
    size_t ngroups;
} pb_oneof_t;

typedef enum pb_rkind { PB_R_NUM, PB_R_RANGE, PB_R_NAME } pb_rkind_t;
typedef struct pb_ritem {
    pb_rkind_t kind;
    int32_t start, end; /* end is PB_MAX_TAG for "max" */
    bool end_max;
    char *name;
} pb_ritem_t;

typedef struct pb_ranges { /* one reserved or extensions statement */
    pb_ritem_t *items;
    size_t n;
    pb_opts_t opts;
} pb_ranges_t;

typedef struct pb_extend {
    char *name;
    pb_field_t **fields;
    size_t nfields;
    int line, col;
    const pb_sym_t *rsym;
} pb_extend_t;

typedef struct pb_const {
    char *name;
    int32_t value;
    pb_opts_t opts;
    int line, col;
} pb_const_t;

typedef struct pb_type {
    bool is_enum;
    char *name;
    char *fqn; /* package + enclosing names, no leading dot */
    pb_opts_t opts;
    int line, col;           /* its name */
    int decl_line, decl_col; /* its `message` or `enum` keyword */
    struct pb_type *parent;
    struct pb_file *file;
    bool map_entry;    /* option map_entry = true (descriptor-made) */
    bool is_group;     /* the message a proto2 group declares (printed as the group) */
    int32_t msg_index; /* ordinal among the messages of its scope */
    /* message */
    pb_field_t **fields; /* not in a oneof, declaration order */
    size_t nfields;
    pb_oneof_t *oneofs;
    size_t noneofs;
    pb_group_t *groups;
    size_t ngroups;
    pb_ranges_t *reserved;
    size_t nreserved;
    pb_ranges_t *extensions;
    size_t nextensions;
    struct pb_type **nested; /* messages and enums, declaration order */
    size_t nnested;
    pb_extend_t *extends;
    size_t nextends;
    /* enum */
    pb_const_t *consts;
    size_t nconsts;
} pb_type_t;

typedef enum pb_import_kind {
    PB_IMPORT,
    PB_IMPORT_PUBLIC,
    PB_IMPORT_WEAK,
    PB_IMPORT_OPTION /* edition 2024: the file is needed for options only */
} pb_import_kind_t;
typedef struct pb_import {
    char *path;
    pb_import_kind_t kind;
    int line, col;
} pb_import_t;

typedef struct pb_rpc {
    char *name;
    char *req, *resp;
    bool req_stream, resp_stream;
    pb_opts_t opts;
    bool has_body;
    int line, col;
} pb_rpc_t;

typedef struct pb_service {
    char *name;
    pb_opts_t opts;
    pb_rpc_t *rpcs;
    size_t nrpcs;
} pb_service_t;

typedef struct pb_file {
    pb_arena_t arena;
    char *syntax;  /* NULL (absent: proto2), "proto2", "proto3" */
    char *edition; /* edition = "2023" */
    char *package; /* NULL when absent */
    pb_import_t *imports;
    size_t nimports;
    pb_opts_t opts;
    pb_type_t **types; /* top level, declaration order */
    size_t ntypes;
    pb_extend_t *extends;
    size_t nextends;
    pb_service_t *services;
    size_t nservices;
    /* where it came from, for the diff: the reference (subject, version), or "" for the file
     * being registered and the import path with version 0 for a built-in */
    const char *ref_subject;
    int32_t ref_version;
} pb_file_t;

/* ---- tokenizer ---- */
typedef enum pb_tok_kind {
    PB_T_EOF,
    PB_T_IDENT, /* may contain dots, may start with one: foo.Bar, .pkg.Msg */
    PB_T_INT,
    PB_T_FLOAT,
    PB_T_STRING,
    PB_T_SYMBOL
} pb_tok_kind_t;

typedef struct pb_tok {
    pb_tok_kind_t kind;
    const char *p; /* token text in the source */
    size_t len;
    int line, col;
} pb_tok_t;

typedef struct pb_lex {
    const char *src, *end, *cur;
    int line;
    const char *line_start;
    pb_tok_t tok; /* the current token */
    cn_error_t *err;
    cn_err_t rc;
} pb_lex_t;

void pb_lex_init(pb_lex_t *lx, const char *src, size_t len, cn_error_t *err);
/** Advance to the next token; false (lx->rc set) on a lexical error. */
bool pb_lex_next(pb_lex_t *lx);
/** Unescape a string token into the arena (text, len); false on a bad escape. */
bool pb_lex_string(pb_lex_t *lx, const pb_tok_t *t, pb_arena_t *a, char **out, size_t *len);
cn_err_t pb_lex_fail(pb_lex_t *lx, const pb_tok_t *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- parser (pb_parse.c, pb_parse_opt.c) ---- */
typedef struct pb_parser {
    pb_lex_t lx;
    pb_file_t *f;
    int depth;
    int kw_line, kw_col; /* the keyword of the declaration being parsed, 0 if none */
} pb_parser_t;

cn_err_t pb_parse_file(const char *text, size_t len, pb_file_t **out, cn_error_t *err);
void pb_file_free(pb_file_t *f);

bool pb_p_is(pb_parser_t *p, const char *sym);
bool pb_p_accept(pb_parser_t *p, const char *sym);
bool pb_p_expect(pb_parser_t *p, const char *sym);
bool pb_p_ident(pb_parser_t *p, char **out);
bool pb_p_int(pb_parser_t *p, int64_t lo, int64_t hi, int64_t *out);
bool pb_p_string(pb_parser_t *p, char **out, size_t *len);
bool pb_p_option_stmt(pb_parser_t *p, pb_opts_t *opts);
bool pb_p_option_list(pb_parser_t *p, pb_opts_t *opts, pb_field_t *fld);
bool pb_p_fail(pb_parser_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- scalar types ---- */
bool pb_is_scalar(const char *type);
/** Confluent's scalar groups (GENERAL_NUMBER, SIGNED_NUMBER, ...): small ints, -1 if none. */
int pb_scalar_group(const char *type);

/* ---- schema (pb_schema.c) ---- */
typedef struct pb_dep {
    char *name, *subject; /* import path; reference subject ("" for a built-in) */
    int32_t version;
    bool builtin;
    compat_pb_schema_t *schema;
} pb_dep_t;

struct compat_pb_schema {
    pb_file_t *file; /* the main file */
    char *src;       /* the text parsed (for clones) */
    size_t srclen;
    pb_dep_t *deps; /* owned: references in their order, then the built-ins used */
    size_t ndeps;
    cn_map_t *syms; /* fqn -> pb_sym_t (owned by the map) over the file and every import */
    bool lenient;   /* COMPAT_PB_LENIENT: resolution only */
    char *canonical;
    char *normalized;
    char *as_subject; /* the reference subject it is imported as (ref_subject of its file) */
    bool src_static;  /* src is a built-in's static text, not owned */
    int shared;       /* further owners within one schema's import graph (a diamond) */
};

/** The symbol a type name used in scope (a message, or NULL for file level) resolves to. */
const pb_sym_t *pb_resolve(const compat_pb_schema_t *s, const pb_file_t *f, const pb_type_t *scope,
                           const char *name);
cn_err_t pb_resolve_all(compat_pb_schema_t *s, cn_error_t *err);

/* ---- FileDescriptorProto (pb_desc_decode.c, pb_desc_encode.c) ---- */
/** Whether the text looks like base64 (then it is tried as a FileDescriptorProto). */
bool pb_is_base64(const char *s, size_t n);
/** Base64 decoded (malloc'd; NULL on memory) and encoded (malloc'd string) (pb_b64.c). */
uint8_t *pb_b64_decode(const char *s, size_t n, size_t *out_len);
char *pb_b64_encode(const uint8_t *p, size_t n);
/** The .proto text of a base64 FileDescriptorProto (owned). */
cn_err_t pb_desc_to_text(const char *b64, size_t len, const compat_pb_import_t *imports,
                         size_t nimports, char **out, cn_error_t *err);

/** format=ignore_extensions: drop custom options, extend blocks and extension ranges of a
 *  parsed file, in place (pb_noext.c). */
void pb_strip_extensions(pb_file_t *f);

/** Fully-qualified type names replaced by the shortest that resolves the same (pb_shorten.c). */
void pb_shorten_names(compat_pb_schema_t *s);

/** The built-in text of a well-known import path, or NULL. */
const char *pb_wellknown(const char *path);
/** text itself when it is one of the built-in texts (static storage), else NULL. */
const char *pb_wellknown_text_of(const char *text);

cn_err_t pb_print(const compat_pb_schema_t *s, bool normalize, cn_buf_t *b);
/* pb_print.c: the pieces pb_print_file.c assembles. */
void pb_pr_indented(cn_buf_t *dst, const cn_buf_t *src);
void pb_pr_indented_str(cn_buf_t *dst, const char *s);
void pb_pr_quoted(cn_buf_t *b, const char *s, size_t n);
void pb_pr_opts_inline(cn_buf_t *b, const pb_opts_t *opts, const pb_opt_t *extra, size_t nextra,
                       bool norm);
void pb_pr_opt_stmts(cn_buf_t *b, const pb_opts_t *opts, bool norm, bool indent);

#endif
