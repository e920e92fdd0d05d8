/**
 * RVV 1.0 as far as Zve32x needs it: configuration, loads/stores with EEW 8/16/32, integer
 * arithmetic, fixed point, reductions, mask, permutation; plus the standard vector aliases.
 */
import { insn, type InsnSpec } from "./types.ts";

const OPV = 0x57, LOADFP = 0x07, STOREFP = 0x27;
const VM = 1 << 25;
const F6 = 0x3f << 26;
const F3 = 0x7 << 12;
const VS1 = 0x1f << 15, VS2 = 0x1f << 20;
const BASE = F6 | F3 | 0x7f; // funct6, funct3, opcode fixed

// funct3 of each operand category
const IVV = 0, MVV = 2, IVI = 3, IVX = 4, MVX = 6;

function op(f6: number, f3: number): number {
  return ((f6 << 26) | (f3 << 12) | OPV) >>> 0;
}

/** Forms of an arithmetic instruction: suffix, funct3 and operand list. */
type Form = "vv" | "vx" | "vi" | "vu" | "wv" | "wx" | "wi" | "mvv" | "mvx" | "vs" | "mvs" | "vvm" | "vxm" | "vim" | "mvvacc" | "mvxacc" | "wvw" | "wxw" | "mm" | "vvnm" | "vxnm" | "vinm";

const forms: Record<Form, { suffix: string; f3: number; ops: string; vm: boolean }> = {
  vv: { suffix: "vv", f3: IVV, ops: "vd,vs2,vs1,vm", vm: true },
  vx: { suffix: "vx", f3: IVX, ops: "vd,vs2,rs1,vm", vm: true },
  vi: { suffix: "vi", f3: IVI, ops: "vd,vs2,vsimm5,vm", vm: true },
  vu: { suffix: "vi", f3: IVI, ops: "vd,vs2,vuimm5,vm", vm: true },
  wv: { suffix: "wv", f3: IVV, ops: "vd,vs2,vs1,vm", vm: true },
  wx: { suffix: "wx", f3: IVX, ops: "vd,vs2,rs1,vm", vm: true },
  wi: { suffix: "wi", f3: IVI, ops: "vd,vs2,vuimm5,vm", vm: true },
  mvv: { suffix: "vv", f3: MVV, ops: "vd,vs2,vs1,vm", vm: true },
  mvx: { suffix: "vx", f3: MVX, ops: "vd,vs2,rs1,vm", vm: true },
  vs: { suffix: "vs", f3: IVV, ops: "vd,vs2,vs1,vm", vm: true },
  mvs: { suffix: "vs", f3: MVV, ops: "vd,vs2,vs1,vm", vm: true },
  vvm: { suffix: "vvm", f3: IVV, ops: "vd,vs2,vs1,v0", vm: false },
  vxm: { suffix: "vxm", f3: IVX, ops: "vd,vs2,rs1,v0", vm: false },
  vim: { suffix: "vim", f3: IVI, ops: "vd,vs2,vsimm5,v0", vm: false },
  mvvacc: { suffix: "vv", f3: MVV, ops: "vd,vs1,vs2,vm", vm: true },
  mvxacc: { suffix: "vx", f3: MVX, ops: "vd,rs1,vs2,vm", vm: true },
  wvw: { suffix: "wv", f3: MVV, ops: "vd,vs2,vs1,vm", vm: true },
  wxw: { suffix: "wx", f3: MVX, ops: "vd,vs2,rs1,vm", vm: true },
  mm: { suffix: "mm", f3: MVV, ops: "vd,vs2,vs1", vm: false },
  vvnm: { suffix: "vv", f3: IVV, ops: "vd,vs2,vs1", vm: false },
  vxnm: { suffix: "vx", f3: IVX, ops: "vd,vs2,rs1", vm: false },
  vinm: { suffix: "vi", f3: IVI, ops: "vd,vs2,vsimm5", vm: false },
};

/** One arithmetic instruction family: `arith("vadd", 0b000000, "vv", "vx", "vi")`. */
function arith(base: string, f6: number, ...fs: Form[]): InsnSpec[] {
  return fs.map((f) => {
    const form = forms[f];
    const vmBits = form.vm ? 0 : form.ops.endsWith("v0") ? 0 : VM;
    return insn(`${base}.${form.suffix}`, form.ops, op(f6, form.f3) | vmBits, form.vm ? BASE : BASE | VM, "v");
  });
}

/** A unary instruction selected by the vs1 field: `vzext.vf2 vd, vs2, vm`. */
function unary(name: string, f6: number, f3: number, sel: number, ops: string, flags: "" | "asm-only" = ""): InsnSpec {
  return insn(name, ops, op(f6, f3) | (sel << 15), BASE | VS1, "v", flags);
}

const WIDTH: Record<number, number> = { 8: 0, 16: 5, 32: 6 };
const EEWS = [8, 16, 32];

/** Vector load/store: mop 0 unit, 1 indexed-unordered, 2 strided, 3 indexed-ordered. */
function mem(name: string, opcode: number, eew: number, mop: number, lumop: number, ops: string, nf = 0, fixVm = false, flags: "" | "alias" | "asm-only" = ""): InsnSpec {
  const match = (nf << 29) | (mop << 26) | (lumop << 20) | (WIDTH[eew]! << 12) | opcode | (fixVm ? VM : 0);
  const mask = (0x7 << 29) | (1 << 28) | (0x3 << 26) | (mop === 0 ? VS2 : 0) | F3 | 0x7f | (fixVm ? VM : 0);
  return insn(name, ops, match, mask, "v", flags);
}

function memOps(): InsnSpec[] {
  const out: InsnSpec[] = [];
  for (const e of EEWS) {
    out.push(mem(`vle${e}.v`, LOADFP, e, 0, 0, "vd,vaddr,vm"));
    out.push(mem(`vse${e}.v`, STOREFP, e, 0, 0, "vs3,vaddr,vm"));
    out.push(mem(`vle${e}ff.v`, LOADFP, e, 0, 0x10, "vd,vaddr,vm"));
    out.push(mem(`vlse${e}.v`, LOADFP, e, 2, 0, "vd,vaddr,rs2,vm"));
    out.push(mem(`vsse${e}.v`, STOREFP, e, 2, 0, "vs3,vaddr,rs2,vm"));
    out.push(mem(`vluxei${e}.v`, LOADFP, e, 1, 0, "vd,vaddr,vs2,vm"));
    out.push(mem(`vloxei${e}.v`, LOADFP, e, 3, 0, "vd,vaddr,vs2,vm"));
    out.push(mem(`vsuxei${e}.v`, STOREFP, e, 1, 0, "vs3,vaddr,vs2,vm"));
    out.push(mem(`vsoxei${e}.v`, STOREFP, e, 3, 0, "vs3,vaddr,vs2,vm"));
  }
  out.push(mem("vlm.v", LOADFP, 8, 0, 0xb, "vd,vaddr", 0, true));
  out.push(mem("vsm.v", STOREFP, 8, 0, 0xb, "vs3,vaddr", 0, true));
  out.push(mem("vle1.v", LOADFP, 8, 0, 0xb, "vd,vaddr", 0, true, "asm-only"));
  out.push(mem("vse1.v", STOREFP, 8, 0, 0xb, "vs3,vaddr", 0, true, "asm-only"));
  for (const nr of [1, 2, 4, 8]) {
    out.push(mem(`vl${nr}r.v`, LOADFP, 8, 0, 0x8, "vd,vaddr", nr - 1, true, "alias"));
    for (const e of EEWS) out.push(mem(`vl${nr}re${e}.v`, LOADFP, e, 0, 0x8, "vd,vaddr", nr - 1, true));
    out.push(mem(`vs${nr}r.v`, STOREFP, 8, 0, 0x8, "vs3,vaddr", nr - 1, true));
  }
  return out;
}

export const rvv: readonly InsnSpec[] = [
  insn("vsetvl", "rd,rs1,rs2", 0x80007057, 0xfe00707f, "v"),
  insn("vsetvli", "rd,rs1,vtype11", 0x00007057, 0x8000707f, "v"),
  insn("vsetivli", "rd,zimm5,vtype10", 0xc0007057, 0xc000707f, "v"),
  ...memOps(),
  // aliases first so the disassembler prefers them
  insn("vneg.v", "vd,vs2,vm", op(0x03, IVX), BASE | VS1, "v", "alias"),
  insn("vnot.v", "vd,vs2,vm", op(0x0b, IVI) | (0x1f << 15), BASE | VS1, "v", "alias"),
  insn("vwcvt.x.x.v", "vd,vs2,vm", op(0x31, MVX), BASE | VS1, "v", "alias"),
  insn("vwcvtu.x.x.v", "vd,vs2,vm", op(0x30, MVX), BASE | VS1, "v", "alias"),
  insn("vncvt.x.x.w", "vd,vs2,vm", op(0x2c, IVX), BASE | VS1, "v", "alias"),
  insn("vmmv.m", "vd,vs12", op(0x19, MVV) | VM, BASE | VM, "v", "alias"),
  insn("vmcpy.m", "vd,vs12", op(0x19, MVV) | VM, BASE | VM, "v", "asm-only"),
  insn("vmclr.m", "vdall", op(0x1b, MVV) | VM, BASE | VM, "v", "alias"),
  insn("vmset.m", "vdall", op(0x1f, MVV) | VM, BASE | VM, "v", "alias"),
  insn("vmnot.m", "vd,vs12", op(0x1d, MVV) | VM, BASE | VM, "v", "alias"),
  insn("vmsgt.vv", "vd,vs1,vs2,vm", op(0x1b, IVV), BASE, "v", "asm-only"),
  insn("vmsgtu.vv", "vd,vs1,vs2,vm", op(0x1a, IVV), BASE, "v", "asm-only"),
  insn("vmsge.vv", "vd,vs1,vs2,vm", op(0x1d, IVV), BASE, "v", "asm-only"),
  insn("vmsgeu.vv", "vd,vs1,vs2,vm", op(0x1c, IVV), BASE, "v", "asm-only"),
  insn("vmslt.vi", "vd,vs2,vsimm5p1,vm", op(0x1d, IVI), BASE, "v", "asm-only"),
  insn("vmsltu.vi", "vd,vs2,vsimm5p1nz,vm", op(0x1c, IVI), BASE, "v", "asm-only"),
  insn("vmsge.vi", "vd,vs2,vsimm5p1,vm", op(0x1f, IVI), BASE, "v", "asm-only"),
  insn("vmsgeu.vi", "vd,vs2,vsimm5p1nz,vm", op(0x1e, IVI), BASE, "v", "asm-only"),
  ...arith("vadd", 0x00, "vv", "vx", "vi"),
  ...arith("vsub", 0x02, "vv", "vx"),
  ...arith("vrsub", 0x03, "vx", "vi"),
  ...arith("vminu", 0x04, "vv", "vx"),
  ...arith("vmin", 0x05, "vv", "vx"),
  ...arith("vmaxu", 0x06, "vv", "vx"),
  ...arith("vmax", 0x07, "vv", "vx"),
  ...arith("vand", 0x09, "vv", "vx", "vi"),
  ...arith("vor", 0x0a, "vv", "vx", "vi"),
  ...arith("vxor", 0x0b, "vv", "vx", "vi"),
  ...arith("vrgather", 0x0c, "vv", "vx", "vu"),
  ...arith("vrgatherei16", 0x0e, "vv"),
  ...arith("vslideup", 0x0e, "vx", "vu"),
  ...arith("vslidedown", 0x0f, "vx", "vu"),
  ...arith("vadc", 0x10, "vvm", "vxm", "vim"),
  ...arith("vmadc", 0x11, "vvm", "vxm", "vim", "vvnm", "vxnm", "vinm"),
  ...arith("vsbc", 0x12, "vvm", "vxm"),
  ...arith("vmsbc", 0x13, "vvm", "vxm", "vvnm", "vxnm"),
  insn("vmv.v.v", "vd,vs1", op(0x17, IVV) | VM, BASE | VM | VS2, "v"),
  insn("vmv.v.x", "vd,rs1", op(0x17, IVX) | VM, BASE | VM | VS2, "v"),
  insn("vmv.v.i", "vd,vsimm5", op(0x17, IVI) | VM, BASE | VM | VS2, "v"),
  ...arith("vmerge", 0x17, "vvm", "vxm", "vim"),
  ...arith("vmseq", 0x18, "vv", "vx", "vi"),
  ...arith("vmsne", 0x19, "vv", "vx", "vi"),
  ...arith("vmsltu", 0x1a, "vv", "vx"),
  ...arith("vmslt", 0x1b, "vv", "vx"),
  ...arith("vmsleu", 0x1c, "vv", "vx", "vi"),
  ...arith("vmsle", 0x1d, "vv", "vx", "vi"),
  ...arith("vmsgtu", 0x1e, "vx", "vi"),
  ...arith("vmsgt", 0x1f, "vx", "vi"),
  ...arith("vsaddu", 0x20, "vv", "vx", "vi"),
  ...arith("vsadd", 0x21, "vv", "vx", "vi"),
  ...arith("vssubu", 0x22, "vv", "vx"),
  ...arith("vssub", 0x23, "vv", "vx"),
  ...arith("vsll", 0x25, "vv", "vx", "vu"),
  ...arith("vsmul", 0x27, "vv", "vx"),
  ...[1, 2, 4, 8].map((nr) => insn(`vmv${nr}r.v`, "vd,vs2", op(0x27, IVI) | VM | ((nr - 1) << 15), BASE | VM | VS1, "v")),
  ...arith("vsrl", 0x28, "vv", "vx", "vu"),
  ...arith("vsra", 0x29, "vv", "vx", "vu"),
  ...arith("vssrl", 0x2a, "vv", "vx", "vu"),
  ...arith("vssra", 0x2b, "vv", "vx", "vu"),
  ...arith("vnsrl", 0x2c, "wv", "wx", "wi"),
  ...arith("vnsra", 0x2d, "wv", "wx", "wi"),
  ...arith("vnclipu", 0x2e, "wv", "wx", "wi"),
  ...arith("vnclip", 0x2f, "wv", "wx", "wi"),
  ...arith("vwredsumu", 0x30, "vs"),
  ...arith("vwredsum", 0x31, "vs"),
  ...arith("vredsum", 0x00, "mvs"),
  ...arith("vredand", 0x01, "mvs"),
  ...arith("vredor", 0x02, "mvs"),
  ...arith("vredxor", 0x03, "mvs"),
  ...arith("vredminu", 0x04, "mvs"),
  ...arith("vredmin", 0x05, "mvs"),
  ...arith("vredmaxu", 0x06, "mvs"),
  ...arith("vredmax", 0x07, "mvs"),
  ...arith("vaaddu", 0x08, "mvv", "mvx"),
  ...arith("vaadd", 0x09, "mvv", "mvx"),
  ...arith("vasubu", 0x0a, "mvv", "mvx"),
  ...arith("vasub", 0x0b, "mvv", "mvx"),
  insn("vslide1up.vx", "vd,vs2,rs1,vm", op(0x0e, MVX), BASE, "v"),
  insn("vslide1down.vx", "vd,vs2,rs1,vm", op(0x0f, MVX), BASE, "v"),
  insn("vmv.x.s", "rd,vs2", op(0x10, MVV) | VM, BASE | VM | VS1, "v"),
  unary("vcpop.m", 0x10, MVV, 0x10, "rd,vs2,vm"),
  unary("vpopc.m", 0x10, MVV, 0x10, "rd,vs2,vm", "asm-only"),
  unary("vfirst.m", 0x10, MVV, 0x11, "rd,vs2,vm"),
  insn("vmv.s.x", "vd,rs1", op(0x10, MVX) | VM, BASE | VM | VS2, "v"),
  unary("vzext.vf8", 0x12, MVV, 0x02, "vd,vs2,vm"),
  unary("vsext.vf8", 0x12, MVV, 0x03, "vd,vs2,vm"),
  unary("vzext.vf4", 0x12, MVV, 0x04, "vd,vs2,vm"),
  unary("vsext.vf4", 0x12, MVV, 0x05, "vd,vs2,vm"),
  unary("vzext.vf2", 0x12, MVV, 0x06, "vd,vs2,vm"),
  unary("vsext.vf2", 0x12, MVV, 0x07, "vd,vs2,vm"),
  unary("vmsbf.m", 0x14, MVV, 0x01, "vd,vs2,vm"),
  unary("vmsof.m", 0x14, MVV, 0x02, "vd,vs2,vm"),
  unary("vmsif.m", 0x14, MVV, 0x03, "vd,vs2,vm"),
  unary("viota.m", 0x14, MVV, 0x10, "vd,vs2,vm"),
  insn("vid.v", "vd,vm", op(0x14, MVV) | (0x11 << 15), BASE | VS1 | VS2, "v"),
  insn("vcompress.vm", "vd,vs2,vs1", op(0x17, MVV) | VM, BASE | VM, "v"),
  ...arith("vmandn", 0x18, "mm"),
  ...arith("vmand", 0x19, "mm"),
  ...arith("vmor", 0x1a, "mm"),
  ...arith("vmxor", 0x1b, "mm"),
  ...arith("vmorn", 0x1c, "mm"),
  ...arith("vmnand", 0x1d, "mm"),
  ...arith("vmnor", 0x1e, "mm"),
  ...arith("vmxnor", 0x1f, "mm"),
  insn("vmandnot.mm", "vd,vs2,vs1", op(0x18, MVV) | VM, BASE | VM, "v", "asm-only"),
  insn("vmornot.mm", "vd,vs2,vs1", op(0x1c, MVV) | VM, BASE | VM, "v", "asm-only"),
  ...arith("vdivu", 0x20, "mvv", "mvx"),
  ...arith("vdiv", 0x21, "mvv", "mvx"),
  ...arith("vremu", 0x22, "mvv", "mvx"),
  ...arith("vrem", 0x23, "mvv", "mvx"),
  ...arith("vmulhu", 0x24, "mvv", "mvx"),
  ...arith("vmul", 0x25, "mvv", "mvx"),
  ...arith("vmulhsu", 0x26, "mvv", "mvx"),
  ...arith("vmulh", 0x27, "mvv", "mvx"),
  ...arith("vmadd", 0x29, "mvvacc", "mvxacc"),
  ...arith("vnmsub", 0x2b, "mvvacc", "mvxacc"),
  ...arith("vmacc", 0x2d, "mvvacc", "mvxacc"),
  ...arith("vnmsac", 0x2f, "mvvacc", "mvxacc"),
  ...arith("vwaddu", 0x30, "mvv", "mvx"),
  ...arith("vwadd", 0x31, "mvv", "mvx"),
  ...arith("vwsubu", 0x32, "mvv", "mvx"),
  ...arith("vwsub", 0x33, "mvv", "mvx"),
  ...arith("vwaddu", 0x34, "wvw", "wxw"),
  ...arith("vwadd", 0x35, "wvw", "wxw"),
  ...arith("vwsubu", 0x36, "wvw", "wxw"),
  ...arith("vwsub", 0x37, "wvw", "wxw"),
  ...arith("vwmulu", 0x38, "mvv", "mvx"),
  ...arith("vwmulsu", 0x3a, "mvv", "mvx"),
  ...arith("vwmul", 0x3b, "mvv", "mvx"),
  ...arith("vwmaccu", 0x3c, "mvvacc", "mvxacc"),
  ...arith("vwmacc", 0x3d, "mvvacc", "mvxacc"),
  ...arith("vwmaccus", 0x3e, "mvxacc"),
  ...arith("vwmaccsu", 0x3f, "mvvacc", "mvxacc"),
];

