// SPDX-License-Identifier: Apache-2.0
//
// JSON Schema through npm clients nobody here wrote, against a real cairnd:
// @kafkajs/confluent-schema-registry (register, lookup by schema) and @confluentinc/schemaregistry
// (SchemaRegistryClient: register, id lookup, fetch by id, compatibility, references). Starts its
// own cairnd on a free port and always stops it. (The JSON serializers are a later step.)
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const root = process.env.CAIRN_ROOT || join(here, '..', '..');
const build = process.env.CAIRN_BUILD || 'build';
const cairnd = join(build.startsWith('/') ? build : join(root, build), 'bin', 'cairnd');
if (!existsSync(cairnd) || !existsSync(join(here, 'node_modules', '@confluentinc'))) {
    console.log('skipped: cairnd or node_modules missing');
    process.exit(77);
}
const kjs = require('@kafkajs/confluent-schema-registry');
const csr = require('@confluentinc/schemaregistry');

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
async function rejects(what, p, check) {
    try {
        await p;
        eq(what + ' rejects', false, true);
    } catch (e) {
        check(e);
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
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'cairn-node-'));
    const proc = spawn(cairnd, [ '--data-dir', dir, '--http', `127.0.0.1:${port}`, '--kafka', 'off' ],
                       {stdio : [ 'ignore', 'ignore', 'inherit' ]});
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i++) {
        try {
            if ((await fetch(url + '/status/ready')).status === 200)
                return {proc, dir, url};
        } catch { /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error('cairnd did not become ready');
}

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

const srv = await startCairnd();
let code = 0;
try {
    await kafkajsClient(srv.url);
    await confluentClient(srv.url);
} catch (e) {
    failed.push('exception: ' + (e.stack || e));
    console.log('FAIL', e);
} finally {
    srv.proc.kill('SIGTERM');
    await new Promise((r) => srv.proc.once('exit', r));
    rmSync(srv.dir, {recursive : true, force : true});
}
console.log(`test_node_sr_json: ${passed} checks passed, ${failed.length} failed`);
code = failed.length ? 1 : 0;
process.exit(code);
