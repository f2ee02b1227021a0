/* SPDX-License-Identifier: Apache-2.0
 *
 * `cairn produce --type protobuf`: the .proto side of the console producer (cli_produce_proto.c).
 */
#ifndef CLI_PRODUCE_INT_H
#define CLI_PRODUCE_INT_H

#include <cairn/serdes_protobuf.h>

#define CLI_PROTO_MAX_DIRS  16
#define CLI_PROTO_MAX_FILES 64

/** @brief A Protobuf serializer for role from a .proto file; the files it imports are found,
 *  transitively, in the file's own directory then in dirs, as protoc's -I does (well-known
 *  imports are built in). Prints what fails on stderr and returns NULL. */
cairn_serializer_t *cli_proto_serializer(cairn_serdes_t *sd, cairn_role_t role, const char *file,
                                         const char *const *dirs, size_t ndirs, const char *cmd);

#endif
