/**
 * Generates assembly for every table entry (mnemonic and operand form) with edge values, and
 * seeded random instructions. Shared by the differential, disassembler and fuzz tests.
 */
import type { InsnSpec, OperandKind } from "../../riscv-asm/isa/index.ts";
import { ABI_NAMES } from "../../riscv-asm/isa/registers.ts";

/** splitmix32-style seeded PRNG (deterministic, no Math.random). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let z = (this.s = (this.s + 0x9e3779b9) >>> 0);
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
  pick<T>(a: readonly T[]): T {
    return a[this.next() % a.length]!;
  }
}

const CSRS = ["mstatus", "mtvec", "mepc", "mcause", "mscratch", "cycle", "instret", "vl", "vtype", "vstart", "vxrm", "vxsat", "0x7c0", "0x800", "fcsr", "mhartid", "sstatus", "satp"];
const VTYPES = ["e8,m1,ta,ma", "e16,m2,tu,mu", "e32,m4,ta,mu", "e32,mf2,tu,ma", "e8,m8,ta,ma", "e16,mf4,ta,ma", "e32,m1,tu,mu", "e8,mf8,ta,ma"];
const FENCE = ["iorw", "rw", "w", "r", "io", "i", "o", "ow", "ir"];

/** Edge values of each operand kind. */
function edgeValues(k: OperandKind): string[] {
  switch (k) {
    case "rd":
    case "rs1":
    case "rs2":
      return ["x0", "x31", "a0", "sp"];
    case "i12":
      return ["-2048", "2047", "0", "-1"];
    case "s12":
      return ["-2048", "2047", "0", "-1"];
    case "shamt":
      return ["0", "31", "1"];
    case "u20":
      return ["0", "0xfffff", "1", "0x80000"];
    case "btarget":
      return [".-4096", ".+4094", ".", ".+8"];
    case "jtarget":
      return [".-1048576", ".+1048574", ".", ".-4"];
    case "mem":
    case "smem":
      return ["-2048(x31)", "2047(x0)", "0(a0)", "-1(sp)", "(t0)"];
    case "amem":
    case "vaddr":
      return ["(x0)", "(x31)", "(a1)"];
    case "csr":
      return ["mstatus", "0", "4095", "cycle", "vl"];
    case "zimm5":
    case "vuimm5":
      return ["0", "31", "1"];
    case "pred":
    case "succ":
      return ["iorw", "w", "r", "io"];
    case "vd":
    case "vs1":
    case "vs2":
    case "vs3":
    case "vs12":
    case "vdall":
      return ["v0", "v31", "v8"];
    case "vm":
      return ["", "v0.t"];
    case "v0":
      return ["v0"];
    case "vsimm5":
      return ["-16", "15", "0", "-1"];
    case "vsimm5p1":
      return ["-15", "16", "1", "0"];
    case "vsimm5p1nz":
      return ["-15", "16", "1", "0"];
    case "vtype11":
    case "vtype10":
      return VTYPES;
  }
}

function randomValue(k: OperandKind, r: Rng): string {
  switch (k) {
    case "rd":
    case "rs1":
    case "rs2":
      return r.next() & 1 ? `x${r.int(0, 31)}` : ABI_NAMES[r.int(0, 31)]!;
    case "i12":
    case "s12":
      return String(r.int(-2048, 2047));
    case "shamt":
    case "zimm5":
    case "vuimm5":
      return String(r.int(0, 31));
    case "u20":
      return `0x${r.int(0, 0xfffff).toString(16)}`;
    case "btarget":
      return `.${fmtOff(r.int(-2048, 2047) * 2)}`;
    case "jtarget":
      return `.${fmtOff(r.int(-524288, 524287) * 2)}`;
    case "mem":
    case "smem":
      return `${r.int(-2048, 2047)}(${ABI_NAMES[r.int(0, 31)]})`;
    case "amem":
    case "vaddr":
      return `(${ABI_NAMES[r.int(0, 31)]})`;
    case "csr":
      return r.next() & 1 ? r.pick(CSRS) : String(r.int(0, 4095));
    case "pred":
    case "succ":
      return r.pick(FENCE);
    case "vd":
    case "vs1":
    case "vs2":
    case "vs3":
    case "vs12":
    case "vdall":
      return `v${r.int(0, 31)}`;
    case "vm":
      return r.next() & 1 ? "" : "v0.t";
    case "v0":
      return "v0";
    case "vsimm5":
      return String(r.int(-16, 15));
    case "vsimm5p1":
    case "vsimm5p1nz":
      return String(r.int(-15, 16));
    case "vtype11":
    case "vtype10":
      return r.pick(VTYPES);
  }
}

function fmtOff(n: number): string {
  return n < 0 ? String(n) : `+${n}`;
}

function line(spec: InsnSpec, values: readonly string[]): string {
  const ops = values.filter((v) => v !== "");
  return ops.length === 0 ? spec.name : `${spec.name} ${ops.join(", ")}`;
}

/** For each form: one line per operand position and edge value (other operands at their first edge value). */
export function edgeLines(specs: readonly InsnSpec[]): string[] {
  const out: string[] = [];
  for (const s of specs) {
    const base = s.operands.map((k) => edgeValues(k)[0]!);
    out.push(line(s, base));
    s.operands.forEach((k, i) => {
      for (const v of edgeValues(k).slice(1)) {
        const vals = [...base];
        vals[i] = v;
        out.push(line(s, vals));
      }
    });
  }
  return out;
}

/** Seeded random instructions drawn from the given forms. */
export function randomLines(specs: readonly InsnSpec[], count: number, seed: number): string[] {
  const r = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = r.pick(specs);
    out.push(line(s, s.operands.map((k) => randomValue(k, r))));
  }
  return out;
}
