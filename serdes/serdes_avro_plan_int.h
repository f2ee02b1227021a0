/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: the shape of a compiled Avro resolution plan, shared by the compiler
 * (serdes_avro_plan.c) and the decoder (serdes_avro_decode.c). A plan is a graph of nodes (a
 * recursive record resolves to a cycle), all owned by the plan's node list.
 */
#ifndef SERDES_AVRO_PLAN_INT_H
#define SERDES_AVRO_PLAN_INT_H

#include "serdes/serdes_avro_int.h"

typedef enum serdes_op {
    OP_NULL,
    OP_BOOL,
    OP_INT,
    OP_LONG,
    OP_FLOAT,
    OP_DOUBLE,
    OP_BYTES,  /* writer bytes or string -> reader bytes */
    OP_STRING, /* writer string or bytes -> reader string */
    OP_FIXED,
    OP_ENUM,
    OP_ARRAY,
    OP_MAP,
    OP_RECORD,
    OP_WUNION, /* writer union: pick the writer branch, then its plan */
    OP_RUNION, /* reader union, writer not: select reader branch, then child */
    OP_INT_LONG,
    OP_INT_FLOAT,
    OP_INT_DOUBLE,
    OP_LONG_FLOAT,
    OP_LONG_DOUBLE,
    OP_FLOAT_DOUBLE,
    OP_SKIP, /* writer-only data: read and drop */
    OP_ERROR /* a writer union branch the reader cannot read: fails when met */
} serdes_op_t;

typedef struct serdes_node serdes_node_t;

typedef struct serdes_wfield {
    int reader_index; /* -1: skip */
    serdes_node_t *plan;
} serdes_wfield_t;

typedef struct serdes_dfield {
    int reader_index;
    avro_schema_t schema; /* reader field schema */
    json_t *value;        /* default (borrowed from the reader schema JSON) */
} serdes_dfield_t;

struct serdes_node {
    serdes_op_t op;
    avro_schema_t w; /* writer schema (for OP_SKIP) */
    avro_schema_t r; /* reader schema */
    int64_t fixed_size;
    int32_t *enum_map; /* writer symbol -> reader symbol, -1 unknown */
    size_t enum_n;
    serdes_node_t *child;     /* array items, map values, OP_RUNION branch */
    int branch;               /* OP_RUNION reader branch */
    serdes_node_t **branches; /* OP_WUNION per writer branch */
    size_t n_branches;
    serdes_wfield_t *wfields; /* OP_RECORD, in writer order */
    size_t n_wfields;
    serdes_dfield_t *dfields; /* OP_RECORD reader fields filled from defaults */
    size_t n_dfields;
    char *error; /* OP_ERROR */
    serdes_node_t *next_alloc;
};

struct serdes_avro_plan {
    const serdes_avro_schema_t *writer; /* borrowed */
    const serdes_avro_schema_t *reader; /* borrowed */
    serdes_node_t *root;
    serdes_node_t *nodes; /* every node, for freeing */
    bool raw_bytes;       /* writer is a top-level bytes schema */
};

#endif
