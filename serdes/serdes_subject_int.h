/* SPDX-License-Identifier: Apache-2.0
 *
 * Internal: subject name strategies (the "Subject name strategy" section of
 * docs.confluent.io/platform/current/schema-registry/fundamentals/serdes-develop/index.html):
 * TopicNameStrategy (<topic>-key|value), RecordNameStrategy (<record full name>),
 * TopicRecordNameStrategy (<topic>-<record full name>) and the caller's callback.
 */
#ifndef SERDES_SUBJECT_INT_H
#define SERDES_SUBJECT_INT_H

#include "serdes/serdes_conf_int.h"
#include "serdes/serdes_http_int.h"

/** @brief Write the subject for topic and role into out. record_name may be NULL (schema not
 *  named), which fails the record strategies. */
cn_err_t serdes_subject(const serdes_settings_t *s, cairn_role_t role, const char *topic,
                        const char *record_name, char *out, size_t cap, serdes_err_t *err);

#endif
