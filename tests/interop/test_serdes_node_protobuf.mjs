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
import {execFileSync, spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {require, root, bin, cairndPath, here, skip, needFiles, tempDir, startCairnd, consumeRaw, checker} from
    './lib.mjs';

const data = join(root, 'tests', 'data', 'serdes_pb');
needFiles('cairnd, cairn or node_modules missing', cairndPath, join(bin, 'cairn'),
          join(here, 'node_modules', '@confluentinc'), join(here, 'node_modules', '@bufbuild', 'protobuf'));
try {
    execFileSync('protoc', [ '--version' ]);
} catch {
    skip('protoc missing');
}
const csr = require('@confluentinc/schemaregistry');
const pb = require('@bufbuild/protobuf');
const wkt = require('@bufbuild/protobuf/wkt');
const {Kafka, logLevel} = require('kafkajs');
const {eq, run} = checker('test_serdes_node_protobuf');

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
    const [mine] = await consumeRaw(kafka, 'corders', 1);
    eq('cairn -> node: identical bytes', Buffer.from(mine).toString('hex'),
       Buffer.from(theirs).toString('hex'));
    const des = new csr.ProtobufDeserializer(client, csr.SerdeType.VALUE, {});
    const back = await des.deserialize('corders', mine);
    eq('cairn -> node: ProtobufDeserializer reads it', pb.toJson(Order, back), want);
}

const dir = tempDir('node-pbs-files');
await run(await startCairnd({tag : 'node-pbs', kafka : true}), (srv) => checks(srv, dir), dir);
