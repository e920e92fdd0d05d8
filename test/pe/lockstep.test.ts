/**
 * Differential testing: seeded random programs (test/pe/random-program.ts) run on the pipeline
 * in lockstep with the golden model; every commit must match. PE_RANDOM_PROGRAMS (default 1000)
 * and PE_RANDOM_SEED (default 1) choose the programs.
 */
import { expect } from "chai";
import { PeRunner } from "../../hw/pe/runner.ts";
import { runLockstep } from "../../hw/pe/lockstep.ts";
import { assembleProgram } from "./helpers.ts";
import { randomProgram } from "./random-program.ts";

const COUNT = Number(process.env["PE_RANDOM_PROGRAMS"] ?? 1000);
const FIRST = Number(process.env["PE_RANDOM_SEED"] ?? 1);

function check(runner: PeRunner, seed: number): number {
  const src = randomProgram(seed);
  const prog = assembleProgram(src, `random-${seed}.s`);
  const r = runLockstep(runner, prog, 200_000);
  if (!r.ok) throw new Error(`seed ${seed}: ${r.mismatch}\n--- program (regenerate with randomProgram(${seed})) ---\n${src}`);
  expect(r.result.status).to.equal("pass");
  return r.commits;
}

describe("pe: lockstep with the golden model", function () {
  this.timeout(120_000);
  it(`${COUNT} random programs match commit for commit (default local store)`, () => {
    const runner = new PeRunner({ monitorCommits: true });
    let commits = 0;
    for (let seed = FIRST; seed < FIRST + COUNT; seed++) commits += check(runner, seed);
    expect(commits).to.be.above(COUNT * 100);
  });
  it("100 more with a slow, narrow local store (latency 3, 2 banks)", () => {
    const runner = new PeRunner({ monitorCommits: true, localStore: { latency: 3, banks: 2 } });
    for (let seed = 1_000_001; seed < 1_000_101; seed++) check(runner, seed);
  });
});
