#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `cairn validate` (exit 0 valid, 100 invalid, 2 schema error, 1 usage or unreadable file; the
# JSON pointer of the first failure; --reference, --draft, --format-assert) and `cairn check
# --type json` offline (Confluent's JSON Schema rules and message).
set -uo pipefail
cd "$(dirname "$0")/../.."
CAIRN="${CAIRN_BUILD:-build}/bin/cairn"
[ -x "$CAIRN" ] || { echo "no $CAIRN"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cairn-validate.XXXXXX")
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

cat >"$T/order.json" <<'J'
{"type":"object","required":["id","lines"],
 "properties":{"id":{"type":"string","pattern":"^o-[0-9]+$"},
   "lines":{"type":"array","items":{"$ref":"line.json"}},
   "placed":{"type":"string","format":"date-time"}}}
J
cat >"$T/line.json" <<'J'
{"type":"object","properties":{"sku":{"type":"string"},"qty":{"type":"integer","minimum":1}},
 "required":["sku","qty"]}
J
echo '{"id":"o-1","lines":[{"sku":"a","qty":2}],"placed":"2026-12-05T10:00:00Z"}' >"$T/good.json"
echo '{"id":"o-2","lines":[{"sku":"a","qty":2},{"sku":"b","qty":0}]}' >"$T/bad.json"
echo '{"id":"o-3","lines":[],"placed":"yesterday"}' >"$T/date.json"
echo '{"id":' >"$T/broken.json"

expect 0 "valid document" -- "$CAIRN" validate --schema "$T/order.json" --reference line.json="$T/line.json" "$T/good.json"
contains out "good.json: valid" "valid line"
expect 100 "invalid document" -- "$CAIRN" validate --schema "$T/order.json" --reference line.json="$T/line.json" "$T/good.json" "$T/bad.json"
contains out "bad.json: invalid: /lines/1/qty: 0 is below minimum 1" "JSON pointer of the failure"
contains out "good.json: valid" "every document is checked"
expect 0 "format is an annotation by default" -- "$CAIRN" validate --schema "$T/order.json" --reference line.json="$T/line.json" "$T/date.json"
expect 100 "--format-assert" -- "$CAIRN" validate --format-assert --schema "$T/order.json" --reference line.json="$T/line.json" "$T/date.json"
contains out "/placed: value is not a valid date-time" "format message"
printf '%s\n' '{"sku":"a","qty":1}' '' '{"sku":"b","qty":0}' '{"sku":' >"$T/lines.jsonl"
expect 100 "--lines: one document per line" -- "$CAIRN" validate --lines --schema "$T/line.json" "$T/lines.jsonl"
contains out "lines.jsonl:1: valid" "--lines: first line valid"
contains out "lines.jsonl:3: invalid: /qty: 0 is below minimum 1" "--lines: FILE:LINE and pointer"
contains out "lines.jsonl:4: invalid: not JSON" "--lines: a broken line"
expect 100 "a document that is not JSON" -- "$CAIRN" validate --schema "$T/line.json" "$T/broken.json"
expect 2 "unresolved reference is a schema error" -- "$CAIRN" validate --schema "$T/order.json" "$T/good.json"
contains err "does not resolve" "schema error message"
expect 2 "schema not JSON" -- "$CAIRN" validate --schema "$T/broken.json" "$T/good.json"
expect 1 "missing document file" -- "$CAIRN" validate --schema "$T/line.json" "$T/nope.json"
expect 1 "no --schema" -- "$CAIRN" validate "$T/good.json"
expect 1 "bad --draft" -- "$CAIRN" validate --draft 5 --schema "$T/line.json" "$T/good.json"
echo '{"type":"number","maximum":5,"exclusiveMaximum":true}' >"$T/d4.json"
echo '5' >"$T/five.json"
expect 100 "--draft 4 reads the boolean exclusiveMaximum" -- "$CAIRN" validate --draft 4 --schema "$T/d4.json" "$T/five.json"
expect 0 "draft 7 ignores it" -- "$CAIRN" validate --schema "$T/d4.json" "$T/five.json"

# cairn check --type json, offline
echo '{"type":"object","properties":{"a":{"type":"string","maxLength":10}}}' >"$T/s1.json"
echo '{"type":"object","properties":{"a":{"type":"string","maxLength":5}}}' >"$T/s2.json"
expect 100 "check --type json: narrowing is not backward compatible" -- "$CAIRN" check --offline --type json --against "$T/s1.json" "$T/s2.json"
contains out "MAX_LENGTH_DECREASED at #/properties/a/maxLength" "check names the difference"
expect 0 "check --type json FORWARD" -- "$CAIRN" check --offline --type JSON --level FORWARD --against "$T/s1.json" "$T/s2.json"
expect 2 "check --type json: invalid schema" -- "$CAIRN" check --offline --type json --against "$T/s1.json" "$T/broken.json"

# references between JSON schema files, offline
echo '{"type":"object","properties":{"home":{"$ref":"line.json"}}}' >"$T/r1.json"
echo '{"type":"object","properties":{"home":{"$ref":"line.json#/properties/sku"}}}' >"$T/r2.json"
expect 100 "check --type json with --reference-file" -- "$CAIRN" check --offline --type json --reference-file line.json="$T/line.json" --against "$T/r1.json" "$T/r2.json"
contains out "TYPE_CHANGED at #/properties/home" "a change through a referenced file"
expect 2 "check --type json without the referenced file" -- "$CAIRN" check --offline --type json --against "$T/r1.json" "$T/r2.json"

[ "$fails" -eq 0 ] && echo "test_cairn_validate: all passed" || echo "test_cairn_validate: $fails failed"
[ "$fails" -eq 0 ]
