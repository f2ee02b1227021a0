// SPDX-License-Identifier: Apache-2.0
//
// Byte compatibility of libcairn-serdes (through its example programs in --hex mode) with two
// clients nobody here wrote: @confluentinc/schemaregistry (Confluent's JS serdes) and
// @kafkajs/confluent-schema-registry. Payloads each side produces decode to the same values on
// the other side, and equal values give identical bytes. Also schema evolution on read with a
// reader schema. Needs a real registry: starts $CAIRN_BUILD/bin/cairnd (or $CAIRN_CAIRND) on a
// free loopback port with a temporary data dir; exits 77 (skipped) when it is not built yet.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { require, build as BUILD, cairndPath as CAIRND, skip, tempDir, startCairnd, stopCairnd } from './lib.mjs';
import { PRODUCER, CONSUMER, SCHEMA, V2, VALUES, fromAvroJson, toAvroJson, ours } from './serdes_fixture.mjs';


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
