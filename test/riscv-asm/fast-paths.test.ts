/**
 * Inputs that exercise the assembler's fast paths (numbers, symbols and data arguments read
 * without the general parser, register and mnemonic lookups, reused statement records, branch
 * reach checked without evaluating) next to the general code they stand in for: the bytes,
 * relocations and messages must be exactly those of the general path. Expected values were
 * produced before the fast paths existed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { assemble, formatDiagnostic, type AssembleOptions } from "../../riscv-asm/index.ts";
import { ALL_INSNS } from "../../riscv-asm/isa/index.ts";
import { generateProgram } from "../../bench/asm.ts";
import { randomLines, Rng } from "./forms.ts";
import { mutate } from "./mutate.ts";

/** Diagnostics, section bytes and relocations of an object (and symbols when options name the output), as text. */
function summary(source: string, options: AssembleOptions = {}): string {
  const r = assemble(source, { file: "t.s", output: "object", ...options });
  const out = [`object ok=${r.ok}`, ...r.diagnostics.map(formatDiagnostic)];
  for (const s of r.program?.sections ?? []) {
    if (s.size === 0) continue;
    const relocs = s.relocations.map((x) => `${x.offset}:${x.type}:${x.symbol}:${x.addend}`).join(",");
    // (long sections by size and hash, to keep this file short)
    const bytes = s.size > 64 ? `${s.size} bytes, sha256 ${createHash("sha256").update(s.bytes).digest("hex")}` : Buffer.from(s.bytes).toString("hex");
    out.push(`${s.name} ${bytes} relocs=${relocs}`);
  }
  if (options.output !== undefined) for (const y of r.program?.symbols ?? []) out.push(`${y.name} ${y.value} ${y.size} ${y.binding} ${y.type} ${y.section}`);
  return out.join("\n");
}

/** Summary (with symbols) with the line fast path and with every line through the statement path. */
function bothPaths(source: string, output: "object" | "executable" = "object"): [fast: string, normal: string] {
  return [summary(source, { output }), summary(source, { output, noFastPath: true })];
}

/** Lines the fast path takes or must refuse: labels, data, pseudo-instructions, errors, warnings, CR, contexts. */
const EDGE_CASES: string[] = [
  "x: nop\nx:\n",
  "x:\nx:\nnop\n",
  "y:   # comment\ny: nop\n",
  ".bss\nnop\nz:\n.word 1\n",
  ".option rvc\nnop\nnop\n.option norvc\nnop\n",
  ".if 0\nnop\nl1:\n.word 1\nli a0, 5\n.endif\nnop\n",
  ".macro nop\n.word 7\n.endm\nnop\n",
  ".macro m\nnop\nl2:\n.word l2\n.endm\nm\n",
  "nop\r\nli a0, 1\r\nl3:\r\n.word 2\r\n",
  "# 10 \"other.s\"\nnop\naddi a0, a0, 5000\n",
  "#comment in column 0\n  # indented comment\n\t\n",
  ".byte 255, 256, -129, x\n.half 65536\n.word 0xffffffff, -2147483649\n",
  ".equ c, 5\n.set d, c + 1\n.word c, d, e\n.byte c\n",
  ".text\n.word a, 1\nnop\n.word b\n",
  "li a0, 0x12345678\nla a1, sym\nla a2, 5\ncall f\ntail f\nf: ret\n",
  "li a0, sym\nla a0\nli\nla a0, sym, 1\n",
  "add a0, a1, 5\nadd a0, a1, a2\njal x\njal ra, x\nx:\n",
  "lw a0, sym\nlw a0, 4(sp)\nsw a0, sym, t0\nsw a0, 4(sp)\n",
  "beq a0, a1, 1f\n1:\nbne a0, a1, 1b\n",
  "nop = 5\nnop\n",
  "addi a0, a0, 1 /* c */\naddi a0, a0, 2 // c\naddi a0, a0, 3 ; nop\n",
  "vsetvli a0, a1, e32, m1, ta, ma\nvadd.vv v1, v2, v3, v0.t\nvadd.vv v1, v2, v3\n",
  ".data\nq: .word q, q + 4, .\n.word 1 2\n",
  "nop ; nop\nnop;\n;nop\nnop ;; nop # c\nnop ; # c\nli a0, 1 ; nop\nnop ; li a0, 1\n",
  "x: nop ; nop\nnop ; y: nop\nnop ; .word 1\naddi a0, a0, 5000 ; nop\nnop ; addi a0, a0, 5000\n",
  "beq a0, a1, z ; bne a0, a1, z ; z: nop\nbeq a0, a1, . ; jal .\nmv a0, a1 ; xor a2, a3, a4 ; add a0, a0, 1\n",
  ".bss\nnop ; nop\n.text\n.option rvc\nnop ; nop\n",
];

describe("riscv-asm line fast path", function () {
  this.timeout(120_000);

  it("edge cases assemble as through the statement path", () => {
    for (const src of EDGE_CASES) {
      for (const output of ["object", "executable"] as const) {
        const [fast, normal] = bothPaths(src, output);
        expect(fast, src).to.equal(normal);
      }
    }
  });

  it("an included file, twice, and the text around it assemble as through the statement path", () => {
    const files: Record<string, string> = { "inc.s": "nop # c1\nli a0, '#'\naddi a0, a0, 8/2 ; nop\n.word 1 # c2\n" };
    const src = "nop # a\n.include \"inc.s\"\n.include \"inc.s\"\nnop ; nop # b\n.word 2 // c\n";
    const run = (noFastPath: boolean): string => summary(src, { output: "object", readFile: (p) => files[p], noFastPath });
    expect(run(false)).to.equal(run(true));
  });

  it("the benchmark program assembles as through the statement path", () => {
    const [fast, normal] = bothPaths(generateProgram(20_000));
    expect(fast).to.equal(normal);
  });

  it("10,000 valid and mutated lines assemble as through the statement path", () => {
    const fixtures = join(import.meta.dirname, "..", "fixtures", "riscv-asm");
    const seed = 0xfa57;
    const r = new Rng(seed);
    const corpus = [
      ...["program.s", "macros.s"].flatMap((f) => readFileSync(join(fixtures, f), "utf8").split("\n")),
      ...randomLines(ALL_INSNS, 2000, seed),
      ...generateProgram(500).split("\n"),
    ].filter((l) => l.trim() !== "");
    for (let total = 0; total < 10_000; total += 100) {
      const lines: string[] = [];
      for (let i = 0; i < 100; i++) {
        const l = r.pick(corpus);
        lines.push(r.int(0, 9) < 3 ? mutate(l, r) : l);
      }
      const src = lines.join("\n") + "\n";
      const [fast, normal] = bothPaths(src, r.int(0, 1) === 0 ? "object" : "executable");
      expect(fast, src).to.equal(normal);
    }
  });
});

const CASES: [name: string, source: string, expected: string][] = [
  ["data", ".data\nx: .word 1, (2 + 3), 'a', x, \"sym\"\n.byte 0x7f, 0X10, 010, -1\n.half 0xFFFF,2\n.dword  0x123456789abcdef0, -5\n", "object ok=true\n.data 01000000050000006100000000000000000000007f1008ffffff0200f0debc9a78563412fbffffffffffffff relocs=12:1:0:0,16:1:1:0"],
  ["dataErrors", ".data\n.word 1), 2\n.word (1,2)\n.word 1,\n.word ,1\n.byte 1 2\n", "object ok=false\nt.s:2:8: error: .word: unexpected ')' after the expression\n.word 1), 2\n       ^\nt.s:3:9: error: expected ')', found ','\n.word (1,2)\n        ^\nt.s:4:9: error: expected an expression, found end of line\n.word 1,\n        ^\nt.s:5:7: error: expected an expression, found end of line\n.word ,1\n      ^\nt.s:6:9: error: .byte: unexpected '2' after the expression\n.byte 1 2\n        ^"],
  ["numbers", "addi a0, a0, 0x7ff\naddi a1,a1,-0X10\nli a2, 0xABCDEF\nli a3, 0x80000000\nli a4, 4096\nli a5, -4096\nli a6, 010\n", "object ok=true\n.text 1305f57f938505ff37d6ab001306f6deb706008037170000b7f7ffff13088000 relocs="],
  ["badNumber", "addi a7, a7, 0x\n", "object ok=false\nt.s:1:14: error: malformed number '0x'\naddi a7, a7, 0x\n             ^"],
  ["symbols", "la a0, sym\nla a1, .\nj foo\nfoo: call foo\nla a2, foo + 4\nbeq a0, a1, foo\n", "object ok=true\n.text 170500001305050097050000938505006f00400097000000e78000001706000013060600e308b5fe relocs=0:23:5:0,4:24:2:0,8:23:0:0,12:24:3:0,16:17:1:0,20:19:1:0,28:23:1:4,32:24:4:0,36:16:1:0"],
  ["registerAsSymbol", "beq a0, a1, x0\njal t0, v1\n", "object ok=false\nt.s:1:13: error: expected an expression, found register 'x0'\nbeq a0, a1, x0\n            ^\nt.s:2:9: error: expected an expression, found register 'v1'\njal t0, v1\n        ^"],
  ["vtype", "vsetvli a0, a1, e8, m2, tu, mu\nvsetvli a0, a1, e32, ta\nvsetivli a0, 5, e16, mf2, ta, ma\n", "object ok=true\n.text 57f5150057f5050557f5f2cc relocs="],
  ["badVtype", "vsetvli a0, a1, e32, m1, mx\n", "object ok=false\nt.s:1:26: error: vsetvli: expected tail policy (ta, tu), found 'mx'\nvsetvli a0, a1, e32, m1, mx\n                         ^"],
  ["macros", ".macro m a\n addi a0, a0, \\a\n.endm\n m 5 ; m 6\n.rept 2\n nop\n.endr\n.irp r, a0, a1\n mv \\r, zero\n.endr\n", "object ok=true\n.text 130555001305650013000000130000001305000093050000 relocs="],
  ["macroError", ".macro m a\n addi a0, a0, \\a\n.endm\n nop\n m 99999\n", "object ok=false\nt.s:5:14: error: immediate 99999 out of range for addi: -2048..2047\naddi a0, a0, 99999\n             ^"],
  ["unterminated", "nop\n.macro never\n nop\n", "object ok=false\nt.s:2:1: error: missing .endm for the .macro started here\n.macro never\n^"],
  ["unterminatedIf", "nop\n.if 0\n nop\n", "object ok=false\nt.s:2:1: error: missing .endif for this .if (1 still open at end of input)\n.if 0\n^"],
  ["upper", "ADDI a0, a0, 1\n.WORD 5\nLi a0, 70000\n", "object ok=true\n.text 13051500050000003715010013050517 relocs="],
  ["relaxation", "beq a0, a1, far\nbne a0, a1, ext\nblt a0, a1, wk\nbge a0, a1, eq\nbeq a0, a1, near\nnear: nop\n.space 5000\nfar: nop\n.weak wk\nwk: nop\n.equ eq, far\n1: beq a0, a1, 1b\n", "object ok=true\n.text 5052 bytes, sha256 e382b7a6b992e9ba9d5f817dcc2bf7b71c66a7bfa63b1b5d0363829d6921b8e9 relocs=4:17:0:0,12:17:4:0,20:17:5:0,28:17:0:0,32:16:2:0,5048:16:3:0"],
];

describe("riscv-asm fast paths", () => {
  for (const [name, source, want] of CASES) {
    it(`${name} assembles as the general path does`, () => {
      expect(summary(source)).to.equal(want);
    });
  }
});
