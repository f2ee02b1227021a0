#!/usr/bin/env bash
# One cairnd, both faces (issue 5): schemas registered over REST are records of the ordinary
# topic _schemas that kcat reads in Confluent's exact key/value format, and a SCHEMA record that
# another writer produces to _schemas over Kafka is picked up by the registry.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${CAIRN_BUILD:-build}
CAIRND=$B/bin/cairnd
[ -x "$CAIRND" ] || { echo "skipped: $CAIRND not built"; exit 77; }
command -v kcat >/dev/null || { echo "skipped: kcat missing"; exit 77; }

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HP=$(free_port); KP=$(free_port)
DIR=$(mktemp -d /tmp/cairn-kcat-XXXXXX)
"$CAIRND" --data-dir "$DIR/data" --http 127.0.0.1:$HP --kafka 127.0.0.1:$KP > "$DIR/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT
fails=0 checks=0
check() { checks=$((checks+1)); if eval "$2"; then :; else fails=$((fails+1)); echo "FAIL $1"; fi; }
URL=http://127.0.0.1:$HP
CT='Content-Type: application/vnd.schemaregistry.v1+json'
for _ in $(seq 200); do curl -sf $URL/status/ready >/dev/null && break; sleep 0.05; done

curl -s -H "$CT" -X POST $URL/subjects/orders-value/versions \
  -d '{"schema":"{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}"}' > "$DIR/r1"
curl -s -H "$CT" -X PUT $URL/config/orders-value -d '{"compatibility":"FULL"}' > /dev/null
check "registered" 'grep -q "\"id\":1" "$DIR/r1"'

kcat -b 127.0.0.1:$KP -C -t _schemas -e -q -f '%k\t%s\n' > "$DIR/topic" 2>"$DIR/kcat.err"
check "kcat reads _schemas" '[ -s "$DIR/topic" ]'
check "SCHEMA key in Confluent's byte order" \
  'grep -qF "{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":1,\"magic\":1}" "$DIR/topic"'
check "SCHEMA value carries the id and the schema, no schemaType for AVRO" \
  'grep -F "\"keytype\":\"SCHEMA\"" "$DIR/topic" | grep -q "\"id\":1,\"schema\":" && ! grep -q schemaType "$DIR/topic"'
check "CONFIG record" \
  'grep -qF "{\"keytype\":\"CONFIG\",\"subject\":\"orders-value\",\"magic\":0}" "$DIR/topic" && grep -q "\"compatibilityLevel\":\"FULL\"" "$DIR/topic"'

# Another writer (say a second registry) appends a SCHEMA record over Kafka.
printf '%s\t%s\n' '{"keytype":"SCHEMA","subject":"ext-value","version":1,"magic":1}' \
  '{"subject":"ext-value","version":1,"id":77,"schema":"\"string\"","deleted":false}' |
  kcat -b 127.0.0.1:$KP -P -t _schemas -K $'\t' -p 0 2>>"$DIR/kcat.err"
got=""
for _ in $(seq 100); do
  got=$(curl -s $URL/schemas/ids/77)
  case "$got" in *string*) break ;; esac
  sleep 0.05
done
# Confluent 8.x's guid: the MD5 of the schema text (no references, metadata or ruleSet) as a UUID
guid_of() { printf '%s' "$1" | md5sum | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/'; }
S_GUID=$(guid_of '"string"')
check "the registry follows records appended over Kafka" \
  '[ "$got" = "{\"guid\":\"$S_GUID\",\"schemaType\":\"AVRO\",\"schema\":\"\\\"string\\\"\"}" ]'
check "ids continue after the external one" \
  'curl -s -H "$CT" -X POST $URL/subjects/next/versions -d "{\"schema\":\"\\\"bytes\\\"\"}" | grep -q "^{\"version\":1,\"id\":78,"'

# Protobuf: the SCHEMA record Confluent writes (schemaType, references before the schema).
curl -s -H "$CT" -X POST $URL/subjects/money.proto/versions \
  -d '{"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\npackage m;\nmessage Money { int64 units = 1; }\n"}' > /dev/null
curl -s -H "$CT" -X POST $URL/subjects/pay-value/versions \
  -d '{"schemaType":"PROTOBUF","references":[{"name":"money.proto","subject":"money.proto","version":1}],"schema":"syntax = \"proto3\";\nimport \"money.proto\";\nmessage Pay { m.Money amount = 1; }\n"}' > "$DIR/r2"
check "protobuf registered" 'grep -q "\"id\":80" "$DIR/r2"'
kcat -b 127.0.0.1:$KP -C -t _schemas -e -q -f '%k\t%s\n' > "$DIR/topic2" 2>>"$DIR/kcat.err"
check "PROTOBUF SCHEMA value as Confluent writes it" \
  'grep -qF "{\"subject\":\"pay-value\",\"version\":1,\"id\":80,\"schemaType\":\"PROTOBUF\",\"references\":[{\"name\":\"money.proto\",\"subject\":\"money.proto\",\"version\":1}],\"schema\":\"syntax = \\\"proto3\\\";\\n\\nimport \\\"money.proto\\\";\\n\\nmessage Pay {\\n  m.Money amount = 1;\\n}\\n\",\"deleted\":false}" "$DIR/topic2"'
# and a PROTOBUF record appended over Kafka is served
printf '%s\t%s\n' '{"keytype":"SCHEMA","subject":"extpb-value","version":1,"magic":1}' \
  '{"subject":"extpb-value","version":1,"id":90,"schemaType":"PROTOBUF","schema":"syntax = \"proto3\";\nmessage E {\n  string s = 1;\n}\n","deleted":false}' |
  kcat -b 127.0.0.1:$KP -P -t _schemas -K $'\t' -p 0 2>>"$DIR/kcat.err"
got=""
for _ in $(seq 100); do
  got=$(curl -s $URL/schemas/ids/90)
  case "$got" in *PROTOBUF*) break ;; esac
  sleep 0.05
done
E_GUID=$(guid_of $'syntax = "proto3";\nmessage E {\n  string s = 1;\n}\n')
check "a PROTOBUF record appended over Kafka" \
  '[ "$got" = "{\"guid\":\"$E_GUID\",\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\\nmessage E {\\n  string s = 1;\\n}\\n\"}" ]'

echo "test_cairnd_kcat: $((checks - fails)) checks passed, $fails failed"
[ $fails -eq 0 ]
