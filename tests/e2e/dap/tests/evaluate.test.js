// evaluate (repl/watch/hover, per frame, errors) and completions.
'use strict';

const assert = require('assert');
const { wasm, useClient, byName } = require('./helper');

describe('evaluate', function () {
    const t = useClient();

    it('prints like `print`: pointers with their type, structs, arithmetic', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        let r = await c.evaluate('it', frame.id);
        assert.strictEqual(r.result, '(const item *) 0x101000');
        assert.strictEqual(r.type, 'const item *');
        assert.ok(r.variablesReference > 0, 'a pointer to a struct expands');
        r = await c.evaluate('*it', frame.id);
        assert.strictEqual(
            r.result,
            '{name = "wrench\\000\\000\\000\\000\\000\\000\\000\\000\\000", kind = KIND_TOOL, quantity = 1, price = 20, location = {x = 4.5, y = -3}, flags = {fragile = 0, taxable = 1, shelf = 9, rating = 1}, next = 0x100fd0}'
        );
        assert.strictEqual(r.type, 'const item');
        assert.ok(r.variablesReference > 0);
        const fields = byName(await c.variables(r.variablesReference));
        assert.strictEqual(fields.quantity.value, '1');
        r = await c.evaluate('it->quantity * 2 + 1', frame.id);
        assert.strictEqual(r.result, '3');
        assert.strictEqual(r.type, 'int');
        assert.strictEqual(r.variablesReference, 0);
        assert.strictEqual((await c.evaluate('base', frame.id)).result, '20');
        assert.strictEqual((await c.evaluate('it->location', frame.id)).result, '{x = 4.5, y = -3}');
        assert.strictEqual((await c.evaluate('it->next->price', frame.id)).result, '8.75');
        assert.strictEqual((await c.evaluate('sizeof(item)', frame.id)).result, '48');
        assert.match((await c.evaluate('g_title', frame.id)).result, /^0x[0-9a-f]+ "inventory"$/);
        assert.strictEqual((await c.evaluate('g_grid[2][3]', frame.id)).result, '23');
        assert.strictEqual((await c.evaluate('&g_items[1]', frame.id)).result, '(item *) 0x100fa0');
        assert.strictEqual((await c.evaluate('g_items[1].kind', frame.id)).result, 'KIND_FOOD');
    });

    it('hover and watch contexts give the same values', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        for (const context of ['hover', 'watch', 'repl']) {
            assert.strictEqual((await c.evaluate('it->price', frame.id, context)).result, '20', context);
            assert.strictEqual((await c.evaluate('base', frame.id, context)).result, '20', context);
        }
    });

    it('evaluates in the given frame', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const frames = await c.frames();
        assert.strictEqual((await c.evaluate('head', frames[1].id)).result, '(const item *) 0x101000');
        assert.strictEqual((await c.evaluate('visited', frames[1].id)).result, '0');
        assert.strictEqual((await c.evaluate('plain', frames[2].id)).result, '79');
        assert.strictEqual((await c.evaluate('squares[5]', frames[2].id)).result, '25');
        await c.fail('evaluate', { expression: 'base', frameId: frames[1].id, context: 'repl' }, /base/);
        await c.fail('evaluate', { expression: 'visited', frameId: frames[0].id, context: 'repl' }, /visited/);
    });

    it('evaluates globals without a frame', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 118);
        assert.strictEqual((await c.evaluate('g_counter')).result, '4');
        assert.strictEqual((await c.evaluate('g_big + 3')).result, '-1234567890120');
    });

    it('errors are error responses with the message', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        await c.fail('evaluate', { expression: 'nosuch', frameId: frame.id, context: 'repl' }, /No symbol "nosuch" in current context/);
        await c.fail('evaluate', { expression: '1 +', frameId: frame.id, context: 'repl' });
        await c.fail('evaluate', { expression: 'it->nosuchfield', frameId: frame.id, context: 'watch' }, /nosuchfield/);
        await c.fail('evaluate', { expression: 'base', frameId: 424242, context: 'repl' });
        // The session is fine afterwards.
        assert.strictEqual((await c.evaluate('base', frame.id)).result, '20');
    });

    it('assignment in the repl changes the program', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const r = await c.request('evaluate', { expression: 'g_counter = 9', frameId: frame.id, context: 'repl' });
        if (!r.success) this.skip(); // assignment through evaluate is optional (setExpression covers it)
        assert.strictEqual((await c.evaluate('g_counter', frame.id)).result, '9');
        await c.runToEnd();
        assert.match(c.output('stdout'), /^inventory: 9 items/m);
    });

    it('hover never assigns', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        await c.fail('evaluate', { expression: 'g_counter = 5', frameId: frame.id, context: 'hover' });
        assert.strictEqual((await c.evaluate('g_counter', frame.id)).result, '4', 'unchanged');
    });

    it('frame ids and variable references from an earlier stop are refused', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 107);
        const { squares } = await c.scopeVars(frame.id, 'Locals');
        await c.ok('next', { threadId: 1 });
        await c.stopped('step');
        await c.fail('evaluate', { expression: 'g_counter', frameId: frame.id, context: 'repl' }, /stale|unknown|frame/i);
        await c.fail('variables', { variablesReference: squares.variablesReference }, /stale|unknown|reference/i);
        const f = await c.topFrame();
        assert.strictEqual((await c.evaluate('g_counter', f.id)).result, '1');
    });

    it('C++: this, members, qualified types', async function () {
        const c = t.c;
        await c.launch({ program: wasm('shapes.O0'), args: ['trap'] }, c =>
            c.ok('setExceptionBreakpoints', { filters: ['traps'] })
        );
        await c.stopped('exception');
        const frames = await c.frames();
        const r = await c.evaluate('this', frames[1].id);
        assert.match(r.result, /^\(const (geometry::)?Square \*\) 0x[0-9a-f]+$/);
        assert.strictEqual((await c.evaluate('factor', frames[1].id)).result, '1000');
        assert.strictEqual((await c.evaluate('argc', frames[2].id)).result, '2');
    });
});

describe('evaluate: C++ references', function () {
    const t = useClient();

    it('members through a reference parameter and through this', async function () {
        const c = t.c;
        // The first Vec2::operator+ call: this = &origin = {1, 1}, o = {3, 0}.
        await c.launch({ program: wasm('shapes.O0') }, c =>
            c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'geometry::Vec2::operator+' }] })
        );
        await c.stopped('function breakpoint');
        const f = await c.topFrame();
        assert.match((await c.evaluate('o', f.id)).result, /@0x[0-9a-f]+: \{x = 3, y = 0\}$/);
        assert.strictEqual((await c.evaluate('this->x', f.id)).result, '1');
        assert.strictEqual((await c.evaluate('*this', f.id)).result, '{x = 1, y = 1}');
        assert.strictEqual((await c.evaluate('o.x', f.id)).result, '3');
        assert.strictEqual((await c.evaluate('o.x + this->y', f.id)).result, '4');
    });
});

describe('completions', function () {
    const t = useClient();

    const labels = body => body.targets.map(x => x.label);

    it('completes locals, globals and functions by prefix', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        let body = await c.ok('completions', { text: 'g_c', column: 4, frameId: frame.id });
        assert.ok(labels(body).includes('g_counter'), `g_c -> ${labels(body)}`);
        assert.ok(labels(body).every(l => l.startsWith('g_c')), `only matches: ${labels(body)}`);
        body = await c.ok('completions', { text: 'ba', column: 3, frameId: frame.id });
        assert.ok(labels(body).includes('base'), `ba -> ${labels(body)}`);
        body = await c.ok('completions', { text: 'price_', column: 7, frameId: frame.id });
        assert.ok(labels(body).includes('price_taxed') && labels(body).includes('price_plain'), `price_ -> ${labels(body)}`);
        body = await c.ok('completions', { text: 'i', column: 2, frameId: frame.id });
        assert.ok(labels(body).includes('it'), `i -> ${labels(body)}`);
    });

    it('completes the word before the cursor in a longer expression', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const body = await c.ok('completions', { text: 'squares[0] + g_las', column: 19, frameId: frame.id });
        assert.ok(labels(body).includes('g_last_visited'), `-> ${labels(body)}`);
        const target = body.targets.find(x => x.label === 'g_last_visited');
        // Replacing "g_las": start is 1-based here (columnsStartAt1), length the prefix's.
        if (target.start !== undefined) {
            assert.strictEqual(target.start, 14, 'start of "g_las", 1-based');
            if (target.length !== undefined) assert.strictEqual(target.length, 5);
        }
    });

    it('a prefix that matches nothing gives no targets', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const body = await c.ok('completions', { text: 'zzqx_no', column: 8, frameId: frame.id });
        assert.deepStrictEqual(body.targets, []);
    });
});
