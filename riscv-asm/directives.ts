/** Assembler directives: one handler per name, looked up in a Map. */
import type { Assembler } from "./assembler.ts";
import { Cursor, argEnd, CH_COMMA, CH_QUOTE } from "./cursor.ts";
import { AsmError } from "./diagnostics.ts";
import { parseExpr } from "./expr.ts";
import type { Section, SectionFlags } from "./section.ts";
import { parseString } from "./strings.ts";
import type { Binding, SymbolType } from "./symbols.ts";

/** A directive handler. `symName` is set for `name = expr`. */
export type Directive = (asm: Assembler, c: Cursor, name: string, symName?: string, symAt?: number) => void;

const d = new Map<string, Directive>();

/** Largest block one .space/.fill/.align may add (guards against typos that would exhaust memory). */
export const MAX_FILL = 64 * 1024 * 1024;

function symbolName(c: Cursor, what: string): string {
  c.skipSpaces();
  if (c.peek() === CH_QUOTE) {
    const end = c.text.indexOf('"', c.pos + 1);
    if (end < 0 || end >= c.end) c.fail("unterminated quoted name");
    const s = c.text.slice(c.pos + 1, end);
    c.pos = end + 1;
    return s;
  }
  const n = c.ident();
  if (n === "") c.fail(`${what}: expected a symbol name${c.describeHere()}`);
  return n;
}

function expectEnd(c: Cursor, what: string): void {
  if (!c.atEnd()) c.fail(`${what}: unexpected${c.describeHere().replace(", found", "")}`);
}

function constArg(asm: Assembler, c: Cursor, what: string): number {
  c.skipSpaces();
  const at = c.offset;
  return asm.constant(parseExpr(c, asm.env), at, what);
}

// ------------------------------------------------------------------- sections

for (const name of [".text", ".data", ".bss", ".rodata", ".sdata", ".sbss"]) {
  d.set(name, (asm, c) => {
    if (!c.atEnd()) constArg(asm, c, name); // subsection number: accepted, ignored
    asm.switchTo(asm.section(name));
  });
}

function sectionArgs(asm: Assembler, c: Cursor, what: string): void {
  const name = symbolName(c, what);
  let flags: SectionFlags | undefined;
  let type: "progbits" | "nobits" | undefined;
  if (c.eat(CH_COMMA)) {
    c.skipSpaces();
    if (c.peek() === CH_QUOTE) {
      const at = c.pos;
      const chars = String.fromCharCode(...parseString(c));
      flags = { alloc: false, write: false, exec: false };
      for (const ch of chars) {
        if (ch === "a") flags.alloc = true;
        else if (ch === "w") flags.write = true;
        else if (ch === "x") flags.exec = true;
        else if (!"MSGTRoeyd?".includes(ch)) c.fail(`${what}: unknown section flag '${ch}' (expected a, w, x)`, at);
      }
      if (c.eat(CH_COMMA)) {
        c.skipSpaces();
        const tat = c.pos;
        const ch = c.peek();
        if (ch === 64 || ch === 37) c.pos++;
        const t = c.ident();
        if (t === "progbits") type = "progbits";
        else if (t === "nobits") type = "nobits";
        else if (t !== "note" && t !== "init_array" && t !== "fini_array" && t !== "preinit_array") c.fail(`${what}: unknown section type '${t}' (expected @progbits or @nobits)`, tat);
        while (c.eat(CH_COMMA)) c.splitArgs(); // entity size, group name: accepted
      }
    } else c.splitArgs();
  }
  expectEnd(c, what);
  const existing = asm.sections.find((s) => s.name === name);
  asm.switchTo(existing ?? asm.section(name, flags, type));
}

d.set(".section", (asm, c) => sectionArgs(asm, c, ".section"));
d.set(".pushsection", (asm, c) => {
  asm.sectionStack.push([asm.cur, asm.previous]);
  sectionArgs(asm, c, ".pushsection");
});
d.set(".popsection", (asm, c) => {
  expectEnd(c, ".popsection");
  const top = asm.sectionStack.pop();
  if (top === undefined) throw new AsmError(".popsection without a matching .pushsection");
  asm.cur = top[0];
  asm.previous = top[1];
});
d.set(".previous", (asm, c) => {
  expectEnd(c, ".previous");
  const p = asm.previous;
  asm.previous = asm.cur;
  asm.cur = p;
});

// ------------------------------------------------------------------- symbols

function binding(b: Binding): Directive {
  return (asm, c, name) => {
    do {
      const n = symbolName(c, name);
      const s = asm.symbols.get(n);
      s.binding = b;
      s.bindingExplicit = true;
    } while (c.eat(CH_COMMA));
    expectEnd(c, name);
  };
}
d.set(".globl", binding("global"));
d.set(".global", binding("global"));
d.set(".weak", binding("weak"));
d.set(".local", binding("local"));
for (const v of [".hidden", ".protected", ".internal"]) d.set(v, (_asm, c) => void c.splitArgs());

d.set(".type", (asm, c) => {
  const n = symbolName(c, ".type");
  c.expect(CH_COMMA, "','");
  c.skipSpaces();
  const ch = c.peek();
  if (ch === 64 || ch === 37 || ch === CH_QUOTE) c.pos++;
  const at = c.pos;
  const t = c.ident();
  if (ch === CH_QUOTE) c.eat(CH_QUOTE);
  const types: Record<string, SymbolType> = { function: "func", STT_FUNC: "func", object: "object", STT_OBJECT: "object", notype: "notype", STT_NOTYPE: "notype" };
  const ty = types[t];
  if (ty === undefined) c.fail(`.type: unknown symbol type '${t}' (expected @function, @object or @notype)`, at);
  asm.symbols.get(n).type = ty;
  expectEnd(c, ".type");
});

d.set(".size", (asm, c) => {
  const n = symbolName(c, ".size");
  c.expect(CH_COMMA, "','");
  const e = parseExpr(c, asm.env);
  // `.` in the size expression means here, now
  asm.symbols.get(n).size = asm.bindDot(e);
  expectEnd(c, ".size");
});

const setDirective: Directive = (asm, c, name, symName, symAt) => {
  let n = symName;
  let at = symAt ?? c.offset;
  if (n === undefined) {
    c.skipSpaces();
    at = c.offset;
    n = symbolName(c, name);
    c.expect(CH_COMMA, "','");
  }
  const e = asm.bindDot(parseExpr(c, asm.env));
  expectEnd(c, name);
  asm.assign(n, e, at, name === ".equiv");
};
d.set(".set", setDirective);
d.set(".equ", setDirective);
d.set(".equiv", setDirective);

// ------------------------------------------------------------------- data

function data(bytes: number): Directive {
  return (asm, c, name) => {
    if (c.atEnd()) return;
    // each top-level argument parsed on its own, without building a list of them first
    // (this runs for every data line)
    const t = c.text;
    let start = c.pos;
    for (;;) {
      const end = argEnd(t, start, c.end);
      dataArg(asm, new Cursor(t, 0, start, end), bytes, name);
      if (end >= c.end) break;
      start = end + 1;
    }
    c.pos = c.end;
  };
}

/** One argument of a data directive: the whole of `ac`. */
function dataArg(asm: Assembler, ac: Cursor, bytes: number, name: string): void {
  const sec = asm.cur;
  const start = ac.pos;
  ac.skipSpaces();
  const at = ac.pos;
  if (bytes === 8 && sec.type !== "nobits" && writeBigLiteral(sec, ac.text.slice(start, ac.end))) return;
  const e = parseExpr(ac, asm.env);
  if (!ac.atEnd()) ac.fail(`${name}: unexpected${ac.describeHere().replace(", found", "")} after the expression`);
  if (sec.type === "nobits") {
    const v = asm.tryConstant(e);
    if (v !== 0) ac.fail(`${name}: non-zero data in ${sec.name} (a section with no contents)`, at);
    sec.reserve(bytes);
    return;
  }
  if (sec.flags.exec) sec.markMapping("$d");
  const v = asm.tryConstant(e);
  if (v !== undefined) {
    const warning = dataRangeMessage(v, bytes, name);
    if (warning !== undefined) asm.warn(warning, at);
    sec.emitValue(v, bytes);
  } else {
    const bound = asm.bindDot(e);
    const off = sec.reserve(bytes);
    asm.dataFixup(off, bytes, bound, at, name);
  }
}

/** `.dword`/`.8byte` of an integer literal beyond 2^53: written exactly (true when handled). */
function writeBigLiteral(sec: Section, text: string): boolean {
  const m = /^\s*(-?)\s*(0x[0-9a-f]+|[1-9][0-9]*)\s*$/i.exec(text);
  if (m === null) return false;
  let v = BigInt(m[2]!);
  if (v <= BigInt(Number.MAX_SAFE_INTEGER)) return false;
  if (m[1] === "-") v = -v;
  v = BigInt.asUintN(64, v);
  if (sec.flags.exec) sec.markMapping("$d");
  const p = sec.reserve(8);
  for (let i = 0; i < 8; i++) sec.data[p + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return true;
}

/** GNU warns and truncates values that do not fit the field: the warning text, or undefined. */
export function dataRangeMessage(v: number, bytes: number, what: string): string | undefined {
  if (bytes >= 8 || (bytes === 4 && v >= -0x80000000 && v <= 0xffffffff)) return undefined;
  const bits = 8 * bytes;
  const max = 2 ** bits;
  if (v < max && v >= -(2 ** (bits - 1))) return undefined;
  const t = ((v % max) + max) % max;
  return `${what}: value 0x${(v < 0 ? BigInt.asUintN(64, BigInt(v)) : BigInt(v)).toString(16)} truncated to 0x${t.toString(16)}`;
}

/** Data directives and the size of their items in bytes. */
export const DATA_SIZES: ReadonlyMap<string, number> = new Map([
  [".byte", 1],
  [".half", 2], [".short", 2], [".2byte", 2], [".hword", 2],
  [".word", 4], [".long", 4], [".4byte", 4], [".int", 4],
  [".dword", 8], [".quad", 8], [".8byte", 8],
]);
for (const [n, bytes] of DATA_SIZES) d.set(n, data(bytes));

function strings(zero: boolean): Directive {
  return (asm, c, name) => {
    const sec = asm.cur;
    do {
      const bytes = parseString(c);
      if (zero) bytes.push(0);
      if (sec.type === "nobits") c.fail(`${name}: data in ${sec.name} (a section with no contents)`);
      if (sec.flags.exec) sec.markMapping("$d");
      const p = sec.reserve(bytes.length);
      sec.data.set(bytes, p);
    } while (c.eat(CH_COMMA));
    expectEnd(c, name);
  };
}
d.set(".ascii", strings(false));
d.set(".asciz", strings(true));
d.set(".string", strings(true));

function space(asm: Assembler, c: Cursor, name: string, count: number, size: number, value: number): void {
  if (count < 0) throw new AsmError(`${name}: negative count ${count}`);
  if (count * size > MAX_FILL) throw new AsmError(`${name}: ${count * size} bytes is too large (limit ${MAX_FILL})`);
  const sec = asm.cur;
  if (sec.type === "nobits" && value !== 0) c.fail(`${name}: non-zero fill in ${sec.name}`);
  if (sec.flags.exec && count > 0) sec.markMapping("$d");
  sec.emitFill(count, size, value);
}

const spaceDirective: Directive = (asm, c, name) => {
  const n = constArg(asm, c, name);
  let fill = 0;
  if (c.eat(CH_COMMA)) fill = constArg(asm, c, name);
  expectEnd(c, name);
  space(asm, c, name, n, 1, fill & 0xff);
};
d.set(".space", spaceDirective);
d.set(".skip", spaceDirective);
d.set(".zero", (asm, c, name) => {
  const n = constArg(asm, c, name);
  expectEnd(c, name);
  space(asm, c, name, n, 1, 0);
});
d.set(".fill", (asm, c, name) => {
  const n = constArg(asm, c, name);
  let size = 1;
  let value = 0;
  if (c.eat(CH_COMMA)) {
    size = constArg(asm, c, name);
    if (c.eat(CH_COMMA)) value = constArg(asm, c, name);
  }
  expectEnd(c, name);
  if (size < 0) throw new AsmError(`.fill: negative size ${size}`);
  if (size > 8) size = 8;
  if (size === 0) return;
  // GNU: the value is a 4-byte quantity, little-endian, zero-padded for larger sizes
  const sec = asm.cur;
  if (n < 0) throw new AsmError(`.fill: negative repeat count ${n}`);
  if (n * size > MAX_FILL) throw new AsmError(`.fill: ${n * size} bytes is too large (limit ${MAX_FILL})`);
  if (sec.type === "nobits") {
    if (value !== 0) c.fail(`.fill: non-zero fill in ${sec.name}`);
    sec.reserve(n * size);
    return;
  }
  if (sec.flags.exec && n > 0) sec.markMapping("$d");
  for (let i = 0; i < n; i++) {
    const p = sec.reserve(size);
    for (let b = 0; b < size && b < 4; b++) sec.data[p + b] = value >>> (8 * b);
  }
});

// ------------------------------------------------------------------- alignment

function align(asm: Assembler, c: Cursor, name: string, pow2: boolean): void {
  const at = c.offset;
  let n = c.atEnd() ? 0 : constArg(asm, c, name);
  let fill: number | undefined;
  let maxSkip = 0;
  if (c.eat(CH_COMMA)) {
    c.skipSpaces();
    if (c.peek() !== CH_COMMA) fill = constArg(asm, c, name);
    if (c.eat(CH_COMMA)) maxSkip = constArg(asm, c, name);
  }
  expectEnd(c, name);
  let bytes: number;
  if (pow2) {
    if (n < 0 || n > 31) throw new AsmError(`${name}: alignment ${n} out of range: 0..31`, at);
    bytes = 2 ** n;
  } else {
    if (n === 0) n = 1;
    if (n < 0 || (n & (n - 1)) !== 0 || n > 2 ** 31) throw new AsmError(`${name}: alignment ${n} is not a power of 2`, at);
    bytes = n;
  }
  asm.alignTo(bytes, fill, maxSkip);
}
d.set(".align", (asm, c, name) => align(asm, c, name, true));
d.set(".p2align", (asm, c, name) => align(asm, c, name, true));
d.set(".balign", (asm, c, name) => align(asm, c, name, false));

// ------------------------------------------------------------------- conditionals

function pushCond(asm: Assembler, cond: boolean): void {
  const parent = asm.conds.length === 0 || asm.conds[asm.conds.length - 1]!.active;
  asm.conds.push({ active: parent && cond, taken: cond, parentActive: parent, sawElse: false, loc: asm.loc, col: asm.stmt.start });
}

function condExpr(asm: Assembler, c: Cursor, name: string): number {
  const v = constArg(asm, c, name);
  expectEnd(c, name);
  return v;
}

d.set(".if", (asm, c, name) => pushCond(asm, condExpr(asm, c, name) !== 0));
d.set(".ifne", (asm, c, name) => pushCond(asm, condExpr(asm, c, name) !== 0));
d.set(".ifeq", (asm, c, name) => pushCond(asm, condExpr(asm, c, name) === 0));
d.set(".ifgt", (asm, c, name) => pushCond(asm, condExpr(asm, c, name) > 0));
d.set(".ifge", (asm, c, name) => pushCond(asm, condExpr(asm, c, name) >= 0));
d.set(".iflt", (asm, c, name) => pushCond(asm, condExpr(asm, c, name) < 0));
d.set(".ifle", (asm, c, name) => pushCond(asm, condExpr(asm, c, name) <= 0));
function ifdef(want: boolean): Directive {
  return (asm, c, name) => {
    const n = symbolName(c, name);
    expectEnd(c, name);
    const s = asm.symbols.find(n);
    pushCond(asm, (s !== undefined && s.defined) === want);
  };
}
d.set(".ifdef", ifdef(true));
d.set(".ifndef", ifdef(false));
d.set(".ifnotdef", ifdef(false));
function ifc(want: boolean): Directive {
  return (asm, c) => {
    const args = c.splitArgs().map((a) => unquote(a.text.trim()));
    pushCond(asm, (args[0] === args[1]) === want);
  };
}
d.set(".ifc", ifc(true));
d.set(".ifnc", ifc(false));
d.set(".ifb", (asm, c) => pushCond(asm, c.rest() === ""));
d.set(".ifnb", (asm, c) => pushCond(asm, c.rest() !== ""));

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith("'") && s.endsWith("'") ? s.slice(1, -1) : s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

d.set(".else", (asm, c) => {
  expectEnd(c, ".else");
  const top = asm.conds[asm.conds.length - 1];
  if (top === undefined) throw new AsmError(".else without a matching .if");
  if (top.sawElse) throw new AsmError("duplicate .else");
  top.sawElse = true;
  top.active = top.parentActive && !top.taken;
  top.taken = true;
});
d.set(".elseif", (asm, c) => {
  const top = asm.conds[asm.conds.length - 1];
  if (top === undefined) throw new AsmError(".elseif without a matching .if");
  if (top.sawElse) throw new AsmError(".elseif after .else");
  if (top.taken || !top.parentActive) {
    top.active = false;
    c.splitArgs();
    return;
  }
  const v = condExpr(asm, c, ".elseif") !== 0;
  top.active = v;
  top.taken = v;
});
d.set(".endif", (asm, c) => {
  expectEnd(c, ".endif");
  if (asm.conds.pop() === undefined) throw new AsmError(".endif without a matching .if");
});

// ------------------------------------------------------------------- macros and repetition

d.set(".macro", (asm, c) => asm.macros.defineMacro(c));
d.set(".endm", () => {
  throw new AsmError(".endm without a matching .macro");
});
d.set(".exitm", (asm) => asm.macros.exitMacro());
d.set(".rept", (asm, c, name) => {
  const n = condExpr(asm, c, name);
  asm.macros.beginRept(n);
});
d.set(".irp", (asm, c) => asm.macros.beginIrp(c, false));
d.set(".irpc", (asm, c) => asm.macros.beginIrp(c, true));
d.set(".endr", () => {
  throw new AsmError(".endr without a matching .rept, .irp or .irpc");
});
d.set(".purgem", (asm, c) => {
  const n = symbolName(c, ".purgem");
  asm.macros.purge(n);
});

d.set(".include", (asm, c) => {
  const bytes = parseString(c);
  expectEnd(c, ".include");
  asm.includeFile(String.fromCharCode(...bytes));
});

// ------------------------------------------------------------------- options and accepted no-ops

d.set(".option", (asm, c) => {
  const at = c.pos;
  const opt = c.ident();
  switch (opt) {
    case "push":
      asm.optionStack.push({ rvc: asm.rvc, relax: asm.relax });
      break;
    case "pop": {
      const top = asm.optionStack.pop();
      if (top === undefined) throw new AsmError(".option pop without a matching .option push", c.base + at);
      asm.rvc = top.rvc;
      asm.relax = top.relax;
      break;
    }
    case "rvc":
      asm.rvc = true;
      asm.rvcReported = false;
      break;
    case "norvc":
      asm.rvc = false;
      break;
    case "relax":
      asm.relax = true;
      break;
    case "norelax":
      asm.relax = false;
      break;
    case "pic":
    case "nopic":
    case "csr-check":
    case "no-csr-check":
      break;
    case "arch":
      c.splitArgs();
      break;
    default:
      c.fail(`.option: unknown option '${opt}' (expected push, pop, rvc, norvc, relax, norelax, pic, nopic, arch)`, at);
  }
  if (!c.atEnd() && opt !== "arch") c.fail(`.option ${opt}: unexpected${c.describeHere().replace(", found", "")}`);
});

d.set(".ident", (asm, c) => {
  // appended to .comment, as GNU as does (a leading NUL before the first string)
  const bytes = parseString(c);
  expectEnd(c, ".ident");
  const sec = asm.section(".comment", { alloc: false, write: false, exec: false });
  if (sec.size === 0) sec.reserve(1);
  const p = sec.reserve(bytes.length + 1);
  sec.data.set(bytes, p);
});

for (const n of [".file", ".attribute", ".end", ".loc", ".addrsig", ".addrsig_sym", ".variant_cc", ".frame"]) {
  d.set(n, (_asm, c) => void c.splitArgs());
}
d.set(".sleb128", (asm, c, name) => unsupported(asm, c, name));
d.set(".uleb128", (asm, c, name) => unsupported(asm, c, name));
function unsupported(_asm: Assembler, _c: Cursor, name: string): void {
  throw new AsmError(`directive ${name} is not supported`);
}

d.set(".error", (asm, c) => {
  const msg = c.atEnd() ? `.error directive invoked in ${asm.loc.file}` : String.fromCharCode(...parseString(c));
  throw new AsmError(msg);
});
d.set(".err", () => {
  throw new AsmError(".err encountered");
});
d.set(".warning", (asm, c) => {
  const msg = c.atEnd() ? ".warning directive invoked in source file" : String.fromCharCode(...parseString(c));
  asm.warn(msg);
});
d.set(".print", (_asm, c) => void c.splitArgs());

d.set(".org", (asm, c, name) => {
  c.skipSpaces();
  const at = c.offset;
  const e = parseExpr(c, asm.env);
  let fill = 0;
  if (c.eat(CH_COMMA)) fill = constArg(asm, c, name);
  expectEnd(c, name);
  const { value } = asm.sectionOffset(e, at, name);
  const cur = asm.cur.size;
  if (value < cur) throw new AsmError(`.org: cannot move the location counter backwards (from ${cur} to ${value})`, at);
  space(asm, c, name, value - cur, 1, fill & 0xff);
});


export const DIRECTIVES: ReadonlyMap<string, Directive> = d;

/** A directive and its name as the tables spell it (lower case). */
export interface NamedDirective {
  readonly name: string;
  readonly run: Directive;
}
const NAMED: ReadonlyMap<string, NamedDirective> = new Map([...d].map(([name, run]) => [name, { name, run }]));

/** The directive spelled `name` in any case (the canonical name saves lower-casing, and a string, per statement). */
export function findDirective(name: string): NamedDirective | undefined {
  return NAMED.get(name) ?? NAMED.get(name.toLowerCase());
}
