/* SPDX-License-Identifier: Apache-2.0
 *
 * Example: an Avro consumer on librdkafka with libcairn-serdes. Subscribes to a topic and prints
 * each value as one JSON line (the Avro JSON encoding), fetching writer schemas from the
 * registry by the id in each message and, with --reader, resolving them to a reader schema
 * (schema evolution). With --hex it reads hex-encoded framed values from stdin instead of Kafka
 * (no broker needed; the interop tests use this). The schema id may also come in the record
 * header __value_schema_id (Confluent 8.x header ids); in --hex mode a line "HEADER PAYLOAD"
 * (two hex words) gives that header's value, a line with one word only the payload.
 *
 *   cairn_avro_consumer -r http://127.0.0.1:8081 -b 127.0.0.1:9092 -t orders -g grp -c 10
 *   echo 00000000015 | cairn_avro_consumer -r URL --hex [--reader v2.avsc]
 *
 * -f json or -f protobuf reads JSON Schema or Protobuf values instead (Protobuf: printed as
 * proto3 JSON, decoded with the writer schema the registry holds).
 *
 * -X key=value sets a libcairn-serdes key, -P key=value a librdkafka consumer key; -c N stops
 * after N messages, -w MS after MS without a message (default 10000). Exit 0, or 1 on error.
 */
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>

typedef struct opts {
    const char *registry, *brokers, *topic, *group, *reader_file;
    int hex;
    cairn_format_t format;
    long count, idle_ms;
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
    static const struct option longs[] = {
        {"hex", no_argument, NULL, 'H'}, {"reader", required_argument, NULL, 'R'}, {0, 0, 0, 0}};
    int c;
    o->idle_ms = 10000;
    o->group = "cairn-avro-consumer";
    while ((c = getopt_long(argc, argv, "r:b:t:g:c:w:f:X:P:", longs, NULL)) != -1) {
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
        case 'g':
            o->group = optarg;
            break;
        case 'c':
            o->count = strtol(optarg, NULL, 10);
            break;
        case 'w':
            o->idle_ms = strtol(optarg, NULL, 10);
            break;
        case 'H':
            o->hex = 1;
            break;
        case 'f':
            if (parse_format(optarg, &o->format) != 0)
                return -1;
            break;
        case 'R':
            o->reader_file = optarg;
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
    if (!o->registry || (!o->hex && (!o->brokers || !o->topic))) {
        fprintf(stderr,
                "usage: %s -r REGISTRY_URL (-b BROKERS -t TOPIC [-g GROUP] | --hex) [-f "
                "avro|json|protobuf] "
                "[--reader SCHEMA_FILE] [-c COUNT] [-w IDLE_MS] [-X k=v] [-P k=v]\n",
                argv[0]);
        return -1;
    }
    return 0;
}

static int print_value(cairn_deserializer_t *des, const char *topic, const void *data, size_t len,
                       const void *hdr, size_t hdr_len) {
    char *json = NULL;
    cairn_error_t err;
    if (cairn_deserialize_json_h(des, topic, data, len, hdr, hdr_len, &json, NULL, &err) !=
        CAIRN_OK) {
        fprintf(stderr, "deserialize: %s: %s\n", cairn_err_name(err.code), err.msg);
        return -1;
    }
    printf("%s\n", json ? json : "null");
    fflush(stdout);
    cairn_free(json);
    return 0;
}

/* Hex digits of s (up to a blank or the end) into out; returns the bytes written. */
static size_t unhex(const char *s, unsigned char *out) {
    size_t len = 0;
    unsigned v;
    for (; s[0] && s[1] && s[0] != ' ' && sscanf(s, "%2x", &v) == 1; s += 2)
        out[len++] = (unsigned char)v;
    return len;
}

static int from_hex(cairn_deserializer_t *des) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, stdin)) > 0) {
        unsigned char *hdr = malloc((size_t)n / 2 + 1), *bytes = malloc((size_t)n / 2 + 1);
        char *blank = strchr(line, ' ');
        size_t hlen = 0, len;
        if (blank)
            hlen = unhex(line, hdr);
        len = unhex(blank ? blank + 1 : line, bytes);
        rc = print_value(des, "", bytes, len, hdr, hlen);
        free(hdr);
        free(bytes);
    }
    free(line);
    return rc;
}

/* The value of the record's last __value_schema_id header, or NULL. */
static const void *schema_id_header(rd_kafka_message_t *m, size_t *len) {
    rd_kafka_headers_t *hs = NULL;
    const void *v = NULL;
    *len = 0;
    if (rd_kafka_message_headers(m, &hs) != RD_KAFKA_RESP_ERR_NO_ERROR ||
        rd_kafka_header_get_last(hs, CAIRN_HEADER_VALUE_SCHEMA_ID, &v, len) !=
            RD_KAFKA_RESP_ERR_NO_ERROR)
        return NULL;
    return v;
}

static rd_kafka_t *make_consumer(opts_t *o) {
    char errstr[512];
    rd_kafka_t *rk;
    rd_kafka_topic_partition_list_t *subs;
    if (rd_kafka_conf_set(o->kconf, "bootstrap.servers", o->brokers, errstr, sizeof(errstr)) ||
        rd_kafka_conf_set(o->kconf, "group.id", o->group, errstr, sizeof(errstr)) ||
        rd_kafka_conf_set(o->kconf, "auto.offset.reset", "earliest", errstr, sizeof(errstr))) {
        fprintf(stderr, "%s\n", errstr);
        return NULL;
    }
    if (!(rk = rd_kafka_new(RD_KAFKA_CONSUMER, o->kconf, errstr, sizeof(errstr)))) {
        fprintf(stderr, "rd_kafka_new: %s\n", errstr);
        return NULL;
    }
    o->kconf = NULL; /* taken */
    rd_kafka_poll_set_consumer(rk);
    subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, o->topic, RD_KAFKA_PARTITION_UA);
    if (rd_kafka_subscribe(rk, subs) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "subscribe failed\n");
        rd_kafka_topic_partition_list_destroy(subs);
        rd_kafka_destroy(rk);
        return NULL;
    }
    rd_kafka_topic_partition_list_destroy(subs);
    return rk;
}

static int from_kafka(opts_t *o, cairn_deserializer_t *des, rd_kafka_t *rk) {
    long seen = 0, idle = 0;
    int rc = 0;
    while (rc == 0 && (o->count <= 0 || seen < o->count) && idle < o->idle_ms) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m) {
            idle += 100;
            continue;
        }
        idle = 0;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            size_t hlen;
            const void *hdr = schema_id_header(m, &hlen);
            rc = print_value(des, o->topic, m->payload, m->len, hdr, hlen);
            seen++;
        } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            fprintf(stderr, "consume: %s\n", rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
    }
    if (rc == 0 && o->count > 0 && seen < o->count) {
        fprintf(stderr, "only %ld of %ld messages before the idle timeout\n", seen, o->count);
        rc = -1;
    }
    return rc;
}

int main(int argc, char **argv) {
    opts_t o = {0};
    cairn_serdes_t *sd = NULL;
    cairn_deserializer_t *des = NULL;
    rd_kafka_t *rk = NULL;
    cairn_error_t err;
    char *reader = NULL;
    int rc = 1;
    o.conf = cairn_conf_new();
    o.kconf = rd_kafka_conf_new();
    if (parse_args(&o, argc, argv) != 0)
        goto out;
    if (o.reader_file && !(reader = read_file(o.reader_file))) {
        fprintf(stderr, "cannot read %s\n", o.reader_file);
        goto out;
    }
    if (cairn_conf_set(o.conf, "schema.registry.url", o.registry, &err) != CAIRN_OK) {
        fprintf(stderr, "%s\n", err.msg);
        goto out;
    }
    sd = cairn_serdes_new(o.conf, &err); /* takes the conf */
    o.conf = NULL;
    if (!sd || !(des = cairn_deserializer_new(sd, o.format, CAIRN_ROLE_VALUE, reader, &err))) {
        fprintf(stderr, "%s\n", err.msg);
        goto out;
    }
    if (o.hex)
        rc = from_hex(des) == 0 ? 0 : 1;
    else if ((rk = make_consumer(&o)) != NULL)
        rc = from_kafka(&o, des, rk) == 0 ? 0 : 1;
out:
    if (rk) {
        rd_kafka_consumer_close(rk);
        rd_kafka_destroy(rk);
    }
    if (o.kconf)
        rd_kafka_conf_destroy(o.kconf);
    cairn_conf_free(o.conf);
    cairn_deserializer_free(des);
    cairn_serdes_free(sd);
    free(reader);
    return rc;
}
