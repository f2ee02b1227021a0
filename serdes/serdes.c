/* SPDX-License-Identifier: Apache-2.0
 *
 * The public edge of libcairn-serdes: cairn_conf_t calls, the handle (settings + registry
 * client), the wire format prefix, direct schema calls, and the translation of internal errors
 * (cn_err_t + registry status) into cairn_error_t. Owns cairn_serdes_t and cairn_conf_t.
 */
#include "serdes/serdes_api_int.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cn_buf.h"

/* ---- errors ---- */

static const struct {
    cn_err_t in;
    cairn_err_t out;
} serdes_err_map[] = {
    {CN_OK, CAIRN_OK},
    {CN_ERR_CONF_UNKNOWN, CAIRN_ERR_CONF_UNKNOWN},
    {CN_ERR_INVALID_CONFIG, CAIRN_ERR_CONF_INVALID},
    {CN_ERR_INVALID_ARGUMENT, CAIRN_ERR_INVALID_ARG},
    {CN_ERR_SERDES_BAD_MAGIC, CAIRN_ERR_BAD_MAGIC},
    {CN_ERR_SERDES_SHORT_BUFFER, CAIRN_ERR_SHORT_BUFFER},
    {CN_ERR_SERDES_UNKNOWN_ID, CAIRN_ERR_UNKNOWN_ID},
    {CN_ERR_INVALID_SCHEMA, CAIRN_ERR_SCHEMA},
    {CN_ERR_TOO_DEEP, CAIRN_ERR_SCHEMA},
    {CN_ERR_TOO_LARGE, CAIRN_ERR_SCHEMA},
    {CN_ERR_SERDES_PAYLOAD, CAIRN_ERR_PAYLOAD},
    {CN_ERR_PARSE, CAIRN_ERR_VALUE},
    {CN_ERR_INCOMPATIBLE, CAIRN_ERR_INCOMPATIBLE},
    {CN_ERR_SERDES_REGISTRY, CAIRN_ERR_REGISTRY},
    {CN_ERR_SERDES_TRANSPORT, CAIRN_ERR_TRANSPORT},
    {CN_ERR_SERDES_BUFFER_SIZE, CAIRN_ERR_BUFFER_SIZE},
    {CN_ERR_NO_MEMORY, CAIRN_ERR_NO_MEMORY},
    {CN_ERR_UNSUPPORTED, CAIRN_ERR_UNSUPPORTED},
};

static const char *const serdes_err_names[] = {
    "OK",         "CONF_UNKNOWN", "CONF_INVALID", "INVALID_ARG", "BAD_MAGIC",    "SHORT_BUFFER",
    "UNKNOWN_ID", "SCHEMA",       "PAYLOAD",      "VALUE",       "INCOMPATIBLE", "REGISTRY",
    "TRANSPORT",  "BUFFER_SIZE",  "NO_MEMORY",    "UNSUPPORTED", "INTERNAL",
};

const char *cairn_err_name(cairn_err_t code) {
    if ((unsigned)code >= sizeof(serdes_err_names) / sizeof(serdes_err_names[0]))
        return "UNKNOWN";
    return serdes_err_names[code];
}

static const char *const serdes_format_names[] = {"avro", "protobuf", "json"};

cairn_err_t cairn_format_parse(const char *name, cairn_format_t *out) {
    for (size_t i = 0; name && i < sizeof(serdes_format_names) / sizeof(serdes_format_names[0]);
         i++)
        if (strcasecmp(name, serdes_format_names[i]) == 0) {
            *out = (cairn_format_t)i;
            return CAIRN_OK;
        }
    return CAIRN_ERR_INVALID_ARG;
}

cairn_err_t serdes_edge(const serdes_err_t *in, cairn_error_t *err) {
    cairn_err_t code = CAIRN_ERR_INTERNAL;
    for (size_t i = 0; i < sizeof(serdes_err_map) / sizeof(serdes_err_map[0]); i++)
        if (serdes_err_map[i].in == in->e.code)
            code = serdes_err_map[i].out;
    if (err) {
        err->code = code;
        err->http_status = in->http_status;
        err->error_code = in->error_code;
        snprintf(err->msg, sizeof(err->msg), "%s", code == CAIRN_OK ? "" : in->e.msg);
    }
    return code;
}

void serdes_edge_ok(cairn_error_t *err) {
    if (err)
        memset(err, 0, offsetof(cairn_error_t, msg) + 1);
}

static cairn_err_t serdes_fail(cairn_error_t *err, cn_err_t code, const char *msg) {
    serdes_err_t e;
    serdes_err_set(&e, code, "%s", msg);
    return serdes_edge(&e, err);
}

void cairn_free(void *p) {
    free(p);
}

/* ---- configuration ---- */

cairn_conf_t *cairn_conf_new(void) {
    cairn_conf_t *conf = calloc(1, sizeof(*conf));
    if (conf && !(conf->props = cn_props_new())) {
        free(conf);
        return NULL;
    }
    return conf;
}

void cairn_conf_free(cairn_conf_t *conf) {
    if (!conf)
        return;
    cn_props_free(conf->props);
    free(conf);
}

cairn_conf_t *cairn_conf_dup(const cairn_conf_t *conf) {
    cairn_conf_t *copy = cairn_conf_new();
    for (size_t i = 0; copy && i < cn_props_count(conf->props); i++) {
        const char *k, *v;
        cn_props_at(conf->props, i, &k, &v);
        if (cn_props_set(copy->props, k, v) != CN_OK) {
            cairn_conf_free(copy);
            return NULL;
        }
    }
    if (copy) {
        memcpy(copy->subject_fn, conf->subject_fn, sizeof(copy->subject_fn));
        memcpy(copy->subject_opaque, conf->subject_opaque, sizeof(copy->subject_opaque));
    }
    return copy;
}

cairn_err_t cairn_conf_set(cairn_conf_t *conf, const char *key, const char *value,
                           cairn_error_t *err) {
    serdes_err_t e = {0};
    const char *canon;
    if (!conf || !key || !value)
        return serdes_fail(err, CN_ERR_INVALID_ARGUMENT, "conf, key and value are required");
    canon = serdes_conf_canonical(key);
    if (!canon) {
        serdes_err_set(&e, CN_ERR_CONF_UNKNOWN, "unknown configuration key \"%s\"", key);
        return serdes_edge(&e, err);
    }
    if (serdes_conf_check(canon, value, &e.e) != CN_OK)
        return serdes_edge(&e, err);
    if (cn_props_set(conf->props, canon, value) != CN_OK)
        return serdes_fail(err, CN_ERR_NO_MEMORY, "out of memory");
    serdes_edge_ok(err);
    return CAIRN_OK;
}

const char *cairn_conf_get(const cairn_conf_t *conf, const char *key) {
    const char *canon = serdes_conf_canonical(key);
    return canon ? cn_props_get(conf->props, canon) : NULL;
}

void cairn_conf_set_subject_fn(cairn_conf_t *conf, cairn_role_t role, cairn_subject_fn fn,
                               void *opaque) {
    if (role != CAIRN_ROLE_KEY && role != CAIRN_ROLE_VALUE)
        return;
    conf->subject_fn[role] = fn;
    conf->subject_opaque[role] = opaque;
}

/* ---- the handle ---- */

cairn_serdes_t *cairn_serdes_new(cairn_conf_t *conf, cairn_error_t *err) {
    cairn_serdes_t *sd;
    serdes_err_t e = {0};
    if (!conf) {
        serdes_fail(err, CN_ERR_INVALID_ARGUMENT, "conf is required");
        return NULL;
    }
    if (!(sd = calloc(1, sizeof(*sd)))) {
        cairn_conf_free(conf);
        serdes_fail(err, CN_ERR_NO_MEMORY, "out of memory");
        return NULL;
    }
    if (serdes_settings_load(&sd->s, conf, &e.e) != CN_OK) {
        cairn_conf_free(conf);
        serdes_settings_fini(&sd->s);
        free(sd);
        serdes_edge(&e, err);
        return NULL;
    }
    cairn_conf_free(conf);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!(sd->reg = serdes_registry_new(&sd->s))) {
        cairn_serdes_free(sd);
        serdes_fail(err, CN_ERR_NO_MEMORY, "out of memory");
        return NULL;
    }
    serdes_edge_ok(err);
    return sd;
}

void cairn_serdes_free(cairn_serdes_t *sd) {
    if (!sd)
        return;
    serdes_registry_free(sd->reg);
    serdes_settings_fini(&sd->s);
    free(sd);
    curl_global_cleanup();
}

void cairn_serdes_stats(cairn_serdes_t *sd, cairn_stats_t *out) {
    serdes_registry_stats(sd->reg, out);
}

void cairn_serdes_purge(cairn_serdes_t *sd) {
    serdes_registry_purge(sd->reg);
}

cairn_err_t cairn_schema_by_id(cairn_serdes_t *sd, int32_t id, char **text_out,
                               cairn_error_t *err) {
    serdes_err_t e = {0};
    serdes_schema_t *sch = NULL;
    if (!sd || !text_out || id < 0)
        return serdes_fail(err, CN_ERR_INVALID_ARGUMENT, "handle, output and id >= 0 required");
    if (serdes_registry_by_id(sd->reg, id, &sch, &e) != CN_OK)
        return serdes_edge(&e, err);
    *text_out = strdup(sch->text);
    serdes_schema_decref(sch);
    if (!*text_out)
        return serdes_fail(err, CN_ERR_NO_MEMORY, "out of memory");
    serdes_edge_ok(err);
    return CAIRN_OK;
}

cairn_err_t cairn_schema_register(cairn_serdes_t *sd, const char *subject, cairn_format_t format,
                                  const char *schema, bool lookup_only, int32_t *id_out,
                                  cairn_error_t *err) {
    serdes_err_t e = {0};
    const serdes_format_t *fmt = serdes_format_get(format);
    if (!sd || !subject || !schema || !id_out)
        return serdes_fail(err, CN_ERR_INVALID_ARGUMENT, "handle, subject, schema, id required");
    if (!fmt)
        return serdes_fail(err, CN_ERR_UNSUPPORTED, "format not built in");
    if (serdes_registry_id_for(sd->reg, subject, fmt, schema, lookup_only, id_out, &e) != CN_OK)
        return serdes_edge(&e, err);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

/* ---- wire format ---- */

void cairn_frame_write(uint8_t *out, int32_t id) {
    out[0] = CAIRN_MAGIC_V0;
    cn_be32_put(out + 1, (uint32_t)id);
}

cn_err_t serdes_frame_parse(const uint8_t *data, size_t len, int32_t *id, const uint8_t **payload,
                            size_t *plen, serdes_err_t *err) {
    if (len < 1 || !data)
        return serdes_err_set(err, CN_ERR_SERDES_SHORT_BUFFER,
                              "payload of %zu bytes is shorter than the 5-byte wire header", len);
    if (data[0] == 0x01)
        return serdes_err_set(err, CN_ERR_UNSUPPORTED,
                              "magic byte 0x01 (a schema GUID in the payload) is read only with "
                              "schema.id.deserializer=dual");
    if (data[0] != CAIRN_MAGIC_V0)
        return serdes_err_set(err, CN_ERR_SERDES_BAD_MAGIC,
                              "unknown magic byte 0x%02x (expected 0x00): not Confluent framing",
                              data[0]);
    if (len < CAIRN_FRAME_SIZE)
        return serdes_err_set(err, CN_ERR_SERDES_SHORT_BUFFER,
                              "payload of %zu bytes is shorter than the 5-byte wire header", len);
    *id = (int32_t)cn_be32_get(data + 1);
    if (*id < 0)
        return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT, "negative schema id %d in the header",
                              (int)*id);
    *payload = data + CAIRN_FRAME_SIZE;
    *plen = len - CAIRN_FRAME_SIZE;
    return CN_OK;
}

cairn_err_t cairn_frame_read(const void *data, size_t len, int32_t *id_out, const void **payload,
                             size_t *payload_len, cairn_error_t *err) {
    serdes_err_t e = {0};
    const uint8_t *p = NULL;
    size_t n = 0;
    int32_t id = -1;
    if (serdes_frame_parse(data, len, &id, &p, &n, &e) != CN_OK)
        return serdes_edge(&e, err);
    if (id_out)
        *id_out = id;
    if (payload)
        *payload = p;
    if (payload_len)
        *payload_len = n;
    serdes_edge_ok(err);
    return CAIRN_OK;
}
