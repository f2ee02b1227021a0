/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: Avro for libcairn-serdes. A compiled schema keeps avro-c's schema and generic value
 * class (for avro_value_t) next to the schema's JSON, which holds what avro-c's parser drops
 * (field defaults, aliases, enum defaults). Resolution (writer -> reader, Avro specification
 * "Schema Resolution") compiles once per pair into a plan that the decoder interprets; the
 * decoder reads the binary encoding itself with bounds checks and writes avro-c generic values.
 * The encoder walks avro-c values and writes the binary encoding into a caller buffer.
 */
#ifndef SERDES_AVRO_INT_H
#define SERDES_AVRO_INT_H

#include <avro.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cn_map.h"
#include "serdes/serdes_http_int.h"
#include "serdes/serdes_registry_int.h"

#define SERDES_AVRO_MAX_DEPTH 64

typedef struct serdes_avro_schema {
    avro_schema_t schema;
    avro_value_iface_t *iface; /* generic class of schema */
    json_t *json;              /* the parsed schema text */
    cn_map_t *named;           /* full name -> json_t* definition (borrowed from json) */
    char *full_name;           /* top-level named type's full name, or NULL */
    bool raw_bytes;            /* top-level "bytes": the wire payload is the bytes */
} serdes_avro_schema_t;

/** The Avro entry of the format table. */
const serdes_format_t *serdes_avro_format(void);

cn_err_t serdes_avro_compile(const char *text, size_t len, void **impl, serdes_err_t *err);
void serdes_avro_release(void *impl);

/** @brief Full name of a named schema ("ns.Name") into out. */
void serdes_avro_full_name(avro_schema_t s, char *out, size_t cap);
/** @brief The JSON definition of the named type full_name (borrowed), or NULL. */
json_t *serdes_avro_named_json(const serdes_avro_schema_t *sch, const char *full_name);
/** @brief The text of a JSON string without U+0000, else NULL: a symbol, alias or name holding
 *  one matches nothing (schemas and data are read with JSON_ALLOW_NUL). */
const char *serdes_json_text(const json_t *v);

/* ---- resolution plans and decoding (serdes_avro_plan.c, serdes_avro_decode.c) ---- */

typedef struct serdes_avro_plan serdes_avro_plan_t;

/** @brief Compile the resolution of writer data into reader values (reader may equal writer).
 *  CN_ERR_INCOMPATIBLE names the first path that cannot resolve. */
cn_err_t serdes_avro_plan_new(const serdes_avro_schema_t *writer,
                              const serdes_avro_schema_t *reader, serdes_avro_plan_t **out,
                              serdes_err_t *err);
void serdes_avro_plan_free(serdes_avro_plan_t *plan);
/** @brief Decode one datum (all of data) into out, a value of the reader schema (reset first).
 *  CN_ERR_SERDES_PAYLOAD names the problem and the byte offset. */
cn_err_t serdes_avro_decode(const serdes_avro_plan_t *plan, const uint8_t *data, size_t len,
                            avro_value_t *out, serdes_err_t *err);

/* ---- encoding (serdes_avro_encode.c) and JSON (serdes_avro_json.c) ---- */

/** @brief Encode value into dst[0..cap); *len_out is the full encoded size even when it does not
 *  fit (then CN_ERR_SERDES_BUFFER_SIZE and dst holds a prefix). */
cn_err_t serdes_avro_encode(avro_value_t *value, uint8_t *dst, size_t cap, size_t *len_out,
                            serdes_err_t *err);
/** @brief Fill value (of schema s, reset) from JSON in the Avro JSON encoding; as_default uses
 *  the rules of field default values (a union takes its first branch, unwrapped). */
cn_err_t serdes_avro_from_json(const serdes_avro_schema_t *sch, avro_schema_t s, json_t *j,
                               avro_value_t *value, bool as_default, serdes_err_t *err);
/** @brief The value in the Avro JSON encoding (a new reference). */
cn_err_t serdes_avro_to_json(avro_value_t *value, json_t **out, serdes_err_t *err);

#endif
