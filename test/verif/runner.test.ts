import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serializeDb, totalScore } from "../../verif/coverage/db.ts";
import { junitXml } from "../../verif/runner/junit.ts";
import { regress, type RegressReport } from "../../verif/runner/regress.ts";
import { resolveSuite } from "../../verif/runner/discover.ts";

const fixtures = join(import.meta.dirname, "fixtures");
const toy = { name: "toy", file: join(fixtures, "toy.suite.ts") };
const seeds = Array.from({ length: 12 }, (_, i) => i + 1);

function perSeed(r: RegressReport): string[] {
  return r.results.map((x) => `${x.suite}/${x.test}/${x.seed}:${x.status}:${x.coverage ? serializeDb(x.coverage) : "-"}`);
}

describe("verif/runner: regressions in worker threads", function () {
  this.timeout(60000);

  it("gives the same per-seed results and merged coverage with 1 and with 2 workers", async () => {
    const fifo = resolveSuite("fifo");
    const opts = { suites: [toy, fifo], tests: ["cover", "traffic"], seeds, timeoutMs: 20000 };
    const one = await regress({ ...opts, workers: 1 });
    const two = await regress({ ...opts, workers: 2 });
    expect(one.results).to.have.length(24);
    expect(one.results.every((r) => r.status === "pass")).to.equal(true);
    expect(perSeed(two)).to.deep.equal(perSeed(one));
    expect(serializeDb(two.coverage)).to.equal(serializeDb(one.coverage));
    expect(one.coverage.runs).to.equal(24);
  });

  it("stops at the same seed with --until-coverage whatever the number of workers", async () => {
    const short = { name: "fifo-short", file: join(fixtures, "fifo-short.suite.ts") };
    const opts = { suites: [short], seeds: Array.from({ length: 200 }, (_, i) => i + 1), untilCoverage: 100, timeoutMs: 20000 };
    const one = await regress({ ...opts, workers: 1 });
    const two = await regress({ ...opts, workers: 2 });
    expect(one.tests[0]!.reachedAt).to.not.equal(null);
    expect(two.tests[0]!.reachedAt).to.equal(one.tests[0]!.reachedAt);
    expect(two.tests[0]!.seedsRun).to.equal(one.tests[0]!.seedsRun);
    expect(totalScore(one.coverage)).to.equal(100);
    expect(serializeDb(two.coverage)).to.equal(serializeDb(one.coverage));
  });

  it("kills a hanging test at its timeout, reports crashes and throws, and completes the others", async () => {
    const r = await regress({ suites: [toy], seeds: [1, 2, 3, 4, 5, 6], workers: 2, timeoutMs: 1500 });
    const by = new Map(r.results.map((x) => [`${x.test}/${x.seed}`, x]));
    expect(r.results).to.have.length(12);
    const hang = by.get("faulty/3")!;
    expect(hang.status).to.equal("timeout");
    expect(hang.message).to.match(/timed out after 1500 ms/);
    expect(hang.repro).to.contain("--test faulty --seeds 3 --workers 1");
    expect(hang.repro).to.match(/^tsrtl regress \S*toy\.suite\.ts /);
    expect(by.get("faulty/2")!.status).to.equal("fail");
    expect(by.get("faulty/2")!.message).to.equal("boom on seed 2");
    expect(by.get("faulty/4")!.status).to.equal("crash");
    expect(by.get("faulty/4")!.message).to.equal("worker crashed: worker died on seed 4");
    for (const k of ["faulty/1", "faulty/5", "faulty/6", ...seeds.slice(0, 6).map((s) => `cover/${s}`)]) expect(by.get(k)!.status, k).to.equal("pass");
    // coverage of passing runs is kept; failing runs are not counted
    expect(r.coverage.tests["toy/faulty"]).to.equal(3);
    expect(r.coverage.tests["toy/cover"]).to.equal(6);
    const xml = junitXml(r.results);
    expect(xml).to.contain('<testsuite name="toy.faulty" tests="6" failures="1" errors="2"');
    expect(xml).to.contain("reproduce: tsrtl regress");
  });

  it("re-runs a failing seed with a VCD of the cycles before the failure", async () => {
    const out = mkdtempSync(join(tmpdir(), "regress-"));
    const r = await regress({ suites: [{ name: "broken", file: join(fixtures, "broken.suite.ts") }], seeds: [1], workers: 1, outDir: out });
    const f = r.results[0]!;
    expect(f.status).to.equal("fail");
    expect(f.assertion).to.deep.equal({ name: "count below 5", cycle: 7 });
    expect(f.message).to.equal("assertion 'count below 5' failed at cycle 7: condition is false");
    expect(f.vcd).to.be.a("string");
    expect(existsSync(f.vcd!)).to.equal(true);
    const vcd = readFileSync(f.vcd!, "utf8");
    expect(vcd).to.contain("$enddefinitions");
    expect(vcd).to.contain("count");
  });

  it("collects TypeScript code coverage of the hardware per block", async () => {
    const fifo = resolveSuite("fifo");
    const r = await regress({ suites: [fifo], tests: ["traffic"], seeds: [1, 2], workers: 1, codeCoverage: [join(import.meta.dirname, "..", "..", "hw")] });
    const file = r.coverage.code["hw/rtl/lib/fifo.ts"];
    expect(file, Object.keys(r.coverage.code).join(",")).to.not.equal(undefined);
    expect(file!.block).to.equal("hw/rtl/lib");
    const lines = Object.values(file!.lines);
    expect(lines.filter((v) => v > 0).length).to.be.above(10);
    // the `pipe` branch of the ready logic is never taken in this test
    expect(Object.values(file!.branches).some((v) => v === 0)).to.equal(true);
  });
});
