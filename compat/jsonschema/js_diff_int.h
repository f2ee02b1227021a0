/* SPDX-License-Identifier: Apache-2.0
 *
 * Internals of Confluent's SchemaDiff for JSON Schema (js_diff*.c): the comparison context (path,
 * the pairs in progress, the change list being filled), the type table and the shared helpers.
 */
#ifndef JS_DIFF_INT_H
#define JS_DIFF_INT_H

#include <assert.h>

#include "compat/jsonschema/js_model_int.h"

#define JD_MAX_STEPS 500000ul

typedef struct jd {
    compat_js_policy_t policy;
    compat_js_changes_t *out;
    char path[1024];
    size_t plen;
    const jm_t **stack; /* pairs in progress: original, update */
    size_t nstack, capstack;
    unsigned long steps;
    cn_err_t rc;
} jd_t;

/** @brief The static name of a known type (asserts it is in the table). */
const char *js_diff_type(const char *type);
bool js_diff_compatible(const char *type, compat_js_policy_t policy);

void jd_compare(jd_t *d, jm_t *o, jm_t *u);
/** @brief Record a change at the current path joined with seg (NULL: the path itself);
 *  lenient_ok >= 0 overrides the LENIENT verdict of the type. */
void jd_add(jd_t *d, const char *type, const char *seg);
void jd_add_ex(jd_t *d, const char *type, const char *seg, int lenient_ok);
size_t jd_enter(jd_t *d, const char *seg);
void jd_leave(jd_t *d, size_t mark);
/** @brief Compare into tmp instead of the output; true when every change is compatible. */
bool jd_try(jd_t *d, jm_t *o, jm_t *u, compat_js_changes_t *tmp);
/** @brief Move tmp's changes to the output (tmp is emptied). */
void jd_take(jd_t *d, compat_js_changes_t *tmp);
/** @brief added/removed/increased/decreased of a numeric keyword ("MAX_LENGTH", "maxLength"). */
void jd_number_kw(jd_t *d, const jm_t *o, const jm_t *u, const char *kw, const char *prefix);
bool jm_is_emptyish(const jm_t *m);

void jd_object(jd_t *d, jm_t *o, jm_t *u);
void jd_array(jd_t *d, jm_t *o, jm_t *u);
void jd_combined(jd_t *d, jm_t *o, jm_t *u);

#endif
