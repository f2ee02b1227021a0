/* SPDX-License-Identifier: Apache-2.0
 *
 * Schema ids in Kafka record headers (Confluent Platform 8.x; Confluent's serdes documentation,
 * docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html, and
 * the HeaderSchemaIdSerializer / DualSchemaIdDeserializer of its clients): schema GUIDs as text
 * and bytes, parsing a header value (0x01 + 16-byte GUID, or 0x00 + 4-byte id), and building the
 * header a serializer hands back. Owns nothing.
 */
#include "serdes/serdes_api_int.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "common/cn_buf.h"
#include "common/cn_text.h"

bool serdes_guid_parse(const char *s, size_t len, uint8_t out[CAIRN_GUID_SIZE]) {
    return cn_guid_parse(s, len, out);
}

void serdes_guid_format(const uint8_t guid[CAIRN_GUID_SIZE], char out[37]) {
    cn_guid_format(guid, out);
}

cn_err_t serdes_header_parse(const uint8_t *v, size_t len, int32_t *id, bool *is_guid,
                             uint8_t guid[CAIRN_GUID_SIZE], serdes_err_t *err) {
    if (!v || len < 1)
        return serdes_err_set(err, CN_ERR_SERDES_SHORT_BUFFER, "empty schema id header");
    if (v[0] == CAIRN_MAGIC_V1) {
        if (len < 1 + CAIRN_GUID_SIZE)
            return serdes_err_set(err, CN_ERR_SERDES_SHORT_BUFFER,
                                  "schema id header of %zu bytes is shorter than 0x01 + GUID "
                                  "(17 bytes)",
                                  len);
        memcpy(guid, v + 1, CAIRN_GUID_SIZE);
        *is_guid = true;
        *id = -1;
        return CN_OK;
    }
    if (v[0] != CAIRN_MAGIC_V0)
        return serdes_err_set(err, CN_ERR_SERDES_BAD_MAGIC,
                              "unknown magic byte 0x%02x in the schema id header (expected 0x01 "
                              "or 0x00)",
                              v[0]);
    if (len != CAIRN_FRAME_SIZE)
        return serdes_err_set(
            err, len < CAIRN_FRAME_SIZE ? CN_ERR_SERDES_SHORT_BUFFER : CN_ERR_SERDES_BAD_MAGIC,
            "schema id header 0x00 + id must be 5 bytes, not %zu", len);
    *id = (int32_t)cn_be32_get(v + 1);
    *is_guid = false;
    if (*id < 0)
        return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT,
                              "negative schema id %d in the schema id header", (int)*id);
    return CN_OK;
}

cairn_err_t cairn_header_read(const void *value, size_t len, int32_t *id_out, bool *is_guid,
                              uint8_t guid_out[CAIRN_GUID_SIZE], cairn_error_t *err) {
    serdes_err_t e = {0};
    uint8_t guid[CAIRN_GUID_SIZE] = {0};
    int32_t id = -1;
    bool g = false;
    if (serdes_header_parse(value, len, &id, &g, guid, &e) != CN_OK)
        return serdes_edge(&e, err);
    if (id_out)
        *id_out = id;
    if (is_guid)
        *is_guid = g;
    if (guid_out && g)
        memcpy(guid_out, guid, CAIRN_GUID_SIZE);
    serdes_edge_ok(err);
    return CAIRN_OK;
}

static cn_err_t serdes_no_guid(int32_t id, serdes_err_t *err) {
    return serdes_err_set(err, CN_ERR_UNSUPPORTED,
                          "the registry gave no guid for schema %d: schema.id.serializer=header "
                          "needs a Confluent 8.x compatible registry",
                          (int)id);
}

cn_err_t serdes_ser_guid(cairn_serializer_t *ser, serdes_ser_entry_t *e, const char *subject,
                         const serdes_schema_t *remote, serdes_err_t *err) {
    serdes_schema_t *sch = NULL;
    bool have;
    cn_err_t rc;
    if (remote && remote->has_guid) {
        memcpy(e->guid, remote->guid, CAIRN_GUID_SIZE);
    } else if (subject && strncmp(subject, ":.", 2) == 0) { /* ids are per context */
        if ((rc = serdes_registry_guid_in(ser->sd->reg, e->id, subject, e->guid, &have, err)) !=
            CN_OK)
            return rc;
        if (!have)
            return serdes_no_guid(e->id, err);
    } else {
        if ((rc = serdes_registry_by_id(ser->sd->reg, e->id, &sch, err)) != CN_OK)
            return rc;
        have = sch->has_guid;
        if (have)
            memcpy(e->guid, sch->guid, CAIRN_GUID_SIZE);
        serdes_schema_decref(sch);
        if (!have)
            return serdes_no_guid(e->id, err);
    }
    e->has_guid = true;
    return CN_OK;
}

cn_err_t serdes_ser_header(const cairn_serializer_t *ser, const serdes_ser_entry_t *e,
                           cairn_header_t *hdr, serdes_err_t *err) {
    bool header = ser->sd->s.id_header[ser->role];
    if (!header) {
        if (hdr) {
            hdr->name = NULL;
            hdr->len = 0;
        }
        return CN_OK;
    }
    if (!hdr)
        return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT,
                              "schema.id.serializer=header: use the *_h calls, which return the "
                              "record header");
    assert(e->has_guid);
    hdr->name =
        ser->role == CAIRN_ROLE_KEY ? CAIRN_HEADER_KEY_SCHEMA_ID : CAIRN_HEADER_VALUE_SCHEMA_ID;
    hdr->value[0] = CAIRN_MAGIC_V1;
    memcpy(hdr->value + 1, e->guid, CAIRN_GUID_SIZE);
    hdr->len = 1 + CAIRN_GUID_SIZE;
    return CN_OK;
}
