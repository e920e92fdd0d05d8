/**
 * Pseudo-instructions that expand to more than one instruction (or depend on their operand's
 * value), with the expansions GNU as chooses. Single-instruction aliases are table entries.
 */
import type { Assembler } from "./assembler.ts";
import { Cursor, CH_COMMA } from "./cursor.ts";
import { AsmError } from "./diagnostics.ts";
import type { Expr } from "./expr.ts";
import { normalize32, operandExpr, parseXReg, type PendingFixup } from "./operands.ts";
import { encodeI, encodeU } from "./encoding.ts";
import { emptyArray } from "./empty-array.ts";

export type Pseudo = (asm: Assembler, c: Cursor, name: string) => void;

const T1 = 6, RA = 1;
const LUI = 0x37, AUIPC = 0x17, ADDI = 0x13, JALR = 0x67;
const NONE: readonly PendingFixup[] = emptyArray();

function iInsn(opcode: number, f3: number, rd: number, rs1: number, imm: number): number {
  return (opcode | (f3 << 12) | (rd << 7) | (rs1 << 15) | encodeI(imm)) >>> 0;
}
function sInsn(opcode: number, f3: number, rs1: number, rs2: number): number {
  return (opcode | (f3 << 12) | (rs1 << 15) | (rs2 << 20)) >>> 0;
}

function comma(c: Cursor): void {
  c.expect(CH_COMMA, "','");
}
function end(c: Cursor, name: string): void {
  if (!c.atEnd()) c.fail(`${name}: unexpected extra operand${c.describeHere().replace(", found", "")}`);
}

/** `li rd, value`: addi, or lui (+ addi), as GNU's load_const. */
export function loadConst(asm: Assembler, rd: number, value: number, name: string): void {
  const v = normalize32(value);
  if (v >= -2048 && v <= 2047) {
    asm.emitInsn(iInsn(ADDI, 0, rd, 0, v), NONE, name);
    return;
  }
  const upper = Math.floor((v + 0x800) / 4096) * 4096;
  const lower = v - upper;
  // (one comparison, always made: a comparison first made after this was optimized deoptimizes it)
  const hasUpper = upper !== 0;
  if (hasUpper) asm.emitInsn((LUI | (rd << 7) | encodeU(upper / 4096)) >>> 0, NONE, name);
  if (lower !== 0 || !hasUpper) asm.emitInsn(iInsn(ADDI, 0, hasUpper ? rd : 0, rd, lower), NONE, name);
}

/** Parses "reg, expr" and requires the end. */
function regExpr(c: Cursor, asm: Assembler): { rd: number; e: Expr; at: number } {
  const rd = parseXReg(c);
  comma(c);
  c.skipSpaces();
  const at = c.offset;
  const e = operandExpr(c, asm);
  return { rd, e, at };
}

/** auipc rd, %pcrel_hi(e) then `second` using %pcrel_lo of the auipc's label. */
function pcrelPair(asm: Assembler, rd: number, e: Expr, col: number, second: number, secondKind: "pcrel_lo12i" | "pcrel_lo12s", name: string): void {
  const label = asm.internalLabel();
  asm.emitInsn((AUIPC | (rd << 7)) >>> 0, [{ kind: "pcrel_hi20", expr: e, col }], name);
  asm.emitInsn(second, [{ kind: secondKind, expr: { k: "sym", name: label.name, at: col }, col, target: label }], name);
}

const li: Pseudo = (asm, c, name) => {
  const { rd, e, at } = regExpr(c, asm);
  end(c, name);
  const v = asm.tryConstant(e);
  if (v === undefined) throw new AsmError(`${name}: the value must be a constant known at this point (use la for addresses)`, at);
  loadConst(asm, rd, v, name);
};

const la: Pseudo = (asm, c, name) => {
  const { rd, e, at } = regExpr(c, asm);
  end(c, name);
  const v = asm.tryConstant(e);
  if (v !== undefined) loadConst(asm, rd, v, name);
  else pcrelPair(asm, rd, e, at, iInsn(ADDI, 0, rd, rd, 0), "pcrel_lo12i", name);
};

/** `lw rd, symbol`: auipc rd, %pcrel_hi(symbol); lw rd, %pcrel_lo(.)(rd). */
function loadSym(f3: number): Pseudo {
  return (asm, c, name) => {
    const { rd, e, at } = regExpr(c, asm);
    // `offset(reg)` is the real instruction: its error explains the problem better
    if (c.eat(40)) throw new AsmError(`${name}: not a symbol`, -1);
    end(c, name);
    pcrelPair(asm, rd, e, at, iInsn(0x03, f3, rd, rd, 0), "pcrel_lo12i", name);
  };
}

/** `sw rs, symbol, rt`: auipc rt, %pcrel_hi(symbol); sw rs, %pcrel_lo(.)(rt). */
function storeSym(f3: number): Pseudo {
  return (asm, c, name) => {
    const { rd: rs, e, at } = regExpr(c, asm);
    // `offset(reg)` is the real instruction: its error (e.g. the offset's range) explains it better
    if (c.eat(40)) throw new AsmError(`${name}: not a symbol`, -1);
    if (c.atEnd()) c.fail(`${name}: storing to a symbol needs a temporary register: ${name} rs, symbol, rt`);
    comma(c);
    const rt = parseXReg(c);
    end(c, name);
    pcrelPair(asm, rt, e, at, sInsn(0x23, f3, rt, rs), "pcrel_lo12s", name);
  };
}

/** auipc tmp + jalr rd, 0(tmp) with a CALL_PLT fixup. */
function callPair(asm: Assembler, rd: number, tmp: number, e: Expr, col: number, name: string): void {
  asm.emitInsn((AUIPC | (tmp << 7)) >>> 0, [{ kind: "call", expr: e, col }], name);
  asm.emitInsn(iInsn(JALR, 0, rd, tmp, 0), NONE, name);
}

function target(c: Cursor, asm: Assembler): { e: Expr; at: number } {
  c.skipSpaces();
  const at = c.offset;
  return { e: operandExpr(c, asm), at };
}

const call: Pseudo = (asm, c, name) => {
  c.skipSpaces();
  const save = c.pos;
  // `call rd, symbol` or `call symbol`
  let rd = RA;
  let tmp = RA;
  try {
    rd = parseXReg(c);
    comma(c);
    tmp = T1;
  } catch (e) {
    if (!(e instanceof AsmError)) throw e;
    c.pos = save;
    rd = RA;
    tmp = RA;
  }
  const { e, at } = target(c, asm);
  end(c, name);
  callPair(asm, rd, tmp, e, at, name);
};

const tail: Pseudo = (asm, c, name) => {
  const { e, at } = target(c, asm);
  end(c, name);
  callPair(asm, 0, T1, e, at, name);
};

const jump: Pseudo = (asm, c, name) => {
  const { e, at } = target(c, asm);
  comma(c);
  const rt = parseXReg(c);
  end(c, name);
  callPair(asm, 0, rt, e, at, name);
};

/** Two shifts: `sext.b rd, rs` = slli rd, rs, 24; srai rd, rd, 24 (and friends). */
function shiftPair(shift: number, arithmetic: boolean): Pseudo {
  return (asm, c, name) => {
    const rd = parseXReg(c);
    comma(c);
    const rs = parseXReg(c);
    end(c, name);
    asm.emitInsn(iInsn(ADDI, 1, rd, rs, shift), NONE, name);
    asm.emitInsn(iInsn(ADDI, 5, rd, rd, shift | (arithmetic ? 0x400 : 0)), NONE, name);
  };
}

const zextb: Pseudo = (asm, c, name) => {
  const rd = parseXReg(c);
  comma(c);
  const rs = parseXReg(c);
  end(c, name);
  asm.emitInsn(iInsn(ADDI, 7, rd, rs, 255), NONE, name);
};

/**
 * `vmsltu.vi vd, vs2, 0` (never true) and `vmsgeu.vi vd, vs2, 0` (always true): GNU as emits
 * vmsne.vv / vmseq.vv of vs2 with itself.
 */
function vcompareZero(funct6: number): Pseudo {
  return (asm, c, name) => {
    const text = c.text.slice(c.pos, c.end);
    const m = /^\s*(v\d+)\s*,\s*(v\d+)\s*,\s*0\s*(?:,\s*(v0\.t)\s*)?$/.exec(text);
    if (m === null) throw new AsmError(`${name}: expected vd, vs2, imm[, v0.t]`, c.offset);
    const vd = Number(m[1]!.slice(1));
    const vs = Number(m[2]!.slice(1));
    if (vd > 31 || vs > 31) c.fail(`${name}: expected vector registers v0..v31`);
    const vm = m[3] === undefined ? 1 : 0;
    asm.emitInsn(((funct6 << 26) | (vm << 25) | (vs << 20) | (vs << 15) | (vd << 7) | 0x57) >>> 0, NONE, name);
  };
}

export const PSEUDOS: ReadonlyMap<string, Pseudo> = new Map<string, Pseudo>([
  ["li", li],
  ["la", la],
  ["lla", la],
  ["lb", loadSym(0)],
  ["lh", loadSym(1)],
  ["lw", loadSym(2)],
  ["lbu", loadSym(4)],
  ["lhu", loadSym(5)],
  ["sb", storeSym(0)],
  ["sh", storeSym(1)],
  ["sw", storeSym(2)],
  ["call", call],
  ["tail", tail],
  ["jump", jump],
  ["sext.b", shiftPair(24, true)],
  ["sext.h", shiftPair(16, true)],
  ["zext.h", shiftPair(16, false)],
  ["zext.b", zextb],
  ["vmsltu.vi", vcompareZero(0x19)],
  ["vmsgeu.vi", vcompareZero(0x18)],
]);
