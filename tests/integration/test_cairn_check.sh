#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `cairn check`: exit codes (0 compatible, 100 incompatible, 2 invalid schema, 1 usage), the
# text and JSON formats, history order (oldest first), Protobuf with imports, --rules (buf's
# categories, locations in text, json and github) and the subcommand table's help.
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
contains out '"is_compatible":true' "json compatible body"
contains out '"messages":[]' "json compatible: no messages"

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
expect 1 "unknown type" -- "$CAIRN" check --type xml --against "$T/v1.avsc" "$T/v2.avsc"
expect 2 "an Avro file read as JSON Schema" -- "$CAIRN" check --type json --against "$T/v1.avsc" "$T/v2.avsc"
expect 1 "missing file" -- "$CAIRN" check --against "$T/nope.avsc" "$T/v2.avsc"
expect 0 "no previous versions" -- "$CAIRN" check --level FULL_TRANSITIVE "$T/v2.avsc"

# Protobuf offline: imports found with -I as protoc does (transitively), cycles refused
mkdir -p "$T/inc/common" "$T/inc/base"
printf 'syntax = "proto3";\npackage base;\nmessage Unit { string code = 1; }\n' >"$T/inc/base/unit.proto"
printf 'syntax = "proto3";\npackage common;\nimport "base/unit.proto";\nmessage Money { int64 units = 1; base.Unit unit = 2; }\n' \
  >"$T/inc/common/money.proto"
cat >"$T/o1.proto" <<'P'
syntax = "proto3";
package shop;
import "common/money.proto";
import "google/protobuf/timestamp.proto";
message Order { string id = 1; common.Money total = 2; google.protobuf.Timestamp at = 3; }
P
sed 's/string id = 1/int64 id = 1/' "$T/o1.proto" >"$T/o2_bad.proto"
sed 's/google.protobuf.Timestamp at = 3;/google.protobuf.Timestamp at = 3; string note = 4;/' \
  "$T/o1.proto" >"$T/o2.proto"
expect 0 "protobuf: field added" -- "$CAIRN" check --type protobuf -I "$T/inc" --against "$T/o1.proto" "$T/o2.proto"
expect 100 "protobuf: scalar kind changed" -- "$CAIRN" check --type PROTOBUF --proto-path "$T/inc" \
  --against "$T/o1.proto" "$T/o2_bad.proto"
contains out "FIELD_SCALAR_KIND_CHANGED at #/Order/1" "protobuf: rule and path reported"
expect 100 "protobuf: FORWARD sees the added field's message as missing nothing, but the kind" -- \
  "$CAIRN" check --type protobuf -I "$T/inc" --level FORWARD --against "$T/o1.proto" "$T/o2_bad.proto"
expect 1 "protobuf: import not found" -- "$CAIRN" check --type protobuf -I "$T" --against "$T/o1.proto" "$T/o2.proto"
contains err 'import "common/money.proto" not found' "protobuf: missing import named"
printf 'syntax = "proto3";\npackage c;\nimport "cyc/b.proto";\nmessage A { int32 x = 1; }\n' >"$T/inc/cyc_a.proto"
mkdir -p "$T/inc/cyc"
printf 'syntax = "proto3";\npackage c;\nimport "cyc_a.proto";\nmessage B { int32 y = 1; }\n' >"$T/inc/cyc/b.proto"
printf 'syntax = "proto3";\nimport "cyc_a.proto";\nmessage M { c.A a = 1; }\n' >"$T/cyc.proto"
expect 2 "protobuf: import cycle" -- "$CAIRN" check --type protobuf -I "$T/inc" --against "$T/cyc.proto" "$T/cyc.proto"
contains err "import cycle" "protobuf: cycle named"
cat >"$T/pb_manifest.json" <<J
{"protoPaths": ["inc"], "subjects": [
  {"subject": "orders-value", "type": "PROTOBUF", "file": "o2_bad.proto", "against": ["o1.proto"]}]}
J
expect 100 "protobuf: manifest with protoPaths" -- "$CAIRN" check --manifest "$T/pb_manifest.json"
contains out "FIELD_SCALAR_KIND_CHANGED" "protobuf: manifest reports the rule"
printf 'syntax = "proto3";\nmessage M {\n  B b = 1;\n}\n' >"$T/broken.proto"
expect 2 "protobuf: unresolved type" -- "$CAIRN" check --type protobuf "$T/broken.proto"
contains err "line 3:3: type B is not defined" "protobuf: error with line and column"

# --rules: buf breaking's categories instead of Confluent's diff
expect 100 "rules wire: string -> int64 breaks the wire" -- "$CAIRN" check --type protobuf -I "$T/inc" \
  --rules wire --against "$T/o1.proto" "$T/o2_bad.proto"
contains out "FIELD_WIRE_COMPATIBLE_TYPE at $T/o2_bad.proto:5:17" "rules wire: rule and location"
expect 0 "rules wire: a field added" -- "$CAIRN" check --type protobuf -I "$T/inc" --rules WIRE \
  --against "$T/o1.proto" "$T/o2.proto"
printf 'syntax = "proto3";\nmessage A { int32 x = 1; }\nmessage Gone { int32 y = 1; }\n' >"$T/r1.proto"
printf 'syntax = "proto3";\nmessage A { int32 x = 1; }\n' >"$T/r2.proto"
expect 100 "confluent: a removed message is incompatible" -- "$CAIRN" check --type protobuf \
  --against "$T/r1.proto" "$T/r2.proto"
expect 0 "rules wire-json: a removed message keeps the wire" -- "$CAIRN" check --type protobuf \
  --rules wire-json --against "$T/r1.proto" "$T/r2.proto"
expect 100 "rules file: a removed message breaks generated code" -- "$CAIRN" check --type protobuf \
  --rules file --format github --against "$T/r1.proto" "$T/r2.proto"
contains out "::error file=$T/r2.proto,line=1,col=1,title=MESSAGE_NO_DELETE::" "rules: github annotation with line"
expect 100 "rules file: junit" -- "$CAIRN" check --type protobuf --rules file --format junit \
  --against "$T/r1.proto" "$T/r2.proto"
contains out "name=\"MESSAGE_NO_DELETE version 1 $T/r2.proto:1:1\" file=\"$T/r2.proto\" line=\"1\"" \
  "rules: junit testcase with location"
expect 100 "rules wire FORWARD: the old file deletes the new field" -- "$CAIRN" check --type protobuf \
  -I "$T/inc" --rules wire --level FORWARD --format json --against "$T/o1.proto" "$T/o2.proto"
contains out '"rule":"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"' "rules forward: deletion found"
contains out "\"location\":{\"file\":\"$T/o1.proto\",\"line\":5" "rules forward: located in the old file"
printf '{"subjects": [{"subject": "x", "file": "r2.proto", "type": "PROTOBUF", "rules": "csr"}]}' >"$T/bad_rules.json"
cat >"$T/rules_manifest.json" <<J
{"subjects": [
  {"subject": "r-wire", "type": "PROTOBUF", "file": "r2.proto", "against": "r1.proto", "rules": "wire"},
  {"subject": "r-confluent", "type": "PROTOBUF", "file": "r2.proto", "against": "r1.proto"}]}
J
expect 100 "rules: per subject in a manifest" -- "$CAIRN" check --manifest "$T/rules_manifest.json"
contains out "r-wire ($T/r2.proto): compatible (BACKWARD WIRE" "rules: the manifest's rules apply to its subject"
contains out "r-confluent ($T/r2.proto): incompatible (BACKWARD)" "rules: other subjects keep Confluent's check"
expect 1 "rules: an unknown category in a manifest" -- "$CAIRN" check --manifest "$T/bad_rules.json"
expect 2 "rules: a schema that does not parse" -- "$CAIRN" check --type protobuf --rules wire \
  --against "$T/r1.proto" "$T/broken.proto"
expect 1 "rules: needs --type protobuf" -- "$CAIRN" check --rules wire --against "$T/r1.proto" "$T/r2.proto"
expect 1 "rules: unknown category" -- "$CAIRN" check --type protobuf --rules csr --against "$T/r1.proto" "$T/r2.proto"

[ "$fails" -eq 0 ] && echo "cairn check: all passed" || echo "cairn check: $fails failed"
[ "$fails" -eq 0 ]
