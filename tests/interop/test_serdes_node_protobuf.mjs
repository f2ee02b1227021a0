// SPDX-License-Identifier: Apache-2.0
//
// libcairn-serdes Protobuf against npm @confluentinc/schemaregistry's ProtobufSerializer /
// ProtobufDeserializer (with @bufbuild/protobuf), through a real cairnd and its bundled broker
// (kafkajs moves the bytes):
//  - Node serializes shop.Order (its import common.proto registered as a reference) and shop.Ping
//    (message index [1]); `cairn consume --type protobuf` prints both as proto3 JSON equal to
//    @bufbuild/protobuf's toJson, with descriptors built from the registry's schema only;
//  - `cairn produce --type protobuf` with the .proto files and that JSON writes bytes identical
//    to Node's, which the ProtobufDeserializer reads back into an equal message.
// Message types come from a descriptor set protoc writes here. Starts its own cairnd.
import {spawn, execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, existsSync, readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const root = process.env.CAIRN_ROOT || join(here, '..', '..');
const build = process.env.CAIRN_BUILD || 'build';
const bin = join(build.startsWith('/') ? build : join(root, build), 'bin');
const data = join(root, 'tests', 'data', 'serdes_pb');
if (!existsSync(join(bin, 'cairnd')) || !existsSync(join(bin, 'cairn')) ||
    !existsSync(join(here, 'node_modules', '@confluentinc')) ||
    !existsSync(join(here, 'node_modules', '@bufbuild', 'protobuf'))) {
    console.log('skipped: cairnd, cairn or node_modules missing');
    process.exit(77);
}
try {
    execFileSync('protoc', [ '--version' ]);
} catch {
    console.log('skipped: protoc missing');
    process.exit(77);
}
const csr = require('@confluentinc/schemaregistry');
const pb = require('@bufbuild/protobuf');
const wkt = require('@bufbuild/protobuf/wkt');
const {Kafka, logLevel} = require('kafkajs');

let passed = 0;
const failed = [];
function eq(what, got, want) {
    const g = JSON.stringify(got), w = JSON.stringify(want);
    if (g === w)
        passed++;
    else {
        failed.push(`${what}: got ${g}, want ${w}`);
        console.log('FAIL', failed.at(-1));
    }
}

function freePort() {
    return new Promise((res) => {
        const s = createServer();
        s.listen(0, '127.0.0.1', () => {
            const p = s.address().port;
            s.close(() => res(p));
        });
    });
}

async function startCairnd() {
    const port = await freePort(), kport = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cairn-node-pbs-'));
    const proc = spawn(join(bin, 'cairnd'),
                       [ '--data-dir', dir, '--http', `127.0.0.1:${port}`, '--kafka', `127.0.0.1:${kport}` ],
                       {stdio : [ 'ignore', 'ignore', 'inherit' ]});
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i++) {
        try {
            if ((await fetch(url + '/status/ready')).status === 200)
                return {proc, dir, url, boot : `127.0.0.1:${kport}`};
        } catch { /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error('cairnd did not become ready');
}

function registryFromProtoc(dir) {
    const out = join(dir, 'set.pb');
    execFileSync('protoc', [ '--include_imports', '--descriptor_set_out=' + out, '-I' + data,
                             join(data, 'shop.proto') ]);
    const set = pb.fromBinary(wkt.FileDescriptorSetSchema, readFileSync(out));
    return pb.createMutableRegistry(pb.createFileRegistry(set));
}

function cairn(args, input) {
    const r = spawnSync(join(bin, 'cairn'), args, {input, encoding : 'utf8', timeout : 120000});
    return {rc : r.status, out : r.stdout, err : r.stderr};
}

async function readRaw(kafka, topic, n) {
    const consumer = kafka.consumer({groupId : 'node-raw-' + topic});
    const got = [];
    await consumer.connect();
    await consumer.subscribe({topic, fromBeginning : true});
    await new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no message on ' + topic)), 60000);
        consumer.run({
            eachMessage : async ({message}) => {
                got.push(message.value);
                if (got.length === n) {
                    clearTimeout(t);
                    resolve();
                }
            }
        });
    });
    await consumer.disconnect();
    return got;
}

async function checks(srv, dir) {
    const registry = registryFromProtoc(dir);
    const client = new csr.SchemaRegistryClient({baseURLs : [ srv.url ]});
    const ser = new csr.ProtobufSerializer(client, csr.SerdeType.VALUE,
                                           {autoRegisterSchemas : true, registry});
    const Order = registry.getMessage('shop.Order'), Ping = registry.getMessage('shop.Ping');
    const order = pb.create(Order, {
        id : 9007199254740993n,
        customer : 'Zo\u00eb',
        status : 1,
        lines : [ {sku : 'A-1', qty : 2}, {sku : 'B-2', qty : 1} ],
        tags : {gift : 1},
        total : {currency : 'EUR', units : 1234567890123n},
        blob : new Uint8Array([ 0, 255, 16 ]),
        codes : [ 3, -1, 300 ],
        ratio : 0.5,
        rush : true,
        delta : -5n,
        big : 18446744073709551615n
    });
    const theirs = await ser.serialize('nodeorders', order);
    const ping = await ser.serialize('nodeorders', pb.create(Ping, {text : 'hi'}));
    eq('Ping has index [1]', [...ping.subarray(5, 7) ], [ 2, 2 ]);
    const kafka = new Kafka({clientId : 'pbs', brokers : [ srv.boot ], logLevel : logLevel.NOTHING});
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({topic : 'nodeorders', messages : [ {value : theirs}, {value : ping} ]});
    await producer.disconnect();

    const want = pb.toJson(Order, order);
    const c = cairn([ 'consume', '--type', 'protobuf', '--topic', 'nodeorders', '--from-beginning',
                      '--max-messages', '2', '--timeout-ms', '30000', '--bootstrap', srv.boot,
                      '--registry', srv.url ]);
    eq('cairn consume --type protobuf', [ c.rc, c.err ], [ 0, '' ]);
    const lines = c.out.trim().split('\n').map((l) => JSON.parse(l));
    eq('node -> cairn: Order as proto3 JSON', lines[0], want);
    eq('node -> cairn: Ping (index [1])', lines[1], {text : 'hi'});

    const p = cairn([ 'produce', '--type', 'protobuf', '--topic', 'corders', '--value-schema',
                      join(data, 'shop.proto'), '--bootstrap', srv.boot, '--registry', srv.url ],
                    JSON.stringify(want) + '\n');
    eq('cairn produce --type protobuf', [ p.rc, p.err ], [ 0, '' ]);
    const [mine] = await readRaw(kafka, 'corders', 1);
    eq('cairn -> node: identical bytes', Buffer.from(mine).toString('hex'),
       Buffer.from(theirs).toString('hex'));
    const des = new csr.ProtobufDeserializer(client, csr.SerdeType.VALUE, {});
    const back = await des.deserialize('corders', mine);
    eq('cairn -> node: ProtobufDeserializer reads it', pb.toJson(Order, back), want);
}

const srv = await startCairnd();
const dir = mkdtempSync(join(tmpdir(), 'cairn-node-pbs-files-'));
try {
    await checks(srv, dir);
} catch (e) {
    failed.push('exception: ' + (e.stack || e));
    console.log('FAIL', e);
} finally {
    srv.proc.kill('SIGTERM');
    await new Promise((r) => srv.proc.once('exit', r));
    rmSync(srv.dir, {recursive : true, force : true});
    rmSync(dir, {recursive : true, force : true});
}
console.log(`test_serdes_node_protobuf: ${passed} checks passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
