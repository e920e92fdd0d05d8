/**
 * Operand parsing and encoding, one case per operand kind. The instruction tables only name
 * kinds; this is the single place that knows how each kind is written and where its bits go.
 */
import { Cursor, CH_COMMA, CH_LPAREN, CH_RPAREN, CH_PERCENT } from "./cursor.ts";
import { parseExpr, type Expr, type ExprEnv } from "./expr.ts";
import { AsmError } from "./diagnostics.ts";
import { X_REGS, V_REGS } from "./isa/registers.ts";
import { CSR_BY_NAME } from "./isa/csr.ts";
import type { InsnSpec, OperandKind } from "./isa/types.ts";
import type { FixupKind } from "./fixups.ts";
import type { Sym } from "./symbols.ts";
import { encodeI, encodeS, hi20, lo12 } from "./encoding.ts";

/** What operand parsing needs from the assembler. */
export interface OperandHost {
  readonly env: ExprEnv<Sym>;
  /** The value if the expression is an absolute constant now, else undefined. */
  tryConstant(e: Expr): number | undefined;
}

/** A fixup requested by an operand, relative to the instruction being encoded. */
export interface PendingFixup {
  kind: FixupKind;
  expr: Expr;
  col: number;
  /** The symbol itself, when the fixup refers to an anonymous label. */
  target?: Sym;
}

/** Relocation operators usable in operands: %hi, %lo, %pcrel_hi, %pcrel_lo. */
type RelocOp = "hi" | "lo" | "pcrel_hi" | "pcrel_lo";

export const VTYPE_SEW = ["e8", "e16", "e32", "e64"];
export const VTYPE_LMUL: Record<string, number> = { m1: 0, m2: 1, m4: 2, m8: 3, mf8: 5, mf4: 6, mf2: 7 };

/** Parses an integer register name. */
export function parseXReg(c: Cursor): number {
  return reg(c, X_REGS, "integer register");
}

/** GNU as (RV32): constants in 0..2^32-1 are read as 32-bit signed values. */
export function normalize32(v: number): number {
  return v >= 0 && v <= 0xffffffff ? v | 0 : v;
}

/**
 * Register lookup without allocating: names are at most 4 characters, packed into a number.
 * Returns -1 when the text at the cursor is not a register of the table.
 */
function packedName(c: Cursor): number {
  const t = c.text;
  let p = c.pos;
  const end = c.end;
  while (p < end && (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9)) p++;
  let key = 0;
  let len = 0;
  const start = p;
  for (; p < end; p++) {
    const ch = t.charCodeAt(p);
    if (!((ch >= 97 && ch <= 122) || (ch >= 48 && ch <= 57) || (ch >= 65 && ch <= 90) || ch === 95 || ch === 46 || ch === 36)) break;
    if (++len > 4) return -1;
    key = key * 128 + ch;
  }
  if (p === start) return -1;
  c.pos = p;
  return key;
}

/**
 * Register numbers by packed name: an open table whose size is chosen (when the module loads)
 * so that `key % size` never collides, making a lookup one division and two array reads (a
 * Map lookup per register operand was a visible cost).
 */
class PackedTable {
  private readonly size: number;
  private readonly keys: Int32Array;
  private readonly values: Int8Array;

  constructor(table: ReadonlyMap<string, number>) {
    const keys: number[] = [];
    const values: number[] = [];
    for (const [name, r] of table) {
      let key = 0;
      for (let i = 0; i < name.length; i++) key = key * 128 + name.charCodeAt(i);
      keys.push(key);
      values.push(r);
    }
    let size = keys.length;
    while (!collisionFree(keys, size)) size++;
    this.size = size;
    this.keys = new Int32Array(size).fill(-1);
    this.values = new Int8Array(size);
    for (let i = 0; i < keys.length; i++) {
      this.keys[keys[i]! % size] = keys[i]!;
      this.values[keys[i]! % size] = values[i]!;
    }
  }

  /** The register packed as `key` (>= 0), or undefined. */
  get(key: number): number | undefined {
    const slot = key % this.size;
    return this.keys[slot] === key ? this.values[slot] : undefined;
  }
}
/** No two keys share a slot of a table of `size` (run when the module loads: plain loops, no iterators). */
function collisionFree(keys: readonly number[], size: number): boolean {
  const used = new Uint8Array(size);
  for (let i = 0; i < keys.length; i++) {
    const slot = keys[i]! % size;
    if (used[slot] !== 0) return false;
    used[slot] = 1;
  }
  return true;
}
const X_PACKED = new PackedTable(X_REGS);
const V_PACKED = new PackedTable(V_REGS);

function reg(c: Cursor, table: ReadonlyMap<string, number>, what: string): number {
  const at = c.pos;
  const key = packedName(c);
  const r = key < 0 ? undefined : (table === X_REGS ? X_PACKED : V_PACKED).get(key);
  if (r === undefined) {
    c.pos = at;
    c.fail(`expected ${what}${c.describeHere()}`);
  }
  return r;
}

/** Parses `%op(expr)` if present. */
function relocOp(c: Cursor, host: OperandHost): { op: RelocOp; expr: Expr } | undefined {
  c.skipSpaces();
  if (c.peek() !== CH_PERCENT) return undefined;
  const at = c.pos;
  c.pos++;
  const name = c.ident();
  if (name !== "hi" && name !== "lo" && name !== "pcrel_hi" && name !== "pcrel_lo") {
    c.pos = at;
    c.fail(`unknown relocation operator '%${name}' (expected %hi, %lo, %pcrel_hi or %pcrel_lo)`);
  }
  c.expect(CH_LPAREN, `'(' after %${name}`);
  const expr = parseExpr(c, host.env);
  c.expect(CH_RPAREN, "')'");
  return { op: name, expr };
}

/** Skips spaces and returns the operand's start position. */
function startOf(c: Cursor): number {
  c.skipSpaces();
  return c.pos;
}

/** A plain decimal literal (optionally negative) followed by ',' ')' '(' or the end; the cursor moves past it. */
function scanInt(c: Cursor): number | undefined {
  const t = c.text;
  const end = c.end;
  let p = c.pos;
  const neg = p < end && t.charCodeAt(p) === 45;
  if (neg) p++;
  const start = p;
  let v = 0;
  for (; p < end; p++) {
    const ch = t.charCodeAt(p);
    if (ch < 48 || ch > 57) break;
    v = v * 10 + (ch - 48);
  }
  const n = p - start;
  if (n === 0 || n > 15 || (n > 1 && t.charCodeAt(start) === 48)) return undefined;
  while (p < end && (t.charCodeAt(p) === 32 || t.charCodeAt(p) === 9)) p++;
  if (p < end) {
    const ch = t.charCodeAt(p);
    if (ch !== 44 && ch !== 41 && ch !== 40) return undefined;
  }
  c.pos = p;
  return neg ? -v : v;
}

/** Parses a plain expression that is not a register name. */
export function operandExpr(c: Cursor, host: OperandHost): Expr {
  c.skipSpaces();
  const at = c.pos;
  const key = packedName(c);
  if (key >= 0 && (X_PACKED.get(key) !== undefined || V_PACKED.get(key) !== undefined)) {
    const id = c.text.slice(at, c.pos);
    c.pos = at;
    c.fail(`expected an expression, found register '${id}'`);
  }
  c.pos = at;
  return parseExpr(c, host.env);
}

/** A constant operand (after skipping spaces; the operand starts at `c.pos` on entry after skipSpaces). */
function constant(c: Cursor, host: OperandHost, insn: string): number {
  c.skipSpaces();
  const at = c.pos;
  const fast = scanInt(c);
  if (fast !== undefined) return fast;
  const e = operandExpr(c, host);
  const v = host.tryConstant(e);
  if (v === undefined) throw new AsmError(`${insn}: immediate must be a constant known at this point`, c.base + at, 0);
  return v;
}

function checkRange(c: Cursor, v: number, lo: number, hi: number, at: number, insn: string, what = "immediate"): void {
  if (v < lo || v > hi) c.fail(`${what} ${v} out of range for ${insn}: ${lo}..${hi}`, at);
}

/** A 12-bit signed immediate for I (`store` false) or S (`store` true) format, with %lo/%pcrel_lo. */
function imm12(c: Cursor, host: OperandHost, insn: string, store: boolean, out: PendingFixup[]): number {
  c.skipSpaces();
  const at = c.pos;
  const r = relocOp(c, host);
  if (r !== undefined) {
    if (r.op === "lo") {
      const v = host.tryConstant(r.expr);
      if (v !== undefined) return store ? encodeS(lo12(v)) : encodeI(lo12(v));
      out.push({ kind: store ? "lo12s" : "lo12i", expr: r.expr, col: c.base + at });
      return 0;
    }
    if (r.op === "pcrel_lo") {
      out.push({ kind: store ? "pcrel_lo12s" : "pcrel_lo12i", expr: r.expr, col: c.base + at });
      return 0;
    }
    c.fail(`%${r.op} cannot be used in a 12-bit immediate of ${insn} (use %lo or %pcrel_lo)`, at);
  }
  const v = normalize32(constant(c, host, insn));
  checkRange(c, v, -2048, 2047, at, insn);
  return store ? encodeS(v) : encodeI(v);
}

/** `offset(reg)`, `(reg)`, `%lo(x)(reg)`: returns encoded offset | rs1. */
function memOperand(c: Cursor, host: OperandHost, insn: string, store: boolean, out: PendingFixup[]): number {
  c.skipSpaces();
  let bits = 0;
  const at = c.pos;
  if (c.peek() === CH_LPAREN) {
    // "(reg)" with no offset, or a parenthesised offset expression
    c.pos++;
    const id = c.ident();
    c.pos = at;
    if (X_REGS.has(id)) return baseReg(c, insn) << 15;
  }
  bits = imm12(c, host, insn, store, out);
  return bits | (baseReg(c, insn) << 15);
}

function baseReg(c: Cursor, insn: string): number {
  c.skipSpaces();
  if (c.peek() !== CH_LPAREN) c.fail(`${insn}: expected '(register)' after the offset${c.describeHere()}`);
  c.pos++;
  const r = reg(c, X_REGS, "integer register");
  c.expect(CH_RPAREN, "')'");
  return r;
}

function fenceSet(c: Cursor, insn: string): number {
  c.skipSpaces();
  const at = c.pos;
  const id = c.ident();
  let v = 0;
  let last = 4;
  for (const ch of id) {
    const bit = "wroi".indexOf(ch);
    if (bit < 0 || bit >= last) {
      c.pos = at;
      c.fail(`${insn}: expected a fence set of the letters i, o, r, w (in that order)${c.describeHere()}`);
    }
    last = bit;
    v |= 1 << bit;
  }
  if (id === "") c.fail(`${insn}: expected a fence set (i, o, r, w)${c.describeHere()}`);
  return v;
}

/** The optional vtype fields after the SEW, in the order they may be written. */
const VTYPE_FIELDS: readonly string[] = ["LMUL (m1, m2, m4, m8, mf2, mf4, mf8)", "tail policy (ta, tu)", "mask policy (ma, mu)"];

/** The bits of vtype field `field` (an index into VTYPE_FIELDS) written as `s`, or undefined. */
function vtypeFieldBits(field: number, s: string): number | undefined {
  if (field === 0) return VTYPE_LMUL[s];
  if (field === 1) return s === "ta" ? 0x40 : s === "tu" ? 0 : undefined;
  return s === "ma" ? 0x80 : s === "mu" ? 0 : undefined;
}

function vtype(c: Cursor, host: OperandHost, insn: string, bits: number): number {
  c.skipSpaces();
  const at = c.pos;
  const id = c.ident();
  const sew = VTYPE_SEW.indexOf(id);
  if (sew < 0) {
    c.pos = at;
    const v = constant(c, host, insn);
    checkRange(c, v, 0, (1 << bits) - 1, at, insn, "vtype");
    return v;
  }
  let v = sew << 3;
  const fields = VTYPE_FIELDS;
  let i = 0;
  while (i < fields.length) {
    const save = c.pos;
    if (!c.eat(CH_COMMA)) break;
    const fat = c.pos;
    const name = c.ident();
    let matched = false;
    for (let j = i; j < fields.length; j++) {
      const f = vtypeFieldBits(j, name);
      if (f !== undefined) {
        v |= f;
        i = j + 1;
        matched = true;
        break;
      }
    }
    if (!matched) {
      if (name === "" || name.startsWith("v") || X_REGS.has(name)) {
        c.pos = save;
        break;
      }
      c.pos = fat;
      c.fail(`${insn}: expected ${fields[i]!}${c.describeHere()}`);
    }
  }
  return v;
}

/**
 * Parses the operands of one form of an instruction and returns the encoded word, or throws
 * AsmError. `out` receives fixups for symbolic operands.
 */
export function encodeOperands(spec: InsnSpec, c: Cursor, host: OperandHost, out: PendingFixup[]): number {
  let w = spec.match;
  const ops = spec.operands;
  const name = spec.name;
  for (let i = 0; i < ops.length; i++) {
    const k: OperandKind = ops[i]!;
    if (k === "vm") {
      if (c.atEnd()) {
        w |= 1 << 25;
        break;
      }
      c.expect(CH_COMMA, "','");
      c.skipSpaces();
      const at = c.pos;
      if (c.ident() !== "v0.t") {
        c.pos = at;
        c.fail(`${name}: expected mask operand 'v0.t'${c.describeHere()}`);
      }
      continue;
    }
    if (i > 0) {
      if (c.atEnd()) c.fail(`${name}: expected ${ops.length - (ops[ops.length - 1] === "vm" ? 1 : 0)} operands (${describeOperands(spec)}), found ${i}`);
      c.expect(CH_COMMA, "','");
    } else if (c.atEnd()) c.fail(`${name}: expected operands (${describeOperands(spec)})`);
    w |= operand(k, c, host, name, out);
  }
  if (!c.atEnd()) {
    if (ops.length === 0) c.fail(`${name} takes no operands${c.describeHere()}`);
    c.fail(`${name}: unexpected extra operand${c.describeHere().replace(", found", "")}`);
  }
  return w >>> 0;
}

/** One operand's bits: the kinds most instructions use (others in rareOperand, to keep this small: see there). */
function operand(k: OperandKind, c: Cursor, host: OperandHost, name: string, out: PendingFixup[]): number {
  switch (k) {
    case "rd":
      return reg(c, X_REGS, "integer register") << 7;
    case "rs1":
      return reg(c, X_REGS, "integer register") << 15;
    case "rs2":
      return reg(c, X_REGS, "integer register") << 20;
    case "vd":
    case "vs3":
      return reg(c, V_REGS, "vector register") << 7;
    case "vs1":
      return reg(c, V_REGS, "vector register") << 15;
    case "vs2":
      return reg(c, V_REGS, "vector register") << 20;
    case "i12":
      return imm12(c, host, name, false, out);
    case "s12":
      return imm12(c, host, name, true, out);
    case "mem":
      return memOperand(c, host, name, false, out);
    case "smem":
      return memOperand(c, host, name, true, out);
    case "amem":
    case "vaddr": {
      c.skipSpaces();
      if (c.peek() !== CH_LPAREN) {
        const at = startOf(c);
      const v = constant(c, host, name);
        if (v !== 0) c.fail(`${name}: offset must be 0, found ${v}`, at);
      }
      return baseReg(c, name) << 15;
    }
    case "shamt": {
      c.skipSpaces();
      const at = startOf(c);
      const v = constant(c, host, name);
      checkRange(c, v, 0, 31, at, name, "shift amount");
      return v << 20;
    }
    case "btarget":
    case "jtarget": {
      c.skipSpaces();
      const at = c.pos;
      out.push({ kind: k === "btarget" ? "branch" : "jal", expr: operandExpr(c, host), col: c.base + at });
      return 0;
    }
    default:
      return rareOperand(k, c, host, name, out);
  }
}

/**
 * The other operand kinds. Apart because V8 optimizes a function only after running an amount
 * of its code that grows with its size: a small operand() is optimized after far fewer lines.
 */
function rareOperand(k: OperandKind, c: Cursor, host: OperandHost, name: string, out: PendingFixup[]): number {
  switch (k) {
    case "vs12": {
      const r = reg(c, V_REGS, "vector register");
      return (r << 15) | (r << 20);
    }
    case "vdall": {
      const r = reg(c, V_REGS, "vector register");
      return (r << 7) | (r << 15) | (r << 20);
    }
    case "v0": {
      c.skipSpaces();
      const at = c.pos;
      if (c.ident() !== "v0") {
        c.pos = at;
        c.fail(`${name}: expected 'v0'${c.describeHere()}`);
      }
      return 0;
    }
    case "zimm5":
    case "vuimm5": {
      const at = startOf(c);
      const v = constant(c, host, name);
      checkRange(c, v, 0, 31, at, name);
      return v << 15;
    }
    case "vsimm5": {
      const at = startOf(c);
      const v = constant(c, host, name);
      checkRange(c, v, -16, 15, at, name);
      return (v & 0x1f) << 15;
    }
    case "vsimm5p1":
    case "vsimm5p1nz": {
      const at = startOf(c);
      const v = constant(c, host, name);
      checkRange(c, v, -15, 16, at, name);
      if (v === 0 && k === "vsimm5p1nz") c.fail(`${name}: immediate 0 is handled by the pseudo-instruction`, at);
      return ((v - 1) & 0x1f) << 15;
    }
    case "u20": {
      c.skipSpaces();
      const at = c.pos;
      const r = relocOp(c, host);
      if (r !== undefined) {
        if (r.op === "hi") {
          const v = host.tryConstant(r.expr);
          if (v !== undefined) return hi20(v) << 12;
          out.push({ kind: "hi20", expr: r.expr, col: c.base + at });
          return 0;
        }
        if (r.op === "pcrel_hi") {
          out.push({ kind: "pcrel_hi20", expr: r.expr, col: c.base + at });
          return 0;
        }
        c.fail(`%${r.op} cannot be used in the 20-bit immediate of ${name} (use %hi or %pcrel_hi)`, at);
      }
      const v = constant(c, host, name);
      checkRange(c, v, 0, 0xfffff, at, name);
      return (v << 12) >>> 0;
    }
    case "csr": {
      c.skipSpaces();
      const at = c.pos;
      const id = c.ident();
      const n = CSR_BY_NAME.get(id);
      if (n !== undefined) return n << 20;
      c.pos = at;
      let v: number;
      try {
        v = constant(c, host, name);
      } catch (e) {
        if (e instanceof AsmError && id !== "") c.fail(`${name}: unknown CSR '${id}'`, at);
        throw e;
      }
      checkRange(c, v, 0, 4095, at, name, "CSR number");
      return v << 20;
    }
    case "pred":
      return fenceSet(c, name) << 24;
    case "succ":
      return fenceSet(c, name) << 20;
    case "vtype11":
      return vtype(c, host, name, 11) << 20;
    case "vtype10":
      return vtype(c, host, name, 10) << 20;
    case "vm":
      return 0;
    default:
      throw new Error(`operand kind ${k} has no encoder`);
  }
}

/** "rd, rs1, imm" style description of a form, for messages. */
export function describeOperands(spec: InsnSpec): string {
  const names: Record<OperandKind, string> = {
    rd: "rd", rs1: "rs1", rs2: "rs2", i12: "imm12", s12: "imm12", shamt: "shamt", u20: "imm20",
    btarget: "label", jtarget: "label", mem: "offset(rs1)", smem: "offset(rs1)", amem: "(rs1)", csr: "csr",
    zimm5: "uimm5", pred: "pred", succ: "succ", vd: "vd", vs1: "vs1", vs2: "vs2", vs3: "vs3", vs12: "vs", vdall: "vd",
    vm: "[v0.t]", v0: "v0", vsimm5: "simm5", vsimm5p1: "simm5", vsimm5p1nz: "simm5", vuimm5: "uimm5", vtype11: "vtype", vtype10: "vtype", vaddr: "(rs1)",
  };
  return spec.operands.map((o) => names[o]).join(", ");
}

/** Number of top-level comma-separated operands from the cursor to the end of the statement. */
export function countOperands(c: Cursor): number {
  const t = c.text;
  let p = c.pos;
  const end = c.end;
  let n = 1;
  let depth = 0;
  let blank = true;
  for (; p < end; p++) {
    const ch = t.charCodeAt(p);
    if (ch === 44 && depth === 0) n++;
    else if (ch === 40) depth++;
    else if (ch === 41) depth--;
    else if (ch === 34) {
      p++;
      while (p < end && t.charCodeAt(p) !== 34) p += t.charCodeAt(p) === 92 ? 2 : 1;
    }
    if (ch !== 32 && ch !== 9) blank = false;
  }
  return blank ? 0 : n;
}
