/* SPDX-License-Identifier: Apache-2.0
 *
 * The record-batch codecs: gzip (zlib), snappy (raw block and xerial framing), lz4 frame and
 * zstd. Compression writes one blob; decompression grows its output up to a caller's limit so a
 * hostile batch cannot make us allocate without bound.
 */
#include "broker/log/brk_log_int.h"

#include <lz4frame.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

static const uint8_t xerial_magic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};

/* ---- growable output with a limit ---- */

typedef struct outbuf {
    uint8_t *p;
    size_t len, cap, limit;
} outbuf_t;

static cn_err_t out_grow(outbuf_t *o, size_t need, cn_error_t *err) {
    size_t cap = o->cap ? o->cap : 4096;
    uint8_t *np;
    if (need > o->limit)
        return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "decompressed batch over %zu bytes",
                            o->limit);
    while (cap < need)
        cap *= 2;
    if (cap > o->limit)
        cap = o->limit;
    if (cap <= o->cap)
        return CN_OK;
    np = realloc(o->p, cap);
    if (!np)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    o->p = np;
    o->cap = cap;
    return CN_OK;
}

static cn_err_t out_room(outbuf_t *o, cn_error_t *err) {
    if (o->len < o->cap)
        return CN_OK;
    return out_grow(o, o->cap ? o->cap * 2 : 4096, err);
}

static cn_err_t corrupt(cn_error_t *err, const char *codec) {
    return cn_error_set(err, CN_ERR_CORRUPT_MESSAGE, "malformed %s data in batch", codec);
}

/* ---- gzip ---- */

static cn_err_t gzip_compress(const uint8_t *in, size_t len, cn_buf_t *out, cn_error_t *err) {
    z_stream zs;
    uLong bound;
    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return cn_error_set(err, CN_ERR_NO_MEMORY, "deflateInit2");
    bound = deflateBound(&zs, (uLong)len) + 32;
    if (cn_buf_reserve(out, bound) != CN_OK) {
        deflateEnd(&zs);
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    }
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    zs.next_out = out->data + out->len;
    zs.avail_out = (uInt)bound;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&zs);
        return cn_error_set(err, CN_ERR_INTERNAL, "deflate failed");
    }
    out->len += zs.total_out;
    deflateEnd(&zs);
    return CN_OK;
}

static cn_err_t gzip_decompress(const uint8_t *in, size_t len, outbuf_t *o, cn_error_t *err) {
    z_stream zs;
    int zr = Z_OK;
    cn_err_t rc = CN_OK;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 15 + 32) != Z_OK)
        return cn_error_set(err, CN_ERR_NO_MEMORY, "inflateInit2");
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)len;
    while (zr != Z_STREAM_END) {
        if ((rc = out_room(o, err)) != CN_OK)
            break;
        zs.next_out = o->p + o->len;
        zs.avail_out = (uInt)(o->cap - o->len);
        zr = inflate(&zs, Z_NO_FLUSH);
        o->len = o->cap - zs.avail_out;
        if (zr != Z_OK && zr != Z_STREAM_END) {
            rc = corrupt(err, "gzip");
            break;
        }
        if (zr == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
            rc = corrupt(err, "gzip");
            break;
        }
    }
    inflateEnd(&zs);
    return rc;
}

/* ---- snappy ---- */

static cn_err_t snappy_raw_compress(const uint8_t *in, size_t len, cn_buf_t *out, cn_error_t *err) {
    size_t clen = snappy_max_compressed_length(len);
    if (cn_buf_reserve(out, clen) != CN_OK)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (snappy_compress((const char *)in, len, (char *)out->data + out->len, &clen) != SNAPPY_OK)
        return cn_error_set(err, CN_ERR_INTERNAL, "snappy_compress failed");
    out->len += clen;
    return CN_OK;
}

static cn_err_t snappy_block(const uint8_t *in, size_t len, outbuf_t *o, cn_error_t *err) {
    size_t ulen;
    cn_err_t rc;
    if (snappy_uncompressed_length((const char *)in, len, &ulen) != SNAPPY_OK)
        return corrupt(err, "snappy");
    if ((rc = out_grow(o, o->len + ulen, err)) != CN_OK)
        return rc;
    if (snappy_uncompress((const char *)in, len, (char *)o->p + o->len, &ulen) != SNAPPY_OK)
        return corrupt(err, "snappy");
    o->len += ulen;
    return CN_OK;
}

/* xerial: magic, version, compatible version, then [int32 length][raw block] chunks */
static cn_err_t snappy_xerial(const uint8_t *in, size_t len, outbuf_t *o, cn_error_t *err) {
    cn_rd_t rd;
    cn_rd_init(&rd, in, len);
    cn_rd_skip(&rd, 16);
    while (cn_rd_ok(&rd) && cn_rd_left(&rd) > 0) {
        uint32_t clen = cn_rd_be32(&rd);
        const uint8_t *chunk = cn_rd_take(&rd, clen);
        cn_err_t rc;
        if (!chunk)
            break;
        if ((rc = snappy_block(chunk, clen, o, err)) != CN_OK)
            return rc;
    }
    return cn_rd_ok(&rd) ? CN_OK : corrupt(err, "snappy (xerial)");
}

static cn_err_t snappy_decompress(const uint8_t *in, size_t len, outbuf_t *o, cn_error_t *err) {
    if (len >= 16 && memcmp(in, xerial_magic, 8) == 0)
        return snappy_xerial(in, len, o, err);
    return snappy_block(in, len, o, err);
}

/* ---- lz4 frame ---- */

static cn_err_t lz4_compress(const uint8_t *in, size_t len, cn_buf_t *out, cn_error_t *err) {
    LZ4F_preferences_t prefs;
    size_t bound, n;
    memset(&prefs, 0, sizeof(prefs));
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    bound = LZ4F_compressFrameBound(len, &prefs);
    if (cn_buf_reserve(out, bound) != CN_OK)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    n = LZ4F_compressFrame(out->data + out->len, bound, in, len, &prefs);
    if (LZ4F_isError(n))
        return cn_error_set(err, CN_ERR_INTERNAL, "lz4: %s", LZ4F_getErrorName(n));
    out->len += n;
    return CN_OK;
}

static cn_err_t lz4_decompress(const uint8_t *in, size_t len, outbuf_t *o, cn_error_t *err) {
    LZ4F_dctx *dctx;
    size_t hint = 1;
    cn_err_t rc = CN_OK;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
        return cn_error_set(err, CN_ERR_NO_MEMORY, "lz4 context");
    while (hint != 0) {
        size_t dst_len, src_len = len;
        if ((rc = out_room(o, err)) != CN_OK)
            break;
        dst_len = o->cap - o->len;
        hint = LZ4F_decompress(dctx, o->p + o->len, &dst_len, in, &src_len, NULL);
        if (LZ4F_isError(hint) || (src_len == 0 && dst_len == 0 && hint != 0)) {
            rc = corrupt(err, "lz4");
            break;
        }
        o->len += dst_len;
        in += src_len;
        len -= src_len;
    }
    LZ4F_freeDecompressionContext(dctx);
    return rc;
}

/* ---- zstd ---- */

static cn_err_t zstd_compress(const uint8_t *in, size_t len, cn_buf_t *out, cn_error_t *err) {
    size_t bound = ZSTD_compressBound(len), n;
    if (cn_buf_reserve(out, bound) != CN_OK)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    n = ZSTD_compress(out->data + out->len, bound, in, len, 3);
    if (ZSTD_isError(n))
        return cn_error_set(err, CN_ERR_INTERNAL, "zstd: %s", ZSTD_getErrorName(n));
    out->len += n;
    return CN_OK;
}

static cn_err_t zstd_decompress(const uint8_t *in, size_t len, outbuf_t *o, cn_error_t *err) {
    ZSTD_DStream *ds = ZSTD_createDStream();
    ZSTD_inBuffer ib = {in, len, 0};
    size_t r = 1;
    cn_err_t rc = CN_OK;
    if (!ds)
        return cn_error_set(err, CN_ERR_NO_MEMORY, "zstd context");
    ZSTD_initDStream(ds);
    while (r != 0) {
        ZSTD_outBuffer ob;
        size_t before_in = ib.pos;
        if ((rc = out_room(o, err)) != CN_OK)
            break;
        ob.dst = o->p;
        ob.size = o->cap;
        ob.pos = o->len;
        r = ZSTD_decompressStream(ds, &ob, &ib);
        if (ZSTD_isError(r) || (r != 0 && ib.pos == before_in && ob.pos == o->len)) {
            rc = corrupt(err, "zstd");
            break;
        }
        o->len = ob.pos;
        if (r != 0 && ib.pos == ib.size && ob.pos < ob.size) {
            rc = corrupt(err, "zstd (truncated)");
            break;
        }
    }
    ZSTD_freeDStream(ds);
    return rc;
}

/* ---- dispatch ---- */

typedef struct codec {
    const char *name;
    cn_err_t (*compress)(const uint8_t *in, size_t len, cn_buf_t *out, cn_error_t *err);
    cn_err_t (*decompress)(const uint8_t *in, size_t len, outbuf_t *o, cn_error_t *err);
} codec_t;

static const codec_t codecs[] = {
    [BRK_COMPRESSION_GZIP] = {"gzip", gzip_compress, gzip_decompress},
    [BRK_COMPRESSION_SNAPPY] = {"snappy", snappy_raw_compress, snappy_decompress},
    [BRK_COMPRESSION_LZ4] = {"lz4", lz4_compress, lz4_decompress},
    [BRK_COMPRESSION_ZSTD] = {"zstd", zstd_compress, zstd_decompress},
};

static const codec_t *codec_get(int c) {
    if (c <= 0 || c >= (int)(sizeof(codecs) / sizeof(codecs[0])))
        return NULL;
    return &codecs[c];
}

cn_err_t brk_compress(brk_compression_t c, const uint8_t *in, size_t len, cn_buf_t *out,
                      cn_error_t *err) {
    const codec_t *cd = codec_get((int)c);
    if (!cd)
        return cn_error_set(err, CN_ERR_UNSUPPORTED_COMPRESSION, "compression codec %d", (int)c);
    return cd->compress(in, len, out, err);
}

cn_err_t brk_decompress(brk_compression_t c, const uint8_t *in, size_t len, size_t max_out,
                        uint8_t **out, size_t *out_len, cn_error_t *err) {
    const codec_t *cd = codec_get((int)c);
    outbuf_t o = {NULL, 0, 0, max_out};
    cn_err_t rc;
    if (!cd)
        return cn_error_set(err, CN_ERR_UNSUPPORTED_COMPRESSION, "compression codec %d", (int)c);
    rc = cd->decompress(in, len, &o, err);
    if (rc != CN_OK) {
        free(o.p);
        return rc;
    }
    *out = o.p ? o.p : malloc(1);
    *out_len = o.len;
    return *out ? CN_OK : cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
}

cn_err_t brk_snappy_xerial_compress(const uint8_t *in, size_t len, size_t chunk, cn_buf_t *out,
                                    cn_error_t *err) {
    cn_err_t rc = cn_buf_put(out, xerial_magic, 8);
    rc = rc ? rc : cn_buf_put_be32(out, 1);
    rc = rc ? rc : cn_buf_put_be32(out, 1);
    for (size_t off = 0; rc == CN_OK && off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk, at = out->len;
        rc = cn_buf_put_be32(out, 0);
        rc = rc ? rc : snappy_raw_compress(in + off, n, out, err);
        if (rc == CN_OK)
            cn_buf_patch_be32(out, at, (uint32_t)(out->len - at - 4));
    }
    return rc == CN_OK ? CN_OK : cn_error_set(err, rc, NULL);
}
