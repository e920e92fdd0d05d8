import { execFileSync } from "node:child_process";
/** `tsrtl run`: exit codes, VCD + .gtkw with the disassembly filter, the example main job. */
import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/commands/run.ts";
import { EXAMPLES, FIXTURES } from "./helpers.ts";

describe("pe: tsrtl run", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "tsrtl-pe-run-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the int8 matmul example to PASS and writes a VCD and a .gtkw with the pipeline view", async () => {
    const vcd = join(dir, "matmul.vcd");
    expect(await run([join(EXAMPLES, "matmul-int8.s"), "--quiet", "--vcd", vcd, "--vcd-window", "0:2000"])).to.equal(0);
    expect(existsSync(vcd)).to.equal(true);
    const gtkw = readFileSync(join(dir, "matmul.gtkw"), "utf8");
    // GTKWave gives a filter one argument, so the disassembler is run through a wrapper script.
    const script = join(dir, "matmul.filter0.sh");
    expect(gtkw).to.include(`^>1 ${script}`);
    expect(readFileSync(script, "utf8")).to.include("'disasm' '--gtkw-filter'");
    expect(execFileSync(script, { input: "00a50533\n00000013\n", encoding: "utf8" })).to.equal("add a0,a0,a0\nnop\n");
    expect(gtkw).to.include("pe.core0.ex_insn");
    expect(gtkw).to.include("pe.core0.stall_load_use");
  });

  it("exit codes: 1 for a failing test, a0 for ecall 93, 124 at the cycle limit", async () => {
    expect(await run([join(FIXTURES, "fail.S"), "--quiet"])).to.equal(1);
    expect(await run([join(FIXTURES, "exit.s"), "--quiet"])).to.equal(7);
    expect(await run([join(EXAMPLES, "matmul-int8.s"), "--quiet", "--max-cycles", "1000"])).to.equal(124);
  });
});
