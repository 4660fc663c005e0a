// dataBreakpointInfo and setDataBreakpoints (watchpoints on linear memory).
'use strict';

const assert = require('assert');
const { wasm, useClient, byName } = require('./helper');

// Sets a write data breakpoint from dataBreakpointInfo(args) and clears vars.c's line
// breakpoints, so that only the watch stops the program from here on.
async function watchWritesOnly(c, args) {
    const info = await c.ok('dataBreakpointInfo', args);
    assert.ok(info.dataId, JSON.stringify(info));
    await c.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] });
    await c.setBreakpoints('vars.c', []);
    return info;
}

describe('data breakpoints', function () {
    const t = useClient();

    it('dataBreakpointInfo by expression; a write stops with reason "data breakpoint"', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 107);
        const info = await c.ok('dataBreakpointInfo', { name: 'g_counter', frameId: frame.id });
        assert.ok(typeof info.dataId === 'string' && info.dataId.length > 0, `dataId: ${JSON.stringify(info)}`);
        assert.ok(info.description && info.description.length > 0, 'a description');
        assert.ok(Array.isArray(info.accessTypes));
        for (const a of ['read', 'write', 'readWrite']) assert.ok(info.accessTypes.includes(a), `accessType ${a}`);
        const set = await c.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] });
        assert.strictEqual(set.breakpoints.length, 1);
        const bp = set.breakpoints[0];
        assert.strictEqual(bp.verified, true);
        await c.setBreakpoints('vars.c', []); // only the data breakpoint from here on
        for (const [index, counter] of [[0, '1'], [1, '2']]) {
            await c.ok('continue', { threadId: 1 });
            const stop = await c.stopped('data breakpoint');
            if (bp.id !== undefined && stop.hitBreakpointIds) assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
            const f = await c.topFrame();
            assert.strictEqual(f.name, 'add_item');
            assert.ok(f.line === 75 || f.line === 76, `stopped just after the write (line ${f.line})`);
            assert.strictEqual((await c.evaluate('g_counter', f.id)).result, counter);
            assert.strictEqual((await c.evaluate('index', f.id)).result, String(index));
        }
        // Cleared: runs to the end.
        const cleared = await c.ok('setDataBreakpoints', { breakpoints: [] });
        assert.deepStrictEqual(cleared.breakpoints, []);
        assert.strictEqual(await c.runToEnd(), 0);
    });

    it('dataBreakpointInfo by variablesReference and name (a Globals entry)', async function () {
        const c = t.c;
        // Before the first total_value, which sets g_last_visited from 0 to 4.
        const { frame } = await c.runTo('vars.O0', 'vars.c', 116);
        const globals = await c.scope(frame.id, 'Globals');
        await watchWritesOnly(c, { variablesReference: globals.variablesReference, name: 'g_last_visited' });
        await c.ok('continue', { threadId: 1 });
        await c.stopped('data breakpoint');
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'total_value');
        assert.ok(f.line === 91 || f.line === 92, `after g_last_visited = visited (line ${f.line})`);
        assert.strictEqual((await c.evaluate('g_last_visited', f.id)).result, '4');
    });

    it('a struct field through a pointer (a child variable)', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const globals = await c.scopeVars(frame.id, 'Globals');
        const items = await c.variables(globals.g_items.variablesReference);
        const hammer = byName(await c.variables(items[0].variablesReference));
        assert.strictEqual(hammer.quantity.value, '3');
        await watchWritesOnly(c, { variablesReference: items[0].variablesReference, name: 'quantity' });
        // Nothing writes g_items[0].quantity after line 118: the program ends without a stop.
        assert.strictEqual(await c.runToEnd(), 0);
        assert.strictEqual(c.events('stopped').filter(e => e.body.reason === 'data breakpoint').length, 0);
    });

    it('a write of the same value does not stop; a changed value does', async function () {
        const c = t.c;
        // add_item(1, ...) first zeroes g_items[1] (memset: 0 over 0), then sets location.x = 1.5.
        const { frame } = await c.runTo('vars.O0', 'vars.c', 107);
        await watchWritesOnly(c, { name: 'g_items[1].location.x', frameId: frame.id });
        await c.ok('continue', { threadId: 1 });
        await c.stopped('data breakpoint');
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'add_item');
        assert.strictEqual((await c.evaluate('index', f.id)).result, '1', 'the write of 1.5 by add_item(1, ...)');
        assert.strictEqual((await c.evaluate('g_items[1].location.x', f.id)).result, '1.5');
    });

    it('values not in linear memory have no dataId, with a reason', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const info = await c.ok('dataBreakpointInfo', { name: 'g_counter + 1', frameId: frame.id });
        assert.strictEqual(info.dataId, null);
        assert.ok(info.description && info.description.length > 0, 'why not');
        // A wasm local (Wasm scope) lives outside linear memory.
        const wasmScope = await c.scope(frame.id, 'Wasm');
        const groups = byName(await c.variables(wasmScope.variablesReference));
        const info2 = await c.ok('dataBreakpointInfo', { variablesReference: groups.locals.variablesReference, name: '$local0' });
        assert.strictEqual(info2.dataId, null);
        assert.ok(info2.description);
    });

    it('-O2: a local in a wasm local has no dataId; a global has one', async function () {
        const c = t.c;
        // total_value is inlined into main; `v` lives in a wasm local (`print &v` fails).
        const { frame } = await c.runTo('vars.O2', 'vars.c', 88);
        const locals = await c.scope(frame.id, 'Locals');
        const vars = byName(await c.variables(locals.variablesReference));
        assert.strictEqual(vars.v.value, '20');
        const info = await c.ok('dataBreakpointInfo', { variablesReference: locals.variablesReference, name: 'v' });
        assert.strictEqual(info.dataId, null);
        assert.ok(info.description && info.description.length > 0, 'why not');
        const g = await c.ok('dataBreakpointInfo', { name: 'g_last_visited', frameId: frame.id });
        assert.ok(g.dataId);
    });

    it('a data breakpoint with a condition', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 107);
        const info = await c.ok('dataBreakpointInfo', { name: 'g_counter', frameId: frame.id });
        await c.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write', condition: 'g_counter == 3' }] });
        await c.setBreakpoints('vars.c', []);
        await c.ok('continue', { threadId: 1 });
        await c.stopped('data breakpoint');
        const f = await c.topFrame();
        assert.strictEqual((await c.evaluate('g_counter', f.id)).result, '3');
        assert.strictEqual((await c.evaluate('index', f.id)).result, '2');
    });

    it('accessType read stops at a read; readWrite also at a write of the same value', async function () {
        const c = t.c;
        // After line 118, g_last_visited is written once more (4 over 4, in total_value) and
        // read once (main's printf at line 125).
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const info = await c.ok('dataBreakpointInfo', { name: 'g_last_visited', frameId: frame.id });
        const set = await c.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'read' }] });
        assert.strictEqual(set.breakpoints[0].verified, true);
        await c.setBreakpoints('vars.c', []);
        await c.ok('continue', { threadId: 1 });
        const stop = await c.stopped('data breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [set.breakpoints[0].id]);
        const f = await c.topFrame();
        assert.strictEqual(f.name, 'main');
        assert.strictEqual(f.line, 125);
        // Now readWrite from a restart at 118: the same-value write in total_value stops.
        await c.ok('setDataBreakpoints', { breakpoints: [] });
        await c.setBreakpoints('vars.c', [118]);
        await c.ok('restart', {});
        const again = await c.stopped('breakpoint');
        assert.ok(again);
        const f2 = await c.topFrame();
        const info2 = await c.ok('dataBreakpointInfo', { name: 'g_last_visited', frameId: f2.id });
        await c.ok('setDataBreakpoints', { breakpoints: [{ dataId: info2.dataId, accessType: 'readWrite' }] });
        await c.setBreakpoints('vars.c', []);
        await c.ok('continue', { threadId: 1 });
        await c.stopped('data breakpoint');
        const g = await c.topFrame();
        assert.strictEqual(g.name, 'total_value');
        assert.ok(g.line === 91 || g.line === 92, `after g_last_visited = visited (line ${g.line})`);
    });

    it('an unknown dataId is not verified', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 107);
        const body = await c.ok('setDataBreakpoints', { breakpoints: [{ dataId: 'bogus-data-id', accessType: 'write' }] });
        assert.strictEqual(body.breakpoints[0].verified, false);
        assert.ok(body.breakpoints[0].message, 'says why');
    });
});

describe('data breakpoints across runs', function () {
    const t = useClient();

    it('restart drops data breakpoints but keeps line breakpoints', async function () {
        const c = t.c;
        const { frame, bp } = await c.runTo('vars.O0', 'vars.c', 107);
        const info = await c.ok('dataBreakpointInfo', { name: 'g_counter', frameId: frame.id });
        await c.ok('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] });
        await c.ok('restart', {});
        const stop = await c.stopped('breakpoint');
        assert.deepStrictEqual(stop.hitBreakpointIds, [bp.id]);
        void wasm;
    });
});
