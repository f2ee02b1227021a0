/* SPDX-License-Identifier: Apache-2.0
 *
 * Group commit for acks=-1 produce (docs/storage.md, Durability): the loop thread appends without
 * fsync (so offsets stay in arrival order and the loop never waits on the disk), marks the
 * partitions dirty and parks the encoded answer here. One syncer thread takes everything marked so
 * far, syncs each dirty partition once (brk_partition_sync) and hands the parked answers back to
 * the loop, which sends them. Every flush starts after the appends of the answers it releases,
 * so an answer is never sent before its data is on disk. A failed flush is fatal for the log
 * engine; the answers it covered are never sent and their connections are closed.
 */
#include "broker/server/brk_server_int.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct sync_wait {
    struct sync_wait *next;
    brk_pending_t pending;
    cn_buf_t body;
    bool failed;
} sync_wait_t;

struct brk_syncer {
    brk_srv_t *srv;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
    brk_partition_t **dirty; /* references held */
    size_t ndirty, cap;
    sync_wait_t *waiting, **waiting_tail;
    sync_wait_t *done, **done_tail;
};

static void list_append(sync_wait_t ***tail, sync_wait_t *list) {
    while (list) {
        sync_wait_t *next = list->next;
        list->next = NULL;
        **tail = list;
        *tail = &list->next;
        list = next;
    }
}

/* One round: flush what was marked, release the answers parked before the flushes began. */
static void round_run(brk_syncer_t *s, brk_partition_t **dirty, size_t n, sync_wait_t *waits) {
    bool failed = false;
    size_t i;
    sync_wait_t *w;
    uint64_t one = 1;
    for (i = 0; i < n; i++) {
        cn_error_t err;
        if (brk_partition_sync(dirty[i], &err) != CN_OK) {
            cn_log_error(s->srv->log, "kafka: flush failed: %s", err.msg);
            failed = true;
        }
        brk_partition_put(dirty[i]);
    }
    free(dirty);
    for (w = waits; w; w = w->next)
        w->failed = failed;
    pthread_mutex_lock(&s->mu);
    list_append(&s->done_tail, waits);
    pthread_mutex_unlock(&s->mu);
    (void)!write(s->srv->evfd, &one, sizeof(one));
}

static void *syncer_main(void *arg) {
    brk_syncer_t *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        brk_partition_t **dirty;
        sync_wait_t *waits;
        size_t n;
        if (!s->waiting && !s->ndirty) {
            pthread_cond_wait(&s->cv, &s->mu);
            continue;
        }
        dirty = s->dirty;
        n = s->ndirty;
        waits = s->waiting;
        s->dirty = NULL;
        s->ndirty = s->cap = 0;
        s->waiting = NULL;
        s->waiting_tail = &s->waiting;
        pthread_mutex_unlock(&s->mu);
        round_run(s, dirty, n, waits);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

brk_syncer_t *brk_syncer_new(brk_srv_t *srv) {
    brk_syncer_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->srv = srv;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->waiting_tail = &s->waiting;
    s->done_tail = &s->done;
    if (pthread_create(&s->thread, NULL, syncer_main, s) != 0) {
        brk_syncer_free(s);
        return NULL;
    }
    s->started = true;
    return s;
}

static void waits_free(sync_wait_t *w) {
    while (w) {
        sync_wait_t *next = w->next;
        cn_buf_fini(&w->body);
        free(w);
        w = next;
    }
}

void brk_syncer_free(brk_syncer_t *s) {
    size_t i;
    if (!s)
        return;
    if (s->started) {
        pthread_mutex_lock(&s->mu);
        s->stop = true;
        pthread_cond_signal(&s->cv);
        pthread_mutex_unlock(&s->mu);
        pthread_join(s->thread, NULL);
    }
    for (i = 0; i < s->ndirty; i++)
        brk_partition_put(s->dirty[i]);
    free(s->dirty);
    waits_free(s->waiting);
    waits_free(s->done);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}

bool brk_syncer_mark(brk_syncer_t *s, brk_partition_t *part) {
    size_t i;
    bool ok = true;
    pthread_mutex_lock(&s->mu);
    for (i = 0; i < s->ndirty && s->dirty[i] != part; i++)
        ;
    if (i < s->ndirty) {
        brk_partition_put(part); /* already held */
    } else if (s->ndirty == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        brk_partition_t **n = realloc(s->dirty, cap * sizeof(*n));
        ok = n != NULL;
        if (n) {
            s->dirty = n;
            s->cap = cap;
            s->dirty[s->ndirty++] = part;
        }
    } else {
        s->dirty[s->ndirty++] = part;
    }
    pthread_mutex_unlock(&s->mu);
    return ok;
}

bool brk_syncer_park(brk_syncer_t *s, const brk_pending_t *p, const uint8_t *body, size_t len) {
    sync_wait_t *w = calloc(1, sizeof(*w));
    if (!w)
        return false;
    w->pending = *p;
    cn_buf_init(&w->body, BRK_MAX_RESPONSE);
    if (cn_buf_put(&w->body, body, len) != CN_OK) {
        waits_free(w);
        return false;
    }
    pthread_mutex_lock(&s->mu);
    *s->waiting_tail = w;
    s->waiting_tail = &w->next;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return true;
}

void brk_syncer_collect(brk_syncer_t *s) {
    sync_wait_t *done, *w;
    pthread_mutex_lock(&s->mu);
    done = s->done;
    s->done = NULL;
    s->done_tail = &s->done;
    pthread_mutex_unlock(&s->mu);
    for (w = done; w; w = w->next) {
        if (w->failed)
            brk_srv_abort(s->srv, &w->pending);
        else
            brk_srv_reply(s->srv, &w->pending, &w->body);
    }
    waits_free(done);
}
