// SPDX-License-Identifier: Apache-2.0
//
// @confluentinc/schemaregistry's Protobuf serde (npm, with @bufbuild/protobuf) against a real
// cairnd: the serializer registers a file and its local import as base64 FileDescriptorProtos
// (the import under its own subject, google/protobuf ones left to the registry's built-ins),
// frames messages with message indexes, and the deserializer reads them back through
// format=serialized. The same schema registered as .proto text gets the descriptor's id. And
// @kafkajs/confluent-schema-registry registers .proto text and reads the stored text back.
// Message types come from a descriptor set protoc writes here. Starts its own cairnd.
import {execFileSync} from 'node:child_process';
import {writeFileSync, readFileSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {require, cairndPath, here, skip, needFiles, tempDir, startCairnd, checker} from './lib.mjs';

needFiles('cairnd or node_modules missing', cairndPath, join(here, 'node_modules', '@confluentinc'),
          join(here, 'node_modules', '@bufbuild', 'protobuf'));
try {
    execFileSync('protoc', [ '--version' ]);
} catch {
    skip('protoc missing');
}
const csr = require('@confluentinc/schemaregistry');
const kjs = require('@kafkajs/confluent-schema-registry');
const pb = require('@bufbuild/protobuf');
const wkt = require('@bufbuild/protobuf/wkt');
const {eq, run} = checker('test_node_sr_protobuf');

const UNIT = 'syntax = "proto3";\npackage geo;\n\nmessage Point {\n  double lat = 1;\n  double lon = 2;\n}\n';
const TRIP = 'syntax = "proto3";\npackage travel;\n\nimport "geo/point.proto";\n' +
             'import "google/protobuf/timestamp.proto";\n\nmessage Trip {\n  string id = 1;\n' +
             '  repeated geo.Point stops = 2;\n  google.protobuf.Timestamp start = 3;\n' +
             '  map<string, int64> tolls = 4;\n}\nmessage Leg {\n  int32 n = 1;\n}\n';

function registryFromProtoc(dir) {
    mkdirSync(join(dir, 'geo'));
    writeFileSync(join(dir, 'geo', 'point.proto'), UNIT);
    writeFileSync(join(dir, 'trip.proto'), TRIP);
    const out = join(dir, 'set.pb');
    execFileSync('protoc', [ '--include_imports', '--descriptor_set_out=' + out, '-I' + dir,
                             join(dir, 'trip.proto') ]);
    const set = pb.fromBinary(wkt.FileDescriptorSetSchema, readFileSync(out));
    return pb.createMutableRegistry(pb.createFileRegistry(set));
}

async function serde(url, dir) {
    const registry = registryFromProtoc(dir);
    const client = new csr.SchemaRegistryClient({baseURLs : [ url ]});
    const ser = new csr.ProtobufSerializer(client, csr.SerdeType.VALUE,
                                           {autoRegisterSchemas : true, registry});
    const Trip = registry.getMessage('travel.Trip'), Leg = registry.getMessage('travel.Leg');
    const trip = pb.create(Trip, {id : 't1', stops : [ {lat : 1.5, lon : 2.5} ], tolls : {a : 3n}});
    const bytes = await ser.serialize('trips', trip);
    eq('magic byte', bytes[0], 0);
    const id = bytes.readInt32BE(1);
    eq('message index of the first message', bytes[5], 0);
    const meta = await (await fetch(url + '/subjects/trips-value/versions/latest')).json();
    eq('registered id and type', [ meta.id, meta.schemaType ], [ id, 'PROTOBUF' ]);
    eq('stored as .proto text', meta.schema, TRIP);
    eq('import referenced', meta.references,
       [ {name : 'geo/point.proto', subject : 'geo/point.proto', version : 1} ]);
    const imp = await (await fetch(url + '/subjects/geo%2Fpoint.proto/versions/1')).json();
    eq('import stored as .proto text', imp.schema, UNIT);
    const text = await fetch(url + '/subjects/trips-value', {
        method : 'POST',
        headers : {'Content-Type' : 'application/vnd.schemaregistry.v1+json'},
        body : JSON.stringify({schema : TRIP, schemaType : 'PROTOBUF', references : meta.references})
    });
    eq('.proto text finds the descriptor id', (await text.json()).id, id);

    const des = new csr.ProtobufDeserializer(client, csr.SerdeType.VALUE, {});
    const back = await des.deserialize('trips', bytes);
    eq('round trip id', back.id, 't1');
    eq('round trip stops', back.stops.map((p) => [ p.lat, p.lon ]), [ [ 1.5, 2.5 ] ]);
    eq('round trip map', String(back.tolls.a), '3');

    const leg = await ser.serialize('trips', pb.create(Leg, {n : 7}));
    eq('second message: same id', leg.readInt32BE(1), id);
    eq('second message: index [1]', [...leg.subarray(5, 7) ], [ 2, 2 ]);
    const legBack = await des.deserialize('trips', leg);
    eq('second message read back', [ legBack.$typeName, legBack.n ], [ 'travel.Leg', 7 ]);
}

// @kafkajs/confluent-schema-registry registers .proto text with a reference, and parses the
// stored (canonical) text with protobufjs to encode and decode.
async function kafkajs(url) {
    const reg = new kjs.SchemaRegistry({host : url});
    const point = await reg.register({type : kjs.SchemaType.PROTOBUF, schema : UNIT},
                                     {subject : 'geo/point.proto'});
    const pointVersion = (await (await fetch(url + '/subjects/geo%2Fpoint.proto/versions/latest')).json()).version;
    // (protobufjs as kafkajs uses it does not know the well-known types: no Timestamp here)
    const route = 'syntax = "proto3";\npackage travel;\n\nimport "geo/point.proto";\n\n' +
                  'message Route {\n  string id = 1;\n  repeated geo.Point stops = 2;\n}\n';
    const {id} = await reg.register({
        type : kjs.SchemaType.PROTOBUF,
        schema : route,
        references : [ {name : 'geo/point.proto', subject : 'geo/point.proto', version : pointVersion} ]
    },
                                    {subject : 'kjs-trips-value'});
    eq('kafkajs register id', typeof id, 'number');
    eq('kafkajs import id differs', point.id !== id, true);
    const buf = await reg.encode(id, {id : 'k1', stops : [ {lat : 3, lon : 4} ]});
    eq('kafkajs wire prefix', buf[0], 0);
    const fresh = new kjs.SchemaRegistry({host : url});
    const back = await fresh.decode(buf);
    eq('kafkajs decode via the registry', [ back.id, back.stops[0].lat ], [ 'k1', 3 ]);
}

const dir = tempDir('node-pb-files');
await run(await startCairnd({tag : 'node-pb'}), async (srv) => {
    await serde(srv.url, dir);
    await kafkajs(srv.url);
}, dir);
