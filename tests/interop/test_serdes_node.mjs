// SPDX-License-Identifier: Apache-2.0
//
// Byte compatibility of libcairn-serdes (through its example programs in --hex mode) with two
// clients nobody here wrote: @confluentinc/schemaregistry (Confluent's JS serdes) and
// @kafkajs/confluent-schema-registry. Payloads each side produces decode to the same values on
// the other side, and equal values give identical bytes. Also schema evolution on read with a
// reader schema. Needs a real registry: starts $CAIRN_BUILD/bin/cairnd (or $CAIRN_CAIRND) on a
// free loopback port with a temporary data dir; exits 77 (skipped) when it is not built yet.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { require, build as BUILD, cairndPath as CAIRND, skip, tempDir, startCairnd, stopCairnd } from './lib.mjs';

const PRODUCER = path.join(BUILD, 'examples', 'cairn_avro_producer');
const CONSUMER = path.join(BUILD, 'examples', 'cairn_avro_consumer');

const SCHEMA = {
  type: 'record', name: 'Order', namespace: 'interop',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
    { name: 'score', type: 'double' },
    { name: 'active', type: 'boolean' },
    { name: 'qty', type: 'int' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'attrs', type: { type: 'map', values: 'int' } },
    { name: 'color', type: { type: 'enum', name: 'Color', symbols: ['RED', 'GREEN', 'BLUE'] } },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'raw', type: 'bytes' },
  ],
};
const V2 = { ...SCHEMA, fields: [...SCHEMA.fields, { name: 'currency', type: 'string', default: 'EUR' }] };
const VALUES = [
  { id: 1, name: 'first', score: 1.5, active: true, qty: -3, tags: ['a', 'b'], attrs: { x: 1, y: -2 },
    color: 'GREEN', note: 'hello é', raw: Buffer.from([0, 255, 65]) },
  { id: 4294967296123, name: '', score: -0.125, active: false, qty: 2147483647, tags: [], attrs: {},
    color: 'BLUE', note: null, raw: Buffer.alloc(0) },
];

// Our Avro-JSON output -> the plain JS values avsc gives (unions unwrapped, bytes as Buffer).
function fromAvroJson(v) {
  return { ...v, note: v.note === null ? null : v.note.string, raw: Buffer.from(v.raw, 'latin1') };
}
function toAvroJson(v) {
  return JSON.stringify({ ...v, note: v.note === null ? null : { string: v.note }, raw: v.raw.toString('latin1') });
}

function ours(prog, args, input) {
  const r = spawnSync(prog, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(prog)} failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

async function main() {
  if (!existsSync(CAIRND)) skip(`${CAIRND} is not built yet`);
  if (!existsSync(PRODUCER) || !existsSync(CONSUMER)) skip('the serdes examples are not built');
  let sr, kjs;
  try {
    sr = require('@confluentinc/schemaregistry');
    kjs = require('@kafkajs/confluent-schema-registry');
  } catch (e) {
    skip(`npm clients missing (tests/interop/setup): ${e.message}`);
  }
  const srv = await startCairnd({ tag: 'serdes-node' });
  const { url } = srv;
  const tmp = tempDir('serdes-files');
  try {
    const schemaFile = path.join(tmp, 'v1.avsc');
    const v2File = path.join(tmp, 'v2.avsc');
    writeFileSync(schemaFile, JSON.stringify(SCHEMA));
    writeFileSync(v2File, JSON.stringify(V2));
    const topic = 'orders';
    const client = new sr.SchemaRegistryClient({ baseURLs: [url] });
    const id = await client.register(`${topic}-value`, { schemaType: 'AVRO', schema: JSON.stringify(SCHEMA) });
    const ser = new sr.AvroSerializer(client, sr.SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
    const des = new sr.AvroDeserializer(client, sr.SerdeType.VALUE, {});
    const kreg = new kjs.SchemaRegistry({ host: url });

    // Confluent JS -> bytes -> libcairn-serdes
    const theirs = [];
    for (const v of VALUES) theirs.push(Buffer.from(await ser.serialize(topic, v)));
    assert.equal(theirs[0][0], 0);
    assert.equal(theirs[0].readInt32BE(1), id);
    const decoded = ours(CONSUMER, ['-r', url, '--hex'], theirs.map((b) => b.toString('hex')).join('\n') + '\n');
    decoded.forEach((line, i) => assert.deepEqual(fromAvroJson(JSON.parse(line)), VALUES[i]));
    console.log(`ok: @confluentinc/schemaregistry -> libcairn-serdes (${decoded.length} values)`);

    // libcairn-serdes -> bytes: identical to Confluent's, and decoded by both JS clients
    const hex = ours(PRODUCER, ['-r', url, '-t', topic, '-s', schemaFile, '--hex'], VALUES.map(toAvroJson).join('\n') + '\n');
    const mine = hex.map((h) => Buffer.from(h, 'hex'));
    mine.forEach((b, i) => assert.ok(b.equals(theirs[i]), `bytes differ for value ${i}: ${b.toString('hex')} vs ${theirs[i].toString('hex')}`));
    for (let i = 0; i < mine.length; i++) {
      assert.deepEqual({ ...(await des.deserialize(topic, mine[i])) }, VALUES[i]);
      assert.deepEqual({ ...(await kreg.decode(mine[i])) }, VALUES[i]);
    }
    console.log('ok: libcairn-serdes -> @confluentinc/schemaregistry and @kafkajs/confluent-schema-registry (same bytes)');

    // kafkajs -> bytes -> libcairn-serdes
    const kbytes = [];
    for (const v of VALUES) kbytes.push(await kreg.encode(id, v));
    kbytes.forEach((b, i) => assert.ok(b.equals(theirs[i]), `kafkajs bytes differ for value ${i}`));
    const kdec = ours(CONSUMER, ['-r', url, '--hex'], kbytes.map((b) => b.toString('hex')).join('\n') + '\n');
    kdec.forEach((line, i) => assert.deepEqual(fromAvroJson(JSON.parse(line)), VALUES[i]));
    console.log('ok: @kafkajs/confluent-schema-registry -> libcairn-serdes');

    // Schema evolution: data written with v1 read with v2 (added field with a default).
    const evo = ours(CONSUMER, ['-r', url, '--hex', '--reader', v2File], theirs[0].toString('hex') + '\n');
    assert.deepEqual(JSON.parse(evo[0]).currency, 'EUR');
    assert.deepEqual(fromAvroJson(JSON.parse(evo[0])), { ...VALUES[0], currency: 'EUR' });
    console.log('ok: reader schema v2 over v1 data');
  } finally {
    await stopCairnd(srv, tmp);
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
