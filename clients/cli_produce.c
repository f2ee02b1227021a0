/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn produce`: a console producer like Confluent's kafka-avro-console-producer. Reads JSON
 * lines (the Avro JSON encoding) from stdin or --file, serializes values (and keys with a key
 * schema) with libcairn-serdes into the Confluent wire format and produces them with
 * librdkafka. --parse-key splits each line at --key-separator (TAB by default); without a key
 * schema the key is sent as raw bytes. Stops at the first line that fails (exit 1).
 */
#include <stdlib.h>
#include <string.h>

#include "clients/cli_kafka_int.h"
#include "clients/cli_produce_int.h"

#define PRODUCE_CMD "cairn produce"

enum {
    OPT_TOPIC = 1,
    OPT_VSCHEMA,
    OPT_VID,
    OPT_KSCHEMA,
    OPT_KID,
    OPT_PARSE_KEY,
    OPT_SEP,
    OPT_PARTITION,
    OPT_FILE,
    OPT_NO_REGISTER,
    OPT_LATEST,
    OPT_TYPE,
    OPT_MESSAGE
};

typedef struct produce_args {
    cli_reg_opts_t reg;
    cli_kafka_opts_t kafka;
    const char *topic, *vschema, *kschema, *file, *sep, *message;
    long vid, kid, partition;
    bool parse_key, no_register, use_latest;
    cairn_format_t format;
    const char *dirs[CLI_PROTO_MAX_DIRS]; /* -I, for .proto imports */
    size_t ndirs;
} produce_args_t;

typedef struct produce_ctx {
    const produce_args_t *a;
    cairn_serdes_t *sd[2]; /* by cairn_role_t */
    cairn_serializer_t *ser[2];
    rd_kafka_t *rk;
    long failed; /* delivery failures */
} produce_ctx_t;

static void produce_usage(FILE *f) {
    fprintf(
        f,
        "usage: cairn produce --bootstrap HOST:PORT --topic T\n"
        "                     (--value-schema FILE | --value-schema-id ID | --latest)\n"
        "                     [--key-schema FILE | --key-schema-id ID] [--parse-key]\n"
        "                     [--key-separator SEP] [--partition N] [--file FILE]\n"
        "                     [--no-auto-register] [--type avro|protobuf|json] [-I DIR]...\n"
        "                     [--message NAME]\n"
        "                     --registry URL\n\n"
        "Reads one JSON value per line (Avro JSON encoding: unions as {\"type\": value}) and\n"
        "produces it as Avro in the Confluent wire format (0x00, schema id, payload). The\n"
        "schema is registered under T-value (T-key) unless --no-auto-register (then looked\n"
        "up). --parse-key: each line is KEY<SEP>VALUE (SEP default TAB); the key is JSON\n"
        "for a key schema, else raw bytes. --latest uses the subject's latest "
        "version.\n\n"
        "--type protobuf: the schemas are .proto files (imports found in the file's folder\n"
        "and the -I folders, registered first as references); each line is the proto3 JSON\n"
        "of the file's first message, or of --message (a full name, e.g. "
        "shop.Order.Line).\n\n"
        "--type json: the schemas are JSON Schema files; each line is a JSON value, validated\n"
        "against the schema and produced as JSON text after the 5-byte prefix.\n\n" CLI_KAFKA_USAGE
            CLI_REG_USAGE
        "\nexit status: 0 all messages delivered, 1 otherwise (message on stderr).\n");
}

static int parse_opt(void *args, int c, const char *arg) {
    produce_args_t *a = args;
    switch (c) {
    case OPT_TOPIC:
        a->topic = arg;
        return 0;
    case OPT_VSCHEMA:
        a->vschema = arg;
        return 0;
    case OPT_KSCHEMA:
        a->kschema = arg;
        return 0;
    case OPT_FILE:
        a->file = arg;
        return 0;
    case OPT_SEP:
        a->sep = arg;
        return 0;
    case OPT_PARSE_KEY:
        a->parse_key = true;
        return 0;
    case OPT_NO_REGISTER:
        a->no_register = true;
        return 0;
    case OPT_LATEST:
        a->use_latest = true;
        return 0;
    case OPT_TYPE:
        return cli_type_opt(PRODUCE_CMD, arg, &a->format);
    case OPT_MESSAGE:
        a->message = arg;
        return 0;
    case 'I':
        if (a->ndirs == CLI_PROTO_MAX_DIRS)
            return cli_usage_error(PRODUCE_CMD, "too many -I", arg);
        a->dirs[a->ndirs++] = arg;
        return 0;
    case OPT_VID:
    case OPT_KID:
    case OPT_PARTITION:
        if (!cli_parse_long(arg, c == OPT_PARTITION ? -1 : 0, INT32_MAX,
                            c == OPT_VID   ? &a->vid
                            : c == OPT_KID ? &a->kid
                                           : &a->partition))
            return cli_usage_error(PRODUCE_CMD, "not a valid number", arg);
        return 0;
    default: {
        int r = cli_reg_opt(&a->reg, PRODUCE_CMD, c, arg);
        if (r == 1)
            r = cli_kafka_opt(&a->kafka, PRODUCE_CMD, c, arg);
        return r == 0  ? 0
               : r < 0 ? CLI_EXIT_USAGE
                       : cli_usage_error(PRODUCE_CMD, "unknown option", NULL);
    }
    }
}

static int parse_args(produce_args_t *a, int argc, char **argv, bool *help) {
    static const struct option opts[] = {CLI_REG_LONGOPTS,
                                         CLI_KAFKA_LONGOPTS,
                                         {"topic", required_argument, NULL, OPT_TOPIC},
                                         {"value-schema", required_argument, NULL, OPT_VSCHEMA},
                                         {"value-schema-id", required_argument, NULL, OPT_VID},
                                         {"key-schema", required_argument, NULL, OPT_KSCHEMA},
                                         {"key-schema-id", required_argument, NULL, OPT_KID},
                                         {"parse-key", no_argument, NULL, OPT_PARSE_KEY},
                                         {"key-separator", required_argument, NULL, OPT_SEP},
                                         {"partition", required_argument, NULL, OPT_PARTITION},
                                         {"file", required_argument, NULL, OPT_FILE},
                                         {"no-auto-register", no_argument, NULL, OPT_NO_REGISTER},
                                         {"latest", no_argument, NULL, OPT_LATEST},
                                         {"type", required_argument, NULL, OPT_TYPE},
                                         {"message", required_argument, NULL, OPT_MESSAGE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int pos = 0;
    int rc = cli_getopt(PRODUCE_CMD, argc, argv, opts, parse_opt, a, help, &pos);
    if (rc != 0 || *help)
        return rc;
    if (pos != argc)
        return cli_usage_error(PRODUCE_CMD, "unexpected argument", argv[pos]);
    if (!a->topic)
        return cli_usage_error(PRODUCE_CMD, "--topic is required", NULL);
    if (!!a->vschema + (a->vid >= 0) + a->use_latest != 1)
        return cli_usage_error(PRODUCE_CMD,
                               "give one of --value-schema, --value-schema-id, --latest", NULL);
    if (a->kschema && a->kid >= 0)
        return cli_usage_error(PRODUCE_CMD, "--key-schema and --key-schema-id exclude each other",
                               NULL);
    if ((a->kschema || a->kid >= 0) && !a->parse_key)
        return cli_usage_error(PRODUCE_CMD, "a key schema needs --parse-key", NULL);
    if (a->message && a->format != CAIRN_FORMAT_PROTOBUF)
        return cli_usage_error(PRODUCE_CMD, "--message is for --type protobuf", NULL);
    return 0;
}

/* A serializer for role from a schema file or a pinned id. */
static int make_serializer(produce_ctx_t *x, cairn_role_t role, const char *file, long id) {
    cli_reg_opts_t reg = x->a->reg;
    char idprop[64];
    char *text = NULL;
    cn_error_t cerr;
    cairn_error_t err;
    if (file && cli_read_file(file, CLI_MAX_FILE, &text, NULL, &cerr) != CN_OK) {
        fprintf(stderr, PRODUCE_CMD ": %s\n", cerr.msg);
        return CLI_EXIT_USAGE;
    }
    if (reg.n_props + 3 > CLI_MAX_PROPS)
        return cli_usage_error(PRODUCE_CMD, "too many --registry-property", NULL);
    snprintf(idprop, sizeof(idprop), "use.schema.id=%ld", id);
    if (id >= 0)
        reg.props[reg.n_props++] = idprop;
    if (id >= 0 || x->a->no_register || (role == CAIRN_ROLE_VALUE && x->a->use_latest))
        reg.props[reg.n_props++] = "auto.register.schemas=false";
    if (role == CAIRN_ROLE_VALUE && x->a->use_latest)
        reg.props[reg.n_props++] = "use.latest.version=true";
    if (!(x->sd[role] = cli_reg_connect(&reg, PRODUCE_CMD))) {
        free(text);
        return CLI_EXIT_USAGE;
    }
    if (x->a->format == CAIRN_FORMAT_PROTOBUF && file) {
        x->ser[role] =
            cli_proto_serializer(x->sd[role], role, file, x->a->dirs, x->a->ndirs, PRODUCE_CMD);
        free(text);
        if (!x->ser[role])
            return CLI_EXIT_USAGE;
    } else {
        x->ser[role] = cairn_serializer_new(x->sd[role], x->a->format, role, text, &err);
        free(text);
    }
    if (!x->ser[role]) {
        fprintf(stderr, PRODUCE_CMD ": %s schema: %s\n", role ? "value" : "key", err.msg);
        return CLI_EXIT_USAGE;
    }
    /* Register or look up now, so a bad schema fails before any line is read. */
    if (cairn_serializer_prepare(x->ser[role], x->a->topic, NULL, &err) != CAIRN_OK) {
        fprintf(stderr, PRODUCE_CMD ": %s schema: %s\n", role ? "value" : "key", err.msg);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    produce_ctx_t *x = opaque;
    (void)rk;
    if (m->err) {
        fprintf(stderr, PRODUCE_CMD ": delivery failed: %s\n", rd_kafka_err2str(m->err));
        x->failed++;
    }
}

static int make_producer(produce_ctx_t *x) {
    rd_kafka_conf_t *conf = cli_kafka_conf(&x->a->kafka, PRODUCE_CMD);
    if (!conf)
        return CLI_EXIT_USAGE;
    rd_kafka_conf_set_opaque(conf, x);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    return (x->rk = cli_kafka_new(RD_KAFKA_PRODUCER, conf, PRODUCE_CMD)) ? 0 : CLI_EXIT_USAGE;
}

/* Serialize one part (key or value) of a line; raw keys are copied. */
static int serialize(produce_ctx_t *x, cairn_role_t role, const char *text, size_t len, void **out,
                     size_t *out_len, long lineno) {
    cairn_error_t err;
    *out = NULL;
    if (!x->ser[role]) {
        if (!(*out = malloc(len ? len : 1)))
            return CLI_EXIT_USAGE;
        memcpy(*out, text, len);
        *out_len = len;
        return 0;
    }
    if (role == CAIRN_ROLE_VALUE && x->a->message
            ? cairn_protobuf_serialize_json(x->ser[role], x->a->topic, x->a->message, text, len,
                                            out, out_len, &err) == CAIRN_OK
            : cairn_serialize_json(x->ser[role], x->a->topic, text, len, out, out_len, &err) ==
                  CAIRN_OK)
        return 0;
    fprintf(stderr, PRODUCE_CMD ": line %ld: %s: %s: %s\n", lineno, role ? "value" : "key",
            cairn_err_name(err.code), err.msg);
    return CLI_EXIT_USAGE;
}

static int produce_line(produce_ctx_t *x, char *line, size_t n, long lineno) {
    const char *sep = x->a->sep ? x->a->sep : "\t";
    char *value = line, *at;
    void *kbuf = NULL, *vbuf = NULL;
    size_t klen = 0, vlen = 0;
    rd_kafka_resp_err_t e;
    int rc = 0;
    if (x->a->parse_key) {
        if (!(at = strstr(line, sep))) {
            fprintf(stderr, PRODUCE_CMD ": line %ld: no key separator\n", lineno);
            return CLI_EXIT_USAGE;
        }
        *at = 0;
        value = at + strlen(sep);
        rc = serialize(x, CAIRN_ROLE_KEY, line, (size_t)(at - line), &kbuf, &klen, lineno);
    }
    if (rc == 0)
        rc =
            serialize(x, CAIRN_ROLE_VALUE, value, n - (size_t)(value - line), &vbuf, &vlen, lineno);
    if (rc == 0) {
        e = rd_kafka_producev(x->rk, RD_KAFKA_V_TOPIC(x->a->topic),
                              RD_KAFKA_V_PARTITION((int32_t)x->a->partition),
                              RD_KAFKA_V_KEY(kbuf, klen), RD_KAFKA_V_VALUE(vbuf, vlen),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (e) {
            fprintf(stderr, PRODUCE_CMD ": line %ld: %s\n", lineno, rd_kafka_err2str(e));
            rc = CLI_EXIT_USAGE;
        }
        rd_kafka_poll(x->rk, 0);
    }
    cairn_free(kbuf);
    cairn_free(vbuf);
    return rc;
}

static int produce_all(produce_ctx_t *x, FILE *in) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, in)) > 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n > 0)
            rc = produce_line(x, line, (size_t)n, lineno);
    }
    free(line);
    if (rd_kafka_flush(x->rk, 30000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, PRODUCE_CMD ": messages not delivered within 30 s\n");
        rc = CLI_EXIT_USAGE;
    }
    return rc ? rc : x->failed ? CLI_EXIT_USAGE : 0;
}

int cli_produce_main(int argc, char **argv) {
    produce_args_t a = {.vid = -1, .kid = -1, .partition = RD_KAFKA_PARTITION_UA};
    produce_ctx_t x = {.a = &a};
    bool help = false;
    FILE *in = stdin;
    int rc = parse_args(&a, argc, argv, &help);
    if (rc || help) {
        if (help)
            produce_usage(stdout);
        return rc;
    }
    if (a.file && !(in = fopen(a.file, "r"))) {
        perror(a.file);
        return CLI_EXIT_USAGE;
    }
    rc = make_serializer(&x, CAIRN_ROLE_VALUE, a.vschema, a.vid);
    if (rc == 0 && (a.kschema || a.kid >= 0))
        rc = make_serializer(&x, CAIRN_ROLE_KEY, a.kschema, a.kid);
    if (rc == 0)
        rc = make_producer(&x);
    if (rc == 0)
        rc = produce_all(&x, in);
    if (x.rk)
        rd_kafka_destroy(x.rk);
    for (int r = 0; r < 2; r++) {
        cairn_serializer_free(x.ser[r]);
        cairn_serdes_free(x.sd[r]);
    }
    if (in != stdin)
        fclose(in);
    return rc;
}
