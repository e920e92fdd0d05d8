/**
 * Disassembler for everything the assembler encodes, objdump style (`addi a0,a0,1`), with or
 * without aliases. Table-driven: the first matching table entry for the word wins.
 */
import { ALL_INSNS, type InsnSpec, type OperandKind } from "./isa/index.ts";
import { ABI_NAMES } from "./isa/registers.ts";
import { CSR_BY_NUMBER } from "./isa/csr.ts";
import { decodeB, decodeI, decodeJ, decodeS } from "./encoding.ts";
import { VTYPE_LMUL, VTYPE_SEW } from "./operands.ts";

export interface DisassembleOptions {
  /** Prefer alias spellings (mv, li, ret, j, ...) as objdump does by default. Default true. */
  aliases?: boolean;
}

function buildIndex(aliases: boolean): Map<number, InsnSpec[]> {
  const m = new Map<number, InsnSpec[]>();
  for (const s of ALL_INSNS) {
    if (s.asmOnly || (!aliases && s.alias)) continue;
    const op = s.match & 0x7f;
    const list = m.get(op);
    if (list) list.push(s);
    else m.set(op, [s]);
  }
  return m;
}

const WITH_ALIASES = buildIndex(true);
const WITHOUT_ALIASES = buildIndex(false);

function tiedOk(spec: InsnSpec, w: number): boolean {
  for (const k of spec.operands) {
    if (k === "vs12" && ((w >>> 15) & 31) !== ((w >>> 20) & 31)) return false;
    if (k === "vdall" && (((w >>> 15) & 31) !== ((w >>> 20) & 31) || ((w >>> 7) & 31) !== ((w >>> 20) & 31))) return false;
  }
  return true;
}

/** The table entry that decodes `word`, or undefined. */
export function decode(word: number, opts: DisassembleOptions = {}): InsnSpec | undefined {
  const w = word >>> 0;
  if ((w & 3) !== 3) return undefined;
  const list = (opts.aliases ?? true ? WITH_ALIASES : WITHOUT_ALIASES).get(w & 0x7f);
  if (list === undefined) return undefined;
  for (const s of list) if (((w & s.mask) >>> 0) === s.match && tiedOk(s, w)) return s;
  return undefined;
}

function hex(v: number): string {
  return "0x" + (v >>> 0).toString(16);
}

const x = (n: number): string => ABI_NAMES[n & 31]!;

/** vtype as objdump prints it: e32,m1,ta,ma (or the number when reserved bits are set). */
export function formatVtype(v: number): string {
  const sew = (v >> 3) & 7;
  const lmul = v & 7;
  if (v >> 8 !== 0 || sew > 3 || lmul === 4) return String(v);
  const lname = Object.keys(VTYPE_LMUL).find((k) => VTYPE_LMUL[k] === lmul)!;
  return `${VTYPE_SEW[sew]},${lname},${v & 0x40 ? "ta" : "tu"},${v & 0x80 ? "ma" : "mu"}`;
}

function fenceSet(v: number): string {
  let s = "";
  if (v & 8) s += "i";
  if (v & 4) s += "o";
  if (v & 2) s += "r";
  if (v & 1) s += "w";
  return s === "" ? "unknown" : s;
}

function operand(k: OperandKind, w: number, pc: number): string | undefined {
  switch (k) {
    case "rd":
      return x(w >>> 7);
    case "rs1":
      return x(w >>> 15);
    case "rs2":
      return x(w >>> 20);
    case "i12":
      return String(decodeI(w));
    case "s12":
      return String(decodeS(w));
    case "shamt":
      return hex((w >>> 20) & 31);
    case "u20":
      return hex(w >>> 12);
    case "btarget":
      return hex(pc + decodeB(w));
    case "jtarget":
      return hex(pc + decodeJ(w));
    case "mem":
      return `${decodeI(w)}(${x(w >>> 15)})`;
    case "smem":
      return `${decodeS(w)}(${x(w >>> 15)})`;
    case "amem":
    case "vaddr":
      return `(${x(w >>> 15)})`;
    case "csr": {
      const n = w >>> 20;
      return CSR_BY_NUMBER.get(n) ?? hex(n);
    }
    case "zimm5":
    case "vuimm5":
      return String((w >>> 15) & 31);
    case "pred":
      return fenceSet((w >>> 24) & 15);
    case "succ":
      return fenceSet((w >>> 20) & 15);
    case "vd":
    case "vs3":
    case "vdall":
      return `v${(w >>> 7) & 31}`;
    case "vs1":
      return `v${(w >>> 15) & 31}`;
    case "vs2":
    case "vs12":
      return `v${(w >>> 20) & 31}`;
    case "vm":
      return (w >>> 25) & 1 ? undefined : "v0.t";
    case "v0":
      return "v0";
    case "vsimm5":
      return String(((w >>> 15) << 27) >> 27);
    case "vsimm5p1":
    case "vsimm5p1nz":
      return String((((w >>> 15) << 27) >> 27) + 1);
    case "vtype11":
      return formatVtype((w >>> 20) & 0x7ff);
    case "vtype10":
      return formatVtype((w >>> 20) & 0x3ff);
  }
}

/** Formats a decoded instruction: mnemonic, a space, operands separated by commas. */
export function formatInsn(spec: InsnSpec, word: number, pc: number): string {
  const w = word >>> 0;
  const parts: string[] = [];
  for (const k of spec.operands) {
    const s = operand(k, w, pc);
    if (s !== undefined) parts.push(s);
  }
  return parts.length === 0 ? spec.name : `${spec.name} ${parts.join(",")}`;
}

/** Disassembles one 32-bit word at address `pc`; undecodable words give `.word 0x...`. */
export function disassemble(word: number, pc = 0, opts: DisassembleOptions = {}): string {
  const s = decode(word, opts);
  return s === undefined ? `.word ${"0x" + (word >>> 0).toString(16).padStart(8, "0")}` : formatInsn(s, word, pc);
}

/** Like disassemble, but undefined for words that are not instructions. */
export function tryDisassemble(word: number, pc = 0, opts: DisassembleOptions = {}): string | undefined {
  const s = decode(word, opts);
  return s === undefined ? undefined : formatInsn(s, word, pc);
}
