/** Front-end details not covered by the GNU comparisons: comments, line markers, symbols, sections. */
import { expect } from "chai";
import { assemble, type Program } from "../../riscv-asm/index.ts";
import { gnuAssemble, sectionBytes } from "./reference-tools.ts";
import { ours, oursText } from "./helpers.ts";

function text(p: Program, name = ".text"): string {
  return Buffer.from(p.sections.find((s) => s.name === name)!.bytes).toString("hex");
}

describe("riscv-asm front end", function () {
  this.timeout(60_000);

  it("accepts #, // and /* */ comments and ; separators (// is ours: GNU as for RISC-V has no // comments)", () => {
    const a = oursText("nop # one\nnop // two\n/* three\n four */ nop ; nop /* five */ ; nop\n");
    expect(Buffer.from(a).toString("hex")).to.equal("13000000".repeat(5));
  });

  it("C preprocessor line markers set the file and line of messages", () => {
    const r = assemble('# 1 "test.S"\nnop\n# 40 "macros.h" 1\n  addi a0, a0, 5000\n', { file: "x.s" });
    expect(r.diagnostics[0]).to.include({ file: "macros.h", line: 40 });
  });

  it("a very long ;-joined line (10,000 statements) assembles like GNU as", () => {
    const line = Array.from({ length: 10_000 }, (_, i) => `addi x${i % 32}, x${(i * 7) % 32}, ${(i % 4096) - 2048}`).join("; ") + "\n";
    const mine = oursText(line); // a hang would hit mocha's timeout; speed is bench/asm.ts's job
    expect(Buffer.from(mine).equals(Buffer.from(sectionBytes(gnuAssemble(line), ".text")))).to.equal(true);
  });

  it(".set may redefine, .equiv may not; = is .set; forward .equ in data is resolved at the end", () => {
    const p = ours(".data\n.word later\n.set x, 1\n.byte x\n.set x, 2\n.byte x\ny = x + 1\n.byte y\n.equ later, 0x1234\n", { output: "object" });
    expect(text(p, ".data")).to.equal("34120000010203");
    expect(assemble(".equiv z, 1\n.equiv z, 2\n").ok).to.equal(false);
  });

  it("section flags and types become ELF section flags; .previous and .pushsection/.popsection switch back", () => {
    const p = ours('.section .fast, "awx", @progbits\nnop\n.section .nb, "aw", @nobits\n.zero 8\n.previous\nnop\n.pushsection .note.x\n.byte 1\n.popsection\nnop\n', { output: "object" });
    const fast = p.sections.find((s) => s.name === ".fast")!;
    expect(fast.flags).to.deep.equal({ alloc: true, write: true, exec: true });
    expect(fast.size).to.equal(12);
    const nb = p.sections.find((s) => s.name === ".nb")!;
    expect([nb.type, nb.size]).to.deep.equal(["nobits", 8]);
    expect(p.sections.find((s) => s.name === ".note.x")!.flags.alloc).to.equal(false);
  });

  it("macros: \\@ counter, .exitm, vararg, required parameters, recursion limit", () => {
    const p = ours(".macro m a, rest:vararg\n.byte \\a\n.ifnb \\rest\nm \\rest\n.endif\n.endm\n.data\nm 1, 2, 3\n.macro e\n.byte 9\n.exitm\n.byte 8\n.endm\ne\n", { output: "object" });
    expect(text(p, ".data")).to.equal("01020309");
    const r = assemble(".macro r\nr\n.endm\nr\n");
    expect(r.ok).to.equal(false);
    expect(r.diagnostics[0]!.message).to.contain("nested more than 100 deep");
    const q = assemble(".macro q x:req\n.byte \\x\n.endm\nq\n");
    expect(q.diagnostics[0]!.message).to.contain("missing value for required parameter 'x'");
  });

  it(".include reports a missing file with the places searched", () => {
    const r = assemble('.include "nope.inc"\n', { file: "/src/main.s", includeDirs: ["/inc"] });
    expect(r.diagnostics[0]!.message).to.equal(".include: cannot find 'nope.inc' (searched /src/nope.inc, /inc/nope.inc, nope.inc)");
  });

  it(".org moves forward within the section and refuses to move back", () => {
    expect(text(ours(".data\n.byte 1\n.org 4\n.byte 2\n", { output: "object" }), ".data")).to.equal("0100000002");
    expect(assemble(".data\n.byte 1, 2\n.org 1\n").diagnostics[0]!.message).to.contain("cannot move the location counter backwards");
  });
});
