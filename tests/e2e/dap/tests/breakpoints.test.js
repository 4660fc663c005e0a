// setBreakpoints (lines, moved lines, unverified, conditions, hit conditions, log points),
// setFunctionBreakpoints, setInstructionBreakpoints.
'use strict';

const assert = require('assert');
const fs = require('fs');
const path = require('path');
const { wasm, src, expectedStdout, useClient, addr } = require('./helper');

/** add_item's arguments at vars.c:75, in call order (vars.O0). */
const ADDED = [
    { index: 0, quantity: 3 },
    { index: 1, quantity: 10 },
    { index: 2, quantity: 2 },
    { index: 3, quantity: 1 },
];

describe('line breakpoints', function () {
    const t = useClient();

    it('verifies a breakpoint and stops there with its id', async function () {
        const c = t.c;
        const bps = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints('vars.c', [57]));
        const bp = bps[0];
        assert.strictEqual(bp.verified, true);
        assert.strictEqual(bp.line, 57);
        assert.strictEqual(typeof bp.id, 'number');
        assert.ok(bp.source && bp.source.path.endsWith(path.join('tests', 'guests', 'vars.c')), `bp source ${JSON.stringify(bp.source)}`);
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        const frame = await c.topFrame();
        assert.strictEqual(frame.name, 'price_taxed');
        assert.strictEqual(frame.line, 57);
        assert.strictEqual(frame.source.name, 'vars.c');
        assert.strictEqual(frame.source.path, src('vars.c'));
        assert.ok(fs.existsSync(frame.source.path));
    });

    it('stops at every hit, then the program ends', async function () {
        const c = t.c;
        const [bp] = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints('vars.c', [75]));
        for (const want of ADDED) {
            const stop = await c.stopped('breakpoint');
            assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
            const f = await c.topFrame();
            assert.strictEqual(f.name, 'add_item');
            assert.strictEqual((await c.evaluate('index', f.id)).result, String(want.index));
            assert.strictEqual((await c.evaluate('quantity', f.id)).result, String(want.quantity));
            await c.ok('continue', { threadId: 1 });
        }
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.events('stopped').length, 4);
        assert.strictEqual(c.output('stdout'), expectedStdout('vars'));
    });

    it('moves a breakpoint on a line without code to the next line with code', async function () {
        const c = t.c;
        // 59 is the blank line before add_item's header (60). The header's code is the
        // prologue, so the breakpoint goes after it, to the first line of the body (61), as
        // gdb puts it: the arguments are in place there.
        const [bp] = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints('vars.c', [59]));
        assert.strictEqual(bp.verified, true);
        assert.strictEqual(bp.line, 61);
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'add_item');
        assert.strictEqual(f.line, 61);
        assert.strictEqual((await c.evaluate('index', f.id)).result, '0');
        assert.strictEqual((await c.evaluate('name', f.id)).result.endsWith('"hammer"'), true);
    });

    it('does not verify a line past the end of the file, with a message', async function () {
        const c = t.c;
        const bps = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints('vars.c', [500, 118]));
        assert.strictEqual(bps[0].verified, false);
        assert.ok(bps[0].message && bps[0].message.length > 0, 'unverified breakpoint has a message');
        assert.strictEqual(bps[1].verified, true);
        assert.notStrictEqual(bps[0].id, bps[1].id);
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bps[1].id]);
        assert.strictEqual((await c.topFrame()).line, 118);
    });

    it('does not verify a breakpoint in a file the program does not have', async function () {
        const c = t.c;
        const nosuch = path.join(path.dirname(src('vars.c')), 'nosuch.c');
        const bps = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints(nosuch, [3]));
        assert.strictEqual(bps[0].verified, false);
        assert.ok(bps[0].message && bps[0].message.length > 0, 'unverified breakpoint has a message');
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.events('stopped').length, 0);
    });

    it('matches a source by path suffix (a clone at another path)', async function () {
        const c = t.c;
        const elsewhere = '/somewhere/else/checkout/tests/guests/vars.c';
        const [bp] = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints(elsewhere, [88]));
        assert.strictEqual(bp.verified, true, JSON.stringify(bp));
        assert.strictEqual(bp.line, 88);
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'total_value');
        assert.strictEqual(f.line, 88);
    });

    it('sets several breakpoints in one request, each with its own id', async function () {
        const c = t.c;
        const bps = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints('vars.c', [107, 112, 118]));
        assert.deepStrictEqual(bps.map(b => b.verified), [true, true, true]);
        assert.deepStrictEqual(bps.map(b => b.line), [107, 112, 118]);
        assert.strictEqual(new Set(bps.map(b => b.id)).size, 3, 'distinct ids');
        for (const bp of bps) {
            const stop = await c.stopped('breakpoint');
            assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
            assert.strictEqual((await c.topFrame()).line, bp.line);
            await c.ok('continue', { threadId: 1 });
        }
        assert.strictEqual(await c.ended(), 0);
    });

    it('replaces the breakpoints of a source with each setBreakpoints', async function () {
        const c = t.c;
        const [b75] = await c.launch({ program: wasm('vars.O0') }, c => c.setBreakpoints('vars.c', [75]));
        let stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [b75.id]);
        const [b88] = await c.setBreakpoints('vars.c', [88]);
        assert.strictEqual(b88.verified, true);
        await c.ok('continue', { threadId: 1 });
        stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [b88.id], 'line 75 is gone, 88 is next');
        const f = await c.topFrame();
        assert.strictEqual(f.line, 88);
        assert.strictEqual(f.name, 'total_value');
        // Clearing all of them: the program runs to its end.
        const none = await c.setBreakpoints('vars.c', []);
        assert.deepStrictEqual(none, []);
        assert.strictEqual(await c.runToEnd(), 0);
    });

    it('sets breakpoints while stopped on entry', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0'), stopOnEntry: true });
        await c.stopped('entry');
        const [bp] = await c.setBreakpoints('vars.c', [118]);
        assert.strictEqual(bp.verified, true);
        await c.ok('continue', { threadId: 1 });
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        assert.strictEqual((await c.topFrame()).line, 118);
    });
});

describe('line breakpoints: inlining and C++', function () {
    const t = useClient();

    it('-O2: a line inlined twice has two locations; both stop', async function () {
        const c = t.c;
        // total_value (line 88) is inlined into main at lines 117 and 118.
        const [bp] = await c.launch({ program: wasm('vars.O2') }, c => c.setBreakpoints('vars.c', [88]));
        assert.strictEqual(bp.verified, true);
        assert.strictEqual(bp.line, 88);
        const callers = [];
        const values = [];
        for (;;) {
            const ev = await c.event(['stopped', 'exited']);
            if (ev.event === 'exited') break;
            assert.strictEqual(ev.body.reason, 'breakpoint');
            assert.deepStrictEqual(ev.body.hitBreakpointIds, [bp.id]);
            const frames = await c.frames({ levels: 2 });
            assert.deepStrictEqual(frames.map(f => f.name), ['total_value', 'main']);
            assert.strictEqual(frames[0].line, 88);
            callers.push(frames[1].line);
            values.push((await c.evaluate('v', frames[0].id)).result);
            await c.ok('continue', { threadId: 1 });
        }
        assert.deepStrictEqual(callers, [117, 117, 117, 117, 118, 118, 118, 118]);
        // price_plain then price_taxed of wrench, novel, apple, hammer.
        assert.deepStrictEqual(values, ['20', '17.5', '4', '37.5', '25', '21.875', '4', '46.875']);
    });

    it('C++: a breakpoint on a one-line member function stops after its prologue', async function () {
        const c = t.c;
        // Vec2::operator+ is all on line 18; its first call is origin + Vec2{side, 0} in
        // Square's constructor: this = &origin = {1, 1}, o = {3, 0}. (LLDB stops at 0x54dd.)
        const [bp] = await c.launch({ program: wasm('shapes.O0') }, c => c.setBreakpoints('shapes.cpp', [18]));
        assert.strictEqual(bp.verified, true);
        await c.stopped('breakpoint');
        const frames = await c.frames({ levels: 2 });
        assert.deepStrictEqual(frames.map(f => f.name), ['geometry::Vec2::operator+', 'geometry::Square::Square']);
        const args = await c.scopeVars(frames[0].id, 'Arguments');
        assert.notStrictEqual(args.this.value, '0x0', 'this is set up (after the prologue)');
        assert.match(args.o.value, /^@0x[0-9a-f]+: \{x = 3, y = 0\}$/);
        assert.strictEqual((await c.evaluate('this->x', frames[0].id)).result, '1');
    });

    it('C++: a breakpoint in a lambda body stops in the lambda\'s own frame', async function () {
        const c = t.c;
        // Line 142 has main's call of sum_by and the lambda's body: main stops first, then
        // the lambda, called from sum_by (LLDB: main(int, char**)::$_0::operator()).
        const [bp] = await c.launch({ program: wasm('shapes.O0') }, c => c.setBreakpoints('shapes.cpp', [142]));
        assert.strictEqual(bp.verified, true);
        await c.stopped('breakpoint');
        let frames = await c.frames({ levels: 2 });
        assert.strictEqual(frames[0].name, 'main');
        await c.ok('continue', { threadId: 1 });
        await c.stopped('breakpoint');
        frames = await c.frames({ levels: 3 });
        assert.match(frames[1].name, /sum_by<double, /);
        assert.strictEqual(frames[2].name, 'main');
        assert.match(frames[0].name, /\$_0::operator\(\)|lambda/, `the lambda's frame, got ${frames[0].name}`);
        assert.strictEqual(frames[0].line, 142);
        const s = await c.evaluate('s', frames[0].id);
        assert.match(s.result, /@0x[0-9a-f]+/, 'the lambda\'s parameter');
    });
});

describe('conditions, hit conditions, log points', function () {
    const t = useClient();

    it('stops only when the condition holds', async function () {
        const c = t.c;
        const [bp] = await c.launch({ program: wasm('vars.O0') }, c =>
            c.setBreakpoints('vars.c', [{ line: 75, condition: 'index == 2' }])
        );
        assert.strictEqual(bp.verified, true);
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        const f = await c.topFrame();
        assert.strictEqual((await c.evaluate('index', f.id)).result, '2');
        assert.strictEqual((await c.evaluate('g_counter', f.id)).result, '2');
        assert.strictEqual(await c.runToEnd(), 0);
        assert.strictEqual(c.events('stopped').length, 1);
    });

    it('conditions on struct fields through pointers', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0') }, c =>
            c.setBreakpoints('vars.c', [{ line: 57, condition: 'it->quantity > 5' }])
        );
        await c.stopped('breakpoint');
        const f = await c.topFrame();
        assert.strictEqual((await c.evaluate('it->quantity', f.id)).result, '10');
        assert.strictEqual(await c.runToEnd(), 0);
        assert.strictEqual(c.events('stopped').length, 1);
    });

    const hitCases = [
        { hitCondition: '>= 3', indexes: [2, 3] },
        { hitCondition: '==3', indexes: [2] },
        { hitCondition: '%2', indexes: [1, 3] },
        { hitCondition: '3', indexes: null }, // first stop on the 3rd hit
    ];
    for (const hc of hitCases) {
        it(`hit condition "${hc.hitCondition}"`, async function () {
            const c = t.c;
            const [bp] = await c.launch({ program: wasm('vars.O0') }, c =>
                c.setBreakpoints('vars.c', [{ line: 75, hitCondition: hc.hitCondition }])
            );
            assert.strictEqual(bp.verified, true);
            const seen = [];
            for (;;) {
                const ev = await c.event(['stopped', 'exited']);
                if (ev.event === 'exited') break;
                assert.strictEqual(ev.body.reason, 'breakpoint');
                const f = await c.topFrame();
                seen.push(Number((await c.evaluate('index', f.id)).result));
                await c.ok('continue', { threadId: 1 });
            }
            if (hc.indexes) {
                assert.deepStrictEqual(seen, hc.indexes);
            } else {
                assert.strictEqual(seen[0], 2, `first stop at the third hit (stops: ${seen})`);
            }
        });
    }

    it('log points print to the console without stopping', async function () {
        const c = t.c;
        const [bp] = await c.launch({ program: wasm('vars.O0') }, c =>
            c.setBreakpoints('vars.c', [{ line: 75, logMessage: 'add #{index}: qty={quantity} counter={g_counter}' }])
        );
        assert.strictEqual(bp.verified, true);
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.events('stopped').length, 0, 'log points do not stop');
        const lines = c.output('console').split('\n').filter(l => l.startsWith('add #'));
        assert.deepStrictEqual(lines, [
            'add #0: qty=3 counter=0',
            'add #1: qty=10 counter=1',
            'add #2: qty=2 counter=2',
            'add #3: qty=1 counter=3',
        ]);
        assert.strictEqual(c.output('stdout'), expectedStdout('vars'), 'log output is not on stdout');
    });

    it('log points with a condition', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0') }, c =>
            c.setBreakpoints('vars.c', [{ line: 88, condition: 'visited == 3', logMessage: 'v={v}' }])
        );
        assert.strictEqual(await c.ended(), 0);
        // total_value runs twice (plain, then taxed); the 4th item is hammer: 3 * 12.5 (x1.25).
        const lines = c.output('console').split('\n').filter(l => l.startsWith('v='));
        assert.deepStrictEqual(lines, ['v=37.5', 'v=46.875']);
    });
});

describe('condition and log message errors', function () {
    const t = useClient();

    it('a condition that cannot be evaluated stops, with the error on the console', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0') }, c =>
            c.setBreakpoints('vars.c', [{ line: 75, condition: 'nosuch > 1' }])
        );
        await c.stopped('breakpoint');
        assert.strictEqual((await c.topFrame()).line, 75);
        await c.waitOutput('console', 'nosuch');
    });

    it('a log message with a bad expression prints the error in its place and does not stop', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0') }, c =>
            c.setBreakpoints('vars.c', [{ line: 75, logMessage: 'i={index} bad={nosuch}' }])
        );
        assert.strictEqual(await c.ended(), 0);
        assert.strictEqual(c.events('stopped').length, 0);
        const lines = c.output('console').split('\n').filter(l => l.startsWith('i='));
        assert.strictEqual(lines.length, 4);
        assert.ok(lines[0].startsWith('i=0 bad='), lines[0]);
        assert.match(lines[0], /nosuch/);
    });
});

describe('function breakpoints', function () {
    const t = useClient();

    it('stops after the prologue of a C function', async function () {
        const c = t.c;
        const body = await c.launch({ program: wasm('vars.O0') }, c =>
            c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'price_taxed' }] })
        );
        assert.strictEqual(body.breakpoints.length, 1);
        const bp = body.breakpoints[0];
        assert.strictEqual(bp.verified, true);
        assert.strictEqual(bp.line, 56);
        const stop = await c.stopped('function breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'price_taxed');
        assert.strictEqual(f.line, 56);
        // After the prologue the argument is right.
        assert.strictEqual((await c.evaluate('it->quantity', f.id)).result, '1');
    });

    it('stops in a C++ member function given by qualified name', async function () {
        const c = t.c;
        const body = await c.launch({ program: wasm('shapes.O0'), args: ['trap'] }, c =>
            c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'geometry::Square::validate' }] })
        );
        assert.strictEqual(body.breakpoints[0].verified, true);
        await c.stopped('function breakpoint');
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'geometry::Square::validate');
        assert.strictEqual(f.line, 98);
        assert.strictEqual((await c.evaluate('factor', f.id)).result, '1000');
    });

    it('does not verify an unknown function, with a message', async function () {
        const c = t.c;
        const body = await c.launch({ program: wasm('vars.O0') }, c =>
            c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'no_such_function' }, { name: 'next_id' }] })
        );
        assert.strictEqual(body.breakpoints[0].verified, false);
        assert.ok(body.breakpoints[0].message, 'unverified function breakpoint has a message');
        assert.strictEqual(body.breakpoints[1].verified, true);
        await c.stopped('function breakpoint');
        assert.strictEqual((await c.topFrame()).name, 'next_id');
    });

    it('function breakpoints with a condition', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0') }, c =>
            c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'add_item', condition: 'quantity == 2' }] })
        );
        await c.stopped('function breakpoint');
        const f = await c.topFrame();
        assert.strictEqual((await c.evaluate('index', f.id)).result, '2');
        assert.strictEqual(await c.runToEnd(), 0);
    });

    it('an empty list removes function breakpoints', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0') }, c =>
            c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'add_item' }] })
        );
        await c.stopped('function breakpoint');
        const body = await c.ok('setFunctionBreakpoints', { breakpoints: [] });
        assert.deepStrictEqual(body.breakpoints, []);
        assert.strictEqual(await c.runToEnd(), 0);
        assert.strictEqual(c.events('stopped').length, 1);
    });
});

describe('instruction breakpoints', function () {
    const t = useClient();

    it('stops at an instructionPointerReference from stackTrace, with and without offset', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57); // price_taxed, 1st item (wrench)
        const ip = frame.instructionPointerReference;
        assert.match(ip, /^0x[0-9a-f]+$/i);
        await c.setBreakpoints('vars.c', []);
        let body = await c.ok('setInstructionBreakpoints', { breakpoints: [{ instructionReference: ip }] });
        assert.strictEqual(body.breakpoints.length, 1);
        const bp = body.breakpoints[0];
        assert.strictEqual(bp.verified, true);
        await c.ok('continue', { threadId: 1 });
        let stop = await c.stopped('instruction breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        let f = await c.topFrame();
        assert.strictEqual(f.name, 'price_taxed');
        assert.strictEqual(addr(f.instructionPointerReference), addr(ip));
        assert.strictEqual((await c.evaluate('it->quantity', f.id)).result, '2', '2nd item: novel');
        // The same instruction as base + offset.
        const base = '0x' + (addr(ip) - 4).toString(16);
        body = await c.ok('setInstructionBreakpoints', { breakpoints: [{ instructionReference: base, offset: 4 }] });
        assert.strictEqual(body.breakpoints[0].verified, true);
        await c.ok('continue', { threadId: 1 });
        stop = await c.stopped('instruction breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [body.breakpoints[0].id]);
        f = await c.topFrame();
        assert.strictEqual(addr(f.instructionPointerReference), addr(ip));
        assert.strictEqual((await c.evaluate('it->quantity', f.id)).result, '10', '3rd item: apple');
        // Cleared: runs to the end.
        await c.ok('setInstructionBreakpoints', { breakpoints: [] });
        assert.strictEqual(await c.runToEnd(), 0);
    });

    it('does not verify an address outside the code', async function () {
        const c = t.c;
        await c.launch({ program: wasm('vars.O0'), stopOnEntry: true });
        await c.stopped('entry');
        const body = await c.ok('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x7fffffff' }] });
        assert.strictEqual(body.breakpoints[0].verified, false);
        assert.ok(body.breakpoints[0].message, 'says why');
        assert.strictEqual(await c.runToEnd(), 0);
    });
});
