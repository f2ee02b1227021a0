/* SPDX-License-Identifier: Apache-2.0
 *
 * A small schema language for the registry's domain tests (registry without compat/): a schema
 * is any JSON text; the canonical form is compact JSON (sorted keys with normalize); two
 * schemas are equivalent when their canonical texts are equal; compatibility compares record
 * "fields": a reader missing a writer field or adding one without "default" is incompatible.
 * format=resolved gives {"resolved":<canonical>}. It exercises the registry's algorithms, not
 * a real language.
 */
#ifndef REG_FAKE_LANG_H
#define REG_FAKE_LANG_H

#include "registry/reg_lang.h"

const reg_lang_ops_t *reg_fake_lang(void);

#endif
