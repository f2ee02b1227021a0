/* SPDX-License-Identifier: Apache-2.0
 *
 * The Kafka-cluster store backend: one idempotent producer (acks=all) that appends to partition 0
 * and one consumer assigned to partition 0 that reads up to the high watermark. Owns both
 * librdkafka handles; a mutex serializes appends, another serializes reads (the consumer's position
 * is state). Reads stop at "next offset >= high watermark" (not "last offset == HW - 1"), because
 * compaction leaves gaps (the pitfall Karapace fixed in Aiven-Open/karapace#1355).
 */
#include "registry/reg_store_kafka.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_time.h"
#include "registry/reg_kafka_int.h"

typedef struct kafka_store {
    reg_kafka_cfg_t cfg;
    char *topic; /* owned copy */
    rd_kafka_t *producer;
    rd_kafka_t *consumer;
    pthread_mutex_t append_mu;
    pthread_mutex_t read_mu;
    int64_t position; /* where the consumer is assigned to read next; -1: not assigned */
    const cn_log_t *log;
} kafka_store_t;

/* Delivery result of one produced record, filled by the delivery report callback. */
typedef struct kafka_dr {
    bool done;
    rd_kafka_resp_err_t err;
    int64_t offset;
} kafka_dr_t;

static void kafka_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
    kafka_dr_t *dr = msg->_private;
    (void)rk;
    (void)opaque;
    dr->done = true;
    dr->err = msg->err;
    dr->offset = msg->offset;
}

static cn_err_t kafka_map_err(rd_kafka_resp_err_t e, cn_error_t *err) {
    if (e == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || e == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE)
        return cn_error_set(err, CN_ERR_SCHEMA_TOO_LARGE, NULL);
    if (e == RD_KAFKA_RESP_ERR__TIMED_OUT || e == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
        return cn_error_set(err, CN_ERR_STORE_TIMEOUT, "Write to the Kafka store timed out");
    return cn_error_set(err, CN_ERR_STORE, "Error while writing to the Kafka store: %s",
                        rd_kafka_err2str(e));
}

static rd_kafka_resp_err_t kafka_produce_one(kafka_store_t *ks, const reg_rec_t *rec,
                                             kafka_dr_t *dr) {
    /* librdkafka's V_ macros do not parenthesize their arguments: pass plain variables */
    void *key = rec->key_len < 0 ? NULL : (void *)rec->key;
    size_t key_len = rec->key_len < 0 ? 0 : (size_t)rec->key_len;
    void *value = rec->value_len < 0 ? NULL : (void *)rec->value;
    size_t value_len = rec->value_len < 0 ? 0 : (size_t)rec->value_len;
    return rd_kafka_producev(ks->producer, RD_KAFKA_V_TOPIC(ks->topic), RD_KAFKA_V_PARTITION(0),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE(value, value_len), RD_KAFKA_V_OPAQUE(dr),
                             RD_KAFKA_V_END);
}

/* Wait until every record of drs[0..n) has its delivery report, up to the store timeout. */
static cn_err_t kafka_await(kafka_store_t *ks, kafka_dr_t *drs, size_t n, int64_t *last,
                            cn_error_t *err) {
    int64_t deadline = cn_mono_ms() + ks->cfg.timeout_ms;
    for (size_t i = 0; i < n; i++) {
        while (!drs[i].done && cn_mono_ms() < deadline)
            rd_kafka_poll(ks->producer, 10);
        if (!drs[i].done)
            return cn_error_set(err, CN_ERR_STORE_TIMEOUT, "Write to the Kafka store timed out");
        if (drs[i].err)
            return kafka_map_err(drs[i].err, err);
        *last = drs[i].offset;
    }
    return CN_OK;
}

/* After a failed append no delivery report of it may still be pending: the reports point into
 * the caller's drs. Wait for them, and when the broker does not answer, purge what is left (the
 * purged reports are served by the polls that follow). The outcome of a purged in-flight record
 * is unknown, as after any timeout; the reader applies it if it was written. */
static void kafka_drain(kafka_store_t *ks) {
    int64_t deadline = cn_mono_ms() + ks->cfg.init_timeout_ms;
    if (rd_kafka_flush(ks->producer, (int)ks->cfg.timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR)
        return;
    rd_kafka_purge(ks->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    while (rd_kafka_outq_len(ks->producer) > 0 && cn_mono_ms() < deadline)
        rd_kafka_poll(ks->producer, 10);
}

static cn_err_t kafka_append(void *impl, const reg_rec_t *recs, size_t n, int64_t *last_out,
                             cn_error_t *err) {
    kafka_store_t *ks = impl;
    kafka_dr_t *drs = calloc(n ? n : 1, sizeof(*drs));
    int64_t last = -1;
    cn_err_t rc = drs ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    pthread_mutex_lock(&ks->append_mu);
    for (size_t i = 0; rc == CN_OK && i < n; i++) {
        rd_kafka_resp_err_t e = kafka_produce_one(ks, &recs[i], &drs[i]);
        if (e)
            rc = kafka_map_err(e, err);
    }
    if (rc == CN_OK)
        rc = kafka_await(ks, drs, n, &last, err);
    if (rc != CN_OK && drs)
        kafka_drain(ks);
    pthread_mutex_unlock(&ks->append_mu);
    if (rc == CN_OK && last_out)
        *last_out = last;
    free(drs);
    return rc;
}

static cn_err_t kafka_watermarks(kafka_store_t *ks, int64_t *low, int64_t *high, cn_error_t *err) {
    rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(ks->consumer, ks->topic, 0, low, high,
                                                             (int)ks->cfg.init_timeout_ms);
    if (e)
        return cn_error_set(err, CN_ERR_STORE, "Error while reading the Kafka store offsets: %s",
                            rd_kafka_err2str(e));
    return CN_OK;
}

static cn_err_t kafka_end(void *impl, int64_t *end_out, cn_error_t *err) {
    int64_t low;
    return kafka_watermarks(impl, &low, end_out, err);
}

static cn_err_t kafka_assign(kafka_store_t *ks, int64_t offset, cn_error_t *err) {
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(1);
    rd_kafka_resp_err_t e;
    rd_kafka_topic_partition_list_add(parts, ks->topic, 0)->offset = offset;
    e = rd_kafka_assign(ks->consumer, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (e)
        return cn_error_set(err, CN_ERR_STORE, "assign %s: %s", ks->topic, rd_kafka_err2str(e));
    ks->position = offset;
    return CN_OK;
}

/* Hand one consumed message to the visitor. */
static cn_err_t kafka_visit(const rd_kafka_message_t *m, reg_store_visit_fn fn, void *arg,
                            cn_error_t *err) {
    reg_rec_t rec;
    rec.key = m->key;
    rec.key_len = m->key ? (int32_t)m->key_len : -1;
    rec.value = m->payload;
    rec.value_len = m->payload ? (int32_t)m->len : -1;
    rec.offset = m->offset;
    rec.timestamp = rd_kafka_message_timestamp(m, NULL);
    return fn(arg, &rec, err);
}

/* Consume from ks->position until it reaches high; transient errors are retried until the
 * init timeout. */
static cn_err_t kafka_consume_to(kafka_store_t *ks, int64_t high, reg_store_visit_fn fn, void *arg,
                                 cn_error_t *err) {
    int64_t deadline = cn_mono_ms() + ks->cfg.init_timeout_ms;
    cn_err_t rc = CN_OK;
    while (rc == CN_OK && ks->position < high) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(ks->consumer, 100);
        if (!m) {
            if (cn_mono_ms() > deadline)
                rc = cn_error_set(err, CN_ERR_STORE_TIMEOUT,
                                  "Timed out reading the Kafka store at offset %lld of %lld",
                                  (long long)ks->position, (long long)high);
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (m->offset > ks->position)
                ks->position = m->offset;
        } else if (m->err) {
            cn_log_warn(ks->log, "Kafka store read: %s", rd_kafka_message_errstr(m));
        } else if (m->offset >= ks->position) {
            rc = kafka_visit(m, fn, arg, err);
            ks->position = m->offset + 1;
        }
        rd_kafka_message_destroy(m);
    }
    return rc;
}

static cn_err_t kafka_read(void *impl, int64_t from, reg_store_visit_fn fn, void *arg,
                           int64_t *next_out, cn_error_t *err) {
    kafka_store_t *ks = impl;
    int64_t low, high;
    cn_err_t rc;
    pthread_mutex_lock(&ks->read_mu);
    rc = kafka_watermarks(ks, &low, &high, err);
    if (from < low)
        from = low;
    if (rc == CN_OK && from < high && ks->position != from)
        rc = kafka_assign(ks, from, err);
    if (rc == CN_OK && from < high)
        rc = kafka_consume_to(ks, high, fn, arg, err);
    if (next_out)
        *next_out = from < high ? ks->position : from;
    pthread_mutex_unlock(&ks->read_mu);
    return rc;
}

static void kafka_free(void *impl) {
    kafka_store_t *ks = impl;
    if (ks->producer) {
        rd_kafka_flush(ks->producer, (int)ks->cfg.timeout_ms);
        rd_kafka_destroy(ks->producer);
    }
    if (ks->consumer) {
        rd_kafka_consumer_close(ks->consumer);
        rd_kafka_destroy(ks->consumer);
    }
    pthread_mutex_destroy(&ks->append_mu);
    pthread_mutex_destroy(&ks->read_mu);
    free(ks->topic);
    free(ks);
}

/* No pipelining: a produce is acknowledged (acks=all) before the next one is decided. */
static const reg_store_ops_t kafka_ops = {kafka_append, kafka_read, kafka_end,
                                          kafka_free,   NULL,       NULL};

static const char *const kafka_producer_conf[][2] = {{"enable.idempotence", "true"},
                                                     {"acks", "all"},
                                                     {"linger.ms", "0"},
                                                     {"allow.auto.create.topics", "false"},
                                                     {"max.in.flight.requests.per.connection", "5"},
                                                     {NULL, NULL}};
static const char *const kafka_consumer_conf[][2] = {
    {"group.id", "cairn-schema-registry"}, /* required by assign(); no offsets are committed */
    {"enable.auto.commit", "false"},       {"enable.partition.eof", "true"},
    {"auto.offset.reset", "earliest"},     {"fetch.wait.max.ms", "20"},
    {"allow.auto.create.topics", "false"}, {NULL, NULL}};

static rd_kafka_t *kafka_client_new(const cn_props_t *props, rd_kafka_type_t type,
                                    const char *const (*extra)[2], cn_error_t *err) {
    rd_kafka_conf_t *conf = reg_kafka_conf_new(props, err);
    char msg[512];
    rd_kafka_t *rk;
    cn_err_t rc = conf ? CN_OK : CN_ERR_INVALID_CONFIG;
    for (size_t i = 0; rc == CN_OK && extra[i][0]; i++)
        rc = reg_kafka_conf_set(conf, extra[i][0], extra[i][1], err);
    if (rc == CN_OK && type == RD_KAFKA_PRODUCER)
        rd_kafka_conf_set_dr_msg_cb(conf, kafka_dr_cb);
    if (rc != CN_OK) {
        if (conf)
            rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rk = rd_kafka_new(type, conf, msg, sizeof(msg)); /* takes conf on success */
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        cn_error_set(err, CN_ERR_INVALID_CONFIG, "Kafka client: %s", msg);
    }
    return rk;
}

reg_store_t *reg_store_kafka_new(const cn_props_t *props, const cn_log_t *log, cn_error_t *err) {
    reg_store_t *st = calloc(1, sizeof(*st));
    kafka_store_t *ks = calloc(1, sizeof(*ks));
    cn_err_t rc = st && ks ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (ks) {
        pthread_mutex_init(&ks->append_mu, NULL);
        pthread_mutex_init(&ks->read_mu, NULL);
        ks->position = -1;
        ks->log = log;
    }
    if (rc == CN_OK)
        rc = reg_kafka_cfg_read(props, &ks->cfg, err);
    if (rc == CN_OK && !(ks->topic = strdup(ks->cfg.topic)))
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK)
        ks->cfg.topic = ks->topic; /* the props may go away after this call */
    if (rc == CN_OK &&
        !(ks->producer = kafka_client_new(props, RD_KAFKA_PRODUCER, kafka_producer_conf, err)))
        rc = CN_ERR_INVALID_CONFIG;
    if (rc == CN_OK &&
        !(ks->consumer = kafka_client_new(props, RD_KAFKA_CONSUMER, kafka_consumer_conf, err)))
        rc = CN_ERR_INVALID_CONFIG;
    if (rc == CN_OK)
        rc = reg_kafka_topic_ensure(ks->producer, &ks->cfg, log, err);
    if (rc != CN_OK) {
        if (ks)
            kafka_free(ks);
        free(st);
        return NULL;
    }
    st->ops = &kafka_ops;
    st->impl = ks;
    return st;
}
