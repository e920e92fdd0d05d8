/** Bad input: precise messages (file:line:col, the line, a caret), all errors in one run, no crash. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect } from "chai";
import { assemble, formatDiagnostic, type Diagnostic } from "../../riscv-asm/index.ts";
import { gnuAssembleErrors, tmpFile } from "./reference-tools.ts";

function errorsOf(src: string, file = "bad.s"): Diagnostic[] {
  const r = assemble(src, { file });
  expect(r.ok).to.equal(false);
  return r.diagnostics.filter((d) => d.severity === "error");
}

/** Bad lines, each with the message we give (a fragment) and the column of the caret. */
const BAD: [string, string, number][] = [
  ["addi a0, a0, 4096", "immediate 4096 out of range for addi: -2048..2047", 14],
  ["addi a0, a0, -2049", "immediate -2049 out of range for addi: -2048..2047", 14],
  ["slli a0, a0, 32", "shift amount 32 out of range for slli: 0..31", 14],
  ["lui a0, 0x100000", "immediate 1048576 out of range for lui: 0..1048575", 9],
  ["lw a0, 2048(a1)", "immediate 2048 out of range for lw: -2048..2047", 8],
  ["sw x1, 0x1000(x2)", "immediate 4096 out of range for sw: -2048..2047", 8],
  ["sb a0, -2049(a1)", "immediate -2049 out of range for sb: -2048..2047", 8],
  ["csrrwi a0, mstatus, 32", "immediate 32 out of range for csrrwi: 0..31", 21],
  ["vadd.vi v1, v2, 16", "immediate 16 out of range for vadd.vi: -16..15", 17],
  ["frob a0, a1", "unknown instruction 'frob'", 1],
  ["addi a0, a1", "addi: expected 3 operands (rd, rs1, imm12), found 2", 12],
  ["add a0, a1, a2, a3", "unexpected extra operand ','", 15],
  ["add a0, a1, q7", "expected integer register, found 'q7'", 13],
  ["vadd.vv v1, v2, v3, v1.t", "expected mask operand 'v0.t', found 'v1.t'", 21],
  ["csrr a0, notacsr", "unknown CSR 'notacsr'", 10],
  ["fence rw, x", "expected a fence set", 11],
  [".word 1 +", "expected an expression, found end of line", 10],
  ["li a0, undefined_constant", "li: the value must be a constant known at this point", 8],
  [".bogus 1", "unknown directive '.bogus'", 1],
  ["beq a0, a1, 1b", "no previous definition of local label '1'", 13],
  ["lw a0, 4(a1", "expected ')'", 12],
  ["vsetvli a0, a1, e32, m3", "expected LMUL", 22],
  [".endif", ".endif without a matching .if", 1],
  ["ret a0", "ret takes no operands", 5],
];

describe("riscv-asm errors", function () {
  this.timeout(60_000);

  it("every error names file:line:col, says what was expected, and shows the line with a caret", () => {
    for (const [line, message, col] of BAD) {
      const errs = errorsOf(`nop\n  ${line}\n`);
      expect(errs.length, line).to.be.greaterThan(0);
      const e = errs[0]!;
      expect(e.file).to.equal("bad.s");
      expect(e.line, line).to.equal(2);
      expect(e.message, line).to.contain(message);
      expect(e.col, `column for '${line}' (${e.message})`).to.equal(col + 2);
      const text = formatDiagnostic(e).split("\n");
      expect(text[0]).to.equal(`bad.s:2:${col + 2}: error: ${e.message}`);
      expect(text[1]).to.equal(`  ${line}`);
      expect(text[2]).to.equal(" ".repeat(col + 1) + "^");
    }
  });

  it("GNU as rejects the same lines", () => {
    const stderr = gnuAssembleErrors(BAD.map(([l]) => l).join("\n") + "\n");
    for (let i = 0; i < BAD.length; i++) {
      if (BAD[i]![0] === ".endif" || BAD[i]![0] === ".word 1 +") continue; // GNU: only a warning
      expect(stderr, `GNU as should reject line ${i + 1}: ${BAD[i]![0]}`).to.match(new RegExp(`:${i + 1}: (Error|Fatal error)`));
    }
  });

  it("reports all errors of a file in one run, in order", () => {
    const src = BAD.map(([l]) => l).join("\n") + "\n";
    const errs = errorsOf(src);
    const lines = [...new Set(errs.map((e) => e.line))];
    expect(lines).to.deep.equal(BAD.map((_, i) => i + 1));
  });

  it("duplicate labels name the first definition", () => {
    const e = errorsOf("x: nop\nnop\n  x: nop\n")[0]!;
    expect([e.line, e.col, e.message]).to.deep.equal([3, 3, "symbol 'x' is already defined at bad.s:1"]);
  });

  it("stops after the error limit with a note", () => {
    const errs = errorsOf("frob\n".repeat(500));
    expect(errs.length).to.equal(101);
    expect(errs[100]!.message).to.contain("too many errors");
  });

  it("errors found at the end (ranges, undefined symbols) point at the right line", () => {
    const errs = errorsOf("nop\nbeq a0, a1, far\n.space 5000\nfar: nop\njal undefined_fn\n.data\n.byte later\nlater:\n");
    const byLine = new Map(errs.map((e) => [e.line, e.message]));
    expect(byLine.get(5)).to.contain("undefined symbol 'undefined_fn'");
    expect(byLine.get(7)).to.contain("address of 'later' (0x8000139d) does not fit in 1 byte");
  });

  it("unterminated .macro/.if/.rept are reported", () => {
    expect(errorsOf(".macro m\nnop\n")[0]!.message).to.contain("missing .endm");
    expect(errorsOf(".if 1\nnop\n")[0]!.message).to.contain("missing .endif");
    expect(errorsOf(".rept 2\nnop\n")[0]!.message).to.contain("missing .endr");
  });

  it("compressed code (.option rvc) is rejected clearly", () => {
    const errs = errorsOf(".option rvc\nnop\nnop\n");
    expect(errs.length).to.equal(1);
    expect(errs[0]!.message).to.contain("compressed instructions are not supported");
    expect(assemble(".option push\n.option rvc\n.option pop\nnop\n").ok).to.equal(true);
  });

  it("the CLI exits 1, prints file:line:col errors with caret, and never a stack trace", () => {
    const root = join(import.meta.dirname, "..", "..");
    const src = tmpFile("bad.s", "  addi a0, a0, 4096\n  frob\n");
    const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "bin", "tsrtl.ts"), "asm", src, "-o", tmpFile("out.elf")], { cwd: root, encoding: "utf8" });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain(`${src}:1:16: error: immediate 4096 out of range for addi: -2048..2047\n  addi a0, a0, 4096\n               ^`);
    expect(r.stderr).to.contain(`${src}:2:3: error: unknown instruction 'frob'`);
    expect(r.stderr).not.to.match(/\n\s+at /);
    const missing = spawnSync(process.execPath, ["--import", "tsx", join(root, "bin", "tsrtl.ts"), "asm", "/nonexistent/x.s"], { cwd: root, encoding: "utf8" });
    expect(missing.status).to.equal(1);
    expect(missing.stderr).to.contain("cannot read '/nonexistent/x.s'");
    expect(missing.stderr).not.to.match(/\n\s+at /);
  });
});
