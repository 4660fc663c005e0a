// setExceptionBreakpoints (the "traps" filter), stops on wasm traps, exceptionInfo, and
// traps without the filter.
'use strict';

const assert = require('assert');
const { wasm, useClient, expectedStdout } = require('./helper');

/** traps.c modes: trap message, the function that traps, its line. */
const MODES = [
    { mode: 'unreachable', message: 'unreachable', fn: 'trap_unreachable', line: 34 },
    { mode: 'div-zero', message: 'integer divide by zero', fn: 'trap_div_zero', line: 42 },
    { mode: 'int-overflow', message: 'integer overflow', fn: 'trap_int_overflow', line: 46 },
    { mode: 'oob-load', message: 'out of bounds memory access', fn: 'trap_oob_load', line: 51 },
    { mode: 'oob-store', message: 'out of bounds memory access', fn: 'trap_oob_store', line: 56 },
    { mode: 'null-call', message: 'uninitialized element', fn: 'trap_null_call', line: 61 },
    { mode: 'sig-mismatch', message: 'indirect call type mismatch', fn: 'trap_sig_mismatch', line: 67 },
];

const trapsFilter = c => c.ok('setExceptionBreakpoints', { filters: ['traps'] });

describe('exception breakpoints (traps)', function () {
    const t = useClient();

    it('setExceptionBreakpoints answers with one breakpoint per filter', async function () {
        const c = t.c;
        await c.launch({ program: wasm('traps.O0'), args: ['div-zero'] }, async c => {
            const body = await trapsFilter(c);
            assert.strictEqual(body.breakpoints.length, 1);
            assert.strictEqual(body.breakpoints[0].verified, true);
        });
        await c.stopped('exception');
    });

    for (const m of MODES) {
        it(`stops on the trap "${m.message}" (traps ${m.mode}) in ${m.fn}`, async function () {
            const c = t.c;
            await c.launch({ program: wasm('traps.O0'), args: [m.mode] }, trapsFilter);
            const stop = await c.stopped('exception');
            assert.ok(stop.description && stop.description.includes(m.message), `description ${JSON.stringify(stop.description)}`);
            if (stop.text !== undefined) assert.ok(stop.text.includes(m.message) || stop.text.length > 0);
            assert.strictEqual(c.output('stdout'), expectedStdout(`trap-${m.mode}`), 'output flushed before the trap');
            const frames = await c.frames();
            assert.deepStrictEqual(frames.slice(0, 3).map(f => f.name), [m.fn, 'run_mode', 'main']);
            assert.strictEqual(frames[0].line, m.line);
            assert.strictEqual(frames[2].line, 99);
        });
    }

    it('abort() traps inside libc; the caller frames are there', async function () {
        const c = t.c;
        await c.launch({ program: wasm('traps.O0'), args: ['abort'] }, trapsFilter);
        const stop = await c.stopped('exception');
        assert.ok(stop.description.includes('unreachable'));
        const names = (await c.frames()).map(f => f.name);
        const i = names.indexOf('trap_abort');
        assert.ok(i >= 1, `trap_abort below the libc frames: ${names}`);
        assert.deepStrictEqual(names.slice(i, i + 3), ['trap_abort', 'run_mode', 'main']);
    });

    it('exceptionInfo describes the trap', async function () {
        const c = t.c;
        await c.launch({ program: wasm('traps.O0'), args: ['div-zero'] }, trapsFilter);
        await c.stopped('exception');
        const info = await c.ok('exceptionInfo', { threadId: 1 });
        assert.ok(typeof info.exceptionId === 'string' && info.exceptionId.length > 0, 'exceptionId');
        assert.ok(info.description.includes('integer divide by zero'), `description ${info.description}`);
        assert.strictEqual(info.breakMode, 'always');
    });

    it('frames stay inspectable at the trap', async function () {
        const c = t.c;
        await c.launch({ program: wasm('traps.O0'), args: ['div-zero'] }, trapsFilter);
        await c.stopped('exception');
        const frames = await c.frames();
        assert.strictEqual((await c.evaluate('numerator', frames[0].id)).result, '42');
        assert.strictEqual((await c.evaluate('g_zero', frames[0].id)).result, '0');
        const args = await c.scopeVars(frames[1].id, 'Arguments');
        assert.match(args.mode.value, /^0x[0-9a-f]+ "div-zero"$/);
        assert.strictEqual((await c.evaluate('argc', frames[2].id)).result, '2');
    });

    it('continuing after a trap ends the program', async function () {
        const c = t.c;
        await c.launch({ program: wasm('traps.O0'), args: ['oob-store'] }, trapsFilter);
        await c.stopped('exception');
        const code = await c.runToEnd();
        assert.notStrictEqual(code, 0, 'a trapped program does not exit 0');
        assert.ok(!c.output('stdout').includes('not reached'));
    });

    it('C++: the trap in geometry::Square::validate', async function () {
        const c = t.c;
        await c.launch({ program: wasm('shapes.O0'), args: ['trap'] }, trapsFilter);
        const stop = await c.stopped('exception');
        assert.ok(stop.description.includes('unreachable'));
        assert.strictEqual(c.output('stdout'), expectedStdout('shapes-trap'));
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'geometry::Square::validate');
        assert.strictEqual(f.line, 101);
        assert.strictEqual((await c.evaluate('factor', f.id)).result, '1000');
    });

    it('the trap filter also catches call stack exhaustion (recursion unbounded)', async function () {
        this.timeout(60000);
        const c = t.c;
        await c.launch({ program: wasm('recursion.O0'), args: ['unbounded'] }, trapsFilter);
        const stop = await c.stopped('exception', 30000);
        assert.ok(stop.description.includes('call stack exhausted'), stop.description);
        const body = await c.stackTrace({ startFrame: 0, levels: 3 });
        assert.deepStrictEqual(body.stackFrames.map(f => f.name), ['forever', 'forever', 'forever']);
        assert.ok(body.totalFrames > 1000, `deep: ${body.totalFrames}`);
    });

    it('the filter can be set while stopped', async function () {
        const c = t.c;
        await c.launch({ program: wasm('traps.O0'), args: ['int-overflow'], stopOnEntry: true }, c =>
            c.ok('setExceptionBreakpoints', { filters: [] })
        );
        await c.stopped('entry');
        await trapsFilter(c);
        await c.ok('continue', { threadId: 1 });
        const stop = await c.stopped('exception');
        assert.ok(stop.description.includes('integer overflow'));
    });
});

describe('traps without the filter', function () {
    const t = useClient();

    it('the program ends: the trap on stderr, exited, terminated, no stop', async function () {
        const c = t.c;
        await c.launch({ program: wasm('traps.O0'), args: ['div-zero'] }, c =>
            c.ok('setExceptionBreakpoints', { filters: [] })
        );
        const code = await c.ended();
        assert.notStrictEqual(code, 0);
        assert.strictEqual(c.events('stopped').length, 0);
        assert.strictEqual(c.output('stdout'), expectedStdout('trap-div-zero'));
        assert.match(c.output('stderr'), /integer divide by zero/);
        // As `wdb run`: exit status 134 and a backtrace with source lines.
        assert.strictEqual(code, 134);
        assert.match(c.output('stderr'), /trap_div_zero \(traps\.c:42\)/);
    });

    it('an unknown filter is refused with a message naming it', async function () {
        const c = t.c;
        await c.launch({ program: wasm('traps.O0'), args: ['div-zero'] }, async c => {
            await c.fail('setExceptionBreakpoints', { filters: ['no-such-filter'] }, /no-such-filter/);
            await c.ok('setExceptionBreakpoints', { filters: [] });
        });
        assert.notStrictEqual(await c.ended(), 0);
        assert.strictEqual(c.events('stopped').length, 0);
    });
});

describe('traps with the default filters', function () {
    const t = useClient();

    it('without setExceptionBreakpoints the "traps" filter is on (its default)', async function () {
        const c = t.c;
        await c.launch({ program: wasm('traps.O0'), args: ['null-call'] });
        const stop = await c.stopped('exception');
        assert.ok(stop.description.includes('uninitialized element'));
    });
});
