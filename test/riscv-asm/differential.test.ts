/**
 * Differential tests against GNU as (riscv64-unknown-elf-as -march=rv32imav_zicsr_zifencei
 * -mno-relax) and llvm-mc (-triple=riscv32 -mattr=+m,+a,+v): identical bytes for every
 * mnemonic and operand form with edge values, for seeded random instructions, for
 * pseudo-instruction expansions and for whole programs (every section, relocations, objdump).
 * Missing tools fail these tests.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { ALL_INSNS, type InsnSpec } from "../../riscv-asm/isa/index.ts";
import { edgeLines, randomLines, Rng } from "./forms.ts";
import { gnuAssemble, llvmAssemble, objdump, run, sectionBytes, words, tmpFile, LLVM_MC, LLVM_TRIPLE } from "./reference-tools.ts";
import { expectSameSections, expectSameWords, oursObjectFile, oursText } from "./helpers.ts";

const SEED = Number(process.env.ASM_TEST_SEED ?? 20240611);
const RANDOM_COUNT = 12_000;
const fixtures = join(import.meta.dirname, "..", "fixtures", "riscv-asm");

function compareWithGnu(lines: readonly string[]): void {
  const src = lines.join("\n") + "\n";
  const ref = words(sectionBytes(gnuAssemble(src), ".text"));
  expectSameWords(lines, words(oursText(src)), ref, "GNU as");
}

/**
 * llvm-mc enforces RVV register-group constraints that GNU as does not check (a masked
 * destination may not be v0, widening destinations may not overlap sources, whole-register
 * moves need aligned groups) and LLVM 14 lacks a few GNU spellings. Those lines are left out
 * of the LLVM comparison (they are compared with GNU as); any other rejection fails.
 */
const LLVM_KNOWN_REJECTIONS: readonly { message: RegExp; line: RegExp }[] = [
  { message: /cannot overlap the mask register/, line: /v0\.t$/ },
  { message: /cannot overlap the source vector register group/, line: /^v/ },
  { message: /destination vector register group cannot be V0/, line: /^v\w+\.v[vxi]m v0,/ },
  { message: /invalid operand for instruction/, line: /^(v[ls][248]r|vmv[248]r\.v )/ }, // misaligned register groups
  { message: /unrecognized instruction mnemonic/, line: /^vmcpy\.m / }, // old GNU spelling of vmmv.m
  { message: /operand must be a symbol with %lo/, line: /^(jr|jalr) (x0, )?\(/ }, // LLVM 14 lacks `jr (rs)`
];

function llvmAccepted(lines: readonly string[]): { kept: string[]; rejected: Map<string, string> } {
  const src = tmpFile("probe.s", lines.join("\n") + "\n");
  const r = run("sh", ["-c", `${LLVM_MC} ${LLVM_TRIPLE.join(" ")} -filetype=obj -o /dev/null ${src} 2>&1 || true`]).stdout;
  const rejected = new Map<string, string>();
  const re = /:(\d+):\d+: error: (.*)/g;
  for (let m = re.exec(r); m !== null; m = re.exec(r)) rejected.set(lines[Number(m[1]) - 1]!, m[2]!);
  if (r.includes("command not found") || r.includes("not found")) throw new Error(`llvm-mc is missing: ${r.slice(0, 200)}`);
  return { kept: lines.filter((l) => !rejected.has(l)), rejected };
}

/**
 * LLVM 14 cannot emit `j .-4` or `beq a0, a1, label+8` into an object ("Unsupported relocation
 * type"), but reads a constant branch/jump operand as the pc-relative offset: `.+8` -> `8`.
 */
function llvmSpelling(lines: readonly string[]): string[] {
  return lines.map((l) => l.replace(/(^|[\s,])\.(?:([-+])(\d+))?$/, (_m, pre: string, sign: string | undefined, n: string | undefined) => `${pre}${sign === "-" ? "-" : ""}${n ?? "0"}`));
}

function compareWithLlvm(input: readonly string[]): number {
  const { kept, rejected } = llvmAccepted(llvmSpelling(input));
  for (const [line, why] of rejected) {
    const known = LLVM_KNOWN_REJECTIONS.some((k) => k.message.test(why) && k.line.test(line));
    expect(known, `llvm-mc rejected '${line}' for an unexpected reason: ${why}`).to.equal(true);
  }
  expect(kept.length, "most lines are accepted by llvm-mc").to.be.greaterThan(input.length * 0.8);
  // ours assembles the GNU spelling of the same lines
  const gnuSpelling = new Map(input.map((l, i) => [llvmSpelling([l])[0]!, input[i]!]));
  const ref = words(sectionBytes(llvmAssemble(kept.join("\n") + "\n"), ".text"));
  const mine = kept.map((l) => gnuSpelling.get(l)!);
  expectSameWords(mine, words(oursText(mine.join("\n") + "\n")), ref, "llvm-mc");
  return kept.length;
}

/** Table entries that assemble to one instruction (every entry does). */
const FORMS: readonly InsnSpec[] = ALL_INSNS;

describe("riscv-asm differential: instructions", function () {
  this.timeout(120_000);

  it("every mnemonic and operand form with edge values matches GNU as", () => {
    const lines = edgeLines(FORMS);
    expect(lines.length).to.be.greaterThan(3000);
    compareWithGnu(lines);
  });

  it("every mnemonic and operand form with edge values matches llvm-mc", () => {
    const n = compareWithLlvm(edgeLines(FORMS));
    expect(n).to.be.greaterThan(2800);
  });

  it(`${RANDOM_COUNT} seeded random instructions match GNU as byte for byte (seed ${SEED})`, () => {
    compareWithGnu(randomLines(FORMS, RANDOM_COUNT, SEED));
  });

  it(`${RANDOM_COUNT} seeded random instructions match llvm-mc where it accepts them (seed ${SEED + 1})`, () => {
    const n = compareWithLlvm(randomLines(FORMS, RANDOM_COUNT, SEED + 1));
    expect(n).to.be.greaterThan(RANDOM_COUNT * 0.8);
  });

  it("branch and jump offsets at both limits, and one past them, as GNU as", () => {
    // in range: exact bytes; beyond: GNU as relaxes branches (inverted branch + jal)
    const lines = ["beq a0, a1, .+4094", "beq a0, a1, .-4096", "bne x31, x0, .+4096", "blt t0, t1, .-4098", "jal .+1048574", "jal x0, .-1048576", "j .+2", "bgeu a0, a1, .+6000"];
    const src = lines.join("\n") + "\n";
    const ref = sectionBytes(gnuAssemble(src), ".text");
    expect(Buffer.from(oursText(src)).toString("hex")).to.equal(Buffer.from(ref).toString("hex"));
  });
});

/** Pseudo-instructions with the expansion GNU as chooses. */
function pseudoLines(): string[] {
  const r = new Rng(SEED + 7);
  const consts = [0, 1, -1, 2047, -2048, 2048, -2049, 4095, 4096, 0x7ff, 0x800, 0xfff, 0x1000, 0x7ffff7ff, 0x7ffff800, 0x7fffffff, -0x80000000, 0x80000000, 0xffffffff, 0xfffff800, 0xfffff7ff, 0x12345678, -0x12345678, 0xdeadbeef];
  for (let i = 0; i < 200; i++) consts.push((r.next() | 0) >> r.int(0, 31));
  const lines = consts.map((v, i) => `li x${i % 32}, ${v}`);
  lines.push("li a0, 0x100000000", "li a0, 0x7ff + 1", "li a1, -(1 << 31)", "li a2, 'A'");
  lines.push("la a0, 0x1234", "lla a1, 0x12345678", "la a2, -4");
  lines.push(
    "mv a0, a1", "not a0, a1", "neg a0, a1", "seqz a0, a1", "snez a0, a1", "sltz a0, a1", "sgtz a0, a1",
    "sgt a0, a1, a2", "sgtu a0, a1, a2",
    "beqz a0, .+8", "bnez a0, .-8", "blez a0, .+16", "bgez a0, .", "bltz a0, .+4", "bgtz a0, .-4",
    "bgt a0, a1, .+8", "ble a0, a1, .+8", "bgtu a0, a1, .+8", "bleu a0, a1, .+8",
    "j .+8", "jal .-8", "jal ra, .", "jr a0", "jr 8(a0)", "jalr a0", "jalr 8(a0)", "jalr t0, a1", "jalr t0, a1, 12", "jalr t0, 12(a1)", "ret", "nop",
    "csrr a0, mstatus", "csrw mtvec, a0", "csrs mie, a1", "csrc mip, a2", "csrwi mstatus, 8", "csrsi mstatus, 31", "csrci mstatus, 1",
    "csrw mscratch, 5", "csrs mstatus, 3", "csrc mstatus, 2", "csrrw a0, mscratch, 7",
    "rdcycle a0", "rdcycleh a1", "rdinstret a2", "rdinstreth a3", "rdtime a4", "rdtimeh a5",
    "frcsr a0", "fscsr a1, a2", "fscsr a3", "frrm a4", "fsrm a5", "fsrmi 3", "frflags a6", "fsflags a7", "fsflagsi 1",
    "fence", "fence rw, rw", "fence iorw, iorw", "fence w, r", "fence.tso", "fence.i",
    "ecall", "ebreak", "scall", "sbreak", "unimp", "wfi", "mret", "sret",
    "sext.b a0, a1", "sext.h a0, a1", "zext.b a0, a1", "zext.h a0, a1",
    "add a0, a1, 5", "and a0, a1, -1", "or a0, a1, 7", "xor a0, a1, 1", "sll a0, a1, 3", "srl a0, a1, 31", "sra a0, a1, 1", "slt a0, a1, -5", "sltu a0, a1, 100",
    "move a0, a1",
    "vneg.v v1, v2", "vnot.v v1, v2, v0.t", "vwcvt.x.x.v v2, v4", "vwcvtu.x.x.v v2, v4", "vncvt.x.x.w v1, v2",
    "vmmv.m v1, v2", "vmcpy.m v1, v2", "vmclr.m v3", "vmset.m v4", "vmnot.m v1, v2",
    "vmsgt.vv v1, v2, v3", "vmsgtu.vv v1, v2, v3, v0.t", "vmsge.vv v1, v2, v3", "vmsgeu.vv v1, v2, v3",
    "vmslt.vi v1, v2, 5", "vmslt.vi v1, v2, -15", "vmslt.vi v1, v2, 16", "vmsltu.vi v1, v2, 0", "vmsltu.vi v1, v2, 7",
    "vmsge.vi v1, v2, 0", "vmsgeu.vi v1, v2, 0", "vmsgeu.vi v1, v2, 0, v0.t", "vmsgeu.vi v1, v2, 9",
    "vl1r.v v1, (a0)", "vl2r.v v2, (a0)", "vl4r.v v4, (a0)", "vl8r.v v8, (a0)", "vpopc.m a0, v1", "vle1.v v1, (a0)", "vse1.v v1, (a0)",
    "vmandnot.mm v1, v2, v3", "vmornot.mm v1, v2, v3",
    "vsetvli a0, a1, e8", "vsetvli a0, a1, e16, m2", "vsetvli a0, a1, e32, m4, ta", "vsetvli a0, a1, 0x55", "vsetivli a0, 31, e32, mf2, tu, mu",
  );
  return lines;
}

describe("riscv-asm differential: pseudo-instructions", function () {
  this.timeout(60_000);
  it("expand exactly as GNU as (li of any 32-bit constant, la/lla of constants, aliases, csr and fence forms)", () => {
    const lines = pseudoLines();
    const src = lines.join("\n") + "\n";
    const ref = sectionBytes(gnuAssemble(src), ".text");
    const mine = oursText(src);
    if (Buffer.compare(Buffer.from(mine), Buffer.from(ref)) !== 0) {
      // find the first line whose expansion differs
      for (const l of lines) {
        const a = Buffer.from(oursText(l + "\n")).toString("hex");
        const b = Buffer.from(sectionBytes(gnuAssemble(l + "\n"), ".text")).toString("hex");
        expect(a, `expansion of '${l}'`).to.equal(b);
      }
    }
    expect(Buffer.from(mine).toString("hex")).to.equal(Buffer.from(ref).toString("hex"));
  });

  it("64-bit literals as GNU as reads them (two's complement beyond 2^53), as the official riscv-tests write them", () => {
    const lines = [
      "li x1, 0xffffffffffffefa0",
      "li x13, ((0xffffffffffffffff) & ((1 << (32 - 1) << 1) - 1))",
      "li x8, 0xffffffffffffffff",
      "li x4, 0xffffffffffffff98",
      "addi x6, x0, 0xffffffffffffffff",
      "li x5, 18446744073709551615",
      "li x7, 0xffffffff80000000",
      "andi x9, x9, 0xfffffffffffff800",
      "sw x1, 0xfffffffffffffffc(x2)",
    ];
    for (const l of lines) {
      expect(Buffer.from(oursText(l + "\n")).toString("hex"), l).to.equal(Buffer.from(sectionBytes(gnuAssemble(l + "\n"), ".text")).toString("hex"));
    }
  });

  it("symbolic pseudo-instructions (la, lla, call, tail, jump, lw/sw symbol) give the same code and relocations", () => {
    const src = [
      "start: la a0, data_sym", "lla a1, data_sym + 8", "call start", "call t0, ext_fn", "tail ext_fn", "jump start, t2",
      "lw a2, data_sym", "lbu a3, data_sym+1", "lh a4, ext_data", "sw a2, data_sym, t0", "sb a3, ext_data, t1",
      "lui a5, %hi(ext_data)", "addi a5, a5, %lo(ext_data)", "sw a5, %lo(data_sym)(a5)",
      "1: auipc t3, %pcrel_hi(data_sym)", "addi t3, t3, %pcrel_lo(1b)", "beq a0, a1, ext_fn", "jal ext_fn",
      ".data", "data_sym: .word 1, 2, 3",
    ].join("\n") + "\n";
    const gnu = gnuAssemble(src);
    const mine = oursObjectFile(src);
    expectSameSections(mine, gnu);
    const body = (s: string): string => s.split("\n").slice(2).join("\n");
    expect(body(objdump(["-dr"], mine))).to.equal(body(objdump(["-dr"], gnu)));
    expect(body(objdump(["-r"], mine))).to.equal(body(objdump(["-r"], gnu)));
  });
});

describe("riscv-asm differential: programs", function () {
  this.timeout(60_000);
  const cases: [string, () => string][] = [
    ["program.s (data, sections, relocations, relaxed branches)", () => readFileSync(join(fixtures, "program.s"), "utf8")],
    ["macros.s (macros, .rept/.irp/.irpc, .if, .include)", () => readFileSync(join(fixtures, "macros.s"), "utf8")],
    ["rvtest.S after the C preprocessor (riscv-tests style)", () => run("riscv64-unknown-elf-gcc", ["-E", join(fixtures, "rvtest.S")]).stdout],
  ];
  for (const [name, source] of cases) {
    it(`${name}: every section has the same contents as GNU as`, () => {
      const src = source();
      const gnu = gnuAssemble(src, ["-I", fixtures]);
      const mine = oursObjectFile(src, { file: join(fixtures, "x.s") });
      expectSameSections(mine, gnu);
    });
    it(`${name}: objdump -dr of our object equals objdump -dr of GNU's (code, labels, relocations)`, () => {
      const src = source();
      const gnu = gnuAssemble(src, ["-I", fixtures]);
      const mine = oursObjectFile(src, { file: join(fixtures, "x.s") });
      const body = (s: string): string => s.split("\n").slice(2).join("\n");
      expect(body(objdump(["-dr"], mine))).to.equal(body(objdump(["-dr"], gnu)));
      expect(body(objdump(["-r"], mine))).to.equal(body(objdump(["-r"], gnu)));
    });
  }
});
