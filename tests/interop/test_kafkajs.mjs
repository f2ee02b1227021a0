// KafkaJS 2.2.4 (from npm, nobody here wrote it) against the bundled broker: admin (create with
// configs, describe configs, list, delete, the _schemas guard), an idempotent producer with
// keys and headers, and a consumer group of two members that splits the partitions, consumes
// everything once, commits, and a later member of the same group resumes from the commits.
// Starts build/bin/brokerd (or $BROKERD) on a free loopback port with a temporary data dir.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const brokerd = process.env.BROKERD || join(root, process.env.CAIRN_BUILD || 'build', 'bin', 'brokerd');
const require = createRequire(join(here, 'package.json'));
let kafkajs;
try {
  kafkajs = require('kafkajs');
  accessSync(brokerd, constants.X_OK);
} catch (e) {
  console.log('skipped: ' + e.message);
  process.exit(77);
}
const { Kafka, logLevel } = kafkajs;

function assert(cond, msg) {
  if (!cond) throw new Error('assertion failed: ' + msg);
}

async function startBroker(dir) {
  const proc = spawn(brokerd, ['--data-dir', dir, '--listen', '127.0.0.1:0', '--partitions', '4'],
    { stdio: ["ignore", "pipe", process.env.DBG ? "inherit" : "ignore"] });
  const rl = createInterface({ input: proc.stdout });
  const port = await new Promise((resolve, reject) => {
    rl.once('line', (l) => resolve(parseInt(l, 10)));
    proc.once('exit', () => reject(new Error('brokerd exited')));
  });
  return { proc, port };
}

async function adminChecks(kafka) {
  const admin = kafka.admin();
  await admin.connect();
  assert(await admin.createTopics({
    topics: [{ topic: 'js-topic', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
             { topic: '_schemas', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
  }), 'createTopics');
  const topics = await admin.listTopics();
  assert(topics.includes('js-topic'), 'listTopics ' + topics);
  const cfg = await admin.describeConfigs({ resources: [{ type: 2, name: 'js-topic', configNames: ['cleanup.policy'] }] });
  assert(cfg.resources[0].configEntries[0].configValue === 'compact', JSON.stringify(cfg));
  let refused = false;
  try {
    await admin.deleteTopics({ topics: ['_schemas'] });
  } catch (e) {
    refused = true;
  }
  assert(refused, '_schemas deletion must be refused');
  await admin.deleteTopics({ topics: ['js-topic'] });
  assert(!(await admin.listTopics()).includes('js-topic'), 'deleted');
  await admin.disconnect();
}

async function produce(kafka, from, n) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const messages = [];
  for (let i = from; i < from + n; i++) {
    messages.push({ key: `k${i}`, value: `v${i}`, headers: { h: `${i}` } });
  }
  const res = await producer.send({ topic: 'js-events', messages, acks: -1 });
  assert(res.every((r) => r.errorCode === 0), JSON.stringify(res));
  await producer.disconnect();
}

async function consumeGroup(kafka, members, want) {
  const seen = new Set();
  const consumers = [];
  for (let i = 0; i < members; i++) {
    const c = kafka.consumer({ groupId: 'jsg', sessionTimeout: 10000, heartbeatInterval: 500, rebalanceTimeout: 10000 });
    await c.connect();
    await c.subscribe({ topic: 'js-events', fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }) => {
        const k = message.key.toString();
        assert(message.value.toString() === 'v' + k.slice(1), 'value');
        assert(message.headers.h.toString() === k.slice(1), 'header');
        seen.add(k);
      },
    });
    consumers.push(c);
  }
  const deadline = Date.now() + 40000;
  while (seen.size < want && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const c of consumers) await c.disconnect();
  return seen;
}

// ListGroups, DescribeGroups, DeleteGroups, CreatePartitions, DeleteRecords, AlterConfigs.
async function moreAdmin(kafka) {
  const admin = kafka.admin();
  await admin.connect();
  const { groups } = await admin.listGroups();
  assert(groups.some((g) => g.groupId === 'jsg'), 'listGroups ' + JSON.stringify(groups));
  const desc = await admin.describeGroups(['jsg']);
  assert(desc.groups[0].groupId === 'jsg' && desc.groups[0].state === 'Empty', JSON.stringify(desc));
  await admin.createPartitions({ topicPartitions: [{ topic: 'js-events', count: 6 }] });
  const md = await admin.fetchTopicMetadata({ topics: ['js-events'] });
  assert(md.topics[0].partitions.length === 6, 'partitions ' + md.topics[0].partitions.length);
  await admin.deleteTopicRecords({ topic: 'js-events', partitions: [{ partition: 0, offset: '-1' }] });
  const offs = await admin.fetchTopicOffsets('js-events');
  const p0 = offs.find((o) => o.partition === 0);
  assert(p0.low === p0.high, 'deleteTopicRecords ' + JSON.stringify(p0));
  await admin.alterConfigs({ resources: [{ type: 2, name: 'js-events', configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
  const cfg = await admin.describeConfigs({ resources: [{ type: 2, name: 'js-events', configNames: ['retention.ms'] }] });
  assert(cfg.resources[0].configEntries[0].configValue === '3600000', JSON.stringify(cfg));
  await admin.deleteGroups(['jsg']);
  const after = await admin.fetchOffsets({ groupId: 'jsg', topics: ['js-events'] });
  assert(after[0].partitions.every((p) => p.offset === '-1'), 'deleteGroups ' + JSON.stringify(after));
  await admin.disconnect();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-js-'));
  const { proc, port } = await startBroker(join(dir, 'data'));
  const kafka = new Kafka({ clientId: 'cairn-test', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });
  try {
    await adminChecks(kafka);
    await produce(kafka, 0, 300);
    const first = await consumeGroup(kafka, 2, 300);
    assert(first.size === 300, 'first group run saw ' + first.size);
    await produce(kafka, 300, 20);
    const second = await consumeGroup(kafka, 1, 20);
    assert(second.size === 20, 'resumed run saw ' + second.size);
    for (const k of second) assert(parseInt(k.slice(1), 10) >= 300, 'resumed from the commit: ' + k);
    await moreAdmin(kafka);
  } finally {
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('kafkajs: ok');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
