/**
 * The official riscv-tests rv32ui and rv32um "-p" tests on the PE, one mocha test each (see
 * official-riscv-tests.ts for what is checked). Needs a riscv-tests checkout:
 *
 *   RISCV_TESTS=/path/to/riscv-tests npx mocha test/pe/riscv-tests.official.ts
 *
 * Not part of `npm test` (which runs test/**\/*.test.ts): CI has no checkout, and the riscv-tests
 * sources are not in this repository. Without RISCV_TESTS this file fails with that message.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OfficialTestRunner, describeResult, listOfficialTests } from "./official-riscv-tests.ts";

const root = process.env["RISCV_TESTS"];

describe("pe: official riscv-tests rv32ui/rv32um (RISCV_TESTS)", function () {
  this.timeout(120_000);
  if (!root) {
    it("needs RISCV_TESTS=/path/to/riscv-tests", () => {
      throw new Error("set RISCV_TESTS to a riscv-tests checkout: RISCV_TESTS=/path/to/riscv-tests npx mocha test/pe/riscv-tests.official.ts");
    });
    return;
  }
  const tests = listOfficialTests(resolve(root));
  const outDir = mkdtempSync(join(tmpdir(), "tsrtl-riscv-tests-"));
  let runner: OfficialTestRunner;
  before(() => {
    runner = new OfficialTestRunner(resolve(root), outDir);
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it("the Makefrags list the rv32ui and rv32um tests", () => {
    expect(tests.filter((t) => t.suite === "rv32ui").length).to.be.above(30);
    expect(tests.filter((t) => t.suite === "rv32um").map((t) => t.name)).to.include.members(["div", "divu", "mul", "mulh", "mulhsu", "mulhu", "rem", "remu"]);
  });

  for (const t of tests) {
    it(`${t.suite}-p-${t.name}: tsrtl run, pipeline (3 local-store configurations, lockstep), ISS; same bytes as GNU as`, async () => {
      const r = await runner.run(t);
      expect(r.ok, describeResult(r)).to.equal(true);
    });
  }
});
