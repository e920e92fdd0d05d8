/**
 * Compiles the per-cycle methods of a class written in a small, asm.js-like subset of
 * TypeScript into a WebAssembly module, so one source serves as the readable reference (run as
 * JavaScript) and as the fast engine (verilated, as it were). Used by the NoC's router, NI and
 * traffic-endpoint fabrics.
 *
 * Why: in such code V8 spends five to ten machine instructions per typed-array access (index
 * overflow checks, bounds checks, spills in large functions); WebAssembly needs one or two.
 *
 * The subset: every value is an int32 (booleans are 0/1). Allowed are
 * - the class's methods reachable from the entries, and plain functions of the file or imported
 *   from relative modules, with number or boolean parameters and a declared return type;
 * - fields `this.x` holding numbers or booleans: each becomes an exported mutable global named
 *   `x`, which the caller copies in (see `bindFields`);
 * - module-level typed arrays, of this file or imported: views of the memory
 *   (`new Int32Array(HEAP.buffer)` from address 0, `new Uint32Array(M.buffer, offset, n)` from a
 *   constant byte offset; they must view the memory the module is given) or scratch arrays of constant length (`new Int16Array(5 * 32)`), which
 *   get a place in memory from `reserveScratch`; local aliases (`const a = H32`);
 * - const enums of the file and module-level numeric constants, folded to literals;
 * - let/const, if/else, for, while, break, continue, return; = and compound assignments,
 *   ++/--, arithmetic (+ - * %), bitwise and shift operators, comparisons, && || ! ?:,
 *   Math.clz32, Math.imul; `!` and `as` are ignored.
 * Calls of functions of up to 100 statements are inlined (a function that calls itself is called);
 * short loops over a few constant counts (a router's five ports) are unrolled (UNROLL_TRIPS).
 * Anything else is a compile error naming file:line:col. Arithmetic wraps at 32 bits where
 * JavaScript would not; the code must stay within int32 (the NoC's delivery-log tests check
 * the two engines agree cycle for cycle). A value from `>>>` or a Uint32Array is unsigned and
 * compares unsigned with another unsigned value or a non-negative literal; comparing it with a
 * signed value is an error. `%` by zero traps (JavaScript gives NaN, stored as 0). Indices
 * must be in range; the constant addends of an index (`H32[s + Slot.DATA]`) go in the access's
 * offset, so what is left of the index must not be negative on its own (the access traps if it
 * is). That lets the fields of one record share one address: 8% fewer instructions in the NoC.
 */
// tsrtl-lint-disable-next-line io-in-hardware -- reads the block's own TypeScript source to compile it, once, before simulation
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ts } from "ts-morph";
import { DesignError } from "../errors.ts";
import { I32, Op, VOID, moduleBytes, sleb, uleb, type WasmFunction } from "../../../waveforms/wasm-module.ts";

export interface ClassCompileOptions {
  /** Path of the TypeScript source. */
  readonly file: string;
  readonly className: string;
  /** Methods exported by the module, by name. */
  readonly entries: readonly string[];
  /** Reserves `bytes` of the memory for the file's scratch arrays; returns their byte address. */
  readonly reserveScratch: (bytes: number) => number;
  /**
   * Fields compiled as these constants instead of globals (parameters fixed for every instance
   * of the module): the engine folds them and drops the branches they decide.
   */
  readonly constants?: Readonly<Record<string, number>>;
  /**
   * The memory the module imports (`env.memory`): by default any unshared memory; with
   * `sharedPages`, a shared memory of exactly that many 64 KiB pages (instances on several
   * threads then work on the same memory).
   */
  readonly sharedPages?: number;
}

export interface CompiledClass {
  readonly module: WebAssembly.Module;
  /** The fields the code uses, each exported as a mutable i32 global of that name. */
  readonly fields: readonly string[];
}

interface ArrayInfo {
  readonly name: string;
  /** Bytes per element. */
  readonly size: 1 | 2 | 4;
  readonly signed: boolean;
  /** Byte address of element 0 (0 for views of the memory; set later for scratch arrays). */
  base: number;
  /** Elements of a scratch array, or -1 for a view of the memory. */
  readonly length: number;
}

/** A compiled function: its locals beyond the parameters (all i32) and its code (without the final End; scratch references unresolved). */
interface CompiledBody {
  readonly locals: number;
  readonly code: number[];
}

interface FunctionInfo {
  readonly key: string;
  /** Index in the module, given when the function is first called (not inlined) or exported; -1 before. */
  index: number;
  readonly node: ts.MethodDeclaration | ts.FunctionDeclaration;
  readonly source: SourceModule;
  readonly returnsValue: boolean;
  /** Whether the body is small enough to inline (isSmallBody), worked out once. */
  readonly small: boolean;
}

/** What a module's top level offers compiled code. */
interface SourceModule {
  readonly path: string;
  readonly file: ts.SourceFile;
  readonly enums: Map<string, Map<string, number>>;
  readonly constants: Map<string, number>;
  readonly arrays: Map<string, ArrayInfo>;
  readonly functions: Map<string, ts.FunctionDeclaration>;
  /** Imported name -> resolved path of its module. */
  readonly imports: Map<string, string>;
}

const ARRAY_KINDS: Record<string, { size: 1 | 2 | 4; signed: boolean }> = {
  Int32Array: { size: 4, signed: true },
  Uint32Array: { size: 4, signed: false },
  Int16Array: { size: 2, signed: true },
  Uint16Array: { size: 2, signed: false },
  Int8Array: { size: 1, signed: true },
  Uint8Array: { size: 1, signed: false },
};

/** A value on the stack: int32, or uint32 (from >>> or an unsigned array). */
type Sign = "i" | "u";

export function compileClass(options: ClassCompileOptions): CompiledClass {
  return new ClassCompiler(options).compile();
}

/**
 * Copies the compiled fields' current values from `owner` into an instance's globals (numbers
 * as int32, booleans as 0/1), naming the field when it holds something else.
 */
export function bindFields(owner: object, fields: readonly string[], exports: WebAssembly.Exports, what: string): void {
  const values = owner as Record<string, unknown>;
  for (const f of fields) {
    const v = values[f];
    const g = exports[f];
    if (!(g instanceof WebAssembly.Global)) throw new DesignError(`${what}: compiled field ${f} is not exported`);
    if (typeof v === "number") g.value = v | 0;
    else if (typeof v === "boolean") g.value = v ? 1 : 0;
    else throw new DesignError(`${what}: field ${f} used by compiled code holds ${typeof v}, not a number or boolean`);
  }
}

class ClassCompiler {
  private readonly modules = new Map<string, SourceModule>();
  private readonly functions = new Map<string, FunctionInfo>();
  private readonly queue: FunctionInfo[] = [];
  private readonly globals = new Map<string, number>();
  private readonly methods = new Map<string, ts.MethodDeclaration>();
  /** Scratch arrays referenced by the bodies, each with the byte offset added to its base there. */
  private readonly scratchRefs: { readonly array: ArrayInfo; readonly offset: number }[] = [];
  private readonly main: SourceModule;

  constructor(private readonly options: ClassCompileOptions) {
    this.main = this.load(resolve(options.file));
    const cls = this.main.file.statements.find(
      (s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === options.className,
    );
    if (!cls) throw new DesignError(`${options.file}: no class ${options.className}`);
    for (const m of cls.members) if (ts.isMethodDeclaration(m) && ts.isIdentifier(m.name)) this.methods.set(m.name.text, m);
  }

  compile(): CompiledClass {
    const entries = this.options.entries.map((name) => {
      const m = this.methods.get(name);
      if (!m) throw new DesignError(`${this.options.file}: ${this.options.className} has no method ${name}`);
      return this.callable(this.method(name, m));
    });
    // functions are compiled in discovery order; compiling one may discover more
    const bodies: CompiledBody[] = [];
    for (let k = 0; k < this.queue.length; k++) bodies.push(new FunctionCompiler(this, this.queue[k]!).compile());
    this.placeScratch();
    return { module: new WebAssembly.Module(this.assemble(entries, bodies)), fields: [...this.globals.keys()] };
  }

  // ---------------------------------------------------------------- sources

  load(path: string): SourceModule {
    const known = this.modules.get(path);
    if (known) return known;
    const file = parsed(path);
    const mod: SourceModule = {
      path, file, enums: new Map(), constants: new Map(), arrays: new Map(), functions: new Map(), imports: new Map(),
    };
    this.modules.set(path, mod);
    for (const s of file.statements) {
      if (ts.isEnumDeclaration(s)) this.collectEnum(mod, s);
      else if (ts.isFunctionDeclaration(s) && s.name) mod.functions.set(s.name.text, s);
      else if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text.startsWith(".")) {
        const target = resolve(dirname(path), s.moduleSpecifier.text);
        const named = s.importClause?.namedBindings;
        if (named && ts.isNamedImports(named)) for (const e of named.elements) mod.imports.set(e.name.text, target);
      } else if (ts.isVariableStatement(s) && (s.declarationList.flags & ts.NodeFlags.Const) !== 0) {
        for (const d of s.declarationList.declarations) this.collectConst(mod, d);
      }
    }
    return mod;
  }

  private collectEnum(mod: SourceModule, e: ts.EnumDeclaration): void {
    const members = new Map<string, number>();
    mod.enums.set(e.name.text, members);
    let next = 0;
    for (const m of e.members) {
      const name = m.name.getText(mod.file);
      const v = m.initializer ? this.constant(mod, m.initializer, members) : next;
      if (v === undefined) return void mod.enums.delete(e.name.text); // not a numeric enum: not usable
      members.set(name, v);
      next = v + 1;
    }
  }

  private collectConst(mod: SourceModule, d: ts.VariableDeclaration): void {
    if (!ts.isIdentifier(d.name) || !d.initializer) return;
    const name = d.name.text;
    const init = d.initializer;
    const args = ts.isNewExpression(init) ? (init.arguments ?? []) : [];
    if (ts.isNewExpression(init) && ts.isIdentifier(init.expression) && ARRAY_KINDS[init.expression.text] && args.length >= 1) {
      const kind = ARRAY_KINDS[init.expression.text]!;
      const arg = args[0]!;
      if (ts.isPropertyAccessExpression(arg) && arg.name.text === "buffer") {
        // a view of the memory, from its byte offset (a constant) if one is given
        const base = args.length >= 2 ? this.constant(mod, args[1]!) : 0;
        if (base !== undefined) mod.arrays.set(name, { name, ...kind, base, length: -1 });
      } else if (args.length === 1) {
        const n = this.constant(mod, arg);
        if (n !== undefined) mod.arrays.set(name, { name, ...kind, base: -1, length: n });
      }
      return;
    }
    const v = this.constant(mod, init);
    if (v !== undefined) mod.constants.set(name, v);
  }

  /**
   * The value of a constant expression (literals, enum members, constants, fields compiled as
   * constants, operators), or undefined. `scoped` tells what a name is where e stands: a local
   * ("local": a local named like a module constant is not that constant), a number (a const of a
   * constant, or an unrolled loop's counter), or nothing in scope (undefined).
   */
  constant(mod: SourceModule, e: ts.Expression, local?: Map<string, number>, scoped?: (name: string) => number | "local" | undefined): number | undefined {
    if (ts.isNumericLiteral(e)) return Number(e.text);
    if (ts.isParenthesizedExpression(e)) return this.constant(mod, e.expression, local, scoped);
    if (ts.isIdentifier(e)) {
      const inScope = scoped?.(e.text);
      if (inScope === "local") return undefined;
      return inScope ?? local?.get(e.text) ?? mod.constants.get(e.text);
    }
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) return mod.enums.get(e.expression.text)?.get(e.name.text);
    if (ts.isPropertyAccessExpression(e)) return this.fieldConstant(e);
    if (ts.isPrefixUnaryExpression(e)) {
      const v = this.constant(mod, e.operand, local, scoped);
      if (v === undefined) return undefined;
      if (e.operator === ts.SyntaxKind.MinusToken) return -v;
      if (e.operator === ts.SyntaxKind.TildeToken) return ~v;
      return undefined;
    }
    if (ts.isBinaryExpression(e)) {
      const a = this.constant(mod, e.left, local, scoped);
      const b = this.constant(mod, e.right, local, scoped);
      if (a === undefined || b === undefined) return undefined;
      switch (e.operatorToken.kind) {
        case ts.SyntaxKind.PlusToken: return a + b;
        case ts.SyntaxKind.MinusToken: return a - b;
        case ts.SyntaxKind.AsteriskToken: return a * b;
        case ts.SyntaxKind.LessThanLessThanToken: return a << b;
        case ts.SyntaxKind.GreaterThanGreaterThanToken: return a >> b;
        case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken: return a >>> b;
        case ts.SyntaxKind.BarToken: return a | b;
        case ts.SyntaxKind.AmpersandToken: return a & b;
        case ts.SyntaxKind.CaretToken: return a ^ b;
        default: return undefined;
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------- functions, globals, scratch

  method(name: string, node?: ts.MethodDeclaration): FunctionInfo {
    const m = node ?? this.methods.get(name);
    if (!m) throw new DesignError(`${this.options.file}: ${this.options.className} has no method ${name}`);
    return this.function(`this.${name}`, m, this.main);
  }

  /** A plain function `name` as seen from `mod` (its own or imported), or undefined. */
  plainFunction(mod: SourceModule, name: string): FunctionInfo | undefined {
    const own = mod.functions.get(name);
    if (own) return this.function(`${mod.path}#${name}`, own, mod);
    const from = mod.imports.get(name);
    if (!from) return undefined;
    const target = this.load(from);
    const f = target.functions.get(name);
    return f ? this.function(`${target.path}#${name}`, f, target) : undefined;
  }

  private function(key: string, node: ts.MethodDeclaration | ts.FunctionDeclaration, source: SourceModule): FunctionInfo {
    const known = this.functions.get(key);
    if (known) return known;
    const type = node.type;
    if (!type) throw compileError(source, node, "a compiled function needs a declared return type");
    const info: FunctionInfo = {
      key, index: -1, node, source, returnsValue: type.kind !== ts.SyntaxKind.VoidKeyword, small: isSmallBody(node),
    };
    this.functions.set(key, info);
    return info;
  }

  /**
   * `f` as a function of the module (an entry, or called where it is not inlined): given an
   * index and queued for compiling, once. A function only ever inlined is not in the module.
   */
  callable(f: FunctionInfo): FunctionInfo {
    if (f.index < 0) {
      f.index = this.queue.length;
      this.queue.push(f);
    }
    return f;
  }

  /** `Class.method` for a method, the function's own name for a plain function. */
  private displayName(f: FunctionInfo): string {
    const name = (f.node.name as ts.Identifier).text;
    return ts.isMethodDeclaration(f.node) ? `${this.options.className}.${name}` : name;
  }

  global(field: string): number {
    let g = this.globals.get(field);
    if (g === undefined) {
      g = this.globals.size;
      this.globals.set(field, g);
    }
    return g;
  }

  /** The value of `this.<field>` when the options fix it, else undefined. */
  fieldConstant(e: ts.PropertyAccessExpression): number | undefined {
    return e.expression.kind === ts.SyntaxKind.ThisKeyword ? this.options.constants?.[e.name.text] : undefined;
  }

  isMethod(name: string): boolean {
    return this.methods.has(name);
  }

  /** Scratch arrays the code uses get addresses after compilation: a load's offset is patched in (see FunctionCompiler.memarg). */
  private placeScratch(): void {
    // only the ones the code uses (an imported module may declare large arrays of its own)
    const scratch = [...new Set(this.scratchRefs.map((r) => r.array))];
    let bytes = 0;
    const offsets = scratch.map((a) => {
      const at = bytes;
      bytes += Math.ceil((a.length * a.size) / 8) * 8;
      return at;
    });
    const base = bytes > 0 ? this.options.reserveScratch(bytes) : 0;
    scratch.forEach((a, k) => (a.base = base + offsets[k]!));
  }

  private assemble(entries: readonly FunctionInfo[], bodies: readonly CompiledBody[]): Uint8Array<ArrayBuffer> {
    const functions = this.queue.map((f, k): WasmFunction => ({
      params: f.node.parameters.map(() => I32),
      results: f.returnsValue ? [I32] : [],
      locals: bodies[k]!.locals > 0 ? [[bodies[k]!.locals, I32]] : [],
      body: this.resolveScratch(bodies[k]!.code),
      name: entries.includes(f) ? (f.node.name as ts.Identifier).text : undefined,
    }));
    return moduleBytes(functions, this.options.sharedPages, { globals: [...this.globals.keys()], names: this.queue.map((f) => this.displayName(f)) });
  }

  /**
   * Scratch addresses are unknown while bodies are compiled: a body holds -(k + 1) where the
   * memarg offset of scratch reference k goes, resolved here.
   */
  scratchRef(a: ArrayInfo, offset: number): number {
    this.scratchRefs.push({ array: a, offset });
    return -this.scratchRefs.length;
  }

  private resolveScratch(body: number[]): number[] {
    const out: number[] = [];
    for (const x of body) {
      if (x >= 0) out.push(x);
      else {
        const r = this.scratchRefs[-x - 1]!;
        out.push(...uleb(r.array.base + r.offset));
      }
    }
    return out;
  }
}

/** Sources parsed once per process (a module is compiled once per set of constants). */
const PARSED = new Map<string, ts.SourceFile>();
function parsed(path: string): ts.SourceFile {
  let f = PARSED.get(path);
  if (!f) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new DesignError(`${path}: cannot read the source to compile it (${(e as Error).message})`);
    }
    f = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    PARSED.set(path, f);
  }
  return f;
}

function compileError(mod: SourceModule, node: ts.Node, message: string): DesignError {
  const { line, character } = mod.file.getLineAndCharacterOfPosition(node.getStart(mod.file));
  return new DesignError(`${mod.path}:${line + 1}:${character + 1}: wasm subset: ${message}`);
}

/** What a name stands for: a local, an alias of an array, or a constant (a const of a constant expression; in an unrolled loop, the counter's value in this copy of the body). */
type Binding = { kind: "local"; index: number } | { kind: "array"; array: ArrayInfo } | { kind: "constant"; value: number };

/**
 * A control frame, for branch depths: what `break`, `continue` and `return` may target: a loop's exit and next iteration, the end of an inlined void body ("return")
 * or of an inlined body with a value ("value": its `return`s branch there with the value), or
 * neither.
 */
type Frame = "break" | "continue" | "return" | "value" | "other";

class FunctionCompiler {
  private readonly code: number[] = [];
  private scopes: Map<string, Binding>[] = [];
  private readonly frames: Frame[] = [];
  private locals: number;
  /** The module whose names the code being compiled sees (the callee's, while inlining). */
  private mod: SourceModule;
  /** Functions being inlined here (a function that calls itself is called, not inlined again). */
  private readonly inlining = new Set<FunctionInfo>();

  constructor(
    private readonly cc: ClassCompiler,
    private readonly fn: FunctionInfo,
  ) {
    this.mod = fn.source;
    const params = new Map<string, Binding>();
    fn.node.parameters.forEach((p, k) => {
      if (!ts.isIdentifier(p.name)) throw this.error(p, "parameters must be plain names");
      params.set(p.name.text, { kind: "local", index: k });
    });
    this.scopes.push(params);
    this.locals = fn.node.parameters.length;
  }

  compile(): CompiledBody {
    const body = this.fn.node.body;
    if (!body) throw this.error(this.fn.node, "no body");
    this.block(body.statements);
    // a function with a result ends with an explicit return; the validator wants a value here
    if (this.fn.returnsValue) this.code.push(Op.Unreachable);
    return { locals: this.locals - this.fn.node.parameters.length, code: this.code };
  }

  private error(node: ts.Node, message: string): DesignError {
    return compileError(this.mod, node, message);
  }

  /** e's value when it is a constant here (its identifiers are not locals of this function). */
  private constantOf(e: ts.Expression): number | undefined {
    return this.cc.constant(this.mod, e, undefined, this.scoped);
  }

  private readonly scoped = (name: string): number | "local" | undefined => {
    const b = this.lookup(name);
    return b === undefined ? undefined : b.kind === "constant" ? b.value : "local";
  };

  private emit(...bytes: number[]): void {
    for (const b of bytes) this.code.push(b);
  }

  private i32(n: number): void {
    this.emit(Op.I32Const, ...sleb(n | 0));
  }

  private newLocal(): number {
    return this.locals++;
  }

  private lookup(name: string): Binding | undefined {
    for (let k = this.scopes.length - 1; k >= 0; k--) {
      const b = this.scopes[k]!.get(name);
      if (b) return b;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- statements

  private block(statements: readonly ts.Statement[]): void {
    this.scopes.push(new Map());
    for (const s of statements) this.statement(s);
    this.scopes.pop();
  }

  private statement(s: ts.Statement): void {
    if (ts.isBlock(s)) return this.block(s.statements);
    if (ts.isEmptyStatement(s)) return;
    if (ts.isExpressionStatement(s)) return void this.expression(s.expression, false);
    if (ts.isVariableStatement(s)) return this.declarations(s.declarationList);
    if (ts.isIfStatement(s)) {
      this.condition(s.expression);
      this.emit(Op.If, VOID);
      this.frames.push("other");
      this.statement(s.thenStatement);
      if (s.elseStatement) {
        this.emit(Op.Else);
        this.statement(s.elseStatement);
      }
      this.frames.pop();
      return this.emit(Op.End);
    }
    if (ts.isForStatement(s)) {
      const unrolled = unrollable(s, this.constantOf.bind(this), (body) => this.compiledSize(body, this.mod, new Set()));
      if (unrolled !== undefined) return this.unroll(s, unrolled.name, unrolled.from, unrolled.to);
      this.scopes.push(new Map());
      if (s.initializer) {
        if (ts.isVariableDeclarationList(s.initializer)) this.declarations(s.initializer);
        else this.expression(s.initializer, false);
      }
      this.loop(s.condition, s.statement, s.incrementor);
      this.scopes.pop();
      return;
    }
    if (ts.isWhileStatement(s)) return this.loop(s.expression, s.statement, undefined);
    if (ts.isBreakStatement(s) || ts.isContinueStatement(s)) {
      if (s.label) throw this.error(s, "labelled break/continue");
      const target: Frame = ts.isBreakStatement(s) ? "break" : "continue";
      const k = this.frames.lastIndexOf(target);
      if (k < 0) throw this.error(s, `${target} outside a loop`);
      return this.emit(Op.Br, ...uleb(this.frames.length - 1 - k));
    }
    if (ts.isReturnStatement(s)) {
      const end = Math.max(this.frames.lastIndexOf("return"), this.frames.lastIndexOf("value"));
      if (end >= 0) {
        // in a body inlined here: its end, with the value when it has one
        if (this.frames[end] === "value") {
          if (!s.expression) throw this.error(s, "return without a value");
          this.value(s.expression);
        } else if (s.expression) this.expression(s.expression, false);
        return this.emit(Op.Br, ...uleb(this.frames.length - 1 - end));
      }
      if (s.expression) {
        if (this.fn.returnsValue) this.value(s.expression);
        else this.expression(s.expression, false); // `return this.f(...)` in a void method
      } else if (this.fn.returnsValue) throw this.error(s, "return without a value");
      return this.emit(Op.Return);
    }
    throw this.error(s, `statement ${ts.SyntaxKind[s.kind]} is outside the subset`);
  }

  /** block $break / loop / (cond) br_if $break / block $continue body end / incr / br loop. */
  private loop(cond: ts.Expression | undefined, body: ts.Statement, incr: ts.Expression | undefined): void {
    this.emit(Op.Block, VOID);
    this.frames.push("break");
    this.emit(Op.Loop, VOID);
    this.frames.push("other");
    if (cond) {
      this.condition(cond);
      this.emit(Op.I32Eqz, Op.BrIf, 1);
    }
    this.emit(Op.Block, VOID);
    this.frames.push("continue");
    this.statement(body);
    this.frames.pop();
    this.emit(Op.End);
    if (incr) this.expression(incr, false);
    this.emit(Op.Br, 0, Op.End, Op.End);
    this.frames.pop();
    this.frames.pop();
  }

  /**
   * A loop over a few constant counter values (UNROLL_TRIPS), compiled as one copy of the body per
   * value with the counter a constant: block $break (block $continue body[i = k] end)... end.
   * The counter's arithmetic folds (a port's record offsets become memory offsets), and the loop's
   * branch, counter and V8's stack check per iteration are gone.
   */
  private unroll(s: ts.ForStatement, name: string, from: number, to: number): void {
    this.emit(Op.Block, VOID);
    this.frames.push("break");
    for (let k = from; k < to; k++) {
      this.scopes.push(new Map([[name, { kind: "constant", value: k }]]));
      this.emit(Op.Block, VOID);
      this.frames.push("continue");
      this.statement(s.statement);
      this.frames.pop();
      this.emit(Op.End);
      this.scopes.pop();
    }
    this.frames.pop();
    this.emit(Op.End);
  }

  /** Statements compiled for `node` in `mod`: its own and those of the bodies inlined at its calls, at every depth. */
  private compiledSize(node: ts.Node, mod: SourceModule, inlined: Set<FunctionInfo>): number {
    return statementsIn(node, (x) => {
      const f = ts.isCallExpression(x) ? this.calleeOf(x, mod) : undefined;
      if (f === undefined || !f.small || inlined.has(f)) return 0;
      inlined.add(f);
      const n = this.compiledSize(f.node.body!, f.source, inlined);
      inlined.delete(f);
      return n;
    });
  }

  /** The compiled function a call in `mod` calls (a method, or a plain function), or undefined (Math, or outside the subset). */
  private calleeOf(e: ts.CallExpression, mod: SourceModule): FunctionInfo | undefined {
    const callee = e.expression;
    if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
      return this.cc.isMethod(callee.name.text) ? this.cc.method(callee.name.text) : undefined;
    }
    return ts.isIdentifier(callee) ? this.cc.plainFunction(mod, callee.text) : undefined;
  }

  private declarations(list: ts.VariableDeclarationList): void {
    const scope = this.scopes[this.scopes.length - 1]!;
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) throw this.error(d, "destructuring is outside the subset");
      if (!d.initializer) throw this.error(d, "a variable needs an initial value");
      const array = this.arrayOf(d.initializer);
      if (array) {
        scope.set(d.name.text, { kind: "array", array });
        continue;
      }
      // a const of a constant expression is that constant (e.g. a loop bound to unroll)
      const value = (list.flags & ts.NodeFlags.Const) !== 0 ? this.constantOf(d.initializer) : undefined;
      if (value !== undefined) {
        scope.set(d.name.text, { kind: "constant", value });
        continue;
      }
      const index = this.newLocal();
      this.value(d.initializer);
      this.emit(Op.LocalSet, ...uleb(index));
      scope.set(d.name.text, { kind: "local", index });
    }
  }

  // ---------------------------------------------------------------- expressions

  /** The array an expression names (a module-level typed array or a local alias), or undefined. */
  private arrayOf(e: ts.Expression): ArrayInfo | undefined {
    const x = strip(e);
    if (!ts.isIdentifier(x)) return undefined;
    const b = this.lookup(x.text);
    if (b) return b.kind === "array" ? b.array : undefined;
    const own = this.mod.arrays.get(x.text);
    if (own) return own;
    const from = this.mod.imports.get(x.text);
    return from ? this.cc.load(from).arrays.get(x.text) : undefined;
  }

  /** Pushes the expression's value as a condition (any non-zero int32 is true). */
  private condition(e: ts.Expression): void {
    this.value(e);
  }

  /** Pushes the expression's value. */
  private value(e: ts.Expression): Sign {
    const s = this.expression(e, true);
    if (s === undefined) throw this.error(e, "this expression has no value");
    return s;
  }

  /** Compiles e; with `want`, leaves its value on the stack (returns its sign), else leaves nothing. */
  private expression(e: ts.Expression, want: boolean): Sign | undefined {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) return this.expression(e.expression, want);
    if (ts.isBinaryExpression(e) && isAssignment(e.operatorToken.kind)) return this.assignment(e, want);
    if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) && isIncrement(e.operator)) return this.increment(e, want);
    if (ts.isCallExpression(e)) return this.call(e, want);
    if (!want) throw this.error(e, "an expression statement must assign, increment or call");
    const c = this.constantOf(e);
    if (c !== undefined) {
      if (!Number.isInteger(c) || c < -0x80000000 || c > 0xffffffff) throw this.error(e, `${c} is not a 32-bit integer`);
      this.i32(c);
      return c > 0x7fffffff ? "u" : "i";
    }
    if (e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword) {
      this.i32(e.kind === ts.SyntaxKind.TrueKeyword ? 1 : 0);
      return "i";
    }
    if (ts.isIdentifier(e)) {
      const b = this.lookup(e.text);
      if (!b || b.kind !== "local") throw this.error(e, `${e.text} is not a local, a constant or an enum member`);
      this.emit(Op.LocalGet, ...uleb(b.index));
      return "i";
    }
    if (ts.isPropertyAccessExpression(e)) {
      const k = this.cc.fieldConstant(e);
      if (k !== undefined) this.i32(k);
      else this.emit(Op.GlobalGet, ...uleb(this.field(e)));
      return "i";
    }
    if (ts.isElementAccessExpression(e)) {
      const [a, offset] = this.address(e);
      this.emit(...loadOp(a), ...this.memarg(a, offset));
      return a.signed || a.size < 4 ? "i" : "u";
    }
    if (ts.isPrefixUnaryExpression(e)) {
      switch (e.operator) {
        case ts.SyntaxKind.MinusToken:
          this.i32(0);
          this.value(e.operand);
          this.emit(Op.I32Sub);
          return "i";
        case ts.SyntaxKind.TildeToken:
          this.value(e.operand);
          this.i32(-1);
          this.emit(Op.I32Xor);
          return "i";
        case ts.SyntaxKind.ExclamationToken:
          this.value(e.operand);
          this.emit(Op.I32Eqz);
          return "i";
        default:
          throw this.error(e, "unary operator outside the subset");
      }
    }
    if (ts.isConditionalExpression(e)) {
      this.condition(e.condition);
      this.emit(Op.If, I32);
      this.frames.push("other");
      const a = this.value(e.whenTrue);
      this.emit(Op.Else);
      const b = this.value(e.whenFalse);
      this.frames.pop();
      this.emit(Op.End);
      return a === "u" && b === "u" ? "u" : "i";
    }
    if (ts.isBinaryExpression(e)) return this.binary(e);
    throw this.error(e, `expression ${ts.SyntaxKind[e.kind]} is outside the subset`);
  }

  private binary(e: ts.BinaryExpression): Sign {
    const k = e.operatorToken.kind;
    if (k === ts.SyntaxKind.AmpersandAmpersandToken || k === ts.SyntaxKind.BarBarToken) {
      // a && b: if a then (b != 0) else 0;  a || b: if a then 1 else (b != 0)
      this.condition(e.left);
      this.emit(Op.If, I32);
      this.frames.push("other");
      if (k === ts.SyntaxKind.AmpersandAmpersandToken) {
        this.condition(e.right);
        this.emit(Op.I32Eqz, Op.I32Eqz, Op.Else);
        this.i32(0);
      } else {
        this.i32(1);
        this.emit(Op.Else);
        this.condition(e.right);
        this.emit(Op.I32Eqz, Op.I32Eqz);
      }
      this.frames.pop();
      this.emit(Op.End);
      return "i";
    }
    const a = this.value(e.left);
    const b = this.value(e.right);
    const arith = ARITH[k];
    if (arith !== undefined) return this.emit(arith), k === ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken ? "u" : "i";
    const cmp = COMPARE[k];
    if (cmp === undefined) throw this.error(e.operatorToken, `operator ${e.operatorToken.getText(this.mod.file)} is outside the subset`);
    if (cmp.length === 1) return this.emit(cmp[0]), "i"; // equality: the same bits either way
    const unsigned = a === "u" || b === "u";
    if (unsigned && !(this.unsignedOperand(e.left, a) && this.unsignedOperand(e.right, b))) {
      throw this.error(e, "comparing an unsigned value (>>> or Uint32Array) with a signed one: make both one kind (| 0 or >>> 0)");
    }
    this.emit(cmp[unsigned ? 1 : 0]);
    return "i";
  }

  private unsignedOperand(e: ts.Expression, s: Sign): boolean {
    if (s === "u") return true;
    const c = this.constantOf(e);
    return c !== undefined && c >= 0;
  }

  private field(e: ts.PropertyAccessExpression): number {
    if (e.expression.kind !== ts.SyntaxKind.ThisKeyword) throw this.error(e, "only this.<field>, Enum.<member> and constants are allowed");
    const name = e.name.text;
    if (this.cc.isMethod(name)) throw this.error(e, `${name} is a method`);
    if (this.cc.fieldConstant(e) !== undefined) throw this.error(e, `${name} is compiled as a constant and cannot be assigned`);
    return this.cc.global(name);
  }

  /**
   * Pushes the byte address of arr[index] less what goes in the memarg's offset, and returns the
   * array and that offset in bytes beyond the array's base. Constant addends of the index
   * (`H32[s + Slot.DATA]`) go in the offset, so accesses to fields of one record share one
   * address computation. The rest of the index must then not be negative on its own (the
   * records' bases never are): if it is, the access traps instead of reaching the element.
   */
  private address(e: ts.ElementAccessExpression): [ArrayInfo, number] {
    const a = this.arrayOf(e.expression);
    if (!a) throw this.error(e.expression, `${e.expression.getText(this.mod.file)} is not a typed array of the module`);
    const terms: ts.Expression[] = [];
    let constant = 0;
    for (const t of this.addends(e.argumentExpression)) {
      const c = this.constantOf(t);
      if (c !== undefined && Number.isInteger(c)) constant += c;
      else terms.push(t);
    }
    const folded = terms.length > 0 && constant > 0 && constant * a.size <= 0xffff;
    if (!folded) this.value(e.argumentExpression);
    else {
      this.value(terms[0]!);
      for (const t of terms.slice(1)) {
        this.value(t);
        this.emit(Op.I32Add);
      }
    }
    if (a.size > 1) {
      this.i32(a.size === 4 ? 2 : 1);
      this.emit(Op.I32Shl);
    }
    return [a, folded ? constant * a.size : 0];
  }

  /** The operands of a chain of + (x + y + 3: x, y, 3), or [e]. */
  private addends(e: ts.Expression): ts.Expression[] {
    const x = strip(e);
    if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.PlusToken) return [...this.addends(x.left), ...this.addends(x.right)];
    return [x];
  }

  private memarg(a: ArrayInfo, offset: number): number[] {
    const align = a.size === 4 ? 2 : a.size === 2 ? 1 : 0;
    return a.length < 0 ? [align, ...uleb(a.base + offset)] : [align, this.cc.scratchRef(a, offset)];
  }

  private assignment(e: ts.BinaryExpression, want: boolean): Sign | undefined {
    const k = e.operatorToken.kind;
    const base = COMPOUND[k];
    const op = base === undefined ? undefined : ARITH[base];
    if (k !== ts.SyntaxKind.EqualsToken && op === undefined) throw this.error(e.operatorToken, "assignment operator outside the subset");
    return this.store(e.left, want, () => {
      if (op !== undefined) {
        this.emit(...this.pendingLoad!);
        this.value(e.right);
        this.emit(op);
      } else this.value(e.right);
    });
  }

  private increment(e: ts.PrefixUnaryExpression | ts.PostfixUnaryExpression, want: boolean): Sign | undefined {
    const delta = e.operator === ts.SyntaxKind.PlusPlusToken ? Op.I32Add : Op.I32Sub;
    const post = ts.isPostfixUnaryExpression(e);
    if (!want || !post) {
      return this.store(e.operand, want, () => {
        this.emit(...this.pendingLoad!);
        this.i32(1);
        this.emit(delta);
      });
    }
    // x++ as a value: the old value, kept in a local
    const old = this.newLocal();
    this.store(e.operand, false, () => {
      this.emit(...this.pendingLoad!, Op.LocalTee, ...uleb(old));
      this.i32(1);
      this.emit(delta);
    });
    this.emit(Op.LocalGet, ...uleb(old));
    return "i";
  }

  /** The bytes that load the current store target (for compound assignments), set by `store`. */
  private pendingLoad: number[] | undefined;

  /** Stores the value `compute` pushes into target; with `want`, also leaves it on the stack. */
  private store(target: ts.Expression, want: boolean, compute: () => void): Sign | undefined {
    const t = strip(target);
    const keep = want ? this.newLocal() : -1;
    const saved = this.pendingLoad;
    if (ts.isIdentifier(t)) {
      const b = this.lookup(t.text);
      if (!b || b.kind !== "local") throw this.error(t, `cannot assign to ${t.text}`);
      this.pendingLoad = [Op.LocalGet, ...uleb(b.index)];
      compute();
      this.emit(want ? Op.LocalTee : Op.LocalSet, ...uleb(b.index));
    } else if (ts.isPropertyAccessExpression(t)) {
      const g = this.field(t);
      this.pendingLoad = [Op.GlobalGet, ...uleb(g)];
      compute();
      if (want) this.emit(Op.LocalTee, ...uleb(keep));
      this.emit(Op.GlobalSet, ...uleb(g));
    } else if (ts.isElementAccessExpression(t)) {
      const [a, offset] = this.address(t);
      const at = this.newLocal();
      this.emit(Op.LocalTee, ...uleb(at));
      this.pendingLoad = [Op.LocalGet, ...uleb(at), ...loadOp(a), ...this.memarg(a, offset)];
      compute();
      if (want) this.emit(Op.LocalTee, ...uleb(keep));
      this.emit(storeOp(a), ...this.memarg(a, offset));
    } else throw this.error(t, "assignment target outside the subset");
    this.pendingLoad = saved;
    if (want && !ts.isIdentifier(t)) this.emit(Op.LocalGet, ...uleb(keep));
    return want ? "i" : undefined;
  }

  private call(e: ts.CallExpression, want: boolean): Sign | undefined {
    const callee = e.expression;
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "Math") {
      const name = callee.name.text;
      if (name === "clz32" && e.arguments.length === 1) {
        this.value(e.arguments[0]!);
        this.emit(Op.I32Clz);
      } else if (name === "imul" && e.arguments.length === 2) {
        this.value(e.arguments[0]!);
        this.value(e.arguments[1]!);
        this.emit(Op.I32Mul);
      } else throw this.error(e, `Math.${name} is outside the subset`);
      if (!want) this.emit(Op.Drop);
      return want ? "i" : undefined;
    }
    if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword && !this.cc.isMethod(callee.name.text)) {
      throw this.error(callee, `${callee.name.text} is not a method of the class`);
    }
    const f = this.calleeOf(e, this.mod);
    if (!f) throw this.error(callee, `call of ${callee.getText(this.mod.file)} is outside the subset`);
    if (e.arguments.length !== f.node.parameters.length) throw this.error(e, `${f.key} takes ${f.node.parameters.length} arguments`);
    if (!this.inlining.has(f) && f.small && (f.returnsValue || !want)) {
      this.inlineBody(f, e);
      if (!want && f.returnsValue) this.emit(Op.Drop);
      return want ? "i" : undefined;
    }
    for (const a of e.arguments) this.value(a);
    this.emit(Op.Call, ...uleb(this.cc.callable(f).index));
    if (want && !f.returnsValue) throw this.error(e, `${f.key} returns nothing`);
    if (!want && f.returnsValue) this.emit(Op.Drop);
    return want ? "i" : undefined;
  }

  /**
   * A call of a method or function of up to INLINE_STATEMENTS (isSmallBody), inlined: V8 does not
   * inline WebAssembly calls (by default), and helpers (a field extractor, a hash) cost more to
   * call than to compute. The arguments go to fresh locals in order, as for a call, and the body
   * is compiled in the callee's module with only its parameters in scope, in a block whose end
   * its `return`s branch to. With a value, the
   * block has an int32 result and the `return`s carry theirs; every path of such a body returns
   * (its declared return type says so), so the block's end is unreachable. The value is a signed
   * int32, as a call's is.
   */
  private inlineBody(f: FunctionInfo, e: ts.CallExpression): void {
    const value = f.returnsValue;
    this.inCallee(f, e, () => {
      this.emit(Op.Block, value ? I32 : VOID);
      this.frames.push(value ? "value" : "return");
      this.block(f.node.body!.statements);
      this.frames.pop();
      if (value) this.emit(Op.Unreachable);
      this.emit(Op.End);
    });
  }

  /**
   * Compiles `body` as the inlined code of f called by e: the arguments go to fresh locals in
   * order, as for a call, and the body is compiled in the callee's module with only its
   * parameters in scope.
   */
  private inCallee(f: FunctionInfo, e: ts.CallExpression, body: () => void): void {
    const params = new Map<string, Binding>();
    const slots = f.node.parameters.map((p) => {
      if (!ts.isIdentifier(p.name)) throw compileError(f.source, p, "parameters must be plain names");
      const index = this.newLocal();
      params.set(p.name.text, { kind: "local", index });
      return index;
    });
    for (const a of e.arguments) this.value(a);
    for (let k = slots.length - 1; k >= 0; k--) this.emit(Op.LocalSet, ...uleb(slots[k]!));
    const outer = { scopes: this.scopes, mod: this.mod };
    this.scopes = [params];
    this.mod = f.source;
    this.inlining.add(f);
    try {
      body();
    } finally {
      this.inlining.delete(f);
      this.scopes = outer.scopes;
      this.mod = outer.mod;
    }
  }
}

/**
 * Statements a body may have (counted at every depth of its own body, not of what it inlines
 * in turn) to be inlined at its calls. V8 does not inline WebAssembly calls, so the
 * stages of a step (the NoC router's receive, allocators, traversal; the largest, vaIslip, has
 * 87 statements) go inline too: callgrind counted 10% fewer instructions in the router than with
 * helpers only (12 statements), for a module of 22 KB instead of 14 KB. The bound keeps a
 * function larger than a stage a call (recursion is a call anyway: see `inlining`).
 */
const INLINE_STATEMENTS = 100;

/**
 * Loops unrolled: `for (let i = A; i < B; i++)` with A and B constants (literals, enum members,
 * consts of constants, fields compiled as constants), i not assigned in the body, at most
 * UNROLL_TRIPS iterations, and a body of at most UNROLL_STATEMENTS statements counting what it
 * inlines: the NoC router's small loops over its five ports. Callgrind counted 6.8% fewer
 * instructions in the router (200k to 186k a cycle at 0.30 uniform), for a router module of 29 KB
 * of machine code instead of 22 KB; unrolling every such loop (the allocators' port loops that
 * inline the traversal too) saved hardly more for 48 KB.
 */
const UNROLL_TRIPS = 5;
const UNROLL_STATEMENTS = 40;

/** The counter and bounds of a `for` loop to unroll (UNROLL_TRIPS), or undefined. */
function unrollable(
  s: ts.ForStatement,
  constantOf: (e: ts.Expression) => number | undefined,
  compiledSize: (body: ts.Statement) => number,
): { name: string; from: number; to: number } | undefined {
  const init = s.initializer;
  if (!init || !ts.isVariableDeclarationList(init) || init.declarations.length !== 1) return undefined;
  const d = init.declarations[0]!;
  if (!ts.isIdentifier(d.name) || !d.initializer) return undefined;
  const name = d.name.text;
  const from = constantOf(d.initializer);
  const cond = s.condition;
  if (from === undefined || !cond || !ts.isBinaryExpression(cond) || cond.operatorToken.kind !== ts.SyntaxKind.LessThanToken) return undefined;
  if (!ts.isIdentifier(cond.left) || cond.left.text !== name) return undefined;
  const to = constantOf(cond.right);
  if (to === undefined || to - from < 1 || to - from > UNROLL_TRIPS) return undefined;
  const inc = s.incrementor;
  const counted = inc !== undefined && (ts.isPostfixUnaryExpression(inc) || ts.isPrefixUnaryExpression(inc)) && inc.operator === ts.SyntaxKind.PlusPlusToken && ts.isIdentifier(inc.operand) && inc.operand.text === name;
  if (!counted || assigns(s.statement, name) || compiledSize(s.statement) > UNROLL_STATEMENTS) return undefined;
  return { name, from, to };
}

/** Whether `node` assigns or increments the identifier `name` (a declaration of that name shadows it: counted too, to be safe). */
function assigns(node: ts.Node, name: string): boolean {
  const named = (e: ts.Expression): boolean => {
    const x = strip(e);
    return ts.isIdentifier(x) && x.text === name;
  };
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(n) && isAssignment(n.operatorToken.kind) && named(n.left)) found = true;
    else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && isIncrement(n.operator) && named(n.operand)) found = true;
    else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** Statements in `node` at every depth (blocks not counted), plus what `more` adds for each node (e.g. an inlined callee's). */
function statementsIn(node: ts.Node, more?: (x: ts.Node) => number): number {
  let n = 0;
  const visit = (x: ts.Node): void => {
    if (ts.isStatement(x) && !ts.isBlock(x)) n++;
    if (more !== undefined) n += more(x);
    ts.forEachChild(x, visit);
  };
  visit(node);
  return n;
}

/** Whether a body is small enough to inline (INLINE_STATEMENTS). */
function isSmallBody(f: ts.MethodDeclaration | ts.FunctionDeclaration): boolean {
  const body = f.body;
  return body !== undefined && statementsIn(body) <= INLINE_STATEMENTS;
}

function strip(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) e = e.expression;
  return e;
}

function isAssignment(k: ts.SyntaxKind): boolean {
  return k === ts.SyntaxKind.EqualsToken || COMPOUND[k] !== undefined;
}

function isIncrement(k: ts.SyntaxKind): boolean {
  return k === ts.SyntaxKind.PlusPlusToken || k === ts.SyntaxKind.MinusMinusToken;
}

function loadOp(a: ArrayInfo): number[] {
  if (a.size === 4) return [Op.I32Load];
  if (a.size === 2) return [a.signed ? Op.I32Load16S : Op.I32Load16U];
  return [a.signed ? Op.I32Load8S : Op.I32Load8U];
}

function storeOp(a: ArrayInfo): Op {
  return a.size === 4 ? Op.I32Store : a.size === 2 ? Op.I32Store16 : Op.I32Store8;
}

const ARITH: Partial<Record<ts.SyntaxKind, Op>> = {
  [ts.SyntaxKind.PlusToken]: Op.I32Add,
  [ts.SyntaxKind.MinusToken]: Op.I32Sub,
  [ts.SyntaxKind.AsteriskToken]: Op.I32Mul,
  [ts.SyntaxKind.PercentToken]: Op.I32RemS,
  [ts.SyntaxKind.AmpersandToken]: Op.I32And,
  [ts.SyntaxKind.BarToken]: Op.I32Or,
  [ts.SyntaxKind.CaretToken]: Op.I32Xor,
  [ts.SyntaxKind.LessThanLessThanToken]: Op.I32Shl,
  [ts.SyntaxKind.GreaterThanGreaterThanToken]: Op.I32ShrS,
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: Op.I32ShrU,
};

const COMPOUND: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
  [ts.SyntaxKind.PlusEqualsToken]: ts.SyntaxKind.PlusToken,
  [ts.SyntaxKind.MinusEqualsToken]: ts.SyntaxKind.MinusToken,
  [ts.SyntaxKind.AsteriskEqualsToken]: ts.SyntaxKind.AsteriskToken,
  [ts.SyntaxKind.PercentEqualsToken]: ts.SyntaxKind.PercentToken,
  [ts.SyntaxKind.AmpersandEqualsToken]: ts.SyntaxKind.AmpersandToken,
  [ts.SyntaxKind.BarEqualsToken]: ts.SyntaxKind.BarToken,
  [ts.SyntaxKind.CaretEqualsToken]: ts.SyntaxKind.CaretToken,
  [ts.SyntaxKind.LessThanLessThanEqualsToken]: ts.SyntaxKind.LessThanLessThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanToken,
  [ts.SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
};

/** Comparisons: [signed, unsigned] opcodes; equality has one. */
const COMPARE: Partial<Record<ts.SyntaxKind, Op[]>> = {
  [ts.SyntaxKind.EqualsEqualsEqualsToken]: [Op.I32Eq],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken]: [Op.I32Ne],
  [ts.SyntaxKind.LessThanToken]: [Op.I32LtS, Op.I32LtU],
  [ts.SyntaxKind.LessThanEqualsToken]: [Op.I32LeS, Op.I32LeU],
  [ts.SyntaxKind.GreaterThanToken]: [Op.I32GtS, Op.I32GtU],
  [ts.SyntaxKind.GreaterThanEqualsToken]: [Op.I32GeS, Op.I32GeU],
};
