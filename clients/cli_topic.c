/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn topic create|list|describe|delete` over librdkafka: CreateTopics and DeleteTopics
 * through the admin API, Metadata for list and describe, DescribeConfigs for the topic's
 * configuration. Text output by default, --json for one JSON document.
 */
#include <stdlib.h>
#include <string.h>

#include "clients/cli_kafka_int.h"

#define TOPIC_TIMEOUT_MS 15000

enum { OPT_PARTITIONS = 1, OPT_RF, OPT_CONFIG, OPT_JSON, OPT_ALL };

typedef struct topic_args {
    cli_kafka_opts_t kafka;
    long partitions, rf;
    const char *configs[CLI_MAX_PROPS];
    size_t n_configs;
    bool json, all;
    char **pos;
    int npos;
    char cmd[48];
} topic_args_t;

typedef int (*topic_fn)(topic_args_t *a, rd_kafka_t *rk);

static void topic_usage(FILE *f) {
    fprintf(f,
            "usage: cairn topic create TOPIC [--partitions N] [--replication-factor N]\n"
            "                          [--config K=V ...]\n"
            "       cairn topic list [--all] [--json]\n"
            "       cairn topic describe TOPIC [--json]\n"
            "       cairn topic delete TOPIC\n\n"
            "list hides internal topics (names starting with '_') unless --all.\n\n" CLI_KAFKA_USAGE
            "\nexit status: 0 success, 1 usage or Kafka error (message on stderr).\n");
}

/* Run an admin request whose result event has type evtype; returns the event or NULL. */
static rd_kafka_event_t *admin_wait(rd_kafka_queue_t *q, const char *cmd) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, TOPIC_TIMEOUT_MS + 2000);
    if (!ev) {
        fprintf(stderr, "%s: no answer from the broker\n", cmd);
        return NULL;
    }
    if (rd_kafka_event_error(ev)) {
        fprintf(stderr, "%s: %s\n", cmd, rd_kafka_event_error_string(ev));
        rd_kafka_event_destroy(ev);
        return NULL;
    }
    return ev;
}

static int topic_results(const rd_kafka_topic_result_t **res, size_t n, const char *cmd,
                         const char *verb) {
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rd_kafka_topic_result_error(res[i])) {
            fprintf(stderr, "%s: %s: %s\n", cmd, rd_kafka_topic_result_name(res[i]),
                    rd_kafka_topic_result_error_string(res[i])
                        ?: rd_kafka_err2str(rd_kafka_topic_result_error(res[i])));
            rc = CLI_EXIT_USAGE;
        } else {
            printf("%s %s\n", verb, rd_kafka_topic_result_name(res[i]));
        }
    }
    return rc;
}

static rd_kafka_AdminOptions_t *admin_options(rd_kafka_t *rk, rd_kafka_admin_op_t op) {
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(rk, op);
    char errstr[256];
    rd_kafka_AdminOptions_set_operation_timeout(o, TOPIC_TIMEOUT_MS, errstr, sizeof(errstr));
    rd_kafka_AdminOptions_set_request_timeout(o, TOPIC_TIMEOUT_MS, errstr, sizeof(errstr));
    return o;
}

static int topic_create(topic_args_t *a, rd_kafka_t *rk) {
    char errstr[512];
    rd_kafka_NewTopic_t *nt =
        rd_kafka_NewTopic_new(a->pos[0], (int)a->partitions, (int)a->rf, errstr, sizeof(errstr));
    rd_kafka_queue_t *q;
    rd_kafka_AdminOptions_t *o;
    rd_kafka_event_t *ev;
    size_t n;
    int rc = CLI_EXIT_USAGE;
    if (!nt) {
        fprintf(stderr, "%s: %s\n", a->cmd, errstr);
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < a->n_configs; i++) {
        char key[256];
        const char *eq = strchr(a->configs[i], '=');
        snprintf(key, sizeof(key), "%.*s", (int)(eq - a->configs[i]), a->configs[i]);
        rd_kafka_NewTopic_set_config(nt, key, eq + 1);
    }
    q = rd_kafka_queue_new(rk);
    o = admin_options(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_CreateTopics(rk, &nt, 1, o, q);
    if ((ev = admin_wait(q, a->cmd)) != NULL) {
        const rd_kafka_topic_result_t **res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        rc = topic_results(res, n, a->cmd, "created");
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    return rc;
}

static int topic_delete(topic_args_t *a, rd_kafka_t *rk) {
    rd_kafka_DeleteTopic_t *dt = rd_kafka_DeleteTopic_new(a->pos[0]);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o = admin_options(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS);
    rd_kafka_event_t *ev;
    size_t n;
    int rc = CLI_EXIT_USAGE;
    rd_kafka_DeleteTopics(rk, &dt, 1, o, q);
    if ((ev = admin_wait(q, a->cmd)) != NULL) {
        const rd_kafka_topic_result_t **res =
            rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &n);
        rc = topic_results(res, n, a->cmd, "deleted");
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_queue_destroy(q);
    rd_kafka_DeleteTopic_destroy(dt);
    return rc;
}

static const struct rd_kafka_metadata *metadata(topic_args_t *a, rd_kafka_t *rk, bool all) {
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, all ? 1 : 0, NULL, &md, TOPIC_TIMEOUT_MS);
    if (e) {
        fprintf(stderr, "%s: metadata: %s\n", a->cmd, rd_kafka_err2str(e));
        return NULL;
    }
    return md;
}

static int cmp_names(const void *x, const void *y) {
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int topic_list(topic_args_t *a, rd_kafka_t *rk) {
    const struct rd_kafka_metadata *md = metadata(a, rk, true);
    const char **names;
    json_t *arr = json_array();
    size_t n = 0;
    if (!md)
        return CLI_EXIT_USAGE;
    names = calloc((size_t)md->topic_cnt + 1, sizeof(*names));
    for (int i = 0; names && i < md->topic_cnt; i++)
        if (a->all || md->topics[i].topic[0] != '_')
            names[n++] = md->topics[i].topic;
    if (names)
        qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n; i++) {
        if (a->json)
            json_array_append_new(arr, json_string(names[i]));
        else
            printf("%s\n", names[i]);
    }
    if (a->json)
        cli_print_json(stdout, arr);
    json_decref(arr);
    free(names);
    rd_kafka_metadata_destroy(md);
    return names ? 0 : CLI_EXIT_USAGE;
}

/* The topic's configuration entries as a JSON object (empty on failure). */
static json_t *topic_configs(topic_args_t *a, rd_kafka_t *rk) {
    rd_kafka_ConfigResource_t *cr = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, a->pos[0]);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *o = admin_options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    rd_kafka_event_t *ev;
    json_t *out = json_object();
    size_t nres, nent;
    rd_kafka_DescribeConfigs(rk, &cr, 1, o, q);
    if ((ev = admin_wait(q, a->cmd)) != NULL) {
        const rd_kafka_ConfigResource_t **res = rd_kafka_DescribeConfigs_result_resources(
            rd_kafka_event_DescribeConfigs_result(ev), &nres);
        for (size_t i = 0; i < nres; i++) {
            const rd_kafka_ConfigEntry_t **ents = rd_kafka_ConfigResource_configs(res[i], &nent);
            for (size_t k = 0; k < nent; k++) {
                const char *v = rd_kafka_ConfigEntry_value(ents[k]);
                json_object_set_new(out, rd_kafka_ConfigEntry_name(ents[k]),
                                    v ? json_string(v) : json_null());
            }
        }
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_queue_destroy(q);
    rd_kafka_ConfigResource_destroy(cr);
    return out;
}

static json_t *int_array(const int32_t *v, int n) {
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_integer(v[i]));
    return a;
}

static void describe_text(const json_t *d) {
    size_t i;
    const char *k;
    json_t *p, *v;
    printf("topic %s partitions %zu\n", json_string_value(json_object_get(d, "topic")),
           json_array_size(json_object_get(d, "partitions")));
    json_array_foreach(json_object_get(d, "partitions"), i, p) {
        char *r = json_dumps(json_object_get(p, "replicas"), JSON_COMPACT);
        char *s = json_dumps(json_object_get(p, "isr"), JSON_COMPACT);
        printf("  partition %lld leader %lld replicas %s isr %s\n",
               json_integer_value(json_object_get(p, "partition")),
               json_integer_value(json_object_get(p, "leader")), r ? r : "", s ? s : "");
        free(r);
        free(s);
    }
    json_object_foreach(json_object_get(d, "configs"), k, v) {
        if (json_is_string(v))
            printf("  config %s=%s\n", k, json_string_value(v));
    }
}

static int topic_describe(topic_args_t *a, rd_kafka_t *rk) {
    const struct rd_kafka_metadata *md = metadata(a, rk, true);
    const struct rd_kafka_metadata_topic *t = NULL;
    json_t *d, *parts;
    if (!md)
        return CLI_EXIT_USAGE;
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, a->pos[0]) == 0 && !md->topics[i].err)
            t = &md->topics[i];
    if (!t) {
        fprintf(stderr, "%s: %s: unknown topic\n", a->cmd, a->pos[0]);
        rd_kafka_metadata_destroy(md);
        return CLI_EXIT_USAGE;
    }
    parts = json_array();
    for (int i = 0; i < t->partition_cnt; i++) {
        const struct rd_kafka_metadata_partition *p = &t->partitions[i];
        json_array_append_new(parts, json_pack("{s:i,s:i,s:o,s:o}", "partition", (int)p->id,
                                               "leader", (int)p->leader, "replicas",
                                               int_array(p->replicas, p->replica_cnt), "isr",
                                               int_array(p->isrs, p->isr_cnt)));
    }
    d = json_pack("{s:s,s:o,s:o}", "topic", t->topic, "partitions", parts, "configs",
                  topic_configs(a, rk));
    if (a->json)
        cli_print_json(stdout, d);
    else
        describe_text(d);
    json_decref(d);
    rd_kafka_metadata_destroy(md);
    return 0;
}

static const struct {
    const char *verb;
    int npos;
    topic_fn fn;
} topic_verbs[] = {
    {"create", 1, topic_create},
    {"list", 0, topic_list},
    {"describe", 1, topic_describe},
    {"delete", 1, topic_delete},
};

static int parse_opt(void *args, int c, const char *arg) {
    topic_args_t *a = args;
    switch (c) {
    case OPT_PARTITIONS:
    case OPT_RF:
        if (!cli_parse_long(arg, -1, 1000000, c == OPT_RF ? &a->rf : &a->partitions))
            return cli_usage_error(a->cmd, "not a valid number", arg);
        return 0;
    case OPT_CONFIG:
        if (a->n_configs >= CLI_MAX_PROPS || !strchr(arg, '=') || strchr(arg, '=') == arg)
            return cli_usage_error(a->cmd, "--config wants KEY=VALUE (at most 64)", arg);
        a->configs[a->n_configs++] = arg;
        return 0;
    case OPT_JSON:
        a->json = true;
        return 0;
    case OPT_ALL:
        a->all = true;
        return 0;
    default: {
        int r = cli_kafka_opt(&a->kafka, a->cmd, c, arg);
        return r == 0  ? 0
               : r < 0 ? CLI_EXIT_USAGE
                       : cli_usage_error(a->cmd, "unknown option", NULL);
    }
    }
}

static int parse_args(topic_args_t *a, int argc, char **argv, bool *help) {
    static const struct option opts[] = {CLI_KAFKA_LONGOPTS,
                                         {"partitions", required_argument, NULL, OPT_PARTITIONS},
                                         {"replication-factor", required_argument, NULL, OPT_RF},
                                         {"config", required_argument, NULL, OPT_CONFIG},
                                         {"json", no_argument, NULL, OPT_JSON},
                                         {"all", no_argument, NULL, OPT_ALL},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int pos = 0;
    int rc = cli_getopt(a->cmd, argc, argv, opts, parse_opt, a, help, &pos);
    if (rc != 0 || *help)
        return rc;
    a->pos = argv + pos;
    a->npos = argc - pos;
    return 0;
}

static int run_verb(topic_fn fn, int npos, int argc, char **argv) {
    topic_args_t a = {.partitions = -1, .rf = -1};
    bool help = false;
    rd_kafka_conf_t *conf;
    rd_kafka_t *rk;
    int rc;
    snprintf(a.cmd, sizeof(a.cmd), "cairn topic %s", argv[0]);
    if ((rc = parse_args(&a, argc, argv, &help)) != 0)
        return rc;
    if (help) {
        topic_usage(stdout);
        return CLI_EXIT_OK;
    }
    if (a.npos != npos)
        return cli_usage_error(a.cmd, npos ? "give one TOPIC" : "no arguments expected", NULL);
    if (!(conf = cli_kafka_conf(&a.kafka, a.cmd)) ||
        !(rk = cli_kafka_new(RD_KAFKA_PRODUCER, conf, a.cmd)))
        return CLI_EXIT_USAGE;
    rc = fn(&a, rk);
    rd_kafka_destroy(rk);
    return rc;
}

int cli_topic_main(int argc, char **argv) {
    if (argc < 2) {
        topic_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        topic_usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(topic_verbs) / sizeof(topic_verbs[0]); i++)
        if (strcmp(argv[1], topic_verbs[i].verb) == 0)
            return run_verb(topic_verbs[i].fn, topic_verbs[i].npos, argc - 1, argv + 1);
    return cli_usage_error("cairn topic", "unknown subcommand", argv[1]);
}
