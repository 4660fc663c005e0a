// initialize, launch (program/args/env/cwd/dirs/stopOnEntry/maxCallDepth), the event
// sequence, program output, exit codes, restart/terminate/disconnect.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { GUESTS, wasm, src, expectedStdout, tmpDir, useClient, errorText } = require('./helper');

describe('initialize', function () {
    const t = useClient();

    it('reports the capabilities of the adapter', async function () {
        const caps = await t.c.initialize();
        for (const cap of [
            'supportsConfigurationDoneRequest',
            'supportsFunctionBreakpoints',
            'supportsConditionalBreakpoints',
            'supportsHitConditionalBreakpoints',
            'supportsLogPoints',
            'supportsEvaluateForHovers',
            'supportsSetVariable',
            'supportsSetExpression',
            'supportsCompletionsRequest',
            'supportsDataBreakpoints',
            'supportsInstructionBreakpoints',
            'supportsSteppingGranularity',
            'supportsDisassembleRequest',
            'supportsReadMemoryRequest',
            'supportsWriteMemoryRequest',
            'supportsExceptionInfoRequest',
            'supportsLoadedSourcesRequest',
            'supportsModulesRequest',
            'supportsRestartRequest',
            'supportsTerminateRequest',
        ]) {
            assert.strictEqual(caps[cap], true, cap);
        }
        assert.ok(!caps.supportsValueFormattingOptions, 'supportsValueFormattingOptions is false or absent');
        assert.ok(Array.isArray(caps.exceptionBreakpointFilters), 'exceptionBreakpointFilters');
        assert.strictEqual(caps.exceptionBreakpointFilters.length, 1);
        const f = caps.exceptionBreakpointFilters[0];
        assert.strictEqual(f.filter, 'traps');
        assert.strictEqual(f.label, 'WebAssembly traps');
        assert.strictEqual(f.default, true);
    });

    it('sends no initialized event before launch', async function () {
        await t.c.initialize();
        await t.c.noEvent('initialized', 300);
    });
});

describe('launch', function () {
    const t = useClient();

    it('runs a program to the end: output, exited, terminated, in order', async function () {
        const c = t.c;
        await c.initialize();
        await c.ok('launch', { program: wasm('hello.O0') });
        const init = await c.event('initialized');
        const launchResponse = c.messages.findIndex(m => m.type === 'response' && m.command === 'launch');
        assert.ok(launchResponse >= 0 && launchResponse < c.messages.indexOf(init), 'initialized comes after the launch response');
        await c.noEvent('output', 200); // nothing runs before configurationDone
        await c.ok('configurationDone');
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('hello'));
        assert.strictEqual(c.events('stopped').length, 0, 'no stop without breakpoints');
        // Every stdout event comes before exited.
        const exited = c.messages.findIndex(m => m.event === 'exited');
        const lastOut = c.messages.map((m, i) => (m.event === 'output' && m.body.category === 'stdout' ? i : -1)).reduce((a, b) => Math.max(a, b));
        assert.ok(lastOut < exited, 'output before exited');
    });

    it('passes args and env (the whole guest environment)', async function () {
        const c = t.c;
        await c.launch({
            program: wasm('args_env.O0'),
            args: ['one', 'two words', 'ünïcødé', ''],
            env: { WDB_GUEST_VAR: 'hello world', WDB_GUEST_EMPTY: '' },
        });
        assert.strictEqual(await c.ended(), 4);
        assert.strictEqual(c.output('stdout'), expectedStdout('args-env'));
    });

    it('preopens dirs as HOST::GUEST', async function () {
        const c = t.c;
        const dir = tmpDir();
        await c.launch({ program: wasm('files.O0'), args: ['/data'], dirs: [`${dir}::/data`] });
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('files'));
        assert.deepStrictEqual(fs.readdirSync(dir), [], 'the guest cleaned up after itself');
    });

    it('preopens dirs given as HOST (same path in the guest)', async function () {
        const c = t.c;
        const dir = tmpDir();
        await c.launch({ program: wasm('files.O2'), args: [dir], dirs: [dir] });
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('files'));
    });

    it('resolves a relative program and relative dirs against cwd', async function () {
        const c = t.c;
        const parent = tmpDir();
        fs.mkdirSync(path.join(parent, 'sandbox'));
        fs.copyFileSync(wasm('files.O0'), path.join(parent, 'files.wasm'));
        await c.launch({ program: 'files.wasm', cwd: parent, args: ['/data'], dirs: ['sandbox::/data'] });
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('files'));
    });

    it('resolves a relative program against cwd (guest build directory)', async function () {
        const c = t.c;
        await c.launch({ program: 'build/hello.O2.wasm', cwd: GUESTS });
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('hello'));
    });

    it('reports the exit code of return from main and of exit()', async function () {
        const c = t.c;
        await c.launch({ program: wasm('exitcode.O0') });
        assert.strictEqual(await c.ended(), 7);
        assert.strictEqual(c.output('stdout'), expectedStdout('exit-return'));
    });

    it('reports the exit code of a nested exit(3)', async function () {
        const c = t.c;
        await c.launch({ program: wasm('exitcode.O0'), args: ['nested'] });
        assert.strictEqual(await c.ended(), 3);
        assert.strictEqual(c.output('stdout'), expectedStdout('exit-nested'));
    });

    it('stops on entry with stopOnEntry, then runs on', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0'), stopOnEntry: true });
        const stop = await c.stopped('entry');
        assert.strictEqual(stop.threadId, 1);
        assert.strictEqual(c.output('stdout'), '', 'nothing ran before the entry stop');
        const threads = await c.ok('threads');
        assert.deepStrictEqual(threads.threads, [{ id: 1, name: 'main' }]);
        const frames = await c.frames();
        assert.deepStrictEqual(frames.map(f => f.name), ['_start'], 'stopped at the entry function');
        assert.strictEqual(await c.runToEnd(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('vars'));
    });

    it('does not stop without stopOnEntry and breakpoints', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O2'), stopOnEntry: false });
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.events('stopped').length, 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('vars'));
    });

    it('reports threads before configurationDone and after the end', async function () {
        const c = t.c;
        await c.initialize();
        await c.ok('launch', { program: wasm('hello.O0') });
        await c.event('initialized');
        const threads = await c.ok('threads');
        assert.ok(Array.isArray(threads.threads));
        await c.ok('configurationDone');
        await c.ended();
    });

    it('sends a module event (reason new) for the program', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0'), stopOnEntry: true });
        const ev = await c.event('module');
        assert.strictEqual(ev.body.reason, 'new');
        const m = ev.body.module;
        assert.ok(m.id !== undefined && m.id !== null, 'module id');
        assert.match(m.name, /vars\.O0(\.wasm)?$/);
        assert.strictEqual(path.resolve(m.path), wasm('vars.O0'));
        await c.stopped('entry');
    });

    it('honours maxCallDepth (the deep recursion traps)', async function () {
        const c = t.c;
        await c.launch({ program: wasm('recursion.O0'), maxCallDepth: 1000 }, c =>
            c.ok('setExceptionBreakpoints', { filters: ['traps'] })
        );
        const stop = await c.stopped('exception');
        assert.match(stop.description || stop.text || '', /call stack exhausted/);
        const top = await c.topFrame();
        assert.match(top.name, /^(sum_to|is_even|is_odd)$/);
    });

    it('runs the 10000-deep recursion with the default call depth', async function () {
        const c = t.c;
        await c.launch({ program: wasm('recursion.O0') });
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('recursion'));
    });

    it('fails to launch a missing program, with the path in the message', async function () {
        const c = t.c;
        await c.initialize();
        const missing = path.join(GUESTS, 'build', 'no-such-program.wasm');
        await c.fail('launch', { program: missing }, /no-such-program\.wasm/);
        await c.noEvent('initialized', 200);
    });

    it('fails to launch a file that is not WebAssembly', async function () {
        const c = t.c;
        await c.initialize();
        await c.fail('launch', { program: src('vars.c') });
    });

    it('fails to launch without a program', async function () {
        const c = t.c;
        await c.initialize();
        const r = await c.fail('launch', { args: [] });
        assert.match(errorText(r), /program/);
    });

    it('fails to launch with a missing preopened directory', async function () {
        const c = t.c;
        await c.initialize();
        await c.fail('launch', { program: wasm('files.O0'), dirs: ['/no/such/dir/for/wdb::/data'] }, /no\/such\/dir/);
    });
});

describe('launch environment', function () {
    // The adapter runs with WDB_GUEST_VAR set: it must not leak into the guest.
    const t = useClient({ env: { ...process.env, WDB_GUEST_VAR: 'from the host' } });

    it('passes no args and an empty environment by default', async function () {
        const c = t.c;
        await c.launch({ program: wasm('args_env.O2') });
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('args-none'));
    });
});

describe('restart, terminate, disconnect', function () {
    const t = useClient();

    it('restart starts the program over, keeping breakpoints', async function () {
        const c = t.c;
        const { bp } = await c.runTo('vars.O0', 'vars.c', 118);
        assert.strictEqual(c.output('stdout'), '', 'no output before line 118');
        await c.ok('restart', {});
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        const frame = await c.topFrame();
        assert.strictEqual(frame.name, 'main');
        assert.strictEqual(frame.line, 118);
        const g = await c.evaluate('g_counter', frame.id);
        assert.strictEqual(g.result, '4');
        assert.strictEqual(await c.runToEnd(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('vars'), 'the output of one whole run');
    });

    it('restart after the program has printed starts from scratch', async function () {
        const c = t.c;
        const { bp } = await c.runTo('spin.O0', 'spin.c', 9);
        await c.waitOutput('stdout', 'spinning\n');
        await c.ok('restart', {});
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        await c.waitOutput('stdout', 'spinning\nspinning\n');
        const frame = await c.topFrame();
        assert.strictEqual((await c.evaluate('g_spins', frame.id)).result, '0');
    });

    it('terminate ends the program: exited then terminated', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 75);
        await c.ok('terminate', {});
        const code = await c.ended();
        assert.strictEqual(typeof code, 'number');
        assert.ok(!c.output('stdout').includes('PASSED'), 'the program did not run to its end');
    });

    it('terminate while the program runs ends it', async function () {
        const c = t.c;
        await c.launch({ program: wasm('spin.O0') });
        await c.waitOutput('stdout', 'spinning\n');
        await c.ok('terminate', {});
        await c.ended();
    });

    it('disconnect answers, then the adapter exits', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 75);
        await c.ok('disconnect', { terminateDebuggee: true });
        const status = await Promise.race([c.adapterExit, new Promise(r => setTimeout(() => r('timeout'), 5000))]);
        assert.notStrictEqual(status, 'timeout', 'adapter exits after disconnect');
        assert.strictEqual(status.code, 0, 'adapter exit status');
    });

    it('disconnect while the program runs: the adapter exits', async function () {
        const c = t.c;
        await c.launch({ program: wasm('spin.O0') });
        await c.waitOutput('stdout', 'spinning\n');
        await c.ok('disconnect', {});
        const status = await Promise.race([c.adapterExit, new Promise(r => setTimeout(() => r('timeout'), 5000))]);
        assert.notStrictEqual(status, 'timeout', 'adapter exits after disconnect');
        assert.strictEqual(status.code, 0);
    });

    it('the adapter exits when stdin closes', async function () {
        const c = t.c;
        await c.initialize();
        c.process.stdin.end();
        const status = await Promise.race([c.adapterExit, new Promise(r => setTimeout(() => r('timeout'), 5000))]);
        assert.notStrictEqual(status, 'timeout', 'adapter exits at end of input');
    });
});
