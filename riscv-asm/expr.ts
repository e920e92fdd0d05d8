/**
 * Expressions: parsing (GNU as operators and precedence) and evaluation to a value that is
 * either absolute or "symbol + constant" (optionally "- symbol").
 *
 * GNU precedence, highest first: unary (- ~ ! +); * / % << >>; | & ^ !; + - == != <> < > <= >=; && ||.
 */
import { Cursor, isDigit, isIdentChar, isIdentStart, CH_LPAREN, CH_RPAREN, CH_APOS, CH_BACKSLASH, CH_DOT } from "./cursor.ts";
import { AsmError } from "./diagnostics.ts";

export type Expr =
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "sym"; readonly name: string; readonly at: number }
  | { readonly k: "dot"; readonly at: number }
  | { readonly k: "un"; readonly op: string; readonly e: Expr }
  | { readonly k: "bin"; readonly op: string; readonly a: Expr; readonly b: Expr; readonly at: number };

/** A symbol as the evaluator sees it (implemented by the symbol table). */
export interface SymbolLike {
  readonly name: string;
}

/** Result of evaluation: `v + sym - sub`; absolute when both are null. */
export interface Value<S extends SymbolLike = SymbolLike> {
  v: number;
  sym: S | null;
  sub: S | null;
}

/** What the evaluator needs from the assembler. */
export interface ExprEnv<S extends SymbolLike> {
  /** The value of a symbol reference (absolute, or `sym + 0`). */
  symbolValue(name: string, at: number): Value<S>;
  /** The value of `.`. */
  dotValue(): Value<S>;
  /** Name of the numeric local label `n` referenced as `nb` (backward) or `nf` (forward). */
  localLabel(n: number, forward: boolean, at: number): string;
}

/** Parses an integer literal at the cursor (decimal, 0x, 0b, leading-0 octal, 'c'), or returns undefined. */
function parseNumber(c: Cursor): number | undefined {
  const t = c.text;
  let p = c.pos;
  const end = c.end;
  const ch = t.charCodeAt(p);
  if (ch === CH_APOS) {
    // character constant: 'c or 'c' with backslash escapes
    p++;
    if (p >= end) c.fail("unterminated character constant");
    let v: number;
    if (t.charCodeAt(p) === CH_BACKSLASH) {
      p++;
      const e = t[p++];
      v = e === "n" ? 10 : e === "t" ? 9 : e === "r" ? 13 : e === "0" ? 0 : e === "\\" ? 92 : e === "'" ? 39 : e === '"' ? 34 : e === undefined ? c.fail("unterminated character constant") : e.charCodeAt(0);
    } else v = t.charCodeAt(p++);
    if (p < end && t.charCodeAt(p) === CH_APOS) p++;
    c.pos = p;
    return v;
  }
  if (!isDigit(ch)) return undefined;
  let radix = 10;
  if (ch === 48 && p + 1 < end) {
    const n = t.charCodeAt(p + 1) | 0x20;
    if (n === 0x78 /* x */ && p + 2 < end && isHex(t.charCodeAt(p + 2))) {
      radix = 16;
      p += 2;
    } else if (n === 0x62 /* b */ && p + 2 < end && (t.charCodeAt(p + 2) === 48 || t.charCodeAt(p + 2) === 49)) {
      radix = 2;
      p += 2;
    } else if (isDigit(t.charCodeAt(p + 1))) {
      radix = 8;
      p += 1;
    }
  }
  let v = 0;
  const start = p;
  while (p < end) {
    const d = digitValue(t.charCodeAt(p));
    if (d < 0 || d >= radix) break;
    v = v * radix + d;
    p++;
  }
  if (p === start) c.fail("malformed number", start);
  if (p < end && isIdentChar(t.charCodeAt(p))) c.fail(`malformed number '${t.slice(c.pos, p + 1)}'`);
  c.pos = p;
  return v > Number.MAX_SAFE_INTEGER ? exactLiteral(t.slice(start, p), radix) : v;
}

/**
 * A literal too long for a double's 53 bits, read exactly and taken as GNU as takes it: a
 * 64-bit value, two's complement. 0xffffffffffffefa0 is then -4192, exactly, which is what
 * `li` and 12-bit immediates need; a value that needs more than 53 significant bits as a
 * signed 64-bit number stays approximate (as documented).
 */
function exactLiteral(digits: string, radix: number): number {
  const prefix = radix === 16 ? "0x" : radix === 8 ? "0o" : radix === 2 ? "0b" : "";
  return Number(BigInt.asIntN(64, BigInt(prefix + digits)));
}

function isHex(c: number): boolean {
  return digitValue(c) >= 0 && digitValue(c) < 16;
}
/** Value of each ASCII character as a hex digit, -1 for non-digits. */
const DIGIT_VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) DIGIT_VALUES[48 + i] = i;
for (let i = 0; i < 6; i++) DIGIT_VALUES[65 + i] = DIGIT_VALUES[97 + i] = 10 + i;

/** A table, not comparisons: hex letters first show up late (in data), and would deoptimize comparisons never made before. */
function digitValue(c: number): number {
  return c < 128 ? DIGIT_VALUES[c]! : -1;
}

/** Parses one expression at the cursor. Stops before ',' ')' or anything it cannot use. */
export function parseExpr<S extends SymbolLike>(c: Cursor, env: ExprEnv<S>): Expr {
  return simpleExpr(c) ?? parseLevel(c, env, 4);
}

/**
 * A plain number or a lone symbol followed by ',' ')' '(' or the end, read as parseExpr reads
 * it; undefined (cursor unmoved) for anything else. Reading one has no side effects.
 */
export function simpleExpr(c: Cursor): Expr | undefined {
  return fastNumber(c) ?? fastSymbol(c);
}

/** Fast path: a lone symbol name (not `.`) followed by ',' ')' '(' or the end, as the full parser would read it. */
function fastSymbol(c: Cursor): Expr | undefined {
  const t = c.text;
  const end = c.end;
  let p = c.pos;
  while (p < end && (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9)) p++;
  const start = p;
  if (p >= end || !isIdentStart(t.charCodeAt(p))) return undefined;
  p++;
  while (p < end && isIdentChar(t.charCodeAt(p))) p++;
  const nameEnd = p;
  if (nameEnd - start === 1 && t.charCodeAt(start) === CH_DOT) return undefined;
  while (p < end && (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9)) p++;
  if (p < end) {
    const ch = t.charCodeAt(p);
    if (ch !== 44 && ch !== 41 && ch !== 40) return undefined;
  }
  c.pos = p;
  return { k: "sym", name: t.slice(start, nameEnd), at: c.base + start };
}

/** Fast path: a plain decimal or 0x literal (optionally negative) followed by ',' ')' '(' or the end. */
function fastNumber(c: Cursor): Expr | undefined {
  const t = c.text;
  const end = c.end;
  let p = c.pos;
  while (p < end && (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9)) p++;
  let neg = false;
  if (p < end && t.charCodeAt(p) === 45) {
    neg = true;
    p++;
  }
  // One digit loop for both radixes, and every test below made for every number: optimized
  // code meeting an operation it has never seen run (a first hex or octal literal, late in a
  // file) is thrown away and compiled again.
  let radix = 10;
  let maxDigits = 15;
  const second = p + 1 < end ? t.charCodeAt(p + 1) : -1;
  const digits = p + 2; // after a 0x prefix
  const zero = p < end && t.charCodeAt(p) === 48;
  const hex = digits < end && (second | 0x20) === 0x78;
  const octal = isDigit(second);
  if (zero && hex) {
    p = digits;
    radix = 16;
    maxDigits = 13;
  } else if (zero && octal) return undefined;
  const start = p;
  let v = 0;
  for (; p < end; p++) {
    const d = digitValue(t.charCodeAt(p));
    if (d < 0 || d >= radix) break;
    v = v * radix + d;
  }
  if (p === start || p - start > maxDigits) return undefined;
  while (p < end && (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9)) p++;
  if (p < end) {
    const ch = t.charCodeAt(p);
    if (ch !== 44 && ch !== 41 && ch !== 40) return undefined;
  }
  c.pos = p;
  return { k: "num", v: neg ? (v === 0 ? 0 : -v) : v };
}

/**
 * The binary operator at the cursor, if any: level (1 = tightest .. 4) and spelling. Character
 * codes only (this runs after every operand).
 */
function peekOp(c: Cursor): { level: number; op: string } | undefined {
  c.skipSpaces();
  const p = c.pos;
  if (p >= c.end) return undefined;
  const t = c.text;
  const a = t.charCodeAt(p);
  const b = p + 1 < c.end ? t.charCodeAt(p + 1) : -1;
  switch (a) {
    case 42: // *
      return OP_MUL;
    case 47: // /
      return OP_DIV;
    case 37: // %
      return OP_MOD;
    case 60: // <
      return b === 60 ? OP_SHL : b === 61 ? OP_LE : b === 62 ? OP_NE2 : OP_LT;
    case 62: // >
      return b === 62 ? OP_SHR : b === 61 ? OP_GE : OP_GT;
    case 124: // |
      return b === 124 ? OP_LOR : OP_OR;
    case 38: // &
      return b === 38 ? OP_LAND : OP_AND;
    case 94: // ^
      return OP_XOR;
    case 33: // !
      return b === 61 ? OP_NE : OP_ORNOT;
    case 43: // +
      return OP_ADD;
    case 45: // -
      return OP_SUB;
    case 61: // =
      return b === 61 ? OP_EQ : undefined;
    default:
      return undefined;
  }
}

const op = (level: number, s: string): { level: number; op: string } => ({ level, op: s });
const OP_MUL = op(1, "*"), OP_DIV = op(1, "/"), OP_MOD = op(1, "%"), OP_SHL = op(1, "<<"), OP_SHR = op(1, ">>");
const OP_OR = op(2, "|"), OP_AND = op(2, "&"), OP_XOR = op(2, "^"), OP_ORNOT = op(2, "!");
const OP_ADD = op(3, "+"), OP_SUB = op(3, "-"), OP_EQ = op(3, "=="), OP_NE = op(3, "!="), OP_NE2 = op(3, "<>");
const OP_LT = op(3, "<"), OP_GT = op(3, ">"), OP_LE = op(3, "<="), OP_GE = op(3, ">=");
const OP_LAND = op(4, "&&"), OP_LOR = op(4, "||");

function parseLevel<S extends SymbolLike>(c: Cursor, env: ExprEnv<S>, level: number): Expr {
  if (level === 0) return parseUnary(c, env);
  let a = parseLevel(c, env, level - 1);
  for (;;) {
    const o = peekOp(c);
    if (o === undefined || o.level !== level) return a;
    const at = c.pos;
    c.pos += o.op.length;
    const b = parseLevel(c, env, level - 1);
    a = fold({ k: "bin", op: o.op, a, b, at: c.base + at });
  }
}

function parseUnary<S extends SymbolLike>(c: Cursor, env: ExprEnv<S>): Expr {
  c.skipSpaces();
  const ch = c.peek();
  if (ch === 45 /* - */ || ch === 126 /* ~ */ || ch === 33 /* ! */ || ch === 43 /* + */) {
    c.pos++;
    const e = parseUnary(c, env);
    const op = String.fromCharCode(ch);
    return op === "+" ? e : fold({ k: "un", op, e });
  }
  if (ch === CH_LPAREN) {
    c.pos++;
    const e = parseLevel(c, env, 4);
    c.expect(CH_RPAREN, "')'");
    return e;
  }
  const at = c.pos;
  if (isDigit(ch)) {
    // numeric local label reference: 1b / 1f
    const t = c.text;
    let p = c.pos;
    while (p < c.end && isDigit(t.charCodeAt(p))) p++;
    const suffix = t.charCodeAt(p) | 0x20;
    if ((suffix === 0x62 || suffix === 0x66) && !(p + 1 < c.end && isIdentChar(t.charCodeAt(p + 1)))) {
      const n = Number(t.slice(c.pos, p));
      c.pos = p + 1;
      return { k: "sym", name: env.localLabel(n, suffix === 0x66, c.base + at), at: c.base + at };
    }
  }
  const n = parseNumber(c);
  if (n !== undefined) return { k: "num", v: n };
  const name = c.ident();
  if (name === ".") return { k: "dot", at: c.base + at };
  if (name !== "") return { k: "sym", name, at: c.base + at };
  if (ch === 34 /* " */) {
    // quoted symbol name
    const end = c.text.indexOf('"', c.pos + 1);
    if (end < 0 || end >= c.end) c.fail("unterminated quoted symbol name");
    const q = c.text.slice(c.pos + 1, end);
    c.pos = end + 1;
    return { k: "sym", name: q, at: c.base + at };
  }
  c.fail(`expected an expression${c.describeHere()}`);
}

/** Constant folding of absolute subexpressions. */
function fold(e: Expr): Expr {
  if (e.k === "un" && e.e.k === "num") return { k: "num", v: unary(e.op, e.e.v) };
  if (e.k === "bin" && e.a.k === "num" && e.b.k === "num") return { k: "num", v: binary(e.op, e.a.v, e.b.v, e.at) };
  return e;
}

function toBig(v: number): bigint {
  return BigInt.asIntN(64, BigInt(Math.trunc(v)));
}
function fromBig(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}
function fits32(v: number): boolean {
  return v >= -0x80000000 && v <= 0x7fffffff;
}

function unary(op: string, v: number): number {
  switch (op) {
    case "-":
      return v === 0 ? 0 : -v;
    case "~":
      return fits32(v) ? ~v : fromBig(~toBig(v));
    default:
      return v === 0 ? 1 : 0;
  }
}

/** GNU as arithmetic on 64-bit signed values (exact below 2^53, which is all that RV32 needs). */
export function binary(op: string, a: number, b: number, at: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return fits32(a) && fits32(b) ? a * b : fromBig(toBig(a) * toBig(b));
    case "/":
    case "%":
      if (b === 0) throw new AsmError("division by zero", at);
      return op === "/" ? Math.trunc(a / b) : a % b;
    case "<<":
      return b >= 64 || b < 0 ? 0 : fromBig(toBig(a) << BigInt(b));
    case ">>":
      return b >= 64 || b < 0 ? (a < 0 ? -1 : 0) : fromBig(toBig(a) >> BigInt(b));
    case "|":
      return fits32(a) && fits32(b) ? a | b : fromBig(toBig(a) | toBig(b));
    case "&":
      return fits32(a) && fits32(b) ? a & b : fromBig(toBig(a) & toBig(b));
    case "^":
      return fits32(a) && fits32(b) ? a ^ b : fromBig(toBig(a) ^ toBig(b));
    case "!":
      return fits32(a) && fits32(b) ? a | ~b : fromBig(toBig(a) | ~toBig(b));
    case "==":
      return a === b ? -1 : 0;
    case "!=":
    case "<>":
      return a !== b ? -1 : 0;
    case "<":
      return a < b ? -1 : 0;
    case ">":
      return a > b ? -1 : 0;
    case "<=":
      return a <= b ? -1 : 0;
    case ">=":
      return a >= b ? -1 : 0;
    case "&&":
      return a !== 0 && b !== 0 ? 1 : 0;
    default:
      return a !== 0 || b !== 0 ? 1 : 0;
  }
}

/** Evaluates an expression. Symbolic parts are kept as `sym`/`sub`; other uses of symbols are errors. */
export function evaluate<S extends SymbolLike>(e: Expr, env: ExprEnv<S>): Value<S> {
  switch (e.k) {
    case "num":
      return { v: e.v, sym: null, sub: null };
    case "sym":
      return env.symbolValue(e.name, e.at);
    case "dot":
      return env.dotValue();
    case "un": {
      const x = evaluate(e.e, env);
      if (x.sym !== null || x.sub !== null) {
        if (e.op === "-" && x.sub === null) return { v: -x.v, sym: null, sub: x.sym };
        if (e.op === "-" && x.sym === null) return { v: -x.v, sym: x.sub, sub: null };
        throw new AsmError(`operator '${e.op}' needs an absolute value, not symbol '${(x.sym ?? x.sub)!.name}'`);
      }
      return { v: unary(e.op, x.v), sym: null, sub: null };
    }
    case "bin": {
      const a = evaluate(e.a, env);
      const b = evaluate(e.b, env);
      if (e.op === "+" || e.op === "-") {
        const bs = e.op === "+" ? b.sym : b.sub;
        const bsub = e.op === "+" ? b.sub : b.sym;
        const sym = combine(a.sym, bs, e.at, "+");
        const sub = combine(a.sub, bsub, e.at, "-");
        if (sym !== null && sub !== null && sym === sub) return { v: e.op === "+" ? a.v + b.v : a.v - b.v, sym: null, sub: null };
        return { v: e.op === "+" ? a.v + b.v : a.v - b.v, sym, sub };
      }
      if (a.sym || a.sub || b.sym || b.sub) {
        const s = (a.sym ?? a.sub ?? b.sym ?? b.sub)!;
        throw new AsmError(`operator '${e.op}' needs absolute values, but '${s.name}' is not a constant here`, e.at);
      }
      return { v: binary(e.op, a.v, b.v, e.at), sym: null, sub: null };
    }
  }
}

function combine<S extends SymbolLike>(x: S | null, y: S | null, at: number, what: string): S | null {
  if (x !== null && y !== null) throw new AsmError(`cannot ${what === "+" ? "add" : "subtract"} two symbols ('${x.name}' and '${y.name}')`, at);
  return x ?? y;
}

