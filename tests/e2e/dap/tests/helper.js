// Shared helpers for the `wdb dap` end-to-end tests: a DebugClient that runs `wdb dap` over
// stdio, records every message the adapter sends (in order), and gives promise helpers that
// return whole responses (success or not) and wait for events without losing early ones.
'use strict';

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { DebugClient } = require('@vscode/debugadapter-testsupport');

const REPO = path.resolve(__dirname, '../../../..');
const WDB = process.env.WDB_BIN ? path.resolve(process.env.WDB_BIN) : path.join(REPO, 'target/debug/wdb');
const GUESTS = path.join(REPO, 'tests/guests');
/** The directory the guests were compiled in: their DWARF `DW_AT_comp_dir` (see tests/guests/README.md). */
const DWARF_COMP_DIR = '/work/main/tests/guests';

if (!fs.existsSync(WDB)) {
    throw new Error(`wdb binary not found at ${WDB}: run \`cargo build -p wdb-cli\` or set WDB_BIN`);
}

/** tests/guests/build/NAME.wasm, e.g. wasm('vars.O0'). */
const wasm = name => path.join(GUESTS, 'build', `${name}.wasm`);
/** tests/guests/NAME, e.g. src('vars.c'). */
const src = name => path.join(GUESTS, name);
/** The exact expected stdout of a guest case (tests/guests/expected/CASE.stdout). */
const expectedStdout = name => fs.readFileSync(path.join(GUESTS, 'expected', `${name}.stdout`), 'utf8');

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** A fresh empty temporary directory. */
function tmpDir(prefix = 'wdb-dap-') {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A stand-in for the DWARF directory that exists nowhere, as long as DWARF_COMP_DIR. */
const MISSING_COMP_DIR = '/nonexistent/wdb/guests';

/** A copy of a guest (in a new temp dir) whose DWARF names MISSING_COMP_DIR instead of the
 *  real build directory (same length: nothing else moves), as if built on another machine. */
function wasmBuiltElsewhere(name) {
    const buf = fs.readFileSync(wasm(name));
    const from = Buffer.from(DWARF_COMP_DIR);
    const to = Buffer.from(MISSING_COMP_DIR);
    assert.strictEqual(from.length, to.length);
    let n = 0;
    for (let i = buf.indexOf(from); i >= 0; i = buf.indexOf(from, i + 1)) {
        to.copy(buf, i);
        n++;
    }
    assert.ok(n > 0, `${name}: DWARF directory ${DWARF_COMP_DIR} not found in the module`);
    const out = path.join(tmpDir('wdb-elsewhere-'), `${name}.wasm`);
    fs.writeFileSync(out, buf);
    return out;
}

/** The text of an error response: its message plus the body's error format, if any. */
function errorText(response) {
    const parts = [response.message || ''];
    if (response.body && response.body.error) {
        parts.push(response.body.error.format || '');
    }
    return parts.join(' | ');
}

/** A hex address string ("0x1f2e") as a number. */
function addr(ref) {
    assert.match(String(ref), /^0x[0-9a-fA-F]+$/, `not a hex address: ${ref}`);
    return parseInt(ref, 16);
}

class WdbClient extends DebugClient {
    constructor(spawnOptions = {}) {
        super(WDB, 'dap', 'wdb', { cwd: REPO, ...spawnOptions });
        this.defaultTimeout = 10000;
        /** Every message from the adapter, in arrival order. */
        this.messages = [];
        /** Bodies that were not JSON. */
        this.badMessages = [];
        this.stderr = '';
        this._taken = new Set();
        this._waiters = [];
        this.capabilities = null;
    }

    async start() {
        await super.start();
        const proc = this._adapterProcess;
        this.process = proc;
        proc.stderr.on('data', data => {
            this.stderr += data.toString();
        });
        this.adapterExit = new Promise(resolve => {
            proc.on('exit', (code, signal) => {
                this.exitStatus = { code, signal };
                resolve(this.exitStatus);
                this._wake();
            });
        });
    }

    /** Ends the session: disconnect (bounded wait), then kill the adapter if still there. */
    async stop() {
        if (this.process && this.process.exitCode === null && this.process.signalCode === null) {
            await this.request('disconnect', { terminateDebuggee: true }, 3000).catch(() => {});
        }
        this.stopAdapter();
    }

    // Called by ProtocolClient for every complete message body.
    dispatch(body) {
        let msg;
        try {
            msg = JSON.parse(body);
        } catch (e) {
            this.badMessages.push(body);
            return;
        }
        this.messages.push(msg);
        super.dispatch(body);
        this._wake();
    }

    // ---- requests ------------------------------------------------------------------------

    /** Sends a request and resolves with the whole response, successful or not. */
    request(command, args, timeout = this.defaultTimeout) {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(
                () => reject(new Error(`no response to '${command}' after ${timeout} ms${this._context()}`)),
                timeout
            );
            this.doSend(command, args, response => {
                clearTimeout(timer);
                resolve(response);
            });
        });
    }

    /** Sends a request that must succeed; resolves with its body ({} when none). */
    async ok(command, args, timeout) {
        const r = await this.request(command, args, timeout);
        assert.strictEqual(r.type, 'response');
        assert.strictEqual(r.command, command, `response to '${command}' has command '${r.command}'`);
        assert.ok(
            r.success === true,
            `'${command}' ${JSON.stringify(args)} failed: ${errorText(r)}${this._context()}`
        );
        return r.body || {};
    }

    /** Sends a request that must fail with a message (matching `re` when given); resolves with the response. */
    async fail(command, args, re) {
        const r = await this.request(command, args);
        assert.strictEqual(r.type, 'response');
        assert.strictEqual(r.command, command);
        assert.ok(r.success === false, `'${command}' ${JSON.stringify(args)} should fail, got ${JSON.stringify(r.body)}`);
        const text = errorText(r);
        assert.ok(text.replace(/[ |]/g, '').length > 0, `'${command}' error response without a message`);
        if (re) {
            assert.match(text, re, `'${command}' error message`);
        }
        return r;
    }

    // ---- events --------------------------------------------------------------------------

    /** Events received so far of a type (all of them, taken or not). */
    events(type) {
        return this.messages.filter(m => m.type === 'event' && (!type || m.event === type));
    }

    /** The first event of `type` (a name or a list of names; matching `pred`) not taken yet
     *  by an earlier call; waits for it. */
    event(type, pred = () => true, timeout = this.defaultTimeout) {
        return new Promise((resolve, reject) => {
            const waiter = { type, pred, resolve, reject, done: false };
            waiter.timer = setTimeout(() => {
                waiter.done = true;
                reject(new Error(`no '${type}' event after ${timeout} ms${this._context()}`));
            }, timeout);
            this._waiters.push(waiter);
            this._wake();
        });
    }

    /** Resolves if no `type` event (untaken) arrives within `ms`; rejects with it otherwise. */
    async noEvent(type, ms = 500) {
        await sleep(ms);
        const ev = this.messages.find(m => m.type === 'event' && m.event === type && !this._taken.has(m));
        assert.ok(!ev, `unexpected '${type}' event: ${JSON.stringify(ev)}`);
    }

    _wake() {
        for (const w of this._waiters) {
            if (w.done) continue;
            const ev = this.messages.find(
                m =>
                    m.type === 'event' &&
                    (Array.isArray(w.type) ? w.type.includes(m.event) : m.event === w.type) &&
                    !this._taken.has(m) &&
                    w.pred(m)
            );
            if (ev) {
                this._taken.add(ev);
                w.done = true;
                clearTimeout(w.timer);
                w.resolve(ev);
            }
        }
        this._waiters = this._waiters.filter(w => !w.done);
    }

    _context() {
        const recent = this.messages
            .slice(-8)
            .map(m => (m.type === 'event' ? `event ${m.event} ${JSON.stringify(m.body || {})}` : `${m.type} ${m.command} ${m.success}`))
            .map(s => (s.length > 300 ? s.slice(0, 300) + '…' : s));
        const status = this.exitStatus ? `\nadapter exited: ${JSON.stringify(this.exitStatus)}` : '';
        const err = this.stderr ? `\nadapter stderr (tail):\n${this.stderr.slice(-1500)}` : '';
        return `\nlast messages:\n  ${recent.join('\n  ')}${status}${err}`;
    }

    /** Waits for a stopped event, checks the invariants (thread 1, all threads stopped) and the reason. */
    async stopped(reason, timeout) {
        const ev = await this.event('stopped', () => true, timeout);
        const b = ev.body;
        assert.strictEqual(b.threadId, 1, 'stopped.threadId');
        assert.strictEqual(b.allThreadsStopped, true, 'stopped.allThreadsStopped');
        if (reason !== undefined) {
            assert.strictEqual(b.reason, reason, `stopped reason (event ${JSON.stringify(b)})`);
        }
        return b;
    }

    /** All output of a category so far, concatenated. */
    output(category) {
        return this.events('output')
            .filter(e => (e.body.category || 'console') === category)
            .map(e => e.body.output)
            .join('');
    }

    /** Waits until the output of `category` contains `text`. */
    async waitOutput(category, text, timeout = this.defaultTimeout) {
        const deadline = Date.now() + timeout;
        while (!this.output(category).includes(text)) {
            if (Date.now() > deadline) {
                throw new Error(`no ${category} output ${JSON.stringify(text)} after ${timeout} ms; got ${JSON.stringify(this.output(category))}${this._context()}`);
            }
            await sleep(20);
        }
    }

    /** Waits for exited then terminated (in that order); resolves with the exit code. */
    async ended(timeout) {
        const exited = await this.event('exited', () => true, timeout);
        await this.event('terminated', () => true, timeout);
        const i = this.messages.indexOf(exited);
        const t = this.messages.findIndex(m => m.type === 'event' && m.event === 'terminated');
        assert.ok(i < t, 'exited comes before terminated');
        assert.strictEqual(typeof exited.body.exitCode, 'number', 'exited.exitCode');
        return exited.body.exitCode;
    }

    // ---- sessions ------------------------------------------------------------------------

    async initialize(extra = {}) {
        this.capabilities = await this.ok('initialize', {
            clientID: 'wdb-e2e',
            clientName: 'wdb e2e tests',
            adapterID: 'wdb',
            linesStartAt1: true,
            columnsStartAt1: true,
            pathFormat: 'path',
            supportsVariableType: true,
            supportsVariablePaging: true,
            supportsMemoryReferences: true,
            supportsRunInTerminalRequest: false,
            ...extra,
        });
        return this.capabilities;
    }

    /** initialize, launch, wait for initialized, run `configure` (breakpoints...), configurationDone.
     *  In a checkout elsewhere than the guests' build directory, the launch maps that
     *  directory to this checkout's (unless `args` has its own sourceMap), so that source
     *  paths are this checkout's either way. */
    async launch(args, configure) {
        if (GUESTS !== DWARF_COMP_DIR && !('sourceMap' in args)) {
            args = { ...args, sourceMap: { [DWARF_COMP_DIR]: GUESTS } };
        }
        await this.initialize();
        await this.ok('launch', args);
        await this.event('initialized');
        let result;
        if (configure) {
            result = await configure(this);
        }
        await this.ok('configurationDone');
        return result;
    }

    /** Line breakpoints in one source; resolves with the response's breakpoints. */
    async setBreakpoints(file, lines, extra = {}) {
        const spec = lines.map(l => (typeof l === 'number' ? { line: l } : l));
        const body = await this.ok('setBreakpoints', {
            source: { path: path.isAbsolute(file) ? file : src(file) },
            breakpoints: spec,
            lines: spec.map(b => b.line),
            ...extra,
        });
        assert.ok(Array.isArray(body.breakpoints), 'setBreakpoints: breakpoints array');
        assert.strictEqual(body.breakpoints.length, spec.length, 'setBreakpoints: one result per breakpoint');
        return body.breakpoints;
    }

    /** Launches `program` with breakpoints at FILE:LINE and waits for the first stop there. */
    async runTo(program, file, line, launchExtra = {}) {
        const bps = await this.launch({ program: wasm(program), ...launchExtra }, c => c.setBreakpoints(file, [line]));
        assert.strictEqual(bps[0].verified, true, `breakpoint ${file}:${line} verified (${JSON.stringify(bps[0])})`);
        const stop = await this.stopped('breakpoint');
        const frame = await this.topFrame();
        assert.strictEqual(frame.line, line, `stopped at ${file}:${line}`);
        return { bp: bps[0], stop, frame };
    }

    async stackTrace(args = {}) {
        return this.ok('stackTrace', { threadId: 1, ...args });
    }

    async frames(args) {
        return (await this.stackTrace(args)).stackFrames;
    }

    async topFrame() {
        const frames = await this.frames({ startFrame: 0, levels: 1 });
        assert.ok(frames.length >= 1, 'at least one frame');
        return frames[0];
    }

    async scopes(frameId) {
        return (await this.ok('scopes', { frameId })).scopes;
    }

    async scope(frameId, name) {
        const scopes = await this.scopes(frameId);
        const s = scopes.find(x => x.name === name);
        assert.ok(s, `scope '${name}' among ${JSON.stringify(scopes.map(x => x.name))}`);
        return s;
    }

    async variables(variablesReference, extra = {}) {
        return (await this.ok('variables', { variablesReference, ...extra })).variables;
    }

    /** The variables of a scope of a frame, by name. */
    async scopeVars(frameId, scopeName) {
        const s = await this.scope(frameId, scopeName);
        return byName(await this.variables(s.variablesReference));
    }

    async evaluate(expression, frameId, context = 'repl') {
        const args = { expression, context };
        if (frameId !== undefined) args.frameId = frameId;
        return this.ok('evaluate', args);
    }

    /** Continues and waits for the end; resolves with the exit code. */
    async runToEnd() {
        await this.ok('continue', { threadId: 1 });
        return this.ended();
    }
}

/** Variables by name (the first one of each name). */
function byName(vars) {
    const map = {};
    for (const v of vars) {
        if (!(v.name in map)) map[v.name] = v;
    }
    return map;
}

/** Per-test client: `const t = useClient();` then `t.c` inside tests. Dumps context on failure. */
function useClient(spawnOptions) {
    const t = {};
    beforeEach(async function () {
        t.c = new WdbClient(spawnOptions);
        await t.c.start();
    });
    afterEach(async function () {
        if (this.currentTest && this.currentTest.state === 'failed') {
            if (process.env.WDB_E2E_VERBOSE) {
                console.log(t.c._context());
            } else if (t.c.stderr) {
                console.log(`    adapter stderr: ${t.c.stderr.slice(-1000)}`);
            }
        }
        await t.c.stop();
    });
    return t;
}

/** The reference whose children are a struct pointer's pointee fields: the pointer's own, or
 *  that of its single `*p` child. */
async function pointeeRef(c, ptrVar) {
    assert.ok(ptrVar.variablesReference > 0, `pointer ${ptrVar.name} is expandable`);
    const kids = await c.variables(ptrVar.variablesReference);
    if (kids.length === 1 && kids[0].variablesReference > 0 && /^\*/.test(kids[0].name)) {
        return kids[0].variablesReference;
    }
    return ptrVar.variablesReference;
}

/** A struct pointer's pointee fields by name (see pointeeRef). */
async function pointeeFields(c, ptrVar) {
    return byName(await c.variables(await pointeeRef(c, ptrVar)));
}

module.exports = {
    REPO,
    WDB,
    GUESTS,
    DWARF_COMP_DIR,
    MISSING_COMP_DIR,
    wasmBuiltElsewhere,
    wasm,
    src,
    expectedStdout,
    tmpDir,
    sleep,
    errorText,
    addr,
    byName,
    pointeeRef,
    pointeeFields,
    WdbClient,
    useClient,
};
