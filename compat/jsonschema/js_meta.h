/* SPDX-License-Identifier: Apache-2.0
 *
 * The JSON Schema meta-schemas built in (js_meta_data.c, generated): a "$ref" to one of them
 * resolves from memory, never the network.
 */
#ifndef JS_META_H
#define JS_META_H

#include <stddef.h>

typedef struct js_meta_doc {
    const char *uri; /* its "$id" / "id", as published (draft 4-7 end in '#') */
    const char *text;
} js_meta_doc_t;

extern const js_meta_doc_t js_meta_docs[];
extern const size_t js_meta_ndocs;

#endif
