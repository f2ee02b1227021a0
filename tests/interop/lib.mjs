// SPDX-License-Identifier: Apache-2.0
//
// Shared by the Node interop tests (tests/interop/test_*.mjs): where the build is, starting and
// stopping a real cairnd on free loopback ports with a temporary data dir, reading raw Kafka
// records, and the eq/report check counter. Not a test itself: tests/run runs only test_* files.
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join, dirname, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
// resolves the npm clients installed here by tests/interop/setup
export const require = createRequire(join(here, 'package.json'));
export const root = process.env.CAIRN_ROOT || join(here, '..', '..');
export const build = resolve(root, process.env.CAIRN_BUILD || 'build');
export const bin = join(build, 'bin');
export const cairndPath = process.env.CAIRN_CAIRND || join(bin, 'cairnd');

// exit 77: tests/run counts the script as skipped
export function skip(why) {
    console.log(`skipped: ${why}`);
    process.exit(77);
}

// skips unless every path exists
export function needFiles(why, ...paths) {
    if (!paths.every((p) => existsSync(p)))
        skip(why);
}

export function tempDir(tag) { return mkdtempSync(join(tmpdir(), `cairn-${tag}-`)); }

export function freePort() {
    return new Promise((res, rej) => {
        const s = createServer();
        s.listen(0, '127.0.0.1', () => {
            const p = s.address().port;
            s.close(() => res(p));
        });
        s.on('error', rej);
    });
}

// cairnd with its REST API on a free port; kafka: 'off', or true for a listener on a free port
// (returned as boot). Resolves once /status/ready answers 200.
export async function startCairnd({tag = 'node', kafka = 'off'} = {}) {
    const port = await freePort();
    const boot = kafka === 'off' ? null : `127.0.0.1:${await freePort()}`;
    const dir = tempDir(tag);
    const proc =
        spawn(cairndPath, [ '--data-dir', dir, '--http', `127.0.0.1:${port}`, '--kafka', boot || 'off' ],
              {stdio : [ 'ignore', 'ignore', 'inherit' ]});
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i++) {
        try {
            if ((await fetch(url + '/status/ready')).status === 200)
                return {proc, dir, url, boot};
        } catch { /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    rmSync(dir, {recursive : true, force : true});
    throw new Error('cairnd did not become ready');
}

// SIGTERM (SIGKILL after 10 s), waits for the exit, then removes its data dir and extra dirs
export async function stopCairnd(srv, ...dirs) {
    const exited = new Promise((r) => srv.proc.once('exit', r));
    srv.proc.kill('SIGTERM');
    const timer = setTimeout(() => srv.proc.kill('SIGKILL'), 10000);
    if (srv.proc.exitCode === null && srv.proc.signalCode === null)
        await exited;
    clearTimeout(timer);
    for (const d of [ srv.dir, ...dirs ])
        rmSync(d, {recursive : true, force : true});
}

// the values of the first n records of topic (fewer if they do not come within 60 s)
export async function consumeRaw(kafka, topic, n) {
    const got = [];
    const c = kafka.consumer({groupId : `raw-${topic}`, sessionTimeout : 10000, heartbeatInterval : 500});
    await c.connect();
    await c.subscribe({topic, fromBeginning : true});
    await c.run({eachMessage : async ({message}) => { got.push(message.value); }});
    const deadline = Date.now() + 60000;
    while (got.length < n && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
    await c.disconnect();
    return got;
}

// eq/rejects count checks; run() calls body(srv), stops cairnd, prints the count and exits 1 on
// any failed check or exception
export function checker(name) {
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
    async function run(srv, body, ...dirs) {
        try {
            await body(srv);
        } catch (e) {
            failed.push('exception: ' + (e.stack || e));
            console.log('FAIL', e);
        } finally {
            await stopCairnd(srv, ...dirs);
        }
        console.log(`${name}: ${passed} checks passed, ${failed.length} failed`);
        process.exit(failed.length ? 1 : 0);
    }
    return {eq, rejects, run};
}
