/* SPDX-License-Identifier: Apache-2.0
 *
 * Example: an Avro producer on librdkafka with libcairn-serdes. Reads one JSON value per line
 * (the Avro JSON encoding) from stdin, serializes it with the schema from -s (registered under
 * the topic's subject on first use) and produces it to the topic. With --hex it prints the
 * framed bytes in hex instead of producing (no broker needed; the interop tests use this).
 * With -X value.schema.id.serializer=header the schema's GUID goes into the record header
 * __value_schema_id (Confluent 8.x) and the payload is bare; --hex then prints
 * "HEADER PAYLOAD" (two hex words) per value.
 *
 *   cairn_avro_producer -r http://127.0.0.1:8081 -b 127.0.0.1:9092 -t orders -s order.avsc
 *   echo '{"amt":42}' | cairn_avro_producer -r URL -t payments -s pay.avsc --hex
 *
 * -f json or -f protobuf serializes with JSON Schema (-s a schema file) or Protobuf (-s a .proto
 * file with only well-known imports; each line is the proto3 JSON of its first message) instead.
 *
 * -X key=value sets a libcairn-serdes key (e.g. -X auto.register.schemas=false), -P key=value a
 * librdkafka producer key. Exit status: 0 on success, 1 on any error (message on stderr).
 */
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>

typedef struct opts {
    const char *registry, *brokers, *topic, *schema_file;
    int hex;
    cairn_format_t format;
    cairn_conf_t *conf;
    rd_kafka_conf_t *kconf;
} opts_t;

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
        }
    }
    fclose(f);
    return buf;
}

static int set_kv(opts_t *o, int serdes, char *kv) {
    char *eq = strchr(kv, '='), errstr[512];
    cairn_error_t err;
    if (!eq) {
        fprintf(stderr, "expected key=value, not %s\n", kv);
        return -1;
    }
    *eq = '\0';
    if (serdes && cairn_conf_set(o->conf, kv, eq + 1, &err) != CAIRN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    if (!serdes &&
        rd_kafka_conf_set(o->kconf, kv, eq + 1, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "%s\n", errstr);
        return -1;
    }
    return 0;
}

/* -f: avro (default), json (JSON Schema) or protobuf; the JSON calls take every format. */
static int parse_format(const char *s, cairn_format_t *out) {
    if (cairn_format_parse(s, out) == CAIRN_OK)
        return 0;
    fprintf(stderr, "unknown format %s (avro, json or protobuf)\n", s);
    return -1;
}

static int parse_args(opts_t *o, int argc, char **argv) {
    static const struct option longs[] = {{"hex", no_argument, NULL, 'H'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "r:b:t:s:f:X:P:", longs, NULL)) != -1) {
        switch (c) {
        case 'r':
            o->registry = optarg;
            break;
        case 'b':
            o->brokers = optarg;
            break;
        case 't':
            o->topic = optarg;
            break;
        case 's':
            o->schema_file = optarg;
            break;
        case 'H':
            o->hex = 1;
            break;
        case 'f':
            if (parse_format(optarg, &o->format) != 0)
                return -1;
            break;
        case 'X':
        case 'P':
            if (set_kv(o, c == 'X', optarg) != 0)
                return -1;
            break;
        default:
            return -1;
        }
    }
    if (!o->registry || !o->topic || !o->schema_file || (!o->hex && !o->brokers)) {
        fprintf(stderr,
                "usage: %s -r REGISTRY_URL -t TOPIC -s SCHEMA_FILE (-b BROKERS | --hex) [-f "
                "avro|json|protobuf] "
                "[-X serdes.key=value] [-P kafka.key=value] < json-lines\n",
                argv[0]);
        return -1;
    }
    return 0;
}

static rd_kafka_t *make_producer(opts_t *o) {
    char errstr[512];
    rd_kafka_t *rk;
    if (rd_kafka_conf_set(o->kconf, "bootstrap.servers", o->brokers, errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
        fprintf(stderr, "%s\n", errstr);
        return NULL;
    }
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, o->kconf, errstr, sizeof(errstr));
    if (!rk)
        fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    else
        o->kconf = NULL; /* taken */
    return rk;
}

static void print_hex(const void *p, size_t len) {
    for (size_t i = 0; i < len; i++)
        printf("%02x", ((const unsigned char *)p)[i]);
}

static int emit(opts_t *o, rd_kafka_t *rk, void *buf, size_t len, const cairn_header_t *hdr) {
    rd_kafka_headers_t *hs = NULL;
    if (o->hex) {
        if (hdr->name) {
            print_hex(hdr->value, hdr->len);
            printf(" ");
        }
        print_hex(buf, len);
        printf("\n");
        cairn_free(buf);
        return 0;
    }
    if (hdr->name) { /* the schema id as a record header (librdkafka takes hs on success) */
        hs = rd_kafka_headers_new(1);
        rd_kafka_header_add(hs, hdr->name, -1, hdr->value, (ssize_t)hdr->len);
    }
    if ((hs ? rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(o->topic), RD_KAFKA_V_VALUE(buf, len),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_FREE), RD_KAFKA_V_HEADERS(hs),
                                RD_KAFKA_V_END)
            : rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(o->topic), RD_KAFKA_V_VALUE(buf, len),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_FREE), RD_KAFKA_V_END)) != 0) {
        fprintf(stderr, "produce failed\n");
        if (hs)
            rd_kafka_headers_destroy(hs);
        cairn_free(buf);
        return -1;
    }
    rd_kafka_poll(rk, 0);
    return 0;
}

static int run(opts_t *o, cairn_serializer_t *ser, rd_kafka_t *rk) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, stdin)) > 0) {
        void *buf = NULL;
        size_t len = 0;
        cairn_header_t hdr;
        cairn_error_t err;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        if (cairn_serialize_json_h(ser, o->topic, line, (size_t)n, &buf, &len, &hdr, &err) !=
            CAIRN_OK) {
            fprintf(stderr, "serialize: %s: %s\n", cairn_err_name(err.code), err.msg);
            rc = -1;
        } else {
            rc = emit(o, rk, buf, len, &hdr);
        }
    }
    free(line);
    return rc;
}

int main(int argc, char **argv) {
    opts_t o = {0};
    cairn_serdes_t *sd = NULL;
    cairn_serializer_t *ser = NULL;
    rd_kafka_t *rk = NULL;
    cairn_error_t err;
    char *schema = NULL;
    int rc = 1;
    o.conf = cairn_conf_new();
    o.kconf = rd_kafka_conf_new();
    if (parse_args(&o, argc, argv) != 0)
        goto out;
    if (!(schema = read_file(o.schema_file))) {
        fprintf(stderr, "cannot read %s\n", o.schema_file);
        goto out;
    }
    if (cairn_conf_set(o.conf, "schema.registry.url", o.registry, &err) != CAIRN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        goto out;
    }
    sd = cairn_serdes_new(o.conf, &err); /* takes the conf */
    o.conf = NULL;
    if (!sd || !(ser = cairn_serializer_new(sd, o.format, CAIRN_ROLE_VALUE, schema, &err))) {
        fprintf(stderr, "%s\n", err.msg);
        goto out;
    }
    if (!o.hex && !(rk = make_producer(&o)))
        goto out;
    rc = run(&o, ser, rk) == 0 ? 0 : 1;
    if (rk && rd_kafka_flush(rk, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "flush: messages not delivered\n");
        rc = 1;
    }
out:
    if (rk)
        rd_kafka_destroy(rk);
    if (o.kconf)
        rd_kafka_conf_destroy(o.kconf);
    cairn_conf_free(o.conf);
    cairn_serializer_free(ser);
    cairn_serdes_free(sd);
    free(schema);
    return rc;
}
