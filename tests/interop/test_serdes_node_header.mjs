// SPDX-License-Identifier: Apache-2.0
//
// Schema ids in record headers (Confluent 8.x) between libcairn-serdes (its example programs in
// --hex mode, "HEADER PAYLOAD" lines) and @confluentinc/schemaregistry (HeaderSchemaIdSerializer,
// DualSchemaIdDeserializer), a client nobody here wrote, against a real cairnd:
// - Confluent JS with the header serializer -> libcairn-serdes decodes the bare payload by the
//   GUID in __value_schema_id, and the GUID is the one cairnd answers for the schema;
// - libcairn-serdes with value.schema.id.serializer=header -> the same header and payload bytes
//   as Confluent JS's, decoded by Confluent JS's dual deserializer from the header;
// - the dual deserializers of both sides also read the classic payload prefix;
// - the same both ways for JSON Schema (bare JSON text) and Protobuf (the message indexes after
//   the GUID in the header, the bare message as payload), byte-identical.
// Starts $CAIRN_BUILD/bin/cairnd on a free loopback port; exits 77 when it is not built yet.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { require, cairndPath as CAIRND, skip, tempDir, startCairnd, stopCairnd } from './lib.mjs';
import { PRODUCER, CONSUMER, SCHEMA, VALUES, fromAvroJson, toAvroJson, ours } from './serdes_fixture.mjs';

function hexLines(items) {
  return items.map((t) => `${t.header.toString('hex')} ${t.payload.toString('hex')}`).join('\n') + '\n';
}
function parseHexLines(lines) {
  return lines.map((l) => { const [h, p] = l.split(' '); return { header: Buffer.from(h, 'hex'), payload: Buffer.from(p, 'hex') }; });
}
function assertSameBytes(mine, theirs, what) {
  assert.equal(mine.length, theirs.length);
  mine.forEach((m, i) => {
    assert.ok(m.header.equals(theirs[i].header), `${what}: header differs for value ${i}: ${m.header.toString('hex')} vs ${theirs[i].header.toString('hex')}`);
    assert.ok(m.payload.equals(theirs[i].payload), `${what}: payload differs for value ${i}: ${m.payload.toString('hex')} vs ${theirs[i].payload.toString('hex')}`);
  });
}

const JSON_SCHEMA = {
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
  required: ['id'],
};
const JSON_VALUES = [{ id: 1, name: 'first é', tags: ['a', 'b'] }, { id: 4294967296, tags: [] }];

async function jsonChecks(sr, url, tmp) {
  const topic = 'jorders';
  const schemaFile = path.join(tmp, 'order.json');
  writeFileSync(schemaFile, JSON.stringify(JSON_SCHEMA));
  const client = new sr.SchemaRegistryClient({ baseURLs: [url] });
  await client.register(`${topic}-value`, { schemaType: 'JSON', schema: JSON.stringify(JSON_SCHEMA) });
  const ser = new sr.JsonSerializer(client, sr.SerdeType.VALUE,
    { useLatestVersion: true, autoRegisterSchemas: false, validate: true, schemaIdSerializer: sr.HeaderSchemaIdSerializer });
  const des = new sr.JsonDeserializer(client, sr.SerdeType.VALUE, { validate: true });
  const theirs = [];
  for (const v of JSON_VALUES) {
    const headers = {};
    const payload = Buffer.from(await ser.serialize(topic, v, headers));
    theirs.push({ header: Buffer.from(headers[sr.VALUE_SCHEMA_ID_HEADER]), payload });
  }
  const latest = await (await fetch(`${url}/subjects/${topic}-value/versions/latest`)).json();
  assert.equal(theirs[0].header.toString('hex'), '01' + latest.guid.replaceAll('-', ''));
  assert.equal(theirs[0].payload[0], 0x7b, 'JSON payload is bare text');
  const decoded = ours(CONSUMER, ['-r', url, '--hex', '-f', 'json'], hexLines(theirs));
  decoded.forEach((line, i) => assert.deepEqual(JSON.parse(line), JSON_VALUES[i]));
  console.log(`ok: JSON Schema header ids, @confluentinc/schemaregistry -> libcairn-serdes (${decoded.length} values)`);
  // JS writes JSON.stringify's text; so does the producer with the same text as input
  const mine = parseHexLines(ours(PRODUCER, ['-r', url, '-t', topic, '-s', schemaFile, '--hex', '-f', 'json',
    '-X', 'value.schema.id.serializer=header'], JSON_VALUES.map((v) => JSON.stringify(v)).join('\n') + '\n'));
  assertSameBytes(mine, theirs, 'JSON Schema');
  for (let i = 0; i < mine.length; i++) {
    const got = await des.deserialize(topic, mine[i].payload, { [sr.VALUE_SCHEMA_ID_HEADER]: mine[i].header });
    assert.deepEqual(got, JSON_VALUES[i]);
  }
  console.log('ok: JSON Schema header ids, libcairn-serdes -> @confluentinc/schemaregistry (same bytes)');
}

// Other is message [0], Ping [1]: Confluent puts the indexes after the GUID in the header.
const PROTO = 'syntax = "proto3";\npackage hdr;\n\nmessage Other {\n  int32 n = 1;\n  string s = 2;\n}\n\n' +
  'message Ping {\n  string text = 1;\n}\n';

async function protobufChecks(sr, url, tmp) {
  let pb, wkt;
  try {
    pb = require('@bufbuild/protobuf');
    wkt = require('@bufbuild/protobuf/wkt');
    execFileSync('protoc', ['--version']);
  } catch {
    console.log('skip: Protobuf part (protoc or @bufbuild/protobuf missing)');
    return;
  }
  const topic = 'porders';
  const protoFile = path.join(tmp, 'hdr.proto');
  writeFileSync(protoFile, PROTO);
  execFileSync('protoc', ['--descriptor_set_out=' + path.join(tmp, 'set.pb'), '-I' + tmp, protoFile]);
  const set = pb.fromBinary(wkt.FileDescriptorSetSchema, readFileSync(path.join(tmp, 'set.pb')));
  const registry = pb.createMutableRegistry(pb.createFileRegistry(set));
  const Other = registry.getMessage('hdr.Other'), Ping = registry.getMessage('hdr.Ping');
  const client = new sr.SchemaRegistryClient({ baseURLs: [url] });
  await client.register(`${topic}-value`, { schemaType: 'PROTOBUF', schema: PROTO });
  const ser = new sr.ProtobufSerializer(client, sr.SerdeType.VALUE,
    { useLatestVersion: true, autoRegisterSchemas: false, registry, schemaIdSerializer: sr.HeaderSchemaIdSerializer });
  const des = new sr.ProtobufDeserializer(client, sr.SerdeType.VALUE, {});
  const msgs = [pb.create(Other, { n: 7, s: 'x é' }), pb.create(Ping, { text: 'hi' }), pb.create(Other, { n: -1 })];
  const theirs = [];
  for (const m of msgs) {
    const headers = {};
    const payload = Buffer.from(await ser.serialize(topic, m, headers));
    theirs.push({ header: Buffer.from(headers[sr.VALUE_SCHEMA_ID_HEADER]), payload });
  }
  const latest = await (await fetch(`${url}/subjects/${topic}-value/versions/latest`)).json();
  const g = latest.guid.replaceAll('-', '');
  assert.equal(theirs[0].header.toString('hex'), `01${g}00`, 'header: GUID then indexes [0]');
  assert.equal(theirs[1].header.toString('hex'), `01${g}0202`, 'header: GUID then indexes [1]');
  assert.ok(theirs[1].payload.equals(Buffer.from(pb.toBinary(Ping, msgs[1]))), 'payload is the bare message');
  const decoded = ours(CONSUMER, ['-r', url, '--hex', '-f', 'protobuf'], hexLines(theirs));
  const types = [Other, Ping, Other];
  decoded.forEach((line, i) => assert.deepEqual(JSON.parse(line), pb.toJson(types[i], msgs[i])));
  console.log(`ok: Protobuf header ids, @confluentinc/schemaregistry -> libcairn-serdes (${decoded.length} values)`);
  // the producer writes the file's first message (Other)
  const others = [0, 2];
  const mine = parseHexLines(ours(PRODUCER, ['-r', url, '-t', topic, '-s', protoFile, '--hex', '-f', 'protobuf',
    '-X', 'value.schema.id.serializer=header'], others.map((i) => JSON.stringify(pb.toJson(Other, msgs[i]))).join('\n') + '\n'));
  assertSameBytes(mine, others.map((i) => theirs[i]), 'Protobuf');
  for (let k = 0; k < mine.length; k++) {
    const got = await des.deserialize(topic, mine[k].payload, { [sr.VALUE_SCHEMA_ID_HEADER]: mine[k].header });
    assert.deepEqual(pb.toJson(Other, got), pb.toJson(Other, msgs[others[k]]));
  }
  console.log('ok: Protobuf header ids, libcairn-serdes -> @confluentinc/schemaregistry (same bytes)');
}

async function main() {
  if (!existsSync(CAIRND)) skip(`${CAIRND} is not built yet`);
  if (!existsSync(PRODUCER) || !existsSync(CONSUMER)) skip('the serdes examples are not built');
  let sr;
  try {
    sr = require('@confluentinc/schemaregistry');
  } catch (e) {
    skip(`npm clients missing (tests/interop/setup): ${e.message}`);
  }
  if (!sr.HeaderSchemaIdSerializer) skip('@confluentinc/schemaregistry has no header schema ids');
  const srv = await startCairnd({ tag: 'serdes-node-hdr' });
  const { url } = srv;
  const tmp = tempDir('serdes-files');
  try {
    const schemaFile = path.join(tmp, 'v1.avsc');
    writeFileSync(schemaFile, JSON.stringify(SCHEMA));
    const topic = 'orders';
    const client = new sr.SchemaRegistryClient({ baseURLs: [url] });
    await client.register(`${topic}-value`, { schemaType: 'AVRO', schema: JSON.stringify(SCHEMA) });
    const ser = new sr.AvroSerializer(client, sr.SerdeType.VALUE,
      { useLatestVersion: true, autoRegisterSchemas: false, schemaIdSerializer: sr.HeaderSchemaIdSerializer });
    const des = new sr.AvroDeserializer(client, sr.SerdeType.VALUE, {});

    // Confluent JS (header) -> header + bare payload -> libcairn-serdes
    const theirs = [];
    for (const v of VALUES) {
      const headers = {};
      const payload = Buffer.from(await ser.serialize(topic, v, headers));
      theirs.push({ header: Buffer.from(headers[sr.VALUE_SCHEMA_ID_HEADER]), payload });
    }
    const h0 = theirs[0].header;
    assert.equal(h0.length, 17);
    assert.equal(h0[0], 1);
    const latest = await (await fetch(`${url}/subjects/${topic}-value/versions/latest`)).json();
    assert.equal(h0.subarray(1).toString('hex'), latest.guid.replaceAll('-', ''), 'header GUID is cairnd\'s guid');
    assert.notEqual(theirs[0].payload[0], 0, 'payload is bare (no 0x00 prefix)');
    const decoded = ours(CONSUMER, ['-r', url, '--hex'],
      theirs.map((t) => `${t.header.toString('hex')} ${t.payload.toString('hex')}`).join('\n') + '\n');
    decoded.forEach((line, i) => assert.deepEqual(fromAvroJson(JSON.parse(line)), VALUES[i]));
    console.log(`ok: @confluentinc/schemaregistry header ids -> libcairn-serdes (${decoded.length} values)`);

    // libcairn-serdes (header) -> the same header and payload bytes, read by Confluent JS
    const lines = ours(PRODUCER, ['-r', url, '-t', topic, '-s', schemaFile, '--hex',
      '-X', 'value.schema.id.serializer=header'], VALUES.map(toAvroJson).join('\n') + '\n');
    const mine = lines.map((l) => { const [h, p] = l.split(' '); return { header: Buffer.from(h, 'hex'), payload: Buffer.from(p, 'hex') }; });
    mine.forEach((m, i) => {
      assert.ok(m.header.equals(theirs[i].header), `header differs for value ${i}: ${m.header.toString('hex')}`);
      assert.ok(m.payload.equals(theirs[i].payload), `payload differs for value ${i}`);
    });
    for (let i = 0; i < mine.length; i++) {
      const got = await des.deserialize(topic, mine[i].payload, { [sr.VALUE_SCHEMA_ID_HEADER]: mine[i].header });
      assert.deepEqual({ ...got }, VALUES[i]);
    }
    console.log('ok: libcairn-serdes header ids -> @confluentinc/schemaregistry (same bytes)');

    // Both dual deserializers still read the payload prefix.
    const prefixed = ours(PRODUCER, ['-r', url, '-t', topic, '-s', schemaFile, '--hex'], toAvroJson(VALUES[0]) + '\n');
    const pbuf = Buffer.from(prefixed[0], 'hex');
    assert.equal(pbuf[0], 0);
    assert.deepEqual({ ...(await des.deserialize(topic, pbuf, {})) }, VALUES[0]);
    const back = ours(CONSUMER, ['-r', url, '--hex'], prefixed[0] + '\n');
    assert.deepEqual(fromAvroJson(JSON.parse(back[0])), VALUES[0]);
    console.log('ok: dual deserializers read the payload prefix too');

    await jsonChecks(sr, url, tmp);
    await protobufChecks(sr, url, tmp);
  } finally {
    await stopCairnd(srv, tmp);
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
