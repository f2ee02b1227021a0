#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `cairn check`: exit codes (0 compatible, 100 incompatible, 2 invalid schema, 1 usage), the
# text and JSON formats, history order (oldest first) and the subcommand table's help.
set -uo pipefail
cd "$(dirname "$0")/../.."
CAIRN="${CAIRN_BUILD:-build}/bin/cairn"
[ -x "$CAIRN" ] || { echo "no $CAIRN"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cairn-check.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

expect() { # expect CODE DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  if [ "$rc" -ne "$want" ]; then
    echo "FAIL: $what: exit $rc, want $want"; sed 's/^/  | /' "$T/out" "$T/err"; fails=$((fails + 1))
  else
    echo "ok: $what"
  fi
}
contains() { # contains FILE TEXT DESCRIPTION
  if grep -qF -- "$2" "$T/$1"; then echo "ok: $3"; else
    echo "FAIL: $3: '$2' not in $1"; sed 's/^/  | /' "$T/$1"; fails=$((fails + 1)); fi
}

cat >"$T/v1.avsc" <<'J'
{"type":"record","name":"User","namespace":"com.ex","fields":[{"name":"id","type":"int"}]}
J
cat >"$T/v2.avsc" <<'J'
{"type":"record","name":"User","namespace":"com.ex",
 "fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}
J
cat >"$T/v3_bad.avsc" <<'J'
{"type":"record","name":"User","namespace":"com.ex",
 "fields":[{"name":"id","type":"long"},{"name":"age","type":"int"}]}
J
cat >"$T/v3_needs_v2.avsc" <<'J'
{"type":"record","name":"User","namespace":"com.ex",
 "fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"]}]}
J
echo '{"type":"record","name":"User","fields":[{"name":"id"}]}' >"$T/invalid.avsc"
echo '{"type":' >"$T/notjson.avsc"

expect 0 "cairn --help" -- "$CAIRN" --help
contains out "check" "--help lists the check command"
expect 1 "cairn without a command" -- "$CAIRN"
expect 1 "unknown command" -- "$CAIRN" frobnicate
expect 0 "cairn check --help" -- "$CAIRN" check --help
contains out "usage: cairn check" "check --help prints its usage"

expect 0 "compatible (BACKWARD)" -- "$CAIRN" check --type avro --level BACKWARD --against "$T/v1.avsc" "$T/v2.avsc"
contains out "compatible" "text says compatible"
expect 100 "incompatible (BACKWARD)" -- "$CAIRN" check --type AVRO --level backward --against "$T/v2.avsc" "$T/v3_bad.avsc"
contains out "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1" "text names the type and path"
contains out "version 1 (" "text names the version"
expect 100 "FORWARD widening is incompatible" -- "$CAIRN" check --level FORWARD --against "$T/v1.avsc" "$T/v2.avsc"
expect 0 "NONE accepts anything" -- "$CAIRN" check --level NONE --against "$T/v2.avsc" "$T/v3_bad.avsc"
expect 0 "default level is BACKWARD" -- "$CAIRN" check --against "$T/v1.avsc" "$T/v2.avsc"

# history oldest first: v3_needs_v2 reads v2 but not v1
expect 0 "BACKWARD checks only the latest" -- "$CAIRN" check --level BACKWARD --against "$T/v1.avsc" --against "$T/v2.avsc" "$T/v3_needs_v2.avsc"
expect 100 "BACKWARD_TRANSITIVE checks all" -- "$CAIRN" check --level BACKWARD_TRANSITIVE --against "$T/v1.avsc" --against "$T/v2.avsc" "$T/v3_needs_v2.avsc"
contains out "version 1 (" "transitive failure names version 1"
expect 0 "history order matters" -- "$CAIRN" check --level BACKWARD --against "$T/v2.avsc" --against "$T/v2.avsc" "$T/v3_needs_v2.avsc"

expect 100 "json format" -- "$CAIRN" check --format json --against "$T/v2.avsc" "$T/v3_bad.avsc"
if /usr/bin/python3 - "$T/out" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["messages"]
assert d["is_compatible"] is False, d
assert m[0].startswith("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'"), m[0]
assert m[1] == "{oldSchemaVersion: 1}", m[1]
assert m[2].startswith("{oldSchema: '{\"type\":\"record\",\"name\":\"User\""), m[2]
assert m[-1] == "{validateFields: 'false', compatibility: 'BACKWARD'}", m[-1]
P
then echo "ok: json message list"; else echo "FAIL: json message list"; fails=$((fails + 1)); fi
expect 0 "json compatible" -- "$CAIRN" check --format json --against "$T/v1.avsc" "$T/v2.avsc"
contains out '{"is_compatible":true,"messages":[]}' "json compatible body"

expect 2 "new schema does not parse" -- "$CAIRN" check --against "$T/v1.avsc" "$T/invalid.avsc"
contains err "No field type at /fields/0" "parse error printed with its path"
expect 2 "old schema does not parse" -- "$CAIRN" check --against "$T/notjson.avsc" "$T/v1.avsc"
contains err "Invalid JSON" "JSON error printed"

expect 1 "no new schema" -- "$CAIRN" check --against "$T/v1.avsc"
expect 1 "two new schemas" -- "$CAIRN" check "$T/v1.avsc" "$T/v2.avsc"
expect 1 "unknown level" -- "$CAIRN" check --level SIDEWAYS --against "$T/v1.avsc" "$T/v2.avsc"
expect 1 "unknown format" -- "$CAIRN" check --format yaml --against "$T/v1.avsc" "$T/v2.avsc"
expect 1 "unknown option" -- "$CAIRN" check --frob --against "$T/v1.avsc" "$T/v2.avsc"
expect 1 "missing option argument" -- "$CAIRN" check --against
expect 1 "unsupported type" -- "$CAIRN" check --type protobuf --against "$T/v1.avsc" "$T/v2.avsc"
expect 1 "missing file" -- "$CAIRN" check --against "$T/nope.avsc" "$T/v2.avsc"
expect 0 "no previous versions" -- "$CAIRN" check --level FULL_TRANSITIVE "$T/v2.avsc"

[ "$fails" -eq 0 ] && echo "cairn check: all passed" || echo "cairn check: $fails failed"
[ "$fails" -eq 0 ]
