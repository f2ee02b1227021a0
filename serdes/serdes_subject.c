/* SPDX-License-Identifier: Apache-2.0
 *
 * Subject name strategies for serializers (serdes_subject_int.h). Owns nothing.
 */
#include "serdes/serdes_subject_int.h"

#include <stdio.h>
#include <string.h>

static cn_err_t serdes_subject_fit(int n, size_t cap, serdes_err_t *err) {
    if (n < 0 || (size_t)n >= cap)
        return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT, "subject longer than %zu bytes",
                              cap - 1);
    return CN_OK;
}

cn_err_t serdes_subject(const serdes_settings_t *s, cairn_role_t role, const char *topic,
                        const char *record_name, char *out, size_t cap, serdes_err_t *err) {
    const char *suffix = role == CAIRN_ROLE_KEY ? "key" : "value";
    serdes_strategy_t st = s->strategy[role];
    if ((st == SERDES_STRATEGY_TOPIC || st == SERDES_STRATEGY_TOPIC_RECORD) && (!topic || !*topic))
        return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT, "a topic is required for the %s",
                              st == SERDES_STRATEGY_TOPIC ? "TopicNameStrategy"
                                                          : "TopicRecordNameStrategy");
    if ((st == SERDES_STRATEGY_RECORD || st == SERDES_STRATEGY_TOPIC_RECORD) && !record_name)
        return serdes_err_set(
            err, CN_ERR_INVALID_ARGUMENT, "the %s needs a named schema (record, enum or fixed)",
            st == SERDES_STRATEGY_RECORD ? "RecordNameStrategy" : "TopicRecordNameStrategy");
    switch (st) {
    case SERDES_STRATEGY_TOPIC:
        return serdes_subject_fit(snprintf(out, cap, "%s-%s", topic, suffix), cap, err);
    case SERDES_STRATEGY_RECORD:
        return serdes_subject_fit(snprintf(out, cap, "%s", record_name), cap, err);
    case SERDES_STRATEGY_TOPIC_RECORD:
        return serdes_subject_fit(snprintf(out, cap, "%s-%s", topic, record_name), cap, err);
    case SERDES_STRATEGY_CALLBACK:
        if (cap)
            out[0] = '\0';
        if (s->subject_fn[role](s->subject_opaque[role], topic, role, record_name, out, cap) != 0)
            return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT,
                                  "the subject name callback failed for topic %s",
                                  topic ? topic : "(none)");
        if (!memchr(out, '\0', cap) || !*out)
            return serdes_err_set(err, CN_ERR_INVALID_ARGUMENT,
                                  "the subject name callback gave no subject");
        return CN_OK;
    }
    return serdes_err_set(err, CN_ERR_INTERNAL, "unknown strategy");
}
