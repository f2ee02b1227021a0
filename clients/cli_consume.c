/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn consume`: a console consumer like Confluent's kafka-avro-console-consumer. Reads a
 * topic with librdkafka, deserializes Confluent-framed Avro values (and keys with --key-format
 * avro) with libcairn-serdes, optionally resolving them to a reader schema (schema evolution),
 * and prints one JSON line per message (or an envelope with partition, offset and schema id).
 * With --group it joins a consumer group (subscribe, committed offsets); without, it assigns
 * the partitions itself starting at --offset (beginning, end or a number).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clients/cli_kafka_int.h"
#include "compat/jsonschema/compat_jsonschema.h"

#define CONSUME_CMD "cairn consume"

enum {
    OPT_TOPIC = 1,
    OPT_GROUP,
    OPT_BEGIN,
    OPT_OFFSET,
    OPT_PARTITION,
    OPT_MAX,
    OPT_TIMEOUT,
    OPT_READER,
    OPT_KEY_READER,
    OPT_PRINT_KEY,
    OPT_KEY_FORMAT,
    OPT_SEP,
    OPT_ENVELOPE,
    OPT_TYPE
};

typedef struct consume_args {
    cli_reg_opts_t reg;
    cli_kafka_opts_t kafka;
    const char *topic, *group, *reader, *key_reader, *sep;
    int64_t offset; /* RD_KAFKA_OFFSET_BEGINNING / _END or >= 0 */
    long partition, max, timeout_ms;
    bool print_key, key_avro, envelope;
    cairn_format_t format; /* --type */
} consume_args_t;

typedef struct consume_ctx {
    const consume_args_t *a;
    cairn_serdes_t *sd;
    cairn_deserializer_t *des[2]; /* by cairn_role_t */
    rd_kafka_t *rk;
} consume_ctx_t;

static void consume_usage(FILE *f) {
    fprintf(
        f,
        "usage: cairn consume --bootstrap HOST:PORT --topic T --registry URL\n"
        "                     [--group G] [--from-beginning | --offset beginning|end|N]\n"
        "                     [--partition N] [--max-messages N] [--timeout-ms MS]\n"
        "                     [--reader-schema FILE] [--print-key] [--key-format string|avro]\n"
        "                     [--key-reader-schema FILE] [--key-separator SEP] [--envelope]\n"
        "                     [--type avro|protobuf|json]\n\n"
        "--type protobuf prints proto3 JSON, decoded with the writer schema the registry holds\n"
        "for each message's id (no .proto file or generated code needed; no reader schema);\n"
        "--key-format avro then reads keys as Protobuf too.\n"
        "--type json prints each JSON Schema value as it was written (compacted), validated\n"
        "against its writer schema; --key-format avro then reads keys as JSON Schema too.\n"
        "Prints each value as one JSON line (Avro JSON encoding), the writer schema fetched\n"
        "by the id in each message; --reader-schema resolves it to that schema (evolution).\n"
        "--group joins a consumer group (offsets committed; --from-beginning applies when\n"
        "the group has none); without it all partitions (or --partition) are read from\n"
        "--offset (default end). --print-key prints KEY<SEP>VALUE (SEP default TAB);\n"
        "--envelope prints {\"topic\",\"partition\",\"offset\",\"timestamp\",\"key\",\"value\",\n"
        "\"schema_id\"} instead. Stops after --max-messages or --timeout-ms without a "
        "message.\n\n" CLI_KAFKA_USAGE CLI_REG_USAGE
        "\nexit status: 0, or 1 on an error (a message that does not deserialize included).\n");
}

static int parse_offset(consume_args_t *a, const char *arg) {
    long v;
    if (strcmp(arg, "beginning") == 0 || strcmp(arg, "earliest") == 0)
        a->offset = RD_KAFKA_OFFSET_BEGINNING;
    else if (strcmp(arg, "end") == 0 || strcmp(arg, "latest") == 0)
        a->offset = RD_KAFKA_OFFSET_END;
    else if (cli_parse_long(arg, 0, INT64_MAX, &v))
        a->offset = v;
    else
        return cli_usage_error(CONSUME_CMD, "--offset wants beginning, end or a number", arg);
    return 0;
}

static int parse_opt(void *args, int c, const char *arg) {
    consume_args_t *a = args;
    switch (c) {
    case OPT_TOPIC:
        a->topic = arg;
        return 0;
    case OPT_GROUP:
        a->group = arg;
        return 0;
    case OPT_BEGIN:
        a->offset = RD_KAFKA_OFFSET_BEGINNING;
        return 0;
    case OPT_OFFSET:
        return parse_offset(a, arg);
    case OPT_READER:
        a->reader = arg;
        return 0;
    case OPT_KEY_READER:
        a->key_reader = arg;
        return 0;
    case OPT_PRINT_KEY:
        a->print_key = true;
        return 0;
    case OPT_SEP:
        a->sep = arg;
        return 0;
    case OPT_ENVELOPE:
        a->envelope = true;
        return 0;
    case OPT_TYPE:
        return cli_type_opt(CONSUME_CMD, arg, &a->format);
    case OPT_KEY_FORMAT:
        if (strcmp(arg, "avro") != 0 && strcmp(arg, "string") != 0)
            return cli_usage_error(CONSUME_CMD, "--key-format wants string or avro", arg);
        a->key_avro = strcmp(arg, "avro") == 0;
        return 0;
    case OPT_PARTITION:
    case OPT_MAX:
    case OPT_TIMEOUT:
        if (!cli_parse_long(arg, 0, INT32_MAX,
                            c == OPT_PARTITION ? &a->partition
                            : c == OPT_MAX     ? &a->max
                                               : &a->timeout_ms))
            return cli_usage_error(CONSUME_CMD, "not a valid number", arg);
        return 0;
    default: {
        int r = cli_reg_opt(&a->reg, CONSUME_CMD, c, arg);
        if (r == 1)
            r = cli_kafka_opt(&a->kafka, CONSUME_CMD, c, arg);
        return r == 0  ? 0
               : r < 0 ? CLI_EXIT_USAGE
                       : cli_usage_error(CONSUME_CMD, "unknown option", NULL);
    }
    }
}

static int parse_args(consume_args_t *a, int argc, char **argv, bool *help) {
    static const struct option opts[] = {
        CLI_REG_LONGOPTS,
        CLI_KAFKA_LONGOPTS,
        {"topic", required_argument, NULL, OPT_TOPIC},
        {"group", required_argument, NULL, OPT_GROUP},
        {"from-beginning", no_argument, NULL, OPT_BEGIN},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"partition", required_argument, NULL, OPT_PARTITION},
        {"max-messages", required_argument, NULL, OPT_MAX},
        {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
        {"reader-schema", required_argument, NULL, OPT_READER},
        {"key-reader-schema", required_argument, NULL, OPT_KEY_READER},
        {"print-key", no_argument, NULL, OPT_PRINT_KEY},
        {"key-format", required_argument, NULL, OPT_KEY_FORMAT},
        {"key-separator", required_argument, NULL, OPT_SEP},
        {"envelope", no_argument, NULL, OPT_ENVELOPE},
        {"type", required_argument, NULL, OPT_TYPE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int pos = 0;
    int rc = cli_getopt(CONSUME_CMD, argc, argv, opts, parse_opt, a, help, &pos);
    if (rc != 0 || *help)
        return rc;
    if (pos != argc)
        return cli_usage_error(CONSUME_CMD, "unexpected argument", argv[pos]);
    if (!a->topic)
        return cli_usage_error(CONSUME_CMD, "--topic is required", NULL);
    if (a->group && a->partition >= 0)
        return cli_usage_error(CONSUME_CMD, "--partition is for reading without --group", NULL);
    if (a->format == CAIRN_FORMAT_PROTOBUF && (a->reader || a->key_reader))
        return cli_usage_error(CONSUME_CMD, "reader schemas are for --type avro", NULL);
    return 0;
}

static int make_deserializer(consume_ctx_t *x, cairn_role_t role, const char *reader_file) {
    char *text = NULL;
    cn_error_t cerr;
    cairn_error_t err;
    if (reader_file && cli_read_file(reader_file, CLI_MAX_FILE, &text, NULL, &cerr) != CN_OK) {
        fprintf(stderr, CONSUME_CMD ": %s\n", cerr.msg);
        return CLI_EXIT_USAGE;
    }
    x->des[role] = cairn_deserializer_new(x->sd, x->a->format, role, text, &err);
    free(text);
    if (!x->des[role]) {
        fprintf(stderr, CONSUME_CMD ": reader schema: %s\n", err.msg);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* ---- the consumer ---- */

static int assign_all(consume_ctx_t *x) {
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_t *t = rd_kafka_topic_new(x->rk, x->a->topic, NULL);
    rd_kafka_topic_partition_list_t *l;
    rd_kafka_resp_err_t e =
        t ? rd_kafka_metadata(x->rk, 0, t, &md, 10000) : RD_KAFKA_RESP_ERR__FAIL;
    if (!e && (md->topic_cnt != 1 || md->topics[0].err))
        e = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
    if (e) {
        fprintf(stderr, CONSUME_CMD ": %s: %s\n", x->a->topic, rd_kafka_err2str(e));
        if (md)
            rd_kafka_metadata_destroy(md);
        if (t)
            rd_kafka_topic_destroy(t);
        return CLI_EXIT_USAGE;
    }
    l = rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt);
    for (int i = 0; i < md->topics[0].partition_cnt; i++) {
        int32_t p = md->topics[0].partitions[i].id;
        if (x->a->partition < 0 || p == x->a->partition)
            rd_kafka_topic_partition_list_add(l, x->a->topic, p)->offset = x->a->offset;
    }
    e = l->cnt ? rd_kafka_assign(x->rk, l) : RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION;
    if (e)
        fprintf(stderr, CONSUME_CMD ": assign: %s\n", rd_kafka_err2str(e));
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(t);
    return e ? CLI_EXIT_USAGE : 0;
}

static int make_consumer(consume_ctx_t *x) {
    rd_kafka_conf_t *conf = cli_kafka_conf(&x->a->kafka, CONSUME_CMD);
    char group[64];
    bool ok;
    if (!conf)
        return CLI_EXIT_USAGE;
    snprintf(group, sizeof(group), "cairn-console-%ld", (long)time(NULL));
    ok = cli_kafka_set(conf, CONSUME_CMD, "group.id", x->a->group ? x->a->group : group) &&
         cli_kafka_set(conf, CONSUME_CMD, "auto.offset.reset",
                       x->a->offset == RD_KAFKA_OFFSET_BEGINNING ? "earliest" : "latest");
    if (ok && !x->a->group)
        ok = cli_kafka_set(conf, CONSUME_CMD, "enable.auto.commit", "false");
    if (!ok) {
        rd_kafka_conf_destroy(conf);
        return CLI_EXIT_USAGE;
    }
    if (!(x->rk = cli_kafka_new(RD_KAFKA_CONSUMER, conf, CONSUME_CMD)))
        return CLI_EXIT_USAGE;
    rd_kafka_poll_set_consumer(x->rk);
    if (!x->a->group)
        return assign_all(x);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, x->a->topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(x->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e)
        fprintf(stderr, CONSUME_CMD ": subscribe: %s\n", rd_kafka_err2str(e));
    return e ? CLI_EXIT_USAGE : 0;
}

/* Deserialized JSON text as a value; integers beyond 64 bits (JSON Schema payloads may hold
 * them) are read as reals instead of failing. */
static json_t *text_json(const char *text) {
    json_error_t jerr;
    return compat_js_loadb(text, strlen(text), JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
}

/* The key as JSON (avro) or as a JSON string (raw bytes); NULL key -> json null. */
static json_t *key_json(consume_ctx_t *x, const rd_kafka_message_t *m, int *rc) {
    char *text = NULL;
    cairn_error_t err;
    json_t *j;
    if (!m->key)
        return json_null();
    if (!x->des[CAIRN_ROLE_KEY])
        return json_stringn(m->key, m->key_len) ?: json_string("<binary key>");
    if (cairn_deserialize_json(x->des[CAIRN_ROLE_KEY], x->a->topic, m->key, m->key_len, &text, NULL,
                               &err) != CAIRN_OK) {
        fprintf(stderr, CONSUME_CMD ": partition %d offset %lld: key: %s\n", (int)m->partition,
                (long long)m->offset, err.msg);
        *rc = CLI_EXIT_USAGE;
        return NULL;
    }
    j = text ? text_json(text) : json_null();
    cairn_free(text);
    return j;
}

static void print_line(consume_ctx_t *x, const rd_kafka_message_t *m, json_t *key,
                       const char *value, int32_t id) {
    if (x->a->envelope) {
        json_t *o =
            json_pack("{s:s,s:i,s:I,s:I,s:O,s:o,s:o}", "topic", x->a->topic, "partition",
                      (int)m->partition, "offset", (json_int_t)m->offset, "timestamp",
                      (json_int_t)rd_kafka_message_timestamp(m, NULL), "key",
                      key ? key : json_null(), "value", value ? text_json(value) : json_null(),
                      "schema_id", value ? json_integer(id) : json_null());
        cli_print_json(stdout, o);
        json_decref(o);
    } else {
        if (x->a->print_key) {
            if (json_is_string(key))
                fwrite(json_string_value(key), 1, json_string_length(key), stdout);
            else if (key) {
                char *s = json_dumps(key, JSON_COMPACT | JSON_ENCODE_ANY);
                fputs(s ? s : "", stdout);
                free(s);
            }
            fputs(x->a->sep ? x->a->sep : "\t", stdout);
        }
        printf("%s\n", value ? value : "null");
    }
    fflush(stdout);
}

static int consume_one(consume_ctx_t *x, const rd_kafka_message_t *m) {
    char *value = NULL;
    int32_t id = -1;
    cairn_error_t err;
    int rc = 0;
    json_t *key = (x->a->print_key || x->a->envelope) ? key_json(x, m, &rc) : NULL;
    if (rc)
        return rc;
    if (cairn_deserialize_json(x->des[CAIRN_ROLE_VALUE], x->a->topic, m->payload, m->len, &value,
                               &id, &err) != CAIRN_OK) {
        fprintf(stderr, CONSUME_CMD ": partition %d offset %lld: %s: %s\n", (int)m->partition,
                (long long)m->offset, cairn_err_name(err.code), err.msg);
        json_decref(key);
        return CLI_EXIT_USAGE;
    }
    print_line(x, m, key, value, id);
    json_decref(key);
    cairn_free(value);
    return 0;
}

static int consume_loop(consume_ctx_t *x) {
    long got = 0, idle = 0, timeout = x->a->timeout_ms;
    int rc = 0;
    while (rc == 0 && (x->a->max == 0 || got < x->a->max) && (timeout == 0 || idle < timeout)) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(x->rk, 100);
        if (!m) {
            idle += 100;
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        } else if (m->err) {
            fprintf(stderr, CONSUME_CMD ": %s\n", rd_kafka_message_errstr(m));
            rc = CLI_EXIT_USAGE;
        } else {
            idle = 0;
            got++;
            rc = consume_one(x, m);
        }
        rd_kafka_message_destroy(m);
    }
    return rc;
}

int cli_consume_main(int argc, char **argv) {
    consume_args_t a = {.offset = RD_KAFKA_OFFSET_END, .partition = -1};
    consume_ctx_t x = {.a = &a};
    bool help = false;
    int rc = parse_args(&a, argc, argv, &help);
    if (rc || help) {
        if (help)
            consume_usage(stdout);
        return rc;
    }
    if (!(x.sd = cli_reg_connect(&a.reg, CONSUME_CMD)))
        return CLI_EXIT_USAGE;
    rc = make_deserializer(&x, CAIRN_ROLE_VALUE, a.reader);
    if (rc == 0 && (a.key_avro || a.key_reader))
        rc = make_deserializer(&x, CAIRN_ROLE_KEY, a.key_reader);
    if (rc == 0)
        rc = make_consumer(&x);
    if (rc == 0)
        rc = consume_loop(&x);
    if (x.rk) {
        rd_kafka_consumer_close(x.rk);
        rd_kafka_destroy(x.rk);
    }
    cairn_deserializer_free(x.des[0]);
    cairn_deserializer_free(x.des[1]);
    cairn_serdes_free(x.sd);
    return rc;
}
