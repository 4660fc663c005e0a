// Misuse: unknown commands, bad arguments, requests at the wrong time, requests while the
// program runs, and broken framing / malformed JSON on the wire.
'use strict';

const assert = require('assert');
const cp = require('child_process');
const { WDB, REPO, wasm, src, useClient, sleep } = require('./helper');

describe('bad requests', function () {
    const t = useClient();

    it('an unknown command is an error response; the next request is answered', async function () {
        const c = t.c;
        await c.initialize();
        const r = await c.fail('fooBarBaz', { x: 1 });
        assert.match(r.message + JSON.stringify(r.body || {}), /fooBarBaz|unknown|unsupported|not supported/i);
        const threads = await c.request('threads');
        assert.strictEqual(threads.success, true);
    });

    it('unsupported standard requests are errors, not silence', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        for (const cmd of ['stepBack', 'reverseContinue', 'gotoTargets', 'restartFrame']) {
            await c.fail(cmd, { threadId: 1, source: { path: src('vars.c') }, line: 57 });
        }
        // Still debugging.
        assert.strictEqual((await c.topFrame()).line, 57);
    });

    it('stackTrace, scopes, variables before launch are errors', async function () {
        const c = t.c;
        await c.initialize();
        await c.fail('stackTrace', { threadId: 1 });
        await c.fail('scopes', { frameId: 1 });
        await c.fail('variables', { variablesReference: 1 });
        await c.fail('evaluate', { expression: 'g_counter', context: 'repl' });
        await c.fail('continue', { threadId: 1 });
        await c.fail('next', { threadId: 1 });
    });

    it('bad arguments are errors', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        await c.fail('setBreakpoints', { breakpoints: [{ line: 3 }] }); // no source
        await c.fail('setBreakpoints', { source: { path: 42 }, breakpoints: [{ line: 3 }] });
        await c.fail('setBreakpoints', { source: { path: src('vars.c') }, breakpoints: [{ line: 'three' }] });
        await c.fail('variables', { variablesReference: 987654 });
        await c.fail('variables', {});
        await c.fail('scopes', { frameId: 987654 });
        await c.fail('evaluate', {}); // no expression
        await c.fail('readMemory', { memoryReference: '0x100', count: -1 });
        await c.fail('setVariable', { variablesReference: 987654, name: 'x', value: '1' });
        const dbi = await c.request('dataBreakpointInfo', { name: 'nosuch_var', frameId: 987654 });
        assert.ok(!dbi.success || dbi.body.dataId === null, 'no dataId for a bogus frame');
        await c.fail('disassemble', { memoryReference: 'zzz', instructionCount: 1 });
        // Still alive and stopped where it was.
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'price_taxed');
        assert.strictEqual((await c.evaluate('base', f.id)).result, '20');
    });

    it('a second launch is refused', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        await c.fail('launch', { program: wasm('hello.O0') });
        assert.strictEqual((await c.topFrame()).name, 'price_taxed');
    });

    it('requests after the program ended are errors (threads still answers)', async function () {
        const c = t.c;
        await c.launch({ program: wasm('hello.O0') });
        await c.ended();
        await c.fail('stackTrace', { threadId: 1 });
        await c.fail('continue', { threadId: 1 });
        const threads = await c.request('threads');
        assert.strictEqual(threads.success, true);
    });
});

describe('requests while the program runs', function () {
    const t = useClient();

    it('inspection requests fail with "running"; threads and pause work', async function () {
        const c = t.c;
        await c.launch({ program: wasm('spin.O0') });
        await c.waitOutput('stdout', 'spinning\n');
        for (const [cmd, args] of [
            ['stackTrace', { threadId: 1 }],
            ['scopes', { frameId: 1 }],
            ['variables', { variablesReference: 1 }],
            ['evaluate', { expression: 'g_spins', context: 'repl' }],
            ['next', { threadId: 1 }],
            ['stepIn', { threadId: 1 }],
            ['readMemory', { memoryReference: '0x1000', count: 4 }],
            ['disassemble', { memoryReference: '0x1000', instructionCount: 1 }],
        ]) {
            await c.fail(cmd, args, /running/i);
        }
        const threads = await c.ok('threads');
        assert.deepStrictEqual(threads.threads, [{ id: 1, name: 'main' }]);
        await c.ok('pause', { threadId: 1 });
        await c.stopped('pause');
        assert.strictEqual((await c.topFrame()).name, 'spin');
    });

    it('setBreakpoints while running: refused with "running" (or accepted and hit)', async function () {
        const c = t.c;
        await c.launch({ program: wasm('spin.O0') });
        await c.waitOutput('stdout', 'spinning\n');
        const r = await c.request('setBreakpoints', { source: { path: src('spin.c') }, breakpoints: [{ line: 9 }] });
        if (r.success) {
            const stop = await c.stopped('breakpoint');
            assert.deepStrictEqual(stop.hitBreakpointIds, [r.body.breakpoints[0].id]);
            return;
        }
        assert.match(r.message, /running/i);
        // After a pause it works, and the breakpoint is hit on continue.
        await c.ok('pause', { threadId: 1 });
        await c.stopped('pause');
        const [bp] = await c.setBreakpoints('spin.c', [9]);
        await c.ok('continue', { threadId: 1 });
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
    });

    it('restart while running: refused with "running", or a fresh run', async function () {
        const c = t.c;
        await c.launch({ program: wasm('spin.O0') });
        await c.waitOutput('stdout', 'spinning\n');
        const r = await c.request('restart', {});
        if (r.success) {
            await c.waitOutput('stdout', 'spinning\nspinning\n');
        } else {
            assert.match(r.message, /running/i);
        }
        await c.ok('pause', { threadId: 1 });
        await c.stopped('pause');
    });

    it('terminate while running works', async function () {
        const c = t.c;
        await c.launch({ program: wasm('spin.O2') });
        await c.waitOutput('stdout', 'spinning\n');
        await c.ok('terminate', {});
        await c.ended();
    });
});

// ---- raw framing -----------------------------------------------------------------------

/** Runs `wdb dap` with raw stdio; collects parsed messages. */
class RawAdapter {
    constructor() {
        this.proc = cp.spawn(WDB, ['dap'], { cwd: REPO });
        this.buf = Buffer.alloc(0);
        this.messages = [];
        this.exited = null;
        this.proc.stdout.on('data', d => {
            this.buf = Buffer.concat([this.buf, d]);
            this._parse();
        });
        this.proc.stderr.on('data', () => {});
        this.proc.on('exit', code => {
            this.exited = code;
        });
    }

    _parse() {
        for (;;) {
            const sep = this.buf.indexOf('\r\n\r\n');
            if (sep < 0) return;
            const header = this.buf.slice(0, sep).toString();
            const m = /Content-Length: *(\d+)/i.exec(header);
            assert.ok(m, `adapter sent a header without Content-Length: ${JSON.stringify(header)}`);
            const len = Number(m[1]);
            if (this.buf.length < sep + 4 + len) return;
            const body = this.buf.slice(sep + 4, sep + 4 + len).toString('utf8');
            this.buf = this.buf.slice(sep + 4 + len);
            this.messages.push(JSON.parse(body));
        }
    }

    write(bytes) {
        this.proc.stdin.write(bytes);
    }

    send(obj) {
        const json = JSON.stringify(obj);
        this.write(`Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`);
    }

    async response(seq, timeout = 5000) {
        const deadline = Date.now() + timeout;
        for (;;) {
            const r = this.messages.find(m => m.type === 'response' && m.request_seq === seq);
            if (r) return r;
            if (Date.now() > deadline) {
                throw new Error(`no response to seq ${seq}; got ${JSON.stringify(this.messages)}; exited=${this.exited}`);
            }
            await sleep(20);
        }
    }

    kill() {
        this.proc.kill();
    }
}

const initialize = seq => ({ seq, type: 'request', command: 'initialize', arguments: { adapterID: 'wdb', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' } });

describe('framing', function () {
    let raw;
    beforeEach(() => {
        raw = new RawAdapter();
    });
    afterEach(() => raw.kill());

    it('answers a well-formed initialize (sanity)', async function () {
        raw.send(initialize(1));
        const r = await raw.response(1);
        assert.strictEqual(r.success, true);
        assert.strictEqual(r.command, 'initialize');
        assert.strictEqual(r.type, 'response');
        assert.ok(typeof r.seq === 'number' && r.seq > 0, 'responses have their own seq');
    });

    it('malformed JSON in a well-framed message: the adapter keeps going', async function () {
        const bad = '{"seq": 1, "type": "request", "command": ';
        raw.write(`Content-Length: ${bad.length}\r\n\r\n${bad}`);
        raw.send(initialize(2));
        const r = await raw.response(2);
        assert.strictEqual(r.success, true);
        assert.strictEqual(raw.exited, null, 'still running');
    });

    it('valid JSON that is not a request: the adapter keeps going', async function () {
        raw.send({ hello: 'world' });
        raw.send([1, 2, 3]);
        raw.send({ seq: 3, type: 'request' }); // no command
        raw.send(initialize(4));
        const r = await raw.response(4);
        assert.strictEqual(r.success, true);
        const forNoCommand = raw.messages.find(m => m.type === 'response' && m.request_seq === 3);
        if (forNoCommand) assert.strictEqual(forNoCommand.success, false);
    });

    it('a header block without Content-Length is skipped', async function () {
        raw.write('X-Nonsense: 1\r\n\r\n');
        raw.send(initialize(5));
        const r = await raw.response(5);
        assert.strictEqual(r.success, true);
    });

    it('a non-numeric Content-Length is skipped', async function () {
        raw.write('Content-Length: abc\r\n\r\n');
        raw.send(initialize(6));
        const r = await raw.response(6);
        assert.strictEqual(r.success, true);
    });

    it('extra headers and a message split across writes', async function () {
        const json = JSON.stringify(initialize(7));
        const whole = `Content-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n${json}`;
        for (let i = 0; i < whole.length; i += 7) {
            raw.write(whole.slice(i, i + 7));
            await sleep(1);
        }
        const r = await raw.response(7);
        assert.strictEqual(r.success, true);
    });

    it('two messages in one write, and non-ASCII (byte-counted) content', async function () {
        const a = JSON.stringify(initialize(8));
        const b = JSON.stringify({ seq: 9, type: 'request', command: 'evaluate', arguments: { expression: 'ünïcødé', context: 'repl' } });
        raw.write(`Content-Length: ${Buffer.byteLength(a)}\r\n\r\n${a}Content-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`);
        assert.strictEqual((await raw.response(8)).success, true);
        const r9 = await raw.response(9);
        assert.strictEqual(r9.success, false, 'evaluate before launch fails');
        assert.strictEqual(r9.command, 'evaluate');
        raw.send({ seq: 10, type: 'request', command: 'threads' });
        assert.strictEqual((await raw.response(10)).command, 'threads');
    });

    it('disconnect: response, then the adapter exits 0', async function () {
        raw.send(initialize(1));
        await raw.response(1);
        raw.send({ seq: 2, type: 'request', command: 'disconnect', arguments: {} });
        const r = await raw.response(2);
        assert.strictEqual(r.success, true);
        const deadline = Date.now() + 5000;
        while (raw.exited === null && Date.now() < deadline) await sleep(20);
        assert.strictEqual(raw.exited, 0);
    });
});
