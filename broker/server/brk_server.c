/* SPDX-License-Identifier: Apache-2.0
 *
 * The Kafka listener's event loop: the listening socket, the epoll thread, connections with
 * non-blocking reads and writes, request framing (size checked against socket.request.max.bytes
 * before anything is allocated), and per-connection response slots so that pipelined requests
 * are answered strictly in order even when some answers are deferred.
 */
#include "broker/server/brk_server_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/cn_time.h"

#define READ_CHUNK 65536

typedef struct brk_slot {
    struct brk_slot *next;
    uint64_t seq;
    bool ready;
    bool close;    /* the answer was given up: close the connection when it is its turn */
    uint8_t *data; /* the response frame with its size prefix; NULL for no answer */
    size_t len;
} brk_slot_t;

struct brk_conn {
    int fd;
    uint64_t id;
    cn_buf_t in;
    size_t in_off;
    brk_slot_t *head, *tail;
    size_t nslots;
    size_t out_bytes; /* bytes of ready answers not yet written */
    size_t out_off;   /* bytes of head written */
    uint64_t next_seq;
    bool want_out;
    bool reading;
    int64_t last_active; /* monotonic ms of the last bytes read */
    char peer[64];
};

void brk_server_opts_defaults(brk_server_opts_t *o) {
    memset(o, 0, sizeof(*o));
    o->listen_host = "127.0.0.1";
    o->listen_port = 9092;
    o->auto_create_topics = true;
    o->default_partitions = 1;
    o->max_request_bytes = (size_t)100 << 20;
    o->group_min_session_timeout_ms = 6000;
    o->group_max_session_timeout_ms = 1800000;
    o->cluster_id = "cairn";
}

uint64_t brk_conn_id(const brk_conn_t *conn) {
    return conn->id;
}

const char *brk_conn_peer(const brk_conn_t *conn) {
    return conn->peer;
}

static void set_peer(brk_conn_t *c) {
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    char ip[INET_ADDRSTRLEN] = "";
    if (getpeername(c->fd, (struct sockaddr *)&sa, &len) == 0 && sa.sin_family == AF_INET)
        inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
    snprintf(c->peer, sizeof(c->peer), "/%s", ip);
}

/* ---- slots ---- */

static void slot_free(brk_slot_t *s) {
    free(s->data);
    free(s);
}

static void conn_update_events(brk_srv_t *srv, brk_conn_t *c) {
    struct epoll_event ev;
    bool want_out = c->head && c->head->ready;
    bool reading = c->nslots < BRK_MAX_PIPELINE && c->out_bytes < BRK_MAX_QUEUED;
    if (want_out == c->want_out && reading == c->reading)
        return;
    c->want_out = want_out;
    c->reading = reading;
    memset(&ev, 0, sizeof(ev));
    ev.events = (reading ? EPOLLIN : 0) | (want_out ? EPOLLOUT : 0) | EPOLLRDHUP;
    ev.data.fd = c->fd;
    epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void conn_close(brk_srv_t *srv, brk_conn_t *c) {
    brk_slot_t *s = c->head;
    while (s) {
        brk_slot_t *next = s->next;
        slot_free(s);
        s = next;
    }
    epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    srv->conns[c->fd] = NULL;
    cn_buf_fini(&c->in);
    free(c);
}

/* Write ready answers from the head, in order. @returns false when the connection died. */
static bool conn_flush(brk_srv_t *srv, brk_conn_t *c) {
    while (c->head && c->head->ready) {
        brk_slot_t *s = c->head;
        if (s->close)
            return false;
        while (c->out_off < s->len) {
            ssize_t n = send(c->fd, s->data + c->out_off, s->len - c->out_off, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                conn_update_events(srv, c);
                return true;
            }
            if (n <= 0)
                return false;
            c->out_off += (size_t)n;
        }
        c->head = s->next;
        if (!c->head)
            c->tail = NULL;
        c->nslots--;
        c->out_bytes -= s->len;
        c->out_off = 0;
        slot_free(s);
    }
    conn_update_events(srv, c);
    return true;
}

static brk_slot_t *slot_find(brk_conn_t *c, uint64_t seq) {
    brk_slot_t *s;
    for (s = c->head; s; s = s->next)
        if (s->seq == seq)
            return s;
    return NULL;
}

/* Frame = size prefix + header + body. */
static void slot_fill(brk_slot_t *s, const brk_pending_t *p, const uint8_t *body, size_t len) {
    cn_buf_t b;
    cn_buf_init(&b, BRK_MAX_RESPONSE);
    cn_buf_put_be32(&b, 0);
    /* ApiVersions always answers with response header v0. */
    kp_resp_hdr_encode(&b, p->correlation_id, p->flex && p->api_key != KP_API_VERSIONS);
    cn_buf_put(&b, body, len);
    if (b.failed) {
        cn_buf_fini(&b);
        return;
    }
    cn_buf_patch_be32(&b, 0, (uint32_t)(b.len - 4));
    s->data = cn_buf_steal(&b, &s->len);
    s->ready = true;
}

static brk_slot_t *pending_slot(brk_srv_t *srv, const brk_pending_t *p, brk_conn_t **conn) {
    size_t fd;
    for (fd = 0; fd < srv->conns_cap; fd++) {
        brk_conn_t *c = srv->conns[fd];
        brk_slot_t *s;
        if (!c || c->id != p->conn_id)
            continue;
        s = slot_find(c, p->seq);
        *conn = c;
        return s && !s->ready ? s : NULL;
    }
    return NULL;
}

void brk_srv_abort(brk_srv_t *srv, const brk_pending_t *p) {
    brk_conn_t *c = NULL;
    brk_slot_t *s = pending_slot(srv, p, &c);
    if (s) {
        s->ready = s->close = true;
        srv->replies_pending = true;
    }
}

void brk_srv_reply(brk_srv_t *srv, const brk_pending_t *p, const cn_buf_t *body) {
    brk_conn_t *c = NULL;
    brk_slot_t *s = pending_slot(srv, p, &c);
    if (!s)
        return;
    slot_fill(s, p, body->data, body->len);
    s->ready = true;
    s->close = !s->data; /* an answer too large to build: close rather than stall */
    c->out_bytes += s->len;
    srv->replies_pending = true;
}

/* ---- reading and framing ---- */

static bool conn_handle_frame(brk_srv_t *srv, brk_conn_t *c, uint8_t *frame, size_t len) {
    brk_slot_t *s = calloc(1, sizeof(*s));
    cn_buf_t out;
    brk_hres_t res;
    if (!s)
        return false;
    s->seq = c->next_seq++;
    if (c->tail)
        c->tail->next = s;
    else
        c->head = s;
    c->tail = s;
    c->nslots++;
    cn_buf_init(&out, BRK_MAX_RESPONSE);
    res = brk_api_dispatch(srv, c, s->seq, frame, len, &out);
    if (res == BRK_REPLY && !out.failed) {
        s->data = cn_buf_steal(&out, &s->len);
        s->ready = true;
        c->out_bytes += s->len;
    } else if (res == BRK_NOREPLY) {
        s->ready = true;
    }
    cn_buf_fini(&out);
    return res != BRK_CLOSE && !(res == BRK_REPLY && !s->ready);
}

/* Process every complete frame in the input buffer. */
static bool conn_parse(brk_srv_t *srv, brk_conn_t *c) {
    for (;;) {
        size_t avail = c->in.len - c->in_off;
        uint8_t *p = c->in.data + c->in_off;
        int32_t size;
        if (avail < 4)
            break;
        size = (int32_t)cn_be32_get(p);
        if (size < 8 || (size_t)size > srv->opts.max_request_bytes) {
            cn_log_warn(srv->log, "kafka: closing connection: frame size %d", (int)size);
            return false;
        }
        if (avail < 4 + (size_t)size)
            break; /* the buffer grows with the bytes that actually arrive */
        if (!conn_handle_frame(srv, c, c->in.data + c->in_off + 4, (size_t)size))
            return false;
        c->in_off += 4 + (size_t)size;
        if (c->nslots >= BRK_MAX_PIPELINE || c->out_bytes >= BRK_MAX_QUEUED)
            break;
    }
    if (c->in_off == c->in.len) {
        c->in.len = c->in_off = 0;
    } else if (c->in_off > c->in.len / 2) {
        memmove(c->in.data, c->in.data + c->in_off, c->in.len - c->in_off);
        c->in.len -= c->in_off;
        c->in_off = 0;
    }
    return true;
}

static bool conn_read(brk_srv_t *srv, brk_conn_t *c) {
    for (;;) {
        ssize_t n;
        if (c->nslots >= BRK_MAX_PIPELINE || c->out_bytes >= BRK_MAX_QUEUED)
            return conn_parse(srv, c);
        if (cn_buf_reserve(&c->in, READ_CHUNK) != CN_OK)
            return false;
        n = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len - 1, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return conn_parse(srv, c);
        if (n <= 0)
            return false;
        c->in.len += (size_t)n;
        c->last_active = cn_mono_ms();
        if (!conn_parse(srv, c))
            return false;
    }
}

/* ---- accept ---- */

static bool conns_grow(brk_srv_t *srv, int fd) {
    size_t cap = srv->conns_cap ? srv->conns_cap : 64;
    brk_conn_t **n;
    while ((size_t)fd >= cap)
        cap *= 2;
    if (cap == srv->conns_cap)
        return true;
    n = realloc(srv->conns, cap * sizeof(*n));
    if (!n)
        return false;
    memset(n + srv->conns_cap, 0, (cap - srv->conns_cap) * sizeof(*n));
    srv->conns = n;
    srv->conns_cap = cap;
    return true;
}

static void accept_one(brk_srv_t *srv, int fd) {
    struct epoll_event ev;
    brk_conn_t *c;
    int one = 1;
    if (!conns_grow(srv, fd) || !(c = calloc(1, sizeof(*c)))) {
        close(fd);
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->fd = fd;
    c->id = ++srv->next_conn_id;
    c->last_active = cn_mono_ms();
    set_peer(c);
    c->reading = true;
    cn_buf_init(&c->in, srv->opts.max_request_bytes + 4 + READ_CHUNK);
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.fd = fd;
    if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        cn_buf_fini(&c->in);
        free(c);
        close(fd);
        return;
    }
    srv->conns[fd] = c;
}

static void accept_all(brk_srv_t *srv) {
    for (;;) {
        int fd = accept4(srv->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        accept_one(srv, fd);
    }
}

/* ---- loop ---- */

/* Write what is ready and, while reads are allowed again, handle frames already buffered.
 * @returns false when the connection died. */
static bool conn_pump(brk_srv_t *srv, brk_conn_t *c) {
    for (;;) {
        uint64_t seq = c->next_seq;
        if (!conn_flush(srv, c))
            return false;
        if (!c->reading || c->in.len <= c->in_off)
            return true;
        if (!conn_parse(srv, c))
            return false;
        if (c->next_seq == seq)
            return true; /* only an incomplete frame is left */
    }
}

/* Flush connections whose deferred answers became ready (never from inside a handler). */
static void flush_replies(brk_srv_t *srv) {
    size_t fd;
    if (!srv->replies_pending)
        return;
    srv->replies_pending = false;
    for (fd = 0; fd < srv->conns_cap; fd++) {
        brk_conn_t *c = srv->conns[fd];
        if (c && c->head && c->head->ready && !conn_pump(srv, c))
            conn_close(srv, c);
    }
}

static void on_conn_event(brk_srv_t *srv, int fd, uint32_t events) {
    brk_conn_t *c = (size_t)fd < srv->conns_cap ? srv->conns[fd] : NULL;
    bool ok = true;
    if (!c)
        return;
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        ok = conn_read(srv, c);
    if (!ok || !conn_pump(srv, c))
        conn_close(srv, c);
}

/* Close connections that sent nothing for BRK_IDLE_MS and wait for no answer (Kafka's
 * connections.max.idle.ms), at most once a second. */
static void close_idle(brk_srv_t *srv, int64_t now) {
    size_t fd;
    if (now - srv->last_idle_check < 1000)
        return;
    srv->last_idle_check = now;
    for (fd = 0; fd < srv->conns_cap; fd++) {
        brk_conn_t *c = srv->conns[fd];
        if (c && !c->head && now - c->last_active > BRK_IDLE_MS)
            conn_close(srv, c);
    }
}

static void drain_eventfd(brk_srv_t *srv) {
    uint64_t v;
    while (read(srv->evfd, &v, sizeof(v)) == (ssize_t)sizeof(v))
        ;
}

static void loop_once(brk_srv_t *srv) {
    struct epoll_event evs[64];
    int64_t now = cn_mono_ms(), next = brk_fetch_waits_next(srv, now);
    int timeout = 100, n, i;
    if (next >= 0 && next < timeout)
        timeout = (int)next;
    n = epoll_wait(srv->epfd, evs, 64, timeout);
    for (i = 0; i < n; i++) {
        int fd = evs[i].data.fd;
        if (fd == srv->lfd)
            accept_all(srv);
        else if (fd == srv->evfd)
            drain_eventfd(srv);
        else
            on_conn_event(srv, fd, evs[i].events);
    }
    now = cn_mono_ms();
    brk_fetch_waits_run(srv, now, atomic_exchange(&srv->data_arrived, false));
    brk_groups_tick(srv->groups, now);
    brk_syncer_collect(srv->syncer);
    flush_replies(srv);
    close_idle(srv, now);
}

static void *loop_main(void *arg) {
    brk_srv_t *srv = arg;
    while (!atomic_load(&srv->stop))
        loop_once(srv);
    return NULL;
}

/* The log calls this after every append that made data visible, from any thread. */
static void on_append(void *arg, const char *topic, int32_t partition) {
    brk_srv_t *srv = arg;
    uint64_t one = 1;
    (void)topic;
    (void)partition;
    if (!atomic_exchange(&srv->data_arrived, true))
        (void)!write(srv->evfd, &one, sizeof(one));
}

/* ---- lifecycle ---- */

static cn_err_t srv_listen(brk_srv_t *srv, cn_error_t *err) {
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int one = 1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)srv->opts.listen_port);
    if (inet_pton(AF_INET, srv->listen_host, &sa.sin_addr) != 1)
        return cn_error_set(err, CN_ERR_INVALID_ARGUMENT, "kafka listener: bad IPv4 address %s",
                            srv->listen_host);
    srv->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (srv->lfd < 0)
        return cn_error_set(err, CN_ERR_IO, "socket: %s", strerror(errno));
    setsockopt(srv->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(srv->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(srv->lfd, 128) != 0 ||
        getsockname(srv->lfd, (struct sockaddr *)&sa, &len) != 0)
        return cn_error_set(err, CN_ERR_IO, "kafka listener %s:%d: %s", srv->listen_host,
                            srv->opts.listen_port, strerror(errno));
    srv->port = ntohs(sa.sin_port);
    srv->adv_port = srv->opts.advertised_port > 0 ? srv->opts.advertised_port : srv->port;
    return CN_OK;
}

static cn_err_t srv_epoll(brk_srv_t *srv, cn_error_t *err) {
    struct epoll_event ev;
    srv->epfd = epoll_create1(EPOLL_CLOEXEC);
    srv->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (srv->epfd < 0 || srv->evfd < 0)
        return cn_error_set(err, CN_ERR_IO, "epoll: %s", strerror(errno));
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.fd = srv->lfd;
    if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->lfd, &ev) != 0)
        return cn_error_set(err, CN_ERR_IO, "epoll_ctl: %s", strerror(errno));
    ev.data.fd = srv->evfd;
    if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->evfd, &ev) != 0)
        return cn_error_set(err, CN_ERR_IO, "epoll_ctl: %s", strerror(errno));
    return CN_OK;
}

static cn_err_t srv_init(brk_srv_t *srv, cn_error_t *err) {
    cn_err_t rc = srv_listen(srv, err);
    if (rc == CN_OK)
        rc = srv_epoll(srv, err);
    if (rc == CN_OK)
        srv->offsets = brk_offsets_open(srv, err);
    if (rc == CN_OK && !srv->offsets)
        rc = err ? err->code : CN_ERR_IO;
    if (rc == CN_OK)
        rc = brk_pids_load(srv, err);
    if (rc == CN_OK && !(srv->groups = brk_groups_new(srv)))
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (rc == CN_OK && !(srv->syncer = brk_syncer_new(srv)))
        rc = cn_error_set(err, CN_ERR_NO_MEMORY, "cannot start the flush thread");
    return rc;
}

brk_server_t *brk_server_new(brk_logs_t *logs, const brk_server_opts_t *opts, cn_error_t *err) {
    brk_srv_t *srv = calloc(1, sizeof(*srv));
    if (!srv) {
        cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
        return NULL;
    }
    srv->logs = logs;
    srv->lfd = srv->epfd = srv->evfd = -1;
    if (opts)
        srv->opts = *opts;
    else
        brk_server_opts_defaults(&srv->opts);
    srv->log = srv->opts.log;
    snprintf(srv->listen_host, sizeof(srv->listen_host), "%s",
             srv->opts.listen_host ? srv->opts.listen_host : "127.0.0.1");
    snprintf(srv->adv_host, sizeof(srv->adv_host), "%s",
             srv->opts.advertised_host ? srv->opts.advertised_host : srv->listen_host);
    if (srv->opts.default_partitions < 1)
        srv->opts.default_partitions = 1;
    if (!srv->opts.max_request_bytes)
        srv->opts.max_request_bytes = (size_t)100 << 20;
    if (!srv->opts.cluster_id)
        srv->opts.cluster_id = "cairn";
    if (srv_init(srv, err) != CN_OK) {
        brk_server_free(srv);
        return NULL;
    }
    brk_logs_set_append_hook(logs, on_append, srv);
    return srv;
}

cn_err_t brk_server_start(brk_server_t *srv, cn_error_t *err) {
    if (srv->started)
        return CN_OK;
    atomic_store(&srv->stop, false);
    if (pthread_create(&srv->thread, NULL, loop_main, srv) != 0)
        return cn_error_set(err, CN_ERR_INTERNAL, "cannot start the kafka listener thread");
    srv->started = true;
    return CN_OK;
}

void brk_server_stop(brk_server_t *srv) {
    uint64_t one = 1;
    size_t i;
    if (!srv)
        return;
    if (srv->started) {
        atomic_store(&srv->stop, true);
        (void)!write(srv->evfd, &one, sizeof(one));
        pthread_join(srv->thread, NULL);
        srv->started = false;
    }
    for (i = 0; i < srv->conns_cap; i++)
        if (srv->conns[i])
            conn_close(srv, srv->conns[i]);
}

void brk_server_free(brk_server_t *srv) {
    if (!srv)
        return;
    brk_server_stop(srv);
    if (srv->logs)
        brk_logs_set_append_hook(srv->logs, NULL, NULL);
    brk_syncer_free(srv->syncer);
    brk_fetch_waits_free(srv);
    brk_groups_free(srv->groups);
    brk_offsets_free(srv->offsets);
    free(srv->conns);
    if (srv->lfd >= 0)
        close(srv->lfd);
    if (srv->epfd >= 0)
        close(srv->epfd);
    if (srv->evfd >= 0)
        close(srv->evfd);
    free(srv);
}

int brk_server_port(const brk_server_t *srv) {
    return srv->port;
}
