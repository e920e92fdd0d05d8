/**
 * Self-checking assembly tests per instruction class (riscv-tests style, tohost protocol):
 * each must pass on the golden model and on the pipeline, in several local-store
 * configurations, and (except where timing is observable) in lockstep.
 */
import { expect } from "chai";
import { PeRunner, runGolden } from "../../hw/pe/runner.ts";
import { runLockstep } from "../../hw/pe/lockstep.ts";
import { fixtureProgram } from "./helpers.ts";

const CLASSES = ["alu.S", "branch.S", "loadstore.S", "muldiv.S", "csr.S", "fencei.S", "interrupts.S"];
/** Programs whose commit stream depends on timing (they read mtime through MMIO). */
const TIMED = new Set(["interrupts.S"]);

describe("pe: self-checking assembly tests", () => {
  const lockstep = new PeRunner({ monitorCommits: true });
  const configs = [
    { name: "latency 2, 2 banks", runner: new PeRunner({ localStore: { latency: 2, banks: 2 } }) },
    { name: "latency 3, 8 banks", runner: new PeRunner({ localStore: { latency: 3, banks: 8 } }) },
  ];
  for (const name of CLASSES) {
    it(`${name} passes on the golden model and the pipeline`, () => {
      const prog = fixtureProgram(name);
      const g = runGolden(prog, 1_000_000);
      expect(g.result.message, "golden model").to.equal("PASS");
      if (TIMED.has(name)) {
        lockstep.load(prog);
        const r = lockstep.run(1_000_000);
        expect(r.message).to.equal("PASS (tohost = 1)");
      } else {
        const r = runLockstep(lockstep, prog, 1_000_000);
        expect(r.result.message).to.equal("PASS (tohost = 1)");
        expect(r.mismatch).to.equal(undefined);
      }
      for (const c of configs) {
        c.runner.load(prog);
        expect(c.runner.run(1_000_000).message, c.name).to.equal("PASS (tohost = 1)");
      }
    });
  }

  it("a failing test reports its number through tohost", () => {
    const prog = fixtureProgram("fail.S");
    const runner = new PeRunner();
    runner.load(prog);
    const r = runner.run(100_000);
    expect(r.status).to.equal("fail");
    expect(r.failedTest).to.equal(3);
    expect(r.exitCode).to.equal(1);
    expect(runGolden(prog, 100_000).result.failedTest).to.equal(3);
  });

  it("ecall with a7 = 93 and no trap handler exits with a0", () => {
    const prog = fixtureProgram("exit.s");
    const r = runLockstep(lockstep, prog, 10_000);
    expect(r.mismatch).to.equal(undefined);
    expect(r.result.status).to.equal("exit");
    expect(r.result.exitCode).to.equal(7);
  });

  it("a runaway program ends at the cycle limit with a clear message", () => {
    const prog = fixtureProgram("exit.s");
    const loop = { ...prog, segments: prog.segments.map((s) => ({ address: s.address, bytes: Uint8Array.from([0x6f, 0, 0, 0]) })) }; // j .
    const runner = new PeRunner();
    runner.load(loop);
    const r = runner.run(5000);
    expect(r.status).to.equal("timeout");
    expect(r.message).to.match(/cycle limit reached: 5000 cycles/);
  });

  it("the pipeline overlaps: CPI near 1 on straight-line ALU code, stalls are counted by cause", () => {
    const runner = new PeRunner();
    runner.load(fixtureProgram("alu.S"));
    const r = runner.run(100_000);
    expect(r.cpi).to.be.below(1.1);
    runner.load(fixtureProgram("muldiv.S"));
    const m = runner.run(100_000);
    expect(m.stalls["divide"]).to.be.above(100);
  });
});
