/* SPDX-License-Identifier: Apache-2.0
 *
 * Caches: the bounded LRU (recency order, eviction, expiry, value release), and through the
 * handle against the mock registry: the negative cache for unknown ids, the latest-version TTL,
 * eviction under a small cache.capacity, and many threads serializing and deserializing through
 * shared objects while entries are evicted under them (run under ASan by `make asan`).
 */
#include "tests/support/test_util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cairn/serdes.h>
#include <cairn/serdes_avro.h>

#include "serdes/serdes_lru_int.h"
#include "tests/unit/serdes/serdes_test_util.h"

typedef struct counted {
    int *frees;
    int v;
} counted_t;

static void counted_free(void *p) {
    counted_t *c = p;
    (*c->frees)++;
    free(c);
}

static counted_t *cv(int *frees, int v) {
    counted_t *c = malloc(sizeof(*c));
    c->frees = frees;
    c->v = v;
    return c;
}

static void test_lru_eviction_order(void **state) {
    int frees = 0;
    serdes_lru_t *lru = serdes_lru_new(3, counted_free);
    counted_t *got;
    (void)state;
    assert_int_equal(serdes_lru_put(lru, "a", 1, cv(&frees, 1), 0), CN_OK);
    serdes_lru_put(lru, "b", 1, cv(&frees, 2), 0);
    serdes_lru_put(lru, "c", 1, cv(&frees, 3), 0);
    assert_non_null(serdes_lru_get(lru, "a", 1, 0)); /* a is now most recent */
    serdes_lru_put(lru, "d", 1, cv(&frees, 4), 0);   /* evicts b */
    assert_null(serdes_lru_get(lru, "b", 1, 0));
    assert_int_equal(frees, 1);
    assert_int_equal(serdes_lru_evictions(lru), 1);
    got = serdes_lru_get(lru, "a", 1, 0);
    assert_int_equal(got->v, 1);
    serdes_lru_put(lru, "e", 1, cv(&frees, 5), 0); /* evicts c */
    assert_null(serdes_lru_get(lru, "c", 1, 0));
    assert_non_null(serdes_lru_get(lru, "d", 1, 0));
    assert_int_equal(serdes_lru_count(lru), 3);
    serdes_lru_put(lru, "d", 1, cv(&frees, 40), 0); /* replace frees the old value */
    assert_int_equal(frees, 3);
    assert_int_equal(((counted_t *)serdes_lru_get(lru, "d", 1, 0))->v, 40);
    assert_true(serdes_lru_del(lru, "d", 1));
    assert_false(serdes_lru_del(lru, "d", 1));
    serdes_lru_free(lru);
    assert_int_equal(frees, 6);
}

static void test_lru_expiry(void **state) {
    int frees = 0;
    serdes_lru_t *lru = serdes_lru_new(10, counted_free);
    (void)state;
    serdes_lru_put(lru, "k", 1, cv(&frees, 1), 100);
    serdes_lru_put(lru, "forever", 7, cv(&frees, 2), 0);
    assert_non_null(serdes_lru_get(lru, "k", 1, 99));
    assert_null(serdes_lru_get(lru, "k", 1, 100));
    assert_int_equal(frees, 1);
    assert_int_equal(serdes_lru_count(lru), 1);
    assert_non_null(serdes_lru_get(lru, "forever", 7, INT64_MAX));
    assert_int_equal(serdes_lru_evictions(lru), 0);
    serdes_lru_clear(lru);
    assert_int_equal(frees, 2);
    serdes_lru_free(lru);
}

static void test_lru_many(void **state) {
    serdes_lru_t *lru = serdes_lru_new(100, free);
    unsigned seed = tu_seed();
    (void)state;
    for (int i = 0; i < 5000; i++) {
        int k = (int)(rand_r(&seed) % 300);
        int *v = malloc(sizeof(int));
        *v = k;
        if (!serdes_lru_get(lru, &k, sizeof(k), 0))
            serdes_lru_put(lru, &k, sizeof(k), v, 0);
        else
            free(v);
        assert_true(serdes_lru_count(lru) <= 100);
    }
    for (int k = 0; k < 300; k++) {
        int *v = serdes_lru_get(lru, &k, sizeof(k), 0);
        if (v)
            assert_int_equal(*v, k);
    }
    serdes_lru_free(lru);
}

/* ---- through the handle ---- */

#define PAY                                                                                        \
    "{\"type\":\"record\",\"name\":\"Pay\",\"fields\":[{\"name\":\"amt\",\"type\":\"long\"}]}"

static void test_negative_cache(void **state) {
    mock_registry_t *mr = mr_start();
    cairn_serdes_t *sd = st_handle(mr_url(mr), "max.retries", "0", NULL);
    cairn_serdes_t *nocache =
        st_handle(mr_url(mr), "max.retries", "0", "missing.id.cache.ttl.sec", "0", NULL);
    char *text = NULL;
    cairn_error_t err;
    (void)state;
    for (int i = 0; i < 5; i++)
        assert_int_equal(cairn_schema_by_id(sd, 42, &text, &err), CAIRN_ERR_UNKNOWN_ID);
    assert_int_equal(mr_requests(mr), 1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(cairn_schema_by_id(nocache, 42, &text, &err), CAIRN_ERR_UNKNOWN_ID);
    assert_int_equal(mr_requests(mr), 4);
    /* Registered later: the negative entry of sd still answers until purged. */
    mr_add(mr, "x", PAY);
    assert_int_equal(cairn_schema_by_id(nocache, 1, &text, &err), CAIRN_OK);
    cairn_free(text);
    cairn_serdes_purge(sd);
    assert_int_equal(cairn_schema_by_id(sd, 1, &text, &err), CAIRN_OK);
    cairn_free(text);
    cairn_serdes_free(nocache);
    cairn_serdes_free(sd);
    mr_stop(mr);
}

static void test_latest_ttl(void **state) {
    mock_registry_t *mr = mr_start();
    cairn_serdes_t *zero =
        st_handle(mr_url(mr), "use.latest.version", "true", "cache.latest.ttl.sec", "0", NULL);
    cairn_serdes_t *forever = st_handle(mr_url(mr), "use.latest.version", "true", NULL);
    cairn_serializer_t *sz =
        cairn_serializer_new(zero, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    cairn_serializer_t *sf =
        cairn_serializer_new(forever, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    int32_t id;
    uint64_t before;
    (void)state;
    mr_add(mr, "t-value", PAY);
    before = mr_requests(mr);
    for (int i = 0; i < 3; i++)
        assert_int_equal(cairn_serializer_prepare(sz, "t", &id, NULL), CAIRN_OK);
    assert_int_equal(mr_requests(mr), before + 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(cairn_serializer_prepare(sf, "t", &id, NULL), CAIRN_OK);
    assert_int_equal(mr_requests(mr), before + 4);
    /* A new version shows up for the TTL-0 serializer at once, not for the cached one. */
    mr_add(mr, "t-value",
           "{\"type\":\"record\",\"name\":\"Pay\",\"fields\":[{\"name\":\"amt\","
           "\"type\":\"long\"},{\"name\":\"n\",\"type\":\"int\",\"default\":0}]}");
    assert_int_equal(cairn_serializer_prepare(sz, "t", &id, NULL), CAIRN_OK);
    assert_int_equal(id, 2);
    assert_int_equal(cairn_serializer_prepare(sf, "t", &id, NULL), CAIRN_OK);
    assert_int_equal(id, 1);
    /* A schema handed out stays valid after the entry behind it is refreshed. */
    {
        avro_schema_t schema;
        avro_value_iface_t *iface;
        avro_value_t v;
        void *buf = NULL;
        size_t len;
        assert_int_equal(cairn_avro_serializer_schema(sz, "t", &schema, NULL), CAIRN_OK);
        assert_int_equal(cairn_serializer_prepare(sz, "t", &id, NULL), CAIRN_OK); /* refresh */
        cairn_serdes_purge(zero);
        iface = avro_generic_class_from_schema(schema);
        assert_non_null(iface);
        avro_generic_value_new(iface, &v);
        assert_int_equal(cairn_avro_serialize(sz, "t", &v, &buf, &len, NULL), CAIRN_OK);
        assert_int_equal(len, 5 + 2);
        cairn_free(buf);
        avro_value_decref(&v);
        avro_value_iface_decref(iface);
    }
    cairn_serializer_free(sz);
    cairn_serializer_free(sf);
    cairn_serdes_free(zero);
    cairn_serdes_free(forever);
    mr_stop(mr);
}

static void test_capacity_eviction(void **state) {
    mock_registry_t *mr = mr_start();
    cairn_serdes_t *sd = st_handle(mr_url(mr), "cache.capacity", "2", NULL);
    cairn_stats_t st;
    char *text;
    (void)state;
    for (int i = 0; i < 4; i++) {
        char schema[128];
        snprintf(schema, sizeof(schema), "{\"type\":\"fixed\",\"name\":\"F%d\",\"size\":%d}", i,
                 i + 1);
        mr_add(mr, "s", schema);
    }
    for (int round = 0; round < 2; round++)
        for (int32_t id = 1; id <= 4; id++) {
            assert_int_equal(cairn_schema_by_id(sd, id, &text, NULL), CAIRN_OK);
            cairn_free(text);
        }
    assert_int_equal(mr_requests(mr), 8); /* capacity 2 < 4 ids cycled: every lookup misses */
    cairn_serdes_stats(sd, &st);
    assert_true(st.cache_evictions >= 6);
    assert_int_equal(cairn_schema_by_id(sd, 4, &text, NULL), CAIRN_OK); /* the last one hits */
    cairn_free(text);
    assert_int_equal(mr_requests(mr), 8);
    cairn_serdes_free(sd);
    mr_stop(mr);
}

typedef struct worker {
    cairn_serializer_t *ser[4];
    cairn_deserializer_t *des;
    int failures;
    unsigned seed;
} worker_t;

static void *work(void *arg) {
    worker_t *w = arg;
    for (int i = 0; i < 300; i++) {
        int k = (int)(rand_r(&w->seed) % 4);
        char topic[16], in[64], *out = NULL;
        void *buf = NULL;
        size_t len;
        snprintf(topic, sizeof(topic), "t%d", (int)(rand_r(&w->seed) % 6));
        snprintf(in, sizeof(in), "{\"f%d\":%d}", k, i);
        if (cairn_serialize_json(w->ser[k], topic, in, strlen(in), &buf, &len, NULL) != CAIRN_OK ||
            cairn_deserialize_json(w->des, topic, buf, len, &out, NULL, NULL) != CAIRN_OK) {
            w->failures++;
        } else {
            json_t *a = json_loads(out, 0, NULL), *b = json_loads(in, 0, NULL);
            if (!json_equal(a, b))
                w->failures++;
            json_decref(a);
            json_decref(b);
        }
        cairn_free(out);
        cairn_free(buf);
    }
    return NULL;
}

static void test_threads_with_eviction(void **state) {
    mock_registry_t *mr = mr_start();
    cairn_serdes_t *sd = st_handle(mr_url(mr), "cache.capacity", "2", NULL);
    cairn_serializer_t *ser[4];
    cairn_deserializer_t *des =
        cairn_deserializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, NULL, NULL);
    worker_t w[6];
    pthread_t th[6];
    unsigned seed = tu_seed();
    (void)state;
    for (int k = 0; k < 4; k++) {
        char schema[128];
        snprintf(schema, sizeof(schema),
                 "{\"type\":\"record\",\"name\":\"R%d\",\"fields\":[{\"name\":\"f%d\",\"type\":"
                 "\"int\"}]}",
                 k, k);
        ser[k] = cairn_serializer_new(sd, CAIRN_FORMAT_AVRO, CAIRN_ROLE_VALUE, schema, NULL);
        assert_non_null(ser[k]);
    }
    for (int t = 0; t < 6; t++) {
        memcpy(w[t].ser, ser, sizeof(ser));
        w[t].des = des;
        w[t].failures = 0;
        w[t].seed = seed + (unsigned)t;
        pthread_create(&th[t], NULL, work, &w[t]);
    }
    for (int t = 0; t < 6; t++) {
        pthread_join(th[t], NULL);
        assert_int_equal(w[t].failures, 0);
    }
    for (int k = 0; k < 4; k++)
        cairn_serializer_free(ser[k]);
    cairn_deserializer_free(des);
    cairn_serdes_free(sd);
    mr_stop(mr);
}

typedef struct flight_arg {
    cairn_serdes_t *sd;
    int32_t id;
    cairn_err_t rc;
} flight_arg_t;

static void *fetch_one(void *arg) {
    flight_arg_t *a = arg;
    char *text = NULL;
    a->rc = cairn_schema_by_id(a->sd, a->id, &text, NULL);
    cairn_free(text);
    return NULL;
}

/* Concurrent misses for one id make one request (single-flight); the answer, also an error,
 * reaches every waiter. */
static void test_single_flight(void **state) {
    mock_registry_t *mr = mr_start();
    cairn_serdes_t *sd = st_handle(mr_url(mr), "missing.id.cache.ttl.sec", "0", NULL);
    flight_arg_t a[6];
    pthread_t th[6];
    (void)state;
    mr_add(mr, "s", PAY);
    mr_delay(mr, 150);
    for (int32_t id = 1; id <= 2; id++) { /* 1 exists, 2 does not */
        uint64_t before = mr_requests(mr);
        for (int t = 0; t < 6; t++) {
            a[t] = (flight_arg_t){sd, id, CAIRN_ERR_INTERNAL};
            pthread_create(&th[t], NULL, fetch_one, &a[t]);
        }
        for (int t = 0; t < 6; t++) {
            pthread_join(th[t], NULL);
            assert_int_equal(a[t].rc, id == 1 ? CAIRN_OK : CAIRN_ERR_UNKNOWN_ID);
        }
        /* Threads that arrive after the answer ask again (no negative cache here), so allow a
         * little slack but far fewer than one request per thread. */
        assert_true(mr_requests(mr) - before <= 2);
    }
    cairn_serdes_free(sd);
    mr_stop(mr);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lru_eviction_order),
        cmocka_unit_test(test_lru_expiry),
        cmocka_unit_test(test_lru_many),
        cmocka_unit_test(test_negative_cache),
        cmocka_unit_test(test_latest_ttl),
        cmocka_unit_test(test_capacity_eviction),
        cmocka_unit_test(test_threads_with_eviction),
        cmocka_unit_test(test_single_flight),
    };
    return cmocka_run_group_tests_name("serdes_cache", tests, NULL, NULL);
}
