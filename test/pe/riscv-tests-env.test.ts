/**
 * Our riscv-tests environment header (examples/riscv-tests-env/riscv_test.h), used to
 * run the official rv32ui/rv32um tests (`tsrtl riscv-tests`, which needs a riscv-tests
 * checkout): pass, fail with the test number, traps and early failures, on the pipeline in
 * lockstep with the golden model. Our own sources only; needs the C preprocessor
 * (riscv64-unknown-elf-gcc -E, as the assembler's tests).
 */
import { expect } from "chai";
import { join } from "node:path";
import { PeRunner, runGolden } from "../../hw/pe/runner.ts";
import { runLockstep } from "../../hw/pe/lockstep.ts";
import { ENV_DIR, preprocess } from "../../bin/riscv-tests.ts";
import { assembleProgram } from "./helpers.ts";

describe("pe: riscv-tests environment header (tohost, TESTNUM = gp)", function () {
  this.timeout(60_000);
  const runner = new PeRunner({ monitorCommits: true });
  const file = join("test", "fixtures", "pe", "riscv-tests-env", "selftest.S");
  const cases: { n: number; what: string; status: string; failedTest?: number }[] = [
    { n: 1, what: "RVTEST_PASS stores 1 to tohost; clean entry state", status: "pass" },
    { n: 2, what: "RVTEST_FAIL stores (TESTNUM << 1) | 1", status: "fail", failedTest: 5 },
    { n: 3, what: "a trap fails the running test", status: "fail", failedTest: 7 },
    { n: 4, what: "a failure before the first test number is not a pass", status: "fail", failedTest: 0x3ff },
    { n: 5, what: "running into RVTEST_CODE_END fails", status: "fail", failedTest: 9 },
  ];
  for (const c of cases) {
    it(`${c.what}`, () => {
      const prog = assembleProgram(preprocess(file, [ENV_DIR], [`CASE=${c.n}`]), join(ENV_DIR, `selftest-${c.n}.s`));
      expect(prog.tohost, "tohost symbol").to.not.equal(undefined);
      const r = runLockstep(runner, prog, 100_000);
      expect(r.mismatch).to.equal(undefined);
      expect(r.result.status).to.equal(c.status);
      expect(r.result.failedTest).to.equal(c.failedTest);
      const g = runGolden(prog, 100_000).result;
      expect(g.status).to.equal(c.status);
      expect(g.failedTest).to.equal(c.failedTest);
    });
  }
});
