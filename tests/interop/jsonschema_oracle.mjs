// SPDX-License-Identifier: Apache-2.0
//
// A second opinion on JSON Schema validation for tests/interop/test_jsonschema_hyperjump.py:
// @hyperjump/json-schema (a validator nobody here wrote, which passes the official suite for
// drafts 4 to 2020-12). Reads a JSON file [{schema, instances: [...]}, ...] (each schema
// names its draft in $schema) and prints [[true|false|null, ...], ...]: null when the validator
// refused the schema.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));
const load = (sub) => import(require.resolve('@hyperjump/json-schema/' + sub));
const hj = await load('draft-2020-12');
for (const d of [ 'draft-2019-09', 'draft-07', 'draft-06', 'draft-04' ])
    await load(d);

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const out = [];
for (let i = 0; i < cases.length; i++) {
    const uri = `https://cairn.test/case-${i}`;
    const verdicts = [];
    try {
        hj.registerSchema(cases[i].schema, uri);
        for (const x of cases[i].instances)
            verdicts.push((await hj.validate(uri, x)).valid);
    } catch {
        while (verdicts.length < cases[i].instances.length)
            verdicts.push(null);
    }
    out.push(verdicts);
}
console.log(JSON.stringify(out));
