// SPDX-License-Identifier: Apache-2.0
//
// npm clients nobody here wrote against a real cairnd (versions in package.json):
// @kafkajs/confluent-schema-registry (register with its config probe, lookup, fetch by id,
// encode/decode, compatibility) and @confluentinc/schemaregistry (SchemaRegistryClient calls,
// Avro serializer/deserializer pinned to a registered schema). Starts its own cairnd on a free
// port and always stops it.
import {require, cairndPath, here, needFiles, startCairnd, checker} from './lib.mjs';
import {join} from 'node:path';

needFiles('cairnd or node_modules missing', cairndPath, join(here, 'node_modules', '@confluentinc'));
const kjs = require('@kafkajs/confluent-schema-registry');
const csr = require('@confluentinc/schemaregistry');
const {eq, rejects, run} = checker('test_node_sr');

const V1 = JSON.stringify({
    type : 'record',
    name : 'Click',
    namespace : 'web',
    fields : [ {name : 'page', type : 'string'} ]
});
const V2 = JSON.stringify({
    type : 'record',
    name : 'Click',
    namespace : 'web',
    fields : [ {name : 'page', type : 'string'}, {name : 'ms', type : 'long', default : 0} ]
});
const BAD = JSON.stringify({
    type : 'record',
    name : 'Click',
    namespace : 'web',
    fields : [ {name : 'page', type : 'int'} ]
});

async function kafkajsClient(url) {
    const reg = new kjs.SchemaRegistry({host : url});
    const {id} =
        await reg.register({type : kjs.SchemaType.AVRO, schema : V1}, {subject : 'clicks-value'});
    eq('kafkajs register', id, 1);
    const again =
        await reg.register({type : kjs.SchemaType.AVRO, schema : V1}, {subject : 'clicks-value'});
    eq('kafkajs register again', again.id, 1);
    eq('kafkajs latest id', await reg.getLatestSchemaId('clicks-value'), 1);
    eq('kafkajs id by schema',
       await reg.getRegistryIdBySchema('clicks-value', {type : kjs.SchemaType.AVRO, schema : V1}),
       1);
    eq('kafkajs id by version', await reg.getRegistryId('clicks-value', 1), 1);
    const buf = await reg.encode(id, {page : '/home'});
    eq('kafkajs wire prefix', [...buf.subarray(0, 5) ], [ 0, 0, 0, 0, 1 ]);
    const fresh = new kjs.SchemaRegistry({host : url});
    eq('kafkajs decode via registry', await fresh.decode(buf), {page : '/home'});
    const cfg = await (await fetch(url + '/config/clicks-value')).json();
    eq('kafkajs set subject config', cfg, {compatibilityLevel : 'BACKWARD'});
    await rejects(
        'kafkajs incompatible',
        reg.register({type : kjs.SchemaType.AVRO, schema : BAD}, {subject : 'clicks-value'}),
        (e) => eq('kafkajs 409', e.status, 409));
    const v2 =
        await reg.register({type : kjs.SchemaType.AVRO, schema : V2}, {subject : 'clicks-value'});
    eq('kafkajs v2', v2.id, 2);
}

async function confluentClient(url) {
    const c = new csr.SchemaRegistryClient({baseURLs : [ url ]});
    const info = {schemaType : 'AVRO', schema : V1};
    eq('csr register', await c.register('views-value', info, false), 1);
    eq('csr getId', await c.getId('views-value', info, false), 1);
    const byId = await c.getBySubjectAndId('views-value', 1);
    eq('csr by id', JSON.parse(byId.schema), JSON.parse(V1));
    const latest = await c.getLatestSchemaMetadata('views-value');
    eq('csr latest', [ latest.id, latest.version, latest.subject ], [ 1, 1, 'views-value' ]);
    eq('csr compatible',
       await c.testSubjectCompatibility('views-value', {schemaType : 'AVRO', schema : V2}), true);
    eq('csr incompatible',
       await c.testCompatibility('views-value', 1, {schemaType : 'AVRO', schema : BAD}), false);
    eq('csr register v2',
       await c.register('views-value', {schemaType : 'AVRO', schema : V2}, false), 2);
    eq('csr versions', await c.getAllVersions('views-value'), [ 1, 2 ]);
    eq('csr version of schema', await c.getVersion('views-value', info, false, false), 1);
    eq('csr subjects', (await c.getAllSubjects()).sort(), [ 'clicks-value', 'views-value' ]);
    await c.updateConfig('views-value', {compatibility : 'FULL'});
    eq('csr config', (await c.getConfig('views-value')).compatibilityLevel, 'FULL');
    await c.updateDefaultConfig({compatibility : 'FORWARD'});
    eq('csr default config', (await c.getDefaultConfig()).compatibilityLevel, 'FORWARD');
    await c.updateDefaultConfig({compatibility : 'BACKWARD'});

    // a fresh client: the first one cached "latest" when it was version 1
    const ser = new csr.AvroSerializer(new csr.SchemaRegistryClient({baseURLs : [ url ]}),
                                       csr.SerdeType.VALUE,
                                       {useLatestVersion : true, autoRegisterSchemas : false});
    const bytes = await ser.serialize('views', {page : '/a', ms : 5});
    eq('csr serialize prefix', [...bytes.subarray(0, 5) ], [ 0, 0, 0, 0, 2 ]);
    const de = new csr.AvroDeserializer(new csr.SchemaRegistryClient({baseURLs : [ url ]}),
                                        csr.SerdeType.VALUE, {});
    eq('csr deserialize', await de.deserialize('views', bytes), {page : '/a', ms : 5});

    eq('csr delete version', await c.deleteSubjectVersion('views-value', 2, false), 2);
    eq('csr delete subject', await c.deleteSubject('views-value', false), [ 1 ]);
    eq('csr delete permanent', (await c.deleteSubject('views-value', true)).sort(), [ 1, 2 ]);
    await rejects(
        'csr gone',
        new csr.SchemaRegistryClient({baseURLs : [ url ]}).getLatestSchemaMetadata('views-value'),
        (e) => eq('csr 40401', e.errorCode, 40401));
}

// format=resolved through the client's format argument: a schema with a reference, inlined
async function confluentResolved(url) {
    const c = new csr.SchemaRegistryClient({baseURLs : [ url ]});
    const money = '{"type":"record","name":"Money","namespace":"fin","fields":[{"name":"amt",' +
                  '"type":"long"}]}';
    const line = '{"type":"record","name":"Line","namespace":"shop","fields":[{"name":"price",' +
                 '"type":"fin.Money"},{"name":"tax","type":"fin.Money"}]}';
    const inlined = '{"type":"record","name":"Line","namespace":"shop","fields":[{"name":"price",' +
                    '"type":{"type":"record","name":"Money","namespace":"fin","fields":[{"name":' +
                    '"amt","type":"long"}]}},{"name":"tax","type":"fin.Money"}]}';
    await c.register('money-value', {schemaType : 'AVRO', schema : money}, false);
    const refs = [ {name : 'fin.Money', subject : 'money-value', version : 1} ];
    const id = await c.register('line-value', {schemaType : 'AVRO', schema : line, references : refs},
                                false);
    const plain = await c.getSchemaMetadata('line-value', 1, false);
    eq('csr stored text by name', plain.schema, line);
    // a fresh client: its cache key leaves the format out
    const res = await new csr.SchemaRegistryClient({baseURLs : [ url ]})
                    .getSchemaMetadata('line-value', 1, false, 'resolved');
    eq('csr version resolved', res.schema, inlined);
    const byId = await new csr.SchemaRegistryClient({baseURLs : [ url ]})
                     .getBySubjectAndId('line-value', id, 'resolved');
    eq('csr by id resolved', byId.schema, inlined);
}

await run(await startCairnd(), async (srv) => {
    await kafkajsClient(srv.url);
    await confluentClient(srv.url);
    await confluentResolved(srv.url);
});
