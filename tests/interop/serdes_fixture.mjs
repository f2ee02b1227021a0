// SPDX-License-Identifier: Apache-2.0
//
// What the Avro serdes interop tests share (not a test itself): the example programs of
// libcairn-serdes they drive, the Order schema with its v2, the values both sides encode, and the
// mapping between our Avro-JSON lines and the plain JS values avsc gives.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { build as BUILD } from './lib.mjs';

export const PRODUCER = path.join(BUILD, 'examples', 'cairn_avro_producer');
export const CONSUMER = path.join(BUILD, 'examples', 'cairn_avro_consumer');

export const SCHEMA = {
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
export const V2 = { ...SCHEMA, fields: [...SCHEMA.fields, { name: 'currency', type: 'string', default: 'EUR' }] };
export const VALUES = [
  { id: 1, name: 'first', score: 1.5, active: true, qty: -3, tags: ['a', 'b'], attrs: { x: 1, y: -2 },
    color: 'GREEN', note: 'hello é', raw: Buffer.from([0, 255, 65]) },
  { id: 4294967296123, name: '', score: -0.125, active: false, qty: 2147483647, tags: [], attrs: {},
    color: 'BLUE', note: null, raw: Buffer.alloc(0) },
];

// Our Avro-JSON output -> the plain JS values avsc gives (unions unwrapped, bytes as Buffer).
export function fromAvroJson(v) {
  return { ...v, note: v.note === null ? null : v.note.string, raw: Buffer.from(v.raw, 'latin1') };
}
export function toAvroJson(v) {
  return JSON.stringify({ ...v, note: v.note === null ? null : { string: v.note }, raw: v.raw.toString('latin1') });
}

export function ours(prog, args, input) {
  const r = spawnSync(prog, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(prog)} failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim().split('\n');
}
