/* SPDX-License-Identifier: Apache-2.0
 *
 * Data contracts (Confluent's "Data Contracts for Schema Registry",
 * docs.confluent.io/platform/current/schema-registry/fundamentals/data-contracts.html): the merge
 * of `metadata` and `ruleSet` (Metadata.mergeMetadata and RuleSet.mergeRuleSets in Confluent's
 * client entities: maps merged key by key, later winning; `sensitive` a union; rule lists merged
 * by name, a same-named rule replaced and moved after the others) and the validation of a
 * `ruleSet` (RuleSet.validate / Rule.validate, 42210). Pure JSON functions: no registry state.
 */
#include "registry/reg_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static const char *const rule_lists[] = {"migrationRules", "domainRules", "encodingRules"};
#define NLISTS (sizeof(rule_lists) / sizeof(rule_lists[0]))

static bool empty(const json_t *j) {
    return !j || json_is_null(j) || (json_is_object(j) && json_object_size(j) == 0) ||
           (json_is_array(j) && json_array_size(j) == 0);
}

/* Maps: a copy of old with new's members set over it (later wins). */
static json_t *merge_map(const json_t *old, const json_t *new_) {
    json_t *out;
    if (empty(old) || !json_is_object(old))
        return new_ ? json_deep_copy(new_) : NULL;
    if (empty(new_) || !json_is_object(new_))
        return json_deep_copy(old);
    if ((out = json_deep_copy(old)) && json_object_update(out, (json_t *)new_) != 0) {
        json_decref(out);
        out = NULL;
    }
    return out;
}

static bool array_has_string(const json_t *arr, const char *s) {
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

/* Sets (arrays of strings): old's members then new's that old lacks. */
static json_t *merge_set(const json_t *old, const json_t *new_) {
    json_t *out, *v;
    size_t i;
    if (empty(old) || !json_is_array(old))
        return new_ ? json_deep_copy(new_) : NULL;
    if (empty(new_) || !json_is_array(new_))
        return json_deep_copy(old);
    out = json_deep_copy(old);
    json_array_foreach(new_, i, v) {
        if (out && json_is_string(v) && !array_has_string(out, json_string_value(v)) &&
            json_array_append(out, v) != 0) {
            json_decref(out);
            out = NULL;
        }
    }
    return out;
}

/* Rule lists: old's rules whose name new does not use, then new's. */
static bool rules_have_name(const json_t *rules, const json_t *name) {
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r) {
        if (json_equal(json_object_get(r, "name"), (json_t *)name))
            return true;
    }
    return false;
}

static json_t *merge_rules(const json_t *old, const json_t *new_) {
    json_t *out, *r;
    size_t i;
    if (empty(old) || !json_is_array(old))
        return new_ ? json_deep_copy(new_) : NULL;
    if (empty(new_) || !json_is_array(new_))
        return json_deep_copy(old);
    if (!(out = json_array()))
        return NULL;
    json_array_foreach(old, i, r) {
        if (!rules_have_name(new_, json_object_get(r, "name")))
            json_array_append(out, r);
    }
    json_array_foreach(new_, i, r) {
        json_array_append(out, r);
    }
    return out;
}

typedef json_t *(*merge_fn)(const json_t *, const json_t *);

/* Merge the members named in fields with their merge function; any other member is new's,
 * else old's. NULL when both are empty (or without memory: *failed). */
static json_t *merge_object(const json_t *old, const json_t *new_, const char *const *fields,
                            const merge_fn *fns, size_t n, bool *failed) {
    json_t *out;
    if (empty(old) && empty(new_))
        return NULL;
    if (!(out = merge_map(old, new_)))
        return (*failed = true), NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *m = fns[i](json_object_get(old, fields[i]), json_object_get(new_, fields[i]));
        if (m)
            *failed |= json_object_set_new(out, fields[i], m) != 0;
        else
            json_object_del(out, fields[i]);
    }
    return out;
}

json_t *reg_metadata_merge(const json_t *old, const json_t *new_, bool *failed) {
    static const char *const fields[] = {"tags", "properties", "sensitive"};
    static const merge_fn fns[] = {merge_map, merge_map, merge_set};
    return merge_object(old, new_, fields, fns, 3, failed);
}

json_t *reg_ruleset_merge(const json_t *old, const json_t *new_, bool *failed) {
    static const merge_fn fns[] = {merge_rules, merge_rules, merge_rules};
    return merge_object(old, new_, rule_lists, fns, NLISTS, failed);
}

/* ---- in registration ---- */

static json_t *nonempty_or_null(json_t *j) {
    if (j && json_is_object(j) && json_object_size(j) == 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}

cn_err_t reg_contract_merge(reg_registry_t *reg, const reg_name_t *name, const json_t *md,
                            const json_t *rs, json_t **md_out, json_t **rs_out, cn_error_t *err) {
    bool failed = false;
    json_t *m = reg_metadata_merge(reg_config_value(reg, name, "defaultMetadata"), md, &failed);
    json_t *r = reg_ruleset_merge(reg_config_value(reg, name, "defaultRuleSet"), rs, &failed);
    *md_out = nonempty_or_null(
        reg_metadata_merge(m, reg_config_value(reg, name, "overrideMetadata"), &failed));
    *rs_out = nonempty_or_null(
        reg_ruleset_merge(r, reg_config_value(reg, name, "overrideRuleSet"), &failed));
    json_decref(m);
    json_decref(r);
    return failed ? cn_error_set(err, CN_ERR_NO_MEMORY, NULL) : CN_OK;
}

cn_err_t reg_contract_version(json_t **md, int32_t version, bool given, bool *changed,
                              cn_error_t *err) {
    json_t *props = json_object_get(*md, "properties");
    char num[16];
    if (!given && !json_object_get(props, "confluent:version"))
        return CN_OK;
    if (!*md && !(*md = json_object()))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    if (!json_is_object(props) && json_object_set_new(*md, "properties", props = json_object()))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    snprintf(num, sizeof(num), "%d", (int)version);
    if (json_object_set_new(props, "confluent:version", json_string(num)) != 0)
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    *changed = true;
    return CN_OK;
}

bool reg_contract_configured(reg_registry_t *reg, const reg_name_t *name) {
    static const char *const keys[] = {"defaultMetadata", "overrideMetadata", "defaultRuleSet",
                                       "overrideRuleSet"};
    for (size_t i = 0; i < 4; i++)
        if (reg_config_value(reg, name, keys[i]))
            return true;
    return false;
}

/* ---- validation ---- */

/* 42210 with the message before + arg + after. */
static cn_err_t invalid3(cn_error_t *err, const char *before, const char *arg, const char *after) {
    return cn_error_set(err, CN_ERR_INVALID_RULESET, "%s%s%s", before, arg, after);
}

static cn_err_t invalid(cn_error_t *err, const char *msg) {
    return invalid3(err, msg, "", "");
}

/* Rule.validateName (Confluent 8): at most 64 characters, a letter or '_' first, then letters,
 * digits, '_' or '-'. Characters are counted as code points (Java counts UTF-16 units; the same
 * below U+10000). */
#define RULE_NAME_MAX 64
static cn_err_t check_name(const json_t *name, cn_error_t *err) {
    const char *s = json_string_value(name);
    size_t chars = 0;
    if (!json_is_string(name))
        return invalid(err, "Missing rule name");
    if (!*s)
        return invalid(err, "Empty rule name");
    for (const char *c = s; *c; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    if (chars > RULE_NAME_MAX)
        return invalid(err, "Rule name too long");
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_' || (unsigned char)s[0] >= 0x80))
        return invalid3(err, "Illegal initial character in rule name: ", s, "");
    for (const char *c = s + 1; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-' || (unsigned char)*c >= 0x80))
            return invalid3(err, "Illegal character in rule name: ", s, "");
    return CN_OK;
}

static bool one_of(const char *s, const char *const *set) {
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return true;
    return false;
}

/* Rule.validateAction: any action name is accepted (rule actions are pluggable: NONE, ERROR,
 * DLQ or a custom one); a comma-separated pair only for WRITEREAD and UPDOWN. */
static cn_err_t check_action(const json_t *rule, const char *key, bool two_way, cn_error_t *err) {
    const json_t *a = json_object_get(rule, key);
    if (!a || json_is_null(a))
        return CN_OK;
    if (!json_is_string(a))
        return cn_error_set(err, CN_ERR_INVALID_RULESET, "Invalid %s action: (not a string)", key);
    if (!two_way && strchr(json_string_value(a), ','))
        return invalid(err, "Multiple actions only valid with WRITEREAD and UPDOWN");
    return CN_OK;
}

/* One rule of list li, in the order of Confluent's RuleSet.validate / Rule.validate: name, type,
 * actions, then the mode for the list (defaults TRANSFORM and WRITEREAD, as Confluent's Rule).
 * An unknown kind or mode is a Jackson enum error in Confluent (no RuleException); here 42210. */
static cn_err_t check_rule(const json_t *rule, size_t li, cn_error_t *err) {
    static const char *const kinds[] = {"CONDITION", "TRANSFORM", NULL};
    static const char *const migration[] = {"UPGRADE", "DOWNGRADE", "UPDOWN", NULL};
    static const char *const domain[] = {"WRITE", "READ", "WRITEREAD", NULL};
    const json_t *kind = json_object_get(rule, "kind"), *mode = json_object_get(rule, "mode");
    const json_t *type = json_object_get(rule, "type");
    const char *m = json_is_string(mode) ? json_string_value(mode) : "WRITEREAD";
    cn_err_t rc = check_name(json_object_get(rule, "name"), err);
    if (rc != CN_OK)
        return rc;
    if (kind && !json_is_null(kind) &&
        !(json_is_string(kind) && one_of(json_string_value(kind), kinds)))
        return invalid3(err, "Invalid rule kind: ",
                        json_is_string(kind) ? json_string_value(kind) : "(not a string)", "");
    if (mode && !json_is_null(mode) && !json_is_string(mode))
        return invalid(err, "Invalid rule mode");
    if (!json_is_string(type)) /* Confluent checks only for null: "" is a type */
        return invalid(err, "Missing rule type");
    bool two_way = strcmp(m, "WRITEREAD") == 0 || strcmp(m, "UPDOWN") == 0;
    if ((rc = check_action(rule, "onSuccess", two_way, err)) != CN_OK ||
        (rc = check_action(rule, "onFailure", two_way, err)) != CN_OK)
        return rc;
    if (li == 0 && !one_of(m, migration))
        return invalid(err, "Migration rules can only be UPGRADE, DOWNGRADE, UPDOWN");
    if (li == 1 && !one_of(m, domain))
        return invalid(err, "Domain rules can only be WRITE, READ, WRITEREAD");
    if (li == 2 && !one_of(m, domain))
        return invalid(err, "Encoding rules can only be WRITE, READ, WRITEREAD");
    return CN_OK;
}

cn_err_t reg_ruleset_validate(const json_t *rs, cn_error_t *err) {
    json_t *names;
    cn_err_t rc = CN_OK;
    if (!rs || json_is_null(rs))
        return CN_OK;
    if (!json_is_object(rs))
        return invalid(err, "Invalid ruleSet: not an object");
    if (!(names = json_object()))
        return cn_error_set(err, CN_ERR_NO_MEMORY, NULL);
    for (size_t li = 0; li < NLISTS && rc == CN_OK; li++) {
        const json_t *arr = json_object_get(rs, rule_lists[li]), *rule;
        size_t i;
        if (!arr || json_is_null(arr))
            continue;
        if (!json_is_array(arr)) {
            rc = invalid3(err, "Invalid ruleSet: ", rule_lists[li], " must be an array");
            break;
        }
        json_array_foreach(arr, i, rule) {
            const char *name = json_string_value(json_object_get(rule, "name"));
            if (rc != CN_OK)
                break;
            if (!json_is_object(rule))
                rc = invalid(err, "Invalid ruleSet: a rule must be an object");
            else if (name && json_object_get(names, name))
                rc = invalid3(err, "Found rule with duplicate name '", name, "'");
            else if ((rc = check_rule(rule, li, err)) == CN_OK && name)
                json_object_set_new(names, name, json_true());
        }
    }
    json_decref(names);
    return rc;
}

/* ---- GET /subjects/{s}/metadata ---- */

static bool properties_match(const reg_schema_t *sch, const json_t *want) {
    const json_t *props = json_object_get(sch->metadata, "properties");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)want, k, v) {
        if (!json_equal(json_object_get(props, k), v))
            return false;
    }
    return true;
}

reg_version_t *reg_subject_latest_with_metadata(const reg_subject_t *s, const json_t *want,
                                                bool deleted) {
    for (size_t i = s ? s->n : 0; i > 0; i--) {
        reg_version_t *v = s->v[i - 1];
        if ((deleted || !v->deleted) && properties_match(v->schema, want))
            return v;
    }
    return NULL;
}

/* ---- compatibilityGroup ---- */

static const json_t *group_value(const json_t *metadata, const char *group) {
    return json_object_get(json_object_get(metadata, "properties"), group);
}

static bool same_value(const json_t *a, const json_t *b) {
    return (!a && !b) || (a && b && json_equal((json_t *)a, (json_t *)b));
}

size_t reg_group_history(const reg_subject_t *s, const char *group, const json_t *metadata,
                         reg_version_t ***out) {
    const json_t *want = group_value(metadata, group);
    size_t n = 0;
    *out = s && s->n ? calloc(s->n, sizeof(**out)) : NULL;
    for (size_t i = 0; *out && i < s->n; i++)
        if (!s->v[i]->deleted && same_value(group_value(s->v[i]->schema->metadata, group), want))
            (*out)[n++] = s->v[i];
    return n;
}

/* ---- validateFields: reserved fields ---- */

/* The names in metadata.properties["confluent:reserved"] (comma-separated, trimmed), as the
 * keys of an object; NULL when none (or without memory). */
static json_t *reserved_names(const json_t *metadata) {
    const char *s = json_string_value(group_value(metadata, "confluent:reserved"));
    json_t *set = s ? json_object() : NULL;
    while (set && *s) {
        const char *end = strchr(s, ','), *a = s, *b;
        b = end ? end : s + strlen(s);
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a)
            json_object_setn_new_nocheck(set, a, (size_t)(b - a), json_true());
        s = end ? end + 1 : s + strlen(s);
    }
    return set;
}

size_t reg_reserved_check(const reg_subject_t *s, const reg_lang_ops_t *lang,
                          const compat_schema_t *parsed, const json_t *metadata, json_t *msgs) {
    reg_version_t *prev = reg_subject_latest(s, false);
    json_t *now = reserved_names(metadata),
           *old = prev ? reserved_names(prev->schema->metadata) : NULL;
    json_t *v;
    size_t before = json_array_size(msgs);
    const char *k;
    char msg[512];
    json_object_foreach(old, k, v) {
        if (!json_object_get(now, k)) {
            snprintf(msg, sizeof(msg),
                     "The new schema has reserved field %.300s removed from its metadata which is "
                     "present in the old schema's metadata.",
                     k);
            json_array_append_new(msgs, json_string(msg));
        }
    }
    json_object_foreach(now, k, v) {
        if (lang->has_field && lang->has_field(parsed, k)) {
            snprintf(msg, sizeof(msg),
                     "The new schema has field that conflicts with the reserved field %.300s.", k);
            json_array_append_new(msgs, json_string(msg));
        }
    }
    json_decref(now);
    json_decref(old);
    return json_array_size(msgs) - before;
}
