// next / stepIn / stepOut (line and instruction granularity), continue, pause.
'use strict';

const assert = require('assert');
const { wasm, useClient, expectedStdout, addr } = require('./helper');

describe('stepping by line', function () {
    const t = useClient();

    it('next steps over a call to the next line', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 107);
        await c.ok('next', { threadId: 1 });
        await c.stopped('step');
        let f = await c.topFrame();
        assert.strictEqual(f.name, 'main');
        assert.strictEqual(f.line, 108);
        assert.strictEqual((await c.evaluate('g_counter', f.id)).result, '1', 'add_item ran');
        await c.ok('next', { threadId: 1, granularity: 'line' });
        await c.stopped('step');
        f = await c.topFrame();
        assert.strictEqual(f.line, 109);
        assert.strictEqual((await c.evaluate('g_counter', f.id)).result, '2');
    });

    it('stepIn enters the call, after its prologue', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 107);
        await c.ok('stepIn', { threadId: 1 });
        await c.stopped('step');
        const frames = await c.frames();
        assert.deepStrictEqual(frames.map(f => f.name), ['add_item', 'main', '_start']);
        assert.strictEqual(frames[0].line, 61);
        assert.strictEqual((await c.evaluate('index', frames[0].id)).result, '0');
        assert.match((await c.evaluate('name', frames[0].id)).result, /^0x[0-9a-f]+ "hammer"$/);
        assert.strictEqual((await c.evaluate('price', frames[0].id)).result, '12.5');
    });

    it('next inside a function, then stepOut back to the caller', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 107);
        await c.ok('stepIn', { threadId: 1 });
        await c.stopped('step');
        for (const line of [62, 63, 64]) {
            await c.ok('next', { threadId: 1 });
            await c.stopped('step');
            assert.strictEqual((await c.topFrame()).line, line);
        }
        await c.ok('stepOut', { threadId: 1 });
        await c.stopped('step');
        const frames = await c.frames();
        assert.deepStrictEqual(frames.map(f => f.name), ['main', '_start']);
        // add_item(0, ...) was the whole of line 107: back in main at 108, as `finish` does.
        assert.strictEqual(frames[0].line, 108);
        assert.strictEqual((await c.evaluate('g_counter', frames[0].id)).result, '1');
    });

    it('stepOut of a function called through a pointer', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        await c.ok('stepOut', { threadId: 1 });
        await c.stopped('step');
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'total_value');
        assert.ok(f.line === 87 || f.line === 88, `back in the loop at line ${f.line}`);
    });

    it('stepIn on a line without calls is a next', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 88);
        await c.ok('stepIn', { threadId: 1 });
        await c.stopped('step');
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'total_value');
        assert.strictEqual(f.line, 89);
    });

    it('a breakpoint inside a stepped-over call stops there', async function () {
        const c = t.c;
        const bps = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints('vars.c', [107, 75]));
        await c.stopped('breakpoint');
        await c.ok('next', { threadId: 1 });
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bps[1].id]);
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'add_item');
        assert.strictEqual(f.line, 75);
    });

    it('stepOut of main returns to _start', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 134);
        await c.ok('stepOut', { threadId: 1 });
        await c.stopped('step');
        const frames = await c.frames();
        assert.deepStrictEqual(frames.map(f => f.name), ['_start']);
        // (Most of main's output is still in libc's stdout buffer: exit() flushes it.)
        assert.strictEqual(await c.runToEnd(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('vars'));
    });

    it('stepping off the end of main ends the program', async function () {
        const c = t.c;
        await c.runTo('exitcode.O0', 'exitcode.c', lineOf('exitcode.c', /return 7;/));
        for (let i = 0; i < 20; i++) {
            await c.ok('next', { threadId: 1 });
            const ev = await c.event(['stopped', 'exited']);
            if (ev.event === 'exited') {
                assert.strictEqual(ev.body.exitCode, 7);
                await c.event('terminated');
                return;
            }
            assert.strictEqual(ev.body.reason, 'step');
        }
        assert.fail('the program did not end within 20 steps');
    });
});

describe('stepping by instruction', function () {
    const t = useClient();

    it('stepIn granularity instruction advances one instruction', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 109);
        const ip0 = addr(frame.instructionPointerReference);
        const { instructions } = await c.ok('disassemble', {
            memoryReference: frame.instructionPointerReference,
            instructionCount: 3,
        });
        await c.ok('stepIn', { threadId: 1, granularity: 'instruction' });
        await c.stopped('step');
        let f = await c.topFrame();
        assert.strictEqual(f.name, 'main');
        assert.strictEqual(addr(f.instructionPointerReference), addr(instructions[1].address), 'the next instruction');
        assert.strictEqual(f.line, 109);
        await c.ok('next', { threadId: 1, granularity: 'instruction' });
        await c.stopped('step');
        f = await c.topFrame();
        assert.strictEqual(addr(f.instructionPointerReference), addr(instructions[2].address));
        assert.ok(addr(f.instructionPointerReference) > ip0);
    });

    it('instruction steps into a call land on the callee entry; next steps over it', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 109);
        // Step instructions until the call instruction, then stepIn enters add_item.
        let entered = false;
        for (let i = 0; i < 40; i++) {
            const f = await c.topFrame();
            const [insn] = (await c.ok('disassemble', { memoryReference: f.instructionPointerReference, instructionCount: 1 })).instructions;
            if (/^call\b/.test(insn.instruction)) {
                // `next` by instruction steps over the call.
                await c.ok('next', { threadId: 1, granularity: 'instruction' });
                await c.stopped('step');
                const after = await c.topFrame();
                assert.strictEqual(after.name, 'main');
                assert.strictEqual((await c.evaluate('g_counter', after.id)).result, '3', 'add_item(2, ...) ran');
                entered = true;
                break;
            }
            await c.ok('stepIn', { threadId: 1, granularity: 'instruction' });
            await c.stopped('step');
            assert.strictEqual((await c.topFrame()).name, 'main', `still in main before the call (${insn.instruction})`);
        }
        assert.ok(entered, 'found the call of add_item');
    });

    it('stepIn by instruction on a call enters the callee at its first instruction', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 109);
        for (let i = 0; i < 40; i++) {
            const f = await c.topFrame();
            const [insn] = (await c.ok('disassemble', { memoryReference: f.instructionPointerReference, instructionCount: 1 })).instructions;
            await c.ok('stepIn', { threadId: 1, granularity: 'instruction' });
            await c.stopped('step');
            if (/^call\b/.test(insn.instruction)) {
                const frames = await c.frames();
                assert.deepStrictEqual(frames.slice(0, 2).map(x => x.name), ['add_item', 'main']);
                assert.strictEqual(frames[0].line, 60, 'the function header line at entry');
                return;
            }
        }
        assert.fail('no call within 40 instructions of line 109');
    });
});

describe('continue and pause', function () {
    const t = useClient();

    it('continue runs to the next breakpoint, then to the end', async function () {
        const c = t.c;
        const bps = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints('vars.c', [112, 118]));
        await c.stopped('breakpoint');
        const body = await c.ok('continue', { threadId: 1 });
        if (body.allThreadsContinued !== undefined) assert.strictEqual(body.allThreadsContinued, true);
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bps[1].id]);
        assert.strictEqual(await c.runToEnd(), 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('vars'));
    });

    it('pause stops a spinning program; setting g_stop lets it finish', async function () {
        const c = t.c;
        await c.launch({ program: wasm('spin.O0') });
        await c.waitOutput('stdout', 'spinning\n');
        await c.ok('pause', { threadId: 1 });
        await c.stopped('pause');
        const frames = await c.frames();
        assert.deepStrictEqual(frames.slice(0, 2).map(f => f.name), ['spin', 'main']);
        assert.strictEqual(frames[0].line, 9);
        assert.strictEqual(frames[1].line, 15);
        const spins = BigInt((await c.evaluate('g_spins', frames[0].id)).result);
        assert.ok(spins > 0n, 'it spun');
        await c.ok('setExpression', { expression: 'g_stop', value: '1', frameId: frames[0].id });
        const code = await c.runToEnd();
        assert.strictEqual(code, 0);
        const m = /^stopped after (\d+) spins$/m.exec(c.output('stdout'));
        assert.ok(m, `final line in ${JSON.stringify(c.output('stdout'))}`);
        assert.ok(BigInt(m[1]) >= spins);
    });

    it('pause while stopped is harmless: no new stop', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 107);
        await c.ok('pause', { threadId: 1 });
        await c.noEvent('stopped', 300);
        assert.strictEqual((await c.topFrame()).line, 107);
        assert.strictEqual(await c.runToEnd(), 0);
    });

    it('pause, continue, pause again', async function () {
        const c = t.c;
        await c.launch({ program: wasm('spin.O2') });
        await c.waitOutput('stdout', 'spinning\n');
        for (let i = 0; i < 3; i++) {
            await c.ok('pause', { threadId: 1 });
            await c.stopped('pause');
            const f = await c.topFrame();
            assert.ok(['spin', 'main'].includes(f.name), `paused in ${f.name}`);
            await c.ok('continue', { threadId: 1 });
            await c.noEvent('stopped', 100);
        }
        await c.ok('terminate', {});
        await c.ended();
    });

    it('a breakpoint set while running is hit (after a pause)', async function () {
        const c = t.c;
        await c.launch({ program: wasm('spin.O0') });
        await c.waitOutput('stdout', 'spinning\n');
        await c.ok('pause', { threadId: 1 });
        await c.stopped('pause');
        const [bp] = await c.setBreakpoints('spin.c', [16]);
        assert.strictEqual(bp.verified, true);
        const f = await c.topFrame();
        await c.ok('setExpression', { expression: 'g_stop', value: '1', frameId: f.id });
        await c.ok('continue', { threadId: 1 });
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        const g = await c.topFrame();
        assert.strictEqual(g.name, 'main');
        assert.strictEqual(g.line, 16);
    });
});

/** The 1-based line of the first line of tests/guests/FILE matching `re`. */
function lineOf(file, re) {
    const lines = require('fs').readFileSync(require('./helper').src(file), 'utf8').split('\n');
    const i = lines.findIndex(l => re.test(l));
    if (i < 0) throw new Error(`no line matching ${re} in ${file}`);
    return i + 1;
}
