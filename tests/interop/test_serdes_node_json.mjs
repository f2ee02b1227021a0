// SPDX-License-Identifier: Apache-2.0
//
// libcairn-serdes JSON Schema against @confluentinc/schemaregistry's JsonSerializer and
// JsonDeserializer (Confluent's JS serdes, validate: true), through a real cairnd and its bundled
// broker with KafkaJS carrying the bytes:
//  - JS serializes (useLatestVersion) and produces; `cairn consume --type json` prints equal
//    values;
//  - `cairn produce --type json` with the same schema text and JSON.stringify lines writes bytes
//    identical to JS's (same id), which JsonDeserializer reads back equal;
//  - a value that breaks the schema is refused by both serializers, a payload that breaks it
//    (written with json.fail.invalid.schema=false) by both deserializers;
//  - a schema with a registered reference (its $ref names another subject's version) is
//    resolved by both sides.
// Starts $CAIRN_BUILD/bin/cairnd with a Kafka listener on free loopback ports; exits 77
// (skipped) when cairnd, cairn or the npm clients (tests/interop/setup) are missing.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { require, bin, cairndPath as CAIRND, skip, tempDir, startCairnd, stopCairnd, consumeRaw } from './lib.mjs';

const CAIRN = path.join(bin, 'cairn');

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'js.Order',
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string', minLength: 1 },
    score: { type: 'number' },
    tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    note: { type: ['string', 'null'] },
    attrs: { type: 'object', additionalProperties: { type: 'integer' } },
    color: { enum: ['RED', 'GREEN', 'BLUE'] },
  },
  required: ['id', 'name'],
  additionalProperties: false,
};
const VALUES = [
  { id: 1, name: 'first é ☕', score: 1.5, tags: ['a', 'b'], note: null, attrs: { x: 1, y: -2 }, color: 'GREEN' },
  { id: 4294967296123, name: 'z', score: -0.125, tags: [], attrs: {} },
];
const BAD = { id: 2, name: '' };

function cairn(args, input = '') {
  return spawnSync(CAIRN, args, { input, encoding: 'utf8', timeout: 120000 });
}

async function rejects(p) {
  try {
    await p;
  } catch (e) {
    return e.message;
  }
  return null;
}

async function checks(sr, kafka, url, boot, tmp) {
  const schemaText = JSON.stringify(SCHEMA);
  const schemaFile = path.join(tmp, 'order.json');
  writeFileSync(schemaFile, schemaText);
  const reg = ['--bootstrap', boot, '--registry', url];
  const client = new sr.SchemaRegistryClient({ baseURLs: [url] });
  const id = await client.register('jsorders-value', { schemaType: 'JSON', schema: schemaText });
  const ser = new sr.JsonSerializer(client, sr.SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false, validate: true });
  const des = new sr.JsonDeserializer(client, sr.SerdeType.VALUE, { validate: true });

  // JS -> broker -> cairn consume
  const theirs = [];
  for (const v of VALUES) theirs.push(Buffer.from(await ser.serialize('jsorders', v)));
  assert.equal(theirs[0][0], 0);
  assert.equal(theirs[0].readInt32BE(1), id);
  assert.ok(await rejects(ser.serialize('jsorders', BAD)), 'JS validates on serialize');
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'jsorders', messages: theirs.map((value) => ({ value })) });
  await producer.disconnect();
  let r = cairn(['consume', '--type', 'json', '--topic', 'jsorders', '--from-beginning', '--max-messages', '2', '--timeout-ms', '30000', ...reg]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l)), VALUES);
  console.log('ok: @confluentinc/schemaregistry JsonSerializer -> cairn consume --type json');

  // cairn produce -> broker -> JS: identical bytes, JsonDeserializer reads them
  r = cairn(['produce', '--type', 'json', '--topic', 'corders', '--value-schema', schemaFile, ...reg],
    VALUES.map((v) => JSON.stringify(v)).join('\n') + '\n');
  assert.equal(r.status, 0, r.stderr);
  const mine = await consumeRaw(kafka, 'corders', 2);
  assert.deepEqual(mine.map((b) => b.toString('hex')), theirs.map((b) => b.toString('hex')));
  for (let i = 0; i < mine.length; i++) assert.deepEqual(await des.deserialize('corders', mine[i]), VALUES[i]);
  console.log('ok: cairn produce --type json -> JsonDeserializer (same bytes)');

  // Validation on both sides
  r = cairn(['produce', '--type', 'json', '--topic', 'corders', '--value-schema', schemaFile, ...reg], JSON.stringify(BAD) + '\n');
  assert.ok(r.status === 1 && r.stderr.includes('/name'), r.stderr);
  r = cairn(['produce', '--type', 'json', '--topic', 'cbad', '--value-schema', schemaFile, '--registry-property', 'json.fail.invalid.schema=false', ...reg],
    JSON.stringify(BAD) + '\n');
  assert.equal(r.status, 0, r.stderr);
  const [bad] = await consumeRaw(kafka, 'cbad', 1);
  assert.ok(await rejects(des.deserialize('cbad', bad)), 'JS validates on deserialize');
  r = cairn(['consume', '--type', 'json', '--topic', 'cbad', '--from-beginning', '--max-messages', '1', '--timeout-ms', '30000', ...reg]);
  assert.ok(r.status === 1 && r.stderr.includes('minLength'), r.stderr);
  console.log('ok: both sides refuse a value that breaks the schema');
}

// A schema whose $ref names another subject's version (a registered reference), on both sides.
async function references(sr, kafka, url, boot) {
  const reg = ['--bootstrap', boot, '--registry', url];
  const client = new sr.SchemaRegistryClient({ baseURLs: [url] });
  const common = { type: 'object', properties: { x: { type: 'integer' } }, required: ['x'] };
  await client.register('jcommon', { schemaType: 'JSON', schema: JSON.stringify(common) });
  const withRef = { type: 'object', properties: { c: { $ref: 'common.json' } }, required: ['c'] };
  const id = await client.register('jref-value', {
    schemaType: 'JSON', schema: JSON.stringify(withRef),
    references: [{ name: 'common.json', subject: 'jcommon', version: 1 }],
  });
  const ser = new sr.JsonSerializer(client, sr.SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false, validate: true });
  const des = new sr.JsonDeserializer(client, sr.SerdeType.VALUE, { validate: true });
  const theirs = Buffer.from(await ser.serialize('jref', { c: { x: 1 } }));
  assert.equal(theirs.readInt32BE(1), id);
  assert.ok(await rejects(ser.serialize('jref', { c: { x: 'no' } })), 'JS validates through the reference');
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'jref', messages: [{ value: theirs }] });
  await producer.disconnect();
  let r = cairn(['consume', '--type', 'json', '--topic', 'jref', '--from-beginning', '--max-messages', '1', '--timeout-ms', '30000', ...reg]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { c: { x: 1 } });
  r = cairn(['produce', '--type', 'json', '--topic', 'jref', '--latest', ...reg], '{"c":{"x":"no"}}\n');
  assert.ok(r.status === 1 && r.stderr.includes('/c/x'), r.stderr);
  r = cairn(['produce', '--type', 'json', '--topic', 'jref', '--latest', ...reg], '{"c":{"x":2}}\n');
  assert.equal(r.status, 0, r.stderr);
  const mine = await consumeRaw(kafka, 'jref', 2);
  assert.equal(mine[1].readInt32BE(1), id);
  assert.deepEqual(await des.deserialize('jref', mine[1]), { c: { x: 2 } });
  console.log('ok: a registered reference resolved on both sides');
}

async function main() {
  if (!existsSync(CAIRND) || !existsSync(CAIRN)) skip('cairnd or cairn is not built yet');
  let sr, kafkajs;
  try {
    sr = require('@confluentinc/schemaregistry');
    kafkajs = require('kafkajs');
  } catch (e) {
    skip(`npm clients missing (tests/interop/setup): ${e.message}`);
  }
  const srv = await startCairnd({ tag: 'serdes-nodejson', kafka: true });
  const { url, boot } = srv;
  const tmp = tempDir('serdes-nodejson-f');
  const kafka = new kafkajs.Kafka({ clientId: 'cairn-json', brokers: [boot], logLevel: kafkajs.logLevel.NOTHING });
  try {
    await checks(sr, kafka, url, boot, tmp);
    await references(sr, kafka, url, boot);
  } finally {
    await stopCairnd(srv, tmp);
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
