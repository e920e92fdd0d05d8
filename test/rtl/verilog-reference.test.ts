/**
 * Cycle accuracy against a real Verilog simulator: the K1 design written in Verilog
 * (bench/designs/counters.v) simulated by Icarus Verilog must give the same checksum as our
 * CounterArray after every one of 600 cycles. Fails (does not skip) without iverilog.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Simulator } from "../../hw/rtl/index.ts";
import { CounterArray } from "../../bench/designs/counters.ts";

describe("K1 against Icarus Verilog", () => {
  it("the checksum matches after every cycle for 600 cycles", function () {
    this.timeout(120000);
    const dir = mkdtempSync(join(tmpdir(), "tsrtl-iverilog-"));
    const exe = join(dir, "k1.vvp");
    execFileSync("iverilog", ["-g2005", "-o", exe, "bench/designs/counters.v", "test/fixtures/rtl/counters_tb.v"]);
    const lines = execFileSync("vvp", ["-n", exe], { encoding: "utf8", maxBuffer: 1 << 24 })
      .trim()
      .split("\n")
      .filter((l) => /^\d+ \d+$/.test(l));
    expect(lines).to.have.length(600);
    const top = new CounterArray(null, "top");
    const sim = new Simulator(top);
    sim.reset(2);
    let nonZero = 0;
    for (const line of lines) {
      const [cycle, checksum] = line.split(" ").map(Number) as [number, number];
      sim.step();
      expect(sim.peek(top.checksum), `cycle ${cycle}`).to.equal(checksum);
      if (checksum !== 0) nonZero++;
    }
    expect(nonZero).to.be.greaterThan(500);
  });
});
