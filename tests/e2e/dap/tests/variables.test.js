// scopes, variables (values formatted as `info locals`, types, children, paging,
// evaluateName, memoryReference), the Wasm scope, setVariable, setExpression.
'use strict';

const assert = require('assert');
const { wasm, useClient, byName, pointeeRef, pointeeFields, addr } = require('./helper');

/** `info locals` of main at vars.c:118 (vars.O0): name -> [value (string or RegExp), type]. */
const MAIN_LOCALS = {
    letter: ["119 'w'", 'char'],
    small: ["-5 '\\373'", 'signed char'],
    port: ['8080', 'unsigned short'],
    mask: ['17361641481138401520', 'uint64_t'],
    greeting: [/^0x[0-9a-f]+ "hi there"$/, 'const char *'],
    squares: ['{0, 1, 4, 9, 16, 25, 36, 49}', 'int [8]'],
    ids: ['{100, 101, 102}', 'int [3]'],
    fn: [/^0x5 <price_taxed>$/, 'pricing_fn'],
    plain: ['79', 'double'],
    taxed: ['0', 'double'],
    ok: ['0', 'int'],
};

const MAIN_GLOBALS = {
    g_counter: ['4', 'int'],
    g_title: [/^0x[0-9a-f]+ "inventory"$/, 'const char *'],
    g_big: ['-1234567890123', 'int64_t'],
    g_bytes: ['"\\336\\255\\276\\357"', 'unsigned char [4]'],
    g_grid: ['{{0, 1, 2, 3}, {10, 11, 12, 13}, {20, 21, 22, 23}}', 'int [3][4]'],
    g_head: ['0x101000', 'item *'],
    g_number: ['{i = 1065353216, f = 1, bytes = "\\000\\000\\200?"}', 'union number'],
    g_last_visited: ['4', 'int'],
};

function checkVars(vars, expected, what) {
    for (const [name, [value, type]] of Object.entries(expected)) {
        const v = vars[name];
        assert.ok(v, `${what}: ${name} among ${Object.keys(vars).join(', ')}`);
        if (value instanceof RegExp) {
            assert.match(v.value, value, `${what}: ${name} value`);
        } else {
            assert.strictEqual(v.value, value, `${what}: ${name} value`);
        }
        assert.strictEqual(v.type, type, `${what}: ${name} type`);
    }
}

describe('scopes', function () {
    const t = useClient();

    it('Arguments, Locals, Globals (expensive) and Wasm', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        const scopes = await c.scopes(frame.id);
        const names = scopes.map(s => s.name);
        for (const n of ['Arguments', 'Locals', 'Globals', 'Wasm']) {
            assert.ok(names.includes(n), `scope ${n} in ${names}`);
        }
        for (const s of scopes) {
            assert.ok(s.variablesReference > 0, `${s.name} has a reference`);
        }
        assert.strictEqual(new Set(scopes.map(s => s.variablesReference)).size, scopes.length, 'distinct references');
        assert.strictEqual(scopes.find(s => s.name === 'Globals').expensive, true);
        assert.ok(!scopes.find(s => s.name === 'Locals').expensive, 'Locals is cheap');
    });

    it('each frame has its own scopes', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const frames = await c.frames();
        const args0 = await c.scopeVars(frames[0].id, 'Arguments');
        assert.deepStrictEqual(Object.keys(args0), ['it']);
        const args1 = await c.scopeVars(frames[1].id, 'Arguments');
        assert.deepStrictEqual(Object.keys(args1), ['head', 'fn']);
        assert.strictEqual(args1.head.value, '0x101000');
        assert.match(args1.fn.value, /^0x5 <price_taxed>$/);
        const locals1 = await c.scopeVars(frames[1].id, 'Locals');
        assert.deepStrictEqual(Object.keys(locals1).sort(), ['it', 'total', 'v', 'visited']);
        assert.strictEqual(locals1.total.value, '0');
        assert.strictEqual(locals1.visited.value, '0');
        assert.strictEqual(locals1.it.value, '0x101000');
    });
});

describe('variables', function () {
    const t = useClient();

    it('locals of main as `info locals` shows them', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const locals = await c.scopeVars(frame.id, 'Locals');
        checkVars(locals, MAIN_LOCALS, 'Locals');
        // Scalars are leaves; arrays and structs expand.
        assert.strictEqual(locals.port.variablesReference, 0);
        assert.strictEqual(locals.plain.variablesReference, 0);
        assert.ok(locals.squares.variablesReference > 0);
    });

    it('memoryReference of a function pointer is not its table index', async function () {
        const c = t.c;
        // fn = price_taxed is table slot 5, not an address in linear memory: a memoryReference,
        // if any, can only be where `fn` itself is stored.
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const { fn } = await c.scopeVars(frame.id, 'Locals');
        if (fn.memoryReference !== undefined) {
            const where = (await c.evaluate('&fn', frame.id)).result;
            const addrOfFn = parseInt(/0x[0-9a-f]+/.exec(where)[0], 16);
            assert.strictEqual(addr(fn.memoryReference), addrOfFn, `fn.memoryReference ${fn.memoryReference} vs &fn ${where}`);
        }
    });

    it('globals', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const globals = await c.scopeVars(frame.id, 'Globals');
        checkVars(globals, MAIN_GLOBALS, 'Globals');
    });

    it('arrays: indexed children, paging with start/count', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const { squares } = await c.scopeVars(frame.id, 'Locals');
        assert.strictEqual(squares.indexedVariables, 8);
        const all = await c.variables(squares.variablesReference);
        assert.deepStrictEqual(all.map(v => v.name), ['[0]', '[1]', '[2]', '[3]', '[4]', '[5]', '[6]', '[7]']);
        assert.deepStrictEqual(all.map(v => v.value), ['0', '1', '4', '9', '16', '25', '36', '49']);
        assert.ok(all.every(v => v.type === 'int'));
        const page = await c.variables(squares.variablesReference, { filter: 'indexed', start: 2, count: 3 });
        assert.deepStrictEqual(page.map(v => [v.name, v.value]), [['[2]', '4'], ['[3]', '9'], ['[4]', '16']]);
        const tail = await c.variables(squares.variablesReference, { start: 6, count: 10 });
        assert.deepStrictEqual(tail.map(v => v.value), ['36', '49'], 'a page past the end is cut');
    });

    it('2-D arrays expand twice', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const { g_grid } = await c.scopeVars(frame.id, 'Globals');
        assert.strictEqual(g_grid.indexedVariables, 3);
        const rows = await c.variables(g_grid.variablesReference);
        assert.deepStrictEqual(rows.map(r => r.value), ['{0, 1, 2, 3}', '{10, 11, 12, 13}', '{20, 21, 22, 23}']);
        assert.strictEqual(rows[2].type, 'int [4]');
        const row2 = await c.variables(rows[2].variablesReference);
        assert.deepStrictEqual(row2.map(v => v.value), ['20', '21', '22', '23']);
    });

    it('structs through a pointer argument: fields, nested struct, bitfields', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        const args = await c.scopeVars(frame.id, 'Arguments');
        const it = args.it;
        assert.strictEqual(it.value, '0x101000');
        assert.strictEqual(it.type, 'const item *');
        assert.strictEqual(addr(it.memoryReference), 0x101000, 'a pointer\'s memoryReference is the pointee');
        const fields = await pointeeFields(c, it);
        assert.deepStrictEqual(Object.keys(fields), ['name', 'kind', 'quantity', 'price', 'location', 'flags', 'next']);
        assert.strictEqual(fields.name.value, '"wrench\\000\\000\\000\\000\\000\\000\\000\\000\\000"');
        assert.strictEqual(fields.name.type, 'char [16]');
        assert.strictEqual(fields.kind.value, 'KIND_TOOL');
        assert.strictEqual(fields.kind.type, 'item_kind');
        assert.strictEqual(fields.quantity.value, '1');
        assert.strictEqual(fields.price.value, '20');
        assert.strictEqual(fields.price.type, 'double');
        assert.strictEqual(fields.location.value, '{x = 4.5, y = -3}');
        assert.strictEqual(fields.location.type, 'point');
        assert.strictEqual(fields.flags.value, '{fragile = 0, taxable = 1, shelf = 9, rating = 1}');
        assert.strictEqual(fields.next.value, '0x100fd0');
        const loc = byName(await c.variables(fields.location.variablesReference));
        assert.deepStrictEqual(Object.keys(loc), ['x', 'y']);
        assert.strictEqual(loc.x.value, '4.5');
        assert.strictEqual(loc.x.type, 'float');
        assert.strictEqual(loc.y.value, '-3');
        const flags = byName(await c.variables(fields.flags.variablesReference));
        assert.deepStrictEqual(
            Object.entries(flags).map(([k, v]) => `${k}=${v.value}`),
            ['fragile=0', 'taxable=1', 'shelf=9', 'rating=1']
        );
        // Following the list: next -> novel.
        const next = await pointeeFields(c, fields.next);
        assert.strictEqual(next.quantity.value, '2');
        assert.strictEqual(next.price.value, '8.75');
    });

    it('evaluateName of every variable evaluates to its value', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        const args = await c.scopeVars(frame.id, 'Arguments');
        const fields = await pointeeFields(c, args.it);
        const loc = byName(await c.variables(fields.location.variablesReference));
        const checked = [];
        for (const v of [args.it, fields.quantity, fields.price, fields.kind, fields.location, loc.x, loc.y]) {
            assert.ok(v.evaluateName, `${v.name} has an evaluateName`);
            const r = await c.evaluate(v.evaluateName, frame.id, 'watch');
            // print prefixes pointers with their type: "(const item *) 0x101000".
            assert.ok(r.result === v.value || r.result.endsWith(') ' + v.value), `${v.evaluateName}: ${r.result} vs ${v.value}`);
            checked.push(v.evaluateName);
        }
        assert.strictEqual(checked.length, 7);
    });

    it('struct array elements and unions', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const globals = await c.scopeVars(frame.id, 'Globals');
        const items = await c.variables(globals.g_items.variablesReference);
        assert.strictEqual(items.length, 4);
        assert.strictEqual(items[1].name, '[1]');
        assert.strictEqual(items[1].type, 'item');
        const apple = byName(await c.variables(items[1].variablesReference));
        assert.strictEqual(apple.name.value, '"apple\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000"');
        assert.strictEqual(apple.kind.value, 'KIND_FOOD');
        assert.strictEqual(apple.price.value, '0.40000000000000002');
        assert.strictEqual(apple.next.value, '0x100f70');
        assert.strictEqual(addr(items[1].memoryReference), 0x100fa0, 'g_items[1] is at 0x100fa0');
        const num = byName(await c.variables(globals.g_number.variablesReference));
        assert.strictEqual(num.i.value, '1065353216');
        assert.strictEqual(num.f.value, '1');
        assert.strictEqual(num.f.type, 'float');
    });

    it('C++: a struct argument passed by value', async function () {
        const c = t.c;
        // Square(Vec2 origin, double side) for Square(Vec2{1, 1}, 3.0). In wasm the struct is
        // passed by address: DWARF says DW_OP_WASM_location 0x0 0x1, a memory location whose
        // address is in local 1 (LLDB shows origin = (x = 1, y = 1)).
        await c.launch({ program: wasm('shapes.O0') }, c =>
            c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 'geometry::Square::Square' }] })
        );
        await c.stopped('function breakpoint');
        const f = await c.topFrame();
        const args = await c.scopeVars(f.id, 'Arguments');
        assert.deepStrictEqual(Object.keys(args), ['this', 'origin', 'side']);
        assert.strictEqual(args.side.value, '3');
        assert.strictEqual(args.origin.value, '{x = 1, y = 1}');
        assert.strictEqual(args.origin.type, 'Vec2');
    });

    it('a bogus variablesReference is an error', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        await c.fail('variables', { variablesReference: 987654321 });
    });

    it('references from before a step are invalid or fresh after it', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 75);
        const args = await c.scopeVars(frame.id, 'Arguments');
        assert.strictEqual(args.index.value, '0');
        await c.ok('continue', { threadId: 1 });
        await c.stopped('breakpoint');
        const f2 = await c.topFrame();
        const args2 = await c.scopeVars(f2.id, 'Arguments');
        assert.strictEqual(args2.index.value, '1', 'values of the new stop');
    });
});

describe('Wasm scope', function () {
    const t = useClient();

    it('wasm locals, operand stack and globals with wasm types', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 57);
        const wasmScope = await c.scope(frame.id, 'Wasm');
        const groups = byName(await c.variables(wasmScope.variablesReference));
        assert.deepStrictEqual(Object.keys(groups), ['locals', 'operand stack', 'globals']);
        const locals = await c.variables(groups.locals.variablesReference);
        assert.ok(locals.length >= 2);
        locals.forEach((v, i) => {
            assert.strictEqual(v.name, `$local${i}`);
            assert.match(v.type, /^(i32|i64|f32|f64|v128|funcref|externref)$/);
        });
        // At -O0 the first wasm local is the parameter `it`.
        assert.strictEqual(locals[0].type, 'i32');
        assert.strictEqual(locals[0].value, String(0x101000));
        const stack = await c.variables(groups['operand stack'].variablesReference);
        stack.forEach((v, i) => assert.strictEqual(v.name, `$stack${i}`));
        const globals = await c.variables(groups.globals.variablesReference);
        assert.strictEqual(globals[0].name, '$global0');
        assert.strictEqual(globals[0].type, 'i32', '__stack_pointer');
        const sp = Number(globals[0].value);
        assert.ok(sp > 0 && sp <= 1048576 + 65536, `stack pointer ${sp} inside the 1 MiB shadow stack`);
    });

    it('the operand stack is bottom first: pushes land on top', async function () {
        const c = t.c;
        await c.runTo('vars.O0', 'vars.c', 57);
        const u32 = x => Number(x) >>> 0;
        let checkedDeep = 0;
        for (let i = 0; i < 40 && checkedDeep < 2; i++) {
            const f = await c.topFrame();
            const [insn] = (await c.ok('disassemble', {
                memoryReference: f.instructionPointerReference,
                instructionCount: 1,
            })).instructions;
            const wasmGroups = async frame => byName(await c.variables((await c.scope(frame.id, 'Wasm')).variablesReference));
            const before = await wasmGroups(f);
            const locals = await c.variables(before.locals.variablesReference);
            await c.ok('stepIn', { threadId: 1, granularity: 'instruction' });
            await c.stopped('step');
            const g = await c.topFrame();
            if (g.name !== f.name) break;
            const stack = await c.variables((await wasmGroups(g))['operand stack'].variablesReference);
            stack.forEach((v, k) => assert.strictEqual(v.name, `$stack${k}`));
            let m;
            let pushed;
            if ((m = /^i32\.const (-?\d+)$/.exec(insn.instruction))) pushed = m[1];
            else if ((m = /^local\.get (\d+)$/.exec(insn.instruction))) pushed = locals[Number(m[1])].value;
            if (pushed !== undefined && stack.length >= 1) {
                const top = stack[stack.length - 1];
                assert.strictEqual(u32(top.value), u32(pushed), `after ${insn.instruction}: top $stack${stack.length - 1}`);
                assert.strictEqual(top.type, 'i32');
                if (stack.length >= 2) checkedDeep++;
            }
        }
        assert.ok(checkedDeep >= 1, 'saw a push onto a non-empty operand stack');
    });
});

describe('setVariable and setExpression', function () {
    const t = useClient();

    it('sets a local double; the program sees it', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const locals = await c.scope(frame.id, 'Locals');
        const r = await c.ok('setVariable', { variablesReference: locals.variablesReference, name: 'plain', value: '1.5' });
        assert.strictEqual(r.value, '1.5');
        assert.strictEqual(r.type, 'double');
        const vars = byName(await c.variables(locals.variablesReference));
        assert.strictEqual(vars.plain.value, '1.5');
        assert.strictEqual(await c.runToEnd(), 1, 'the self-check now fails');
        assert.match(c.output('stdout'), /^plain=1\.5000 taxed=97\.7500 visited=4$/m);
        assert.match(c.output('stdout'), /^FAILED$/m);
    });

    it('sets a global int through the Globals scope', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const globals = await c.scope(frame.id, 'Globals');
        const r = await c.ok('setVariable', { variablesReference: globals.variablesReference, name: 'g_counter', value: '42' });
        assert.strictEqual(r.value, '42');
        assert.strictEqual((await c.evaluate('g_counter', frame.id)).result, '42');
        assert.strictEqual(await c.runToEnd(), 0);
        assert.match(c.output('stdout'), /^inventory: 42 items, head=wrench$/m);
    });

    it('sets an array element and a struct field (children references)', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const locals = await c.scopeVars(frame.id, 'Locals');
        let r = await c.ok('setVariable', { variablesReference: locals.squares.variablesReference, name: '[7]', value: '1000' });
        assert.strictEqual(r.value, '1000');
        const globals = await c.scopeVars(frame.id, 'Globals');
        const headRef = await pointeeRef(c, globals.g_head);
        const head = byName(await c.variables(headRef));
        r = await c.ok('setVariable', { variablesReference: headRef, name: 'quantity', value: '7' });
        assert.strictEqual(r.value, '7');
        assert.strictEqual(head.quantity.value, '1', 'the old snapshot');
        assert.strictEqual((await c.evaluate('g_head->quantity', frame.id)).result, '7');
        await c.runToEnd();
        assert.match(c.output('stdout'), /squares\[7\]=1000 /);
        assert.match(c.output('stdout'), /^ {2}wrench {3}kind=1 qty= 7 /m);
    });

    it('sets a char from a character literal and an expression value', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const locals = await c.scope(frame.id, 'Locals');
        let r = await c.ok('setVariable', { variablesReference: locals.variablesReference, name: 'letter', value: "'Q'" });
        assert.strictEqual(r.value, "81 'Q'");
        r = await c.ok('setVariable', { variablesReference: locals.variablesReference, name: 'port', value: 'port + 1' });
        assert.strictEqual(r.value, '8081');
        await c.runToEnd();
        assert.match(c.output('stdout'), /^letter=Q small=-5 port=8081 /m);
    });

    it('rejects a bad value and an unknown name', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        const locals = await c.scope(frame.id, 'Locals');
        await c.fail('setVariable', { variablesReference: locals.variablesReference, name: 'plain', value: 'no_such_symbol' });
        await c.fail('setVariable', { variablesReference: locals.variablesReference, name: 'no_such_var', value: '1' });
        assert.strictEqual((await c.evaluate('plain', frame.id)).result, '79', 'unchanged');
    });

    it('setExpression writes an lvalue expression', async function () {
        const c = t.c;
        const { frame } = await c.runTo('vars.O0', 'vars.c', 118);
        let r = await c.ok('setExpression', { expression: 'g_bytes[0]', value: '0x11', frameId: frame.id });
        assert.strictEqual(r.value, '17 \'\\021\'');
        r = await c.ok('setExpression', { expression: 'g_items[3].location.x', value: '-8.5', frameId: frame.id });
        assert.strictEqual(r.value, '-8.5');
        assert.strictEqual(r.type, 'float');
        await c.fail('setExpression', { expression: '1 + 2', value: '3', frameId: frame.id });
        await c.runToEnd();
        assert.match(c.output('stdout'), /bytes=11adbeef$/m);
        assert.match(c.output('stdout'), /^ {2}wrench .* at \(-8\.5,-3\.0\)/m);
    });
});
