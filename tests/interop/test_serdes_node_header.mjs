// SPDX-License-Identifier: Apache-2.0
//
// Schema ids in record headers (Confluent 8.x) between libcairn-serdes (its example programs in
// --hex mode, "HEADER PAYLOAD" lines) and @confluentinc/schemaregistry (HeaderSchemaIdSerializer,
// DualSchemaIdDeserializer), a client nobody here wrote, against a real cairnd:
// - Confluent JS with the header serializer -> libcairn-serdes decodes the bare payload by the
//   GUID in __value_schema_id, and the GUID is the one cairnd answers for the schema;
// - libcairn-serdes with value.schema.id.serializer=header -> the same header and payload bytes
//   as Confluent JS's, decoded by Confluent JS's dual deserializer from the header;
// - the dual deserializers of both sides also read the classic payload prefix.
// Starts $CAIRN_BUILD/bin/cairnd on a free loopback port; exits 77 when it is not built yet.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const ROOT = process.env.CAIRN_ROOT || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const BUILD = path.resolve(ROOT, process.env.CAIRN_BUILD || 'build');
const CAIRND = process.env.CAIRN_CAIRND || path.join(BUILD, 'bin', 'cairnd');
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

function skip(why) {
  console.log(`SKIP: ${why}`);
  process.exit(77);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

async function startCairnd() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cairn-serdes-node-hdr-'));
  // No Kafka listener: this test needs only the REST API (and must not collide on 9092).
  const env = { ...process.env, CAIRN_CAIRN_KAFKA_LISTENERS: 'off' };
  const proc = spawn(CAIRND, ['--data-dir', dir, '--http', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'ignore'], env });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`${url}/status/ready`);
      if (r.status === 200) return { proc, dir, url };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('cairnd did not become ready');
}

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
  let sr;
  try {
    sr = require('@confluentinc/schemaregistry');
  } catch (e) {
    skip(`npm clients missing (tests/interop/setup): ${e.message}`);
  }
  if (!sr.HeaderSchemaIdSerializer) skip('@confluentinc/schemaregistry has no header schema ids');
  const { proc, dir, url } = await startCairnd();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cairn-serdes-files-'));
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
  } finally {
    // Wait for cairnd to exit before removing its data directory.
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10000);
    if (proc.exitCode === null && proc.signalCode === null) await exited;
    clearTimeout(timer);
    rmSync(tmp, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
