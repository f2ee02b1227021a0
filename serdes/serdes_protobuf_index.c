/* SPDX-License-Identifier: Apache-2.0
 *
 * The message-index array of Confluent's Protobuf wire format (Confluent documentation, "Wire
 * format": after the schema id, the path of the message in the .proto file as zigzag varints,
 * the count first; the common path [0] is the single byte 0x00), and the public helpers of
 * <cairn/serdes_protobuf.h> around it. Reading checks the count against the caller's capacity
 * before storing anything, and refuses negative counts and indexes. Owns nothing.
 */
#include <cairn/serdes_protobuf.h>

#include <string.h>

#include "serdes/serdes_api_int.h"
#include "serdes/serdes_protobuf_int.h"

static size_t serdes_zz_put(uint8_t *out, int32_t v, bool deprecated) {
    uint32_t z = deprecated ? (uint32_t)v : ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
    size_t n = 0;
    while (z >= 0x80) {
        out[n++] = (uint8_t)(z | 0x80);
        z >>= 7;
    }
    out[n++] = (uint8_t)z;
    return n;
}

/* A zigzag varint of at most 5 bytes (an int32, as Kafka's ByteUtils.readVarint). */
static bool serdes_zz_get(const uint8_t *p, size_t len, size_t *at, int32_t *v, bool deprecated) {
    uint32_t z = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (*at >= len)
            return false;
        uint8_t b = p[(*at)++];
        if (shift == 28 && (b & 0xf0))
            return false;
        z |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = deprecated ? (int32_t)z : (int32_t)((z >> 1) ^ (~(z & 1) + 1));
            return true;
        }
    }
    return false;
}

cn_err_t serdes_pb_indexes_write(const int32_t *path, size_t n, bool deprecated, uint8_t *out,
                                 size_t cap, size_t *len) {
    uint8_t tmp[5];
    size_t at = 0;
    if (n == 1 && path[0] == 0) {
        *len = 1;
        if (cap < 1)
            return CN_ERR_SERDES_BUFFER_SIZE;
        out[0] = 0;
        return CN_OK;
    }
    if (n > INT32_MAX)
        return CN_ERR_INVALID_ARGUMENT;
    for (size_t i = 0; i <= n; i++) {
        size_t k = serdes_zz_put(tmp, i == 0 ? (int32_t)n : path[i - 1], deprecated);
        if (at + k <= cap)
            memcpy(out + at, tmp, k);
        at += k;
    }
    *len = at;
    return at <= cap ? CN_OK : CN_ERR_SERDES_BUFFER_SIZE;
}

cn_err_t serdes_pb_indexes_read(const uint8_t *data, size_t len, bool deprecated, int32_t *path,
                                size_t cap, size_t *n, size_t *used, serdes_err_t *err) {
    size_t at = 0;
    int32_t count;
    if (!serdes_zz_get(data, len, &at, &count, deprecated))
        return serdes_err_set(err, CN_ERR_SERDES_PAYLOAD,
                              "message indexes: the count is truncated or not a varint");
    if (count < 0 || (size_t)count > cap)
        return serdes_err_set(err, CN_ERR_SERDES_PAYLOAD,
                              "message indexes: count %d is out of range (0..%zu)", (int)count,
                              cap);
    if (count == 0 && cap > 0) {
        path[0] = 0;
        *n = 1;
        *used = at;
        return CN_OK;
    }
    for (int32_t i = 0; i < count; i++) {
        if (!serdes_zz_get(data, len, &at, &path[i], deprecated))
            return serdes_err_set(err, CN_ERR_SERDES_PAYLOAD,
                                  "message indexes: element %d is truncated", (int)i);
        if (path[i] < 0)
            return serdes_err_set(err, CN_ERR_SERDES_PAYLOAD,
                                  "message indexes: element %d is negative (%d)", (int)i,
                                  (int)path[i]);
    }
    *n = (size_t)count;
    *used = at;
    return CN_OK;
}

cairn_err_t cairn_protobuf_indexes_write(const int32_t *path, size_t n, void *out, size_t cap,
                                         size_t *len_out, cairn_error_t *err) {
    serdes_err_t e = {0};
    cn_err_t rc;
    if (!path || n == 0 || !len_out || (!out && cap)) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "a path of at least one index is required");
        return serdes_edge(&e, err);
    }
    for (size_t i = 0; i < n; i++)
        if (path[i] < 0) {
            serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "index %zu is negative", i);
            return serdes_edge(&e, err);
        }
    rc = serdes_pb_indexes_write(path, n, false, out, cap, len_out);
    if (rc != CN_OK) {
        serdes_err_set(&e, rc, "message indexes need %zu bytes", *len_out);
        return serdes_edge(&e, err);
    }
    serdes_edge_ok(err);
    return CAIRN_OK;
}

cairn_err_t cairn_protobuf_indexes_read(const void *data, size_t len, int32_t *path, size_t cap,
                                        size_t *n_out, size_t *used, cairn_error_t *err) {
    serdes_err_t e = {0};
    size_t n = 0, u = 0;
    if ((!data && len) || !path || cap == 0 || !n_out) {
        serdes_err_set(&e, CN_ERR_INVALID_ARGUMENT, "data and a path of capacity >= 1 needed");
        return serdes_edge(&e, err);
    }
    if (serdes_pb_indexes_read(data, len, false, path, cap, &n, &u, &e) != CN_OK)
        return serdes_edge(&e, err);
    *n_out = n;
    if (used)
        *used = u;
    serdes_edge_ok(err);
    return CAIRN_OK;
}
