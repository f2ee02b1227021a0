/* SPDX-License-Identifier: Apache-2.0
 *
 * The `_schemas` record codec: writes Confluent's canonical key/value bytes and reads every variant
 * Confluent, Karapace and Redpanda write (reg_record.h). Owns no state. Records are read with
 * JSON_ALLOW_NUL: U+0000 may sit in metadata and config values, but a subject, name, keyword or
 * schema text holding it makes the record unreadable (skipped and logged by the reader) rather than
 * cut short.
 */
#include "registry/reg_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cn_text.h"

static const char *const reg_keytype_names[] = {
    [REG_KEY_SCHEMA] = "SCHEMA",
    [REG_KEY_CONFIG] = "CONFIG",
    [REG_KEY_MODE] = "MODE",
    [REG_KEY_DELETE_SUBJECT] = "DELETE_SUBJECT",
    [REG_KEY_CLEAR_SUBJECT] = "CLEAR_SUBJECT",
    [REG_KEY_NOOP] = "NOOP",
    [REG_KEY_CONTEXT] = "CONTEXT",
};

cn_err_t reg_json_put_string(cn_buf_t *out, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    cn_buf_put_u8(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            cn_buf_put(out, "\\\"", 2);
            break;
        case '\\':
            cn_buf_put(out, "\\\\", 2);
            break;
        case '\b':
            cn_buf_put(out, "\\b", 2);
            break;
        case '\f':
            cn_buf_put(out, "\\f", 2);
            break;
        case '\n':
            cn_buf_put(out, "\\n", 2);
            break;
        case '\r':
            cn_buf_put(out, "\\r", 2);
            break;
        case '\t':
            cn_buf_put(out, "\\t", 2);
            break;
        default:
            if (*p < 0x20) {
                char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
                cn_buf_put(out, esc, 6);
            } else {
                cn_buf_put_u8(out, *p);
            }
        }
    }
    return cn_buf_put_u8(out, '"');
}

static cn_err_t key_head(cn_buf_t *out, reg_keytype_t type) {
    cn_buf_put_str(out, "{\"keytype\":\"");
    cn_buf_put_str(out, reg_keytype_names[type]);
    return cn_buf_put_u8(out, '"');
}

static cn_err_t key_subject(cn_buf_t *out, reg_keytype_t type, const char *subject) {
    key_head(out, type);
    if (subject) {
        cn_buf_put_str(out, ",\"subject\":");
        reg_json_put_string(out, subject);
    }
    return cn_buf_put_str(out, ",\"magic\":0}");
}

cn_err_t reg_key_encode_schema(cn_buf_t *out, const char *subject, int32_t version) {
    key_head(out, REG_KEY_SCHEMA);
    cn_buf_put_str(out, ",\"subject\":");
    reg_json_put_string(out, subject);
    return cn_buf_printf(out, ",\"version\":%d,\"magic\":1}", (int)version);
}

cn_err_t reg_key_encode_config(cn_buf_t *out, const char *subject) {
    return key_subject(out, REG_KEY_CONFIG, subject);
}

cn_err_t reg_key_encode_mode(cn_buf_t *out, const char *subject) {
    return key_subject(out, REG_KEY_MODE, subject);
}

cn_err_t reg_key_encode_delete_subject(cn_buf_t *out, const char *subject) {
    return key_subject(out, REG_KEY_DELETE_SUBJECT, subject);
}

cn_err_t reg_key_encode_clear_subject(cn_buf_t *out, const char *subject) {
    return key_subject(out, REG_KEY_CLEAR_SUBJECT, subject);
}

cn_err_t reg_key_encode_noop(cn_buf_t *out) {
    return key_subject(out, REG_KEY_NOOP, NULL);
}

cn_err_t reg_key_encode_context(cn_buf_t *out, const char *tenant, const char *context) {
    key_head(out, REG_KEY_CONTEXT);
    cn_buf_put_str(out, ",\"tenant\":");
    reg_json_put_string(out, tenant);
    cn_buf_put_str(out, ",\"context\":");
    reg_json_put_string(out, context);
    return cn_buf_put_str(out, ",\"magic\":0}");
}

static int dump_cb(const char *piece, size_t size, void *data) {
    return cn_buf_put(data, piece, size) == CN_OK ? 0 : -1;
}

/* Values are built with jansson in insertion order and dumped compact, straight into out:
 * jansson does not check every write while it dumps an object (a key that failed to be written
 * leaves ",:" behind), but out's failure is sticky, so a short write is never taken for a
 * record. */
static cn_err_t dump_obj(cn_buf_t *out, json_t *obj) {
    int bad;
    if (!obj)
        return CN_ERR_NO_MEMORY;
    bad = json_dump_callback(obj, dump_cb, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    if (out->failed)
        return CN_ERR_NO_MEMORY;
    return bad ? CN_ERR_INVALID_ARGUMENT : CN_OK; /* e.g. a string that is not UTF-8 */
}

static int obj_set(json_t *obj, const char *k, json_t *v) {
    if (!v)
        return -1;
    return json_object_set_new(obj, k, v);
}

static json_t *refs_to_json(const reg_ref_t *refs, size_t n) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *r = json_object();
        int bad = !r || obj_set(r, "name", json_string(refs[i].name)) ||
                  obj_set(r, "subject", json_string(refs[i].subject)) ||
                  obj_set(r, "version", json_integer(refs[i].version));
        if (bad || json_array_append_new(arr, r)) {
            json_decref(r);
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static bool json_nonempty(const json_t *j) {
    if (!j || json_is_null(j))
        return false;
    if (json_is_object(j))
        return json_object_size(j) > 0;
    if (json_is_array(j))
        return json_array_size(j) > 0;
    return true;
}

cn_err_t reg_value_encode_schema(cn_buf_t *out, const reg_schema_value_t *v) {
    json_t *o = json_object();
    int bad = !o || obj_set(o, "subject", json_string(v->subject)) ||
              obj_set(o, "version", json_integer(v->version)) ||
              obj_set(o, "id", json_integer(v->id));
    if (!bad && v->type[0] && strcmp(v->type, "AVRO") != 0)
        bad = obj_set(o, "schemaType", json_string(v->type));
    if (!bad && v->nrefs)
        bad = obj_set(o, "references", refs_to_json(v->refs, v->nrefs));
    if (!bad && json_nonempty(v->metadata))
        bad = obj_set(o, "metadata", json_deep_copy(v->metadata));
    if (!bad && json_nonempty(v->ruleset))
        bad = obj_set(o, "ruleSet", json_deep_copy(v->ruleset));
    if (!bad)
        bad = obj_set(o, "schema", json_string(v->schema)) ||
              obj_set(o, "deleted", json_boolean(v->deleted));
    if (bad) {
        json_decref(o);
        return CN_ERR_INVALID_ARGUMENT;
    }
    return dump_obj(out, o);
}

/* Set k in *o, taking v; on failure *o is released and NULL, so that the dump fails. */
static void put(json_t **o, const char *k, json_t *v) {
    if (!*o) {
        json_decref(v);
        return;
    }
    if (json_object_set_new(*o, k, v) != 0) {
        json_decref(*o);
        *o = NULL;
    }
}

cn_err_t reg_value_encode_config(cn_buf_t *out, const char *subject, const json_t *config) {
    json_t *o = json_object(), *level = json_object_get(config, "compatibilityLevel");
    const char *k;
    json_t *v;
    if (subject)
        put(&o, "subject", json_string(subject));
    if (level)
        put(&o, "compatibilityLevel", json_incref(level));
    json_object_foreach((json_t *)config, k, v) {
        if (strcmp(k, "subject") != 0 && strcmp(k, "compatibilityLevel") != 0)
            put(&o, k, json_incref(v));
    }
    return dump_obj(out, o);
}

cn_err_t reg_value_encode_mode(cn_buf_t *out, const char *subject, const char *mode) {
    json_t *o = json_object();
    if (subject)
        put(&o, "subject", json_string(subject));
    put(&o, "mode", json_string(mode));
    return dump_obj(out, o);
}

cn_err_t reg_value_encode_delete_subject(cn_buf_t *out, const char *subject, int32_t version) {
    json_t *o = json_object();
    put(&o, "subject", json_string(subject));
    put(&o, "version", json_integer(version));
    return dump_obj(out, o);
}

cn_err_t reg_value_encode_clear_subject(cn_buf_t *out, const char *subject) {
    json_t *o = json_object();
    put(&o, "subject", subject ? json_string(subject) : json_null());
    return dump_obj(out, o);
}

cn_err_t reg_value_encode_context(cn_buf_t *out, const char *tenant, const char *context) {
    json_t *o = json_object();
    put(&o, "tenant", json_string(tenant));
    put(&o, "context", json_string(context));
    return dump_obj(out, o);
}

/* ---- reader ---- */

static json_t *load_obj(const uint8_t *p, size_t len, cn_error_t *err) {
    json_error_t jerr;
    json_t *j;
    if (cn_json_depth((const char *)p, len, REG_RECORD_MAX_DEPTH, NULL) > REG_RECORD_MAX_DEPTH) {
        cn_error_set(err, CN_ERR_PARSE, "record nested too deeply");
        return NULL;
    }
    j = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    /* jansson says out_of_memory in most places, and nothing at all where its lexer's first
     * buffer could not be allocated: every syntax error comes with a message. */
    if (!j && (json_error_code(&jerr) == json_error_out_of_memory || jerr.text[0] == '\0')) {
        cn_error_set(err, CN_ERR_NO_MEMORY, "no memory to decode a record");
        return NULL;
    }
    if (!j) {
        cn_error_set(err, CN_ERR_PARSE, "record is not JSON: %s", jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        cn_error_set(err, CN_ERR_PARSE, "record is not a JSON object");
        return NULL;
    }
    return j;
}

static bool get_i32(const json_t *o, const char *k, int32_t *out) {
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
        json_integer_value(v) > INT32_MAX)
        return false;
    *out = (int32_t)json_integer_value(v);
    return true;
}

/* Whether o[k] is a string with U+0000 in it. */
static bool nul_in(const json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) && strlen(json_string_value(v)) != json_string_length(v);
}

/* A copy of the string member k into *out (NULL when absent, not a string or holding U+0000,
 * which is never cut short); false only when there was no memory for the copy. */
static bool get_strdup(const json_t *o, const char *k, char **out) {
    json_t *v = json_object_get(o, k);
    bool text = json_is_string(v) && !nul_in(o, k);
    *out = text ? strdup(json_string_value(v)) : NULL;
    return !text || *out;
}

static cn_err_t nul_error(cn_error_t *err, const char *k) {
    return cn_error_set(err, CN_ERR_PARSE, "record %s contains U+0000", k);
}

static cn_err_t no_memory(cn_error_t *err) {
    return cn_error_set(err, CN_ERR_NO_MEMORY, "no memory to decode a record");
}

static reg_keytype_t keytype_of(const char *s) {
    for (int t = 0; t < REG_KEY_UNKNOWN; t++)
        if (strcmp(s, reg_keytype_names[t]) == 0)
            return (reg_keytype_t)t;
    return REG_KEY_UNKNOWN;
}

static cn_err_t key_fields(const json_t *o, reg_key_t *key, cn_error_t *err) {
    json_t *subj = json_object_get(o, "subject");
    json_t *seq = json_object_get(o, "seq");
    if (subj && !json_is_null(subj) && !json_is_string(subj))
        return cn_error_set(err, CN_ERR_PARSE, "key subject is not a string");
    if (nul_in(o, "subject"))
        return nul_error(err, "key subject");
    if (!get_strdup(o, "subject", &key->subject))
        return no_memory(err);
    if (key->type == REG_KEY_SCHEMA && (!key->subject || !get_i32(o, "version", &key->version)))
        return cn_error_set(err, CN_ERR_PARSE, "SCHEMA key without subject or version");
    if (key->type == REG_KEY_DELETE_SUBJECT && !key->subject)
        return cn_error_set(err, CN_ERR_PARSE, "%s key without subject",
                            reg_keytype_names[key->type]);
    if (json_is_integer(seq)) {
        key->has_seq = true;
        key->seq = json_integer_value(seq);
        get_i32(o, "node", &key->node);
    }
    if (key->type == REG_KEY_CONTEXT) {
        if (!get_strdup(o, "tenant", &key->tenant) || !get_strdup(o, "context", &key->context))
            return no_memory(err);
        if (!key->context)
            return cn_error_set(err, CN_ERR_PARSE, "CONTEXT key without context");
    }
    return CN_OK;
}

cn_err_t reg_key_decode(const uint8_t *p, size_t len, reg_key_t *key, cn_error_t *err) {
    json_t *o, *kt;
    cn_err_t rc = CN_OK;
    memset(key, 0, sizeof(*key));
    if (!p || len == 0)
        return cn_error_set(err, CN_ERR_PARSE, "empty key");
    if (!(o = load_obj(p, len, err)))
        return err ? err->code : CN_ERR_PARSE;
    kt = json_object_get(o, "keytype");
    if (!json_is_string(kt))
        rc = cn_error_set(err, CN_ERR_PARSE, "key without keytype");
    else if (nul_in(o, "keytype"))
        rc = nul_error(err, "keytype");
    else if ((key->type = keytype_of(json_string_value(kt))) == REG_KEY_UNKNOWN)
        rc = CN_OK;
    else if (!get_i32(o, "magic", &key->magic))
        key->magic = 0;
    if (rc == CN_OK && key->type != REG_KEY_UNKNOWN) {
        int maxmagic = key->type == REG_KEY_SCHEMA ? 1 : 0;
        if (key->magic < 0 || key->magic > maxmagic)
            rc = cn_error_set(err, CN_ERR_PARSE, "unsupported magic %d", (int)key->magic);
        else
            rc = key_fields(o, key, err);
    }
    json_decref(o);
    if (rc != CN_OK)
        reg_key_fini(key);
    return rc;
}

void reg_key_fini(reg_key_t *key) {
    free(key->subject);
    free(key->tenant);
    free(key->context);
    memset(key, 0, sizeof(*key));
}

void reg_refs_free(reg_ref_t *refs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(refs[i].name);
        free(refs[i].subject);
    }
    free(refs);
}

static cn_err_t refs_decode(const json_t *arr, reg_schema_value_t *sv, cn_error_t *err) {
    size_t n;
    if (!arr || json_is_null(arr))
        return CN_OK;
    if (!json_is_array(arr))
        return cn_error_set(err, CN_ERR_PARSE, "references is not an array");
    n = json_array_size(arr);
    if (n == 0)
        return CN_OK;
    sv->refs = calloc(n, sizeof(*sv->refs));
    if (!sv->refs)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(arr, i);
        reg_ref_t *ref = &sv->refs[sv->nrefs];
        bool copied = get_strdup(r, "name", &ref->name) && get_strdup(r, "subject", &ref->subject);
        sv->nrefs++;
        if (!copied)
            return no_memory(err);
        if (!ref->name || !ref->subject || !get_i32(r, "version", &ref->version))
            return cn_error_set(err, CN_ERR_PARSE, "bad reference %zu", i);
    }
    return CN_OK;
}

static json_t *opt_obj(const json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_object(v) ? json_incref(v) : NULL;
}

static cn_err_t schema_value_decode(const reg_key_t *key, const json_t *o, reg_schema_value_t *sv,
                                    cn_error_t *err) {
    json_t *type = json_object_get(o, "schemaType");
    json_t *del = json_object_get(o, "deleted");
    if (nul_in(o, "subject") || nul_in(o, "schema") || nul_in(o, "schemaType"))
        return nul_error(err, "subject, schema or schemaType");
    if (!get_strdup(o, "subject", &sv->subject) ||
        (!sv->subject && !(sv->subject = strdup(key->subject))))
        return no_memory(err);
    if (!get_i32(o, "version", &sv->version))
        sv->version = key->version;
    if (!get_i32(o, "id", &sv->id) || sv->id < 0)
        return cn_error_set(err, CN_ERR_PARSE, "SCHEMA value without a valid id");
    if (!get_strdup(o, "schema", &sv->schema))
        return no_memory(err);
    if (!sv->schema)
        return cn_error_set(err, CN_ERR_PARSE, "SCHEMA value without schema");
    if (type && !json_is_null(type)) {
        if (!json_is_string(type) || json_string_length(type) >= sizeof(sv->type))
            return cn_error_set(err, CN_ERR_PARSE, "bad schemaType");
        snprintf(sv->type, sizeof(sv->type), "%s", json_string_value(type));
    } else {
        snprintf(sv->type, sizeof(sv->type), "AVRO");
    }
    sv->deleted = json_is_true(del);
    sv->metadata = opt_obj(o, "metadata");
    sv->ruleset = opt_obj(o, "ruleSet");
    return refs_decode(json_object_get(o, "references"), sv, err);
}

static cn_err_t value_fields(const reg_key_t *key, const json_t *o, reg_value_t *val,
                             cn_error_t *err) {
    json_t *mode;
    switch (key->type) {
    case REG_KEY_SCHEMA:
        return schema_value_decode(key, o, &val->schema, err);
    case REG_KEY_CONFIG:
        if (nul_in(o, "compatibilityLevel"))
            return nul_error(err, "compatibilityLevel");
        if (!(val->config = json_deep_copy(o)))
            return no_memory(err);
        json_object_del(val->config, "subject");
        return CN_OK;
    case REG_KEY_MODE:
        mode = json_object_get(o, "mode");
        if (nul_in(o, "mode"))
            return nul_error(err, "mode");
        if (!json_is_string(mode) || json_string_length(mode) >= sizeof(val->mode))
            return cn_error_set(err, CN_ERR_PARSE, "MODE value without mode");
        snprintf(val->mode, sizeof(val->mode), "%s", json_string_value(mode));
        return CN_OK;
    case REG_KEY_DELETE_SUBJECT:
        if (!get_i32(o, "version", &val->version))
            return cn_error_set(err, CN_ERR_PARSE, "DELETE_SUBJECT value without version");
        __attribute__((fallthrough)); /* and the subject */
    case REG_KEY_CLEAR_SUBJECT:
        if (nul_in(o, "subject"))
            return nul_error(err, "subject");
        if (!get_strdup(o, "subject", &val->subject) ||
            (!val->subject && key->subject && !(val->subject = strdup(key->subject))))
            return no_memory(err);
        return CN_OK;
    default:
        return CN_OK;
    }
}

cn_err_t reg_value_decode(const reg_key_t *key, const uint8_t *p, int32_t len, reg_value_t *val,
                          cn_error_t *err) {
    json_t *o;
    cn_err_t rc;
    memset(val, 0, sizeof(*val));
    if (!p || len <= 0) {
        val->tombstone = true;
        return CN_OK;
    }
    if (key->type == REG_KEY_NOOP || key->type == REG_KEY_CONTEXT || key->type == REG_KEY_UNKNOWN)
        return CN_OK;
    if (!(o = load_obj(p, (size_t)len, err)))
        return err ? err->code : CN_ERR_PARSE;
    rc = value_fields(key, o, val, err);
    json_decref(o);
    if (rc != CN_OK)
        reg_value_fini(val);
    return rc;
}

void reg_value_fini(reg_value_t *val) {
    reg_schema_value_t *sv = &val->schema;
    free(sv->subject);
    free(sv->schema);
    reg_refs_free(sv->refs, sv->nrefs);
    json_decref(sv->metadata);
    json_decref(sv->ruleset);
    json_decref(val->config);
    free(val->subject);
    memset(val, 0, sizeof(*val));
}
