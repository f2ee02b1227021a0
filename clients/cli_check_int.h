/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal to `cairn check`: the jobs (one subject and its new schema file, from flags or a
 * manifest), the results with their violations, and the three parts that share them:
 * cli_check.c (arguments, manifest, offline checks), cli_check_online.c (checks against a
 * running registry) and cli_report.c (text, json, junit and github output).
 */
#ifndef CLI_CHECK_INT_H
#define CLI_CHECK_INT_H

#include "clients/cli_int.h"
#include "compat/compat.h"
#include "compat/protobuf/compat_protobuf.h"

typedef enum chk_status {
    CHK_COMPATIBLE = 0,
    CHK_INCOMPATIBLE,
    CHK_PARSE_ERROR, /* a schema does not parse (local parser or registry 42201) */
    CHK_ERROR        /* I/O, network or registry error */
} chk_status_t;

/** One subject to check. Strings are owned (freed by chk_job_fini). */
typedef struct chk_job {
    char *subject;
    char *file;     /* the new schema */
    char *type;     /* AVRO, PROTOBUF, JSON */
    char *level;    /* NULL: --level (offline) or the registry's level (online) */
    char **against; /* offline previous versions, oldest first (directories expanded) */
    size_t n_against;
    json_t *refs;   /* references: {"name","subject","version"} (online) or {"name","file"} */
    bool has_rules; /* the manifest's "rules": buf's category for this subject */
    compat_pb_rules_t rules;
} chk_job_t;

typedef struct chk_violation {
    char *rule;    /* e.g. READER_FIELD_MISSING_DEFAULT_VALUE, NEW_SUBJECT, PARSE_ERROR */
    int version;   /* the compared version, 0 when unknown */
    char *path;    /* JSON pointer in the schema, or NULL */
    char *message; /* human readable */
    char *against; /* file of the compared version (offline) or NULL */
    char *file;    /* --rules: the file the location is in, or NULL */
    int line, col; /* --rules: where in file (from 1), 0 when buf gives no location */
} chk_violation_t;

typedef struct chk_result {
    const chk_job_t *job; /* borrowed */
    chk_status_t status;
    char level[32];
    compat_policy_t policy; /* of local checks (--compatibility-policy); STRICT by default */
    bool new_subject;
    size_t compared; /* previous versions known */
    chk_violation_t *v;
    size_t nv;
    json_t *messages; /* Confluent's message list (owned), or NULL */
} chk_result_t;

typedef enum chk_format { CHK_TEXT, CHK_JSON, CHK_JUNIT, CHK_GITHUB } chk_format_t;

typedef struct chk_opts {
    compat_level_t level;
    bool level_given;
    bool fail_on_new;
    bool latest_only;
    bool normalize;
    compat_policy_t policy;
    chk_format_t format;
    bool rules_given; /* --rules: buf's category instead of Confluent's check */
    compat_pb_rules_t rules;
    cli_reg_opts_t reg;
} chk_opts_t;

/** @brief Add a violation (strings copied; path, against may be NULL). */
void chk_add(chk_result_t *r, const char *rule, int version, const char *path, const char *message,
             const char *against);
void chk_result_fini(chk_result_t *r);
/** @brief Add a --rules finding located at file:line:col (line 0: the file only). */
void chk_add_at(chk_result_t *r, const char *rule, int version, const char *file, int line, int col,
                const char *message, const char *against);

/** Offline references: files parsed on demand by a compat resolver (cli_check_refs.c). */
typedef struct chk_refset chk_refset_t;
/** @brief From a job's {"name","file"} array (borrowed: must outlive the set); NULL with msg. */
chk_refset_t *chk_refset_new(compat_type_t type, const json_t *refs, char *msg, size_t cap);
/** @brief Point po at the set's references and resolver. */
void chk_refset_opts(chk_refset_t *rs, compat_parse_opts_t *po);
void chk_refset_free(chk_refset_t *rs);
/** @brief Protobuf: add to refs a {"name","file","imports"} entry for every file that files
 *  import, found in the -I directories dirs (strings) as protoc does, transitively (built-in
 *  well-known imports excepted). 0, or -1 with msg. */
int chk_proto_imports(json_t *refs, const json_t *dirs, char *const *files, size_t nfiles,
                      char *msg, size_t cap);

/** A version's references as compat_ref_t (strings borrowed from json, which it holds). */
typedef struct chk_refs {
    compat_ref_t *v;
    size_t n;
    json_t *json;
} chk_refs_t;
/** @brief From a {"name","subject","version"} array (NULL: none); false on memory. */
bool chk_refs_from_json(chk_refs_t *out, json_t *refs);
void chk_refs_fini(chk_refs_t *r);
/** Online references: a resolver fetching referenced versions from the registry, transitively,
 *  each parsed once and kept until chk_fetch_free (cli_check_fetch.c). */
typedef struct chk_fetch chk_fetch_t;
chk_fetch_t *chk_fetch_new(cairn_serdes_t *sd, compat_type_t type);
void chk_fetch_free(chk_fetch_t *f);
/** @brief Parse options with refs (borrowed) resolved through the registry. */
void chk_fetch_opts(chk_fetch_t *f, const chk_refs_t *refs, compat_parse_opts_t *po);
cn_err_t chk_fetch_resolve(void *arg, const compat_ref_t *ref, const compat_schema_t **out,
                           cn_error_t *err);

/** @brief Check a schema text against history texts (oldest first) locally at level, every
 *  schema parsed with po (type and references), history[i] with hpo[i] when hpo is given. */
void chk_local(chk_result_t *r, const compat_parse_opts_t *po, const compat_parse_opts_t *hpo,
               compat_level_t level, const char *text, char *const *history, const int *versions,
               char *const *names, size_t n);
/** @brief Like chk_local, with buf's rule category instead of Confluent's check (Protobuf): the
 *  level says which versions are compared (the latest, or all for _TRANSITIVE) and in which
 *  direction (BACKWARD: each version -> the new file; FORWARD: the new file -> each version;
 *  FULL: both). new_file names the new schema in locations. */
void chk_rules(chk_result_t *r, const compat_parse_opts_t *po, const compat_parse_opts_t *hpo,
               compat_pb_rules_t rules, compat_level_t level, const char *text,
               const char *new_file, char *const *history, const int *versions, char *const *names,
               size_t n);
/** @brief Whether the job is checked with buf's rules (its own, else --rules), and which. */
bool chk_job_rules(const chk_opts_t *o, const chk_job_t *j, compat_pb_rules_t *out);
/** @brief Online check of job against the registry sd. */
void chk_online(const chk_opts_t *o, cairn_serdes_t *sd, chk_result_t *r);
/** @brief Write the results in the format to f. */
void chk_report(FILE *f, chk_format_t format, const chk_result_t *rs, size_t n);

#endif
