// SPDX-License-Identifier: Apache-2.0
//
// JSON Schema through npm clients nobody here wrote, against a real cairnd:
// @kafkajs/confluent-schema-registry (register, lookup by schema) and @confluentinc/schemaregistry
// (SchemaRegistryClient: register, id lookup, fetch by id, compatibility, references). Starts its
// own cairnd on a free port and always stops it. (The JSON serializers are a later step.)
import {require, cairndPath, here, needFiles, startCairnd, checker} from './lib.mjs';
import {join} from 'node:path';

needFiles('cairnd or node_modules missing', cairndPath, join(here, 'node_modules', '@confluentinc'));
const kjs = require('@kafkajs/confluent-schema-registry');
const csr = require('@confluentinc/schemaregistry');
const {eq, rejects, run} = checker('test_node_sr_json');

const V1 = JSON.stringify({
    type : 'object',
    properties : {id : {type : 'string'}, qty : {type : 'integer', minimum : 0}},
    required : [ 'id' ]
});
const V2 = JSON.stringify({
    type : 'object',
    properties : {id : {type : 'string'}, qty : {type : 'number', minimum : 0}},
    required : [ 'id' ]
});
const BAD = JSON.stringify({
    type : 'object',
    properties : {id : {type : 'string'}, qty : {type : 'integer', minimum : 5}},
    required : [ 'id' ]
});

async function kafkajsClient(url) {
    const reg = new kjs.SchemaRegistry({host : url});
    const {id} =
        await reg.register({type : kjs.SchemaType.JSON, schema : V1}, {subject : 'orders-value'});
    eq('kafkajs register json', id, 1);
    eq('kafkajs lookup json',
       await reg.getRegistryIdBySchema('orders-value', {type : kjs.SchemaType.JSON, schema : V1}),
       1);
    await rejects('kafkajs incompatible json',
                  reg.register({type : kjs.SchemaType.JSON, schema : BAD},
                               {subject : 'orders-value'}),
                  (e) => eq('kafkajs 409', e.status, 409));
}

async function confluentClient(url) {
    const c = new csr.SchemaRegistryClient({baseURLs : [ url ]});
    const info = {schemaType : 'JSON', schema : V1};
    eq('csr register json', await c.register('items-value', info, false), 1);
    eq('csr getId json', await c.getId('items-value', info, false), 1);
    const byId = await c.getBySubjectAndId('items-value', 1);
    eq('csr by id json', [ byId.schemaType, JSON.parse(byId.schema) ], [ 'JSON', JSON.parse(V1) ]);
    eq('csr compatible json',
       await c.testSubjectCompatibility('items-value', {schemaType : 'JSON', schema : V2}), true);
    eq('csr incompatible json',
       await c.testCompatibility('items-value', 1, {schemaType : 'JSON', schema : BAD}), false);
    const refs = [ {name : 'item.json', subject : 'items-value', version : 1} ];
    const cart = JSON.stringify({type : 'array', items : {$ref : 'item.json'}});
    const cid = await c.register('carts-value', {schemaType : 'JSON', schema : cart, references : refs},
                                 false);
    const got = await new csr.SchemaRegistryClient({baseURLs : [ url ]})
                    .getSchemaMetadata('carts-value', 1, false);
    eq('csr references json', [ got.id, got.references ], [ cid, refs ]);
}

await run(await startCairnd(), async (srv) => {
    await kafkajsClient(srv.url);
    await confluentClient(srv.url);
});
