/* SPDX-License-Identifier: Apache-2.0
 *
 * `buf breaking`'s file-level rules (https://buf.build/docs/breaking/rules/): the package and
 * syntax, the FILE_SAME_<OPTION> rules of the file options, services deleted and their RPCs
 * (deleted, request and response types, streaming, idempotency level), and file-level
 * extensions deleted. Services are matched by name within the same package, as buf does. Pure.
 */
#include <stdio.h>
#include <string.h>

#include "compat/protobuf/pb_buf_int.h"

/* FILE_SAME_<ID>: the file options compared, with the value an absent option has. */
static const struct {
    const char *option, *rule, *absent;
} file_opts[] = {
    {"cc_enable_arenas", "FILE_SAME_CC_ENABLE_ARENAS", "true"},
    {"cc_generic_services", "FILE_SAME_CC_GENERIC_SERVICES", "false"},
    {"csharp_namespace", "FILE_SAME_CSHARP_NAMESPACE", ""},
    {"go_package", "FILE_SAME_GO_PACKAGE", ""},
    {"java_generic_services", "FILE_SAME_JAVA_GENERIC_SERVICES", "false"},
    {"java_multiple_files", "FILE_SAME_JAVA_MULTIPLE_FILES", "false"},
    {"java_outer_classname", "FILE_SAME_JAVA_OUTER_CLASSNAME", ""},
    {"java_package", "FILE_SAME_JAVA_PACKAGE", ""},
    {"objc_class_prefix", "FILE_SAME_OBJC_CLASS_PREFIX", ""},
    {"optimize_for", "FILE_SAME_OPTIMIZE_FOR", "SPEED"},
    {"php_class_prefix", "FILE_SAME_PHP_CLASS_PREFIX", ""},
    {"php_metadata_namespace", "FILE_SAME_PHP_METADATA_NAMESPACE", ""},
    {"php_namespace", "FILE_SAME_PHP_NAMESPACE", ""},
    {"py_generic_services", "FILE_SAME_PY_GENERIC_SERVICES", "false"},
    {"ruby_package", "FILE_SAME_RUBY_PACKAGE", ""},
    {"swift_prefix", "FILE_SAME_SWIFT_PREFIX", ""},
};

static const char *syntax_of(const pb_file_t *f) {
    return f->edition ? "editions" : f->syntax ? f->syntax : "proto2";
}

/* ---- services ---- */

static const pb_rpc_t *rpc_find(const pb_service_t *s, const char *name) {
    for (size_t i = 0; i < s->nrpcs; i++)
        if (strcmp(s->rpcs[i].name, name) == 0)
            return &s->rpcs[i];
    return NULL;
}

static void rpc_rules(pb_bctx_t *c, const pb_service_t *s, const pb_rpc_t *o, const pb_rpc_t *n) {
    static const char *const stream[2][2] = {{"client unary", "client streaming"},
                                             {"server unary", "server streaming"}};
    if (strcmp(o->req, n->req) != 0)
        pb_buf_add(c, "RPC_SAME_REQUEST_TYPE", n->line, n->col,
                   "RPC \"%s\" on service \"%s\" changed request type from \"%s\" to \"%s\".",
                   n->name, s->name, o->req, n->req);
    if (strcmp(o->resp, n->resp) != 0)
        pb_buf_add(c, "RPC_SAME_RESPONSE_TYPE", n->line, n->col,
                   "RPC \"%s\" on service \"%s\" changed response type from \"%s\" to \"%s\".",
                   n->name, s->name, o->resp, n->resp);
    if (o->req_stream != n->req_stream)
        pb_buf_add(c, "RPC_SAME_CLIENT_STREAMING", n->line, n->col,
                   "RPC \"%s\" on service \"%s\" changed from %s to %s.", n->name, s->name,
                   stream[0][o->req_stream], stream[0][n->req_stream]);
    if (o->resp_stream != n->resp_stream)
        pb_buf_add(c, "RPC_SAME_SERVER_STREAMING", n->line, n->col,
                   "RPC \"%s\" on service \"%s\" changed from %s to %s.", n->name, s->name,
                   stream[1][o->resp_stream], stream[1][n->resp_stream]);
    const char *oi = pb_buf_opt(&o->opts, "idempotency_level", "IDEMPOTENCY_UNKNOWN");
    const char *ni = pb_buf_opt(&n->opts, "idempotency_level", "IDEMPOTENCY_UNKNOWN");
    if (strcmp(oi, ni) != 0)
        pb_buf_add(c, "RPC_SAME_IDEMPOTENCY_LEVEL", n->line, n->col,
                   "RPC \"%s\" on service \"%s\" changed option \"idempotency_level\" from \"%s\" "
                   "to \"%s\".",
                   n->name, s->name, oi, ni);
}

static void service_rules(pb_bctx_t *c) {
    const pb_file_t *of = c->prev, *nf = c->cur;
    for (size_t i = 0; i < of->nservices; i++) {
        const pb_service_t *o = &of->services[i], *n = NULL;
        for (size_t k = 0; pb_buf_same_package(of, nf) && k < nf->nservices && !n; k++)
            if (strcmp(nf->services[k].name, o->name) == 0)
                n = &nf->services[k];
        if (!n) {
            pb_buf_add(c, "SERVICE_NO_DELETE", 0, 0,
                       "Previously present service \"%s\" was deleted from file.", o->name);
            if (pb_buf_same_package(of, nf))
                pb_buf_add(c, "PACKAGE_SERVICE_NO_DELETE", 0, 0,
                           "Previously present service \"%s\" was deleted from package \"%s\".",
                           o->name, nf->package ? nf->package : "");
            continue;
        }
        for (size_t k = 0; k < o->nrpcs; k++) {
            const pb_rpc_t *r = rpc_find(n, o->rpcs[k].name);
            if (r)
                rpc_rules(c, n, &o->rpcs[k], r);
            else
                pb_buf_add(c, "RPC_NO_DELETE", n->nrpcs ? n->rpcs[0].line : 0, 0,
                           "Previously present RPC \"%s\" on service \"%s\" was deleted.",
                           o->rpcs[k].name, n->name);
        }
    }
}

/* ---- extensions (extend blocks at file level) ---- */

static bool ext_present(const pb_file_t *f, const char *name) {
    for (size_t i = 0; i < f->nextends; i++)
        for (size_t k = 0; k < f->extends[i].nfields; k++)
            if (strcmp(f->extends[i].fields[k]->name, name) == 0)
                return true;
    return false;
}

static void extension_rules(pb_bctx_t *c) {
    for (size_t i = 0; i < c->prev->nextends; i++)
        for (size_t k = 0; k < c->prev->extends[i].nfields; k++) {
            const char *name = c->prev->extends[i].fields[k]->name;
            if (pb_buf_same_package(c->prev, c->cur) && ext_present(c->cur, name))
                continue;
            pb_buf_add(c, "EXTENSION_NO_DELETE", 0, 0,
                       "Previously present extension \"%s\" was deleted from file.", name);
            if (pb_buf_same_package(c->prev, c->cur))
                pb_buf_add(c, "PACKAGE_EXTENSION_NO_DELETE", 0, 0,
                           "Previously present extension \"%s\" was deleted from package \"%s\".",
                           name, c->cur->package ? c->cur->package : "");
        }
}

/* ---- the file ---- */

static void file_rules(pb_bctx_t *c) {
    const pb_file_t *o = c->prev, *n = c->cur;
    if (!pb_buf_same_package(o, n)) {
        pb_buf_add(c, "FILE_SAME_PACKAGE", 0, 0, "File package changed from \"%s\" to \"%s\".",
                   o->package ? o->package : "", n->package ? n->package : "");
        pb_buf_add(c, "PACKAGE_NO_DELETE", 0, 0, "Previously present package \"%s\" was deleted.",
                   o->package ? o->package : "");
    }
    if (strcmp(syntax_of(o), syntax_of(n)) != 0)
        pb_buf_add(c, "FILE_SAME_SYNTAX", 0, 0, "File syntax changed from \"%s\" to \"%s\".",
                   syntax_of(o), syntax_of(n));
    for (size_t i = 0; i < sizeof(file_opts) / sizeof(file_opts[0]); i++) {
        const char *ov = pb_buf_opt(&o->opts, file_opts[i].option, file_opts[i].absent);
        const char *nv = pb_buf_opt(&n->opts, file_opts[i].option, file_opts[i].absent);
        if (strcmp(ov, nv) != 0)
            pb_buf_add(c, file_opts[i].rule, 0, 0,
                       "File option \"%s\" changed from \"%s\" to \"%s\".", file_opts[i].option, ov,
                       nv);
    }
}

void pb_buf_file_rules(pb_bctx_t *c) {
    file_rules(c);
    service_rules(c);
    extension_rules(c);
    pb_buf_extension_fields(c);
}
