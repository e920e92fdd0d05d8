import { expect } from "chai";
import { join } from "node:path";
import { CoverageMergeError, emptyDb, mergeDbs, mergeInto, parseDb, serializeDb, type CoverageDb } from "../../verif/coverage/db.ts";
import { runTest } from "../../verif/runner/run-test.ts";
import { shardSeeds, parseSeeds, parseShard, parseDuration, formatSeeds } from "../../verif/runner/options.ts";
import { loadSuite } from "../../verif/runner/worker.ts";

const toyFile = join(import.meta.dirname, "fixtures", "toy.suite.ts");

describe("verif/coverage: database merge", () => {
  it("merging N shards equals one run over all seeds, byte for byte", async () => {
    const suite = await loadSuite(toyFile);
    const seeds = parseSeeds("1..24");
    const per = new Map<number, CoverageDb>();
    for (const s of seeds) per.set(s, (await runTest("toy", suite, "cover", s)).coverage!);
    const all = mergeDbs(seeds.map((s) => per.get(s)!));
    expect(all.runs).to.equal(24);
    expect(all.tests["toy/cover"]).to.equal(24);
    const shards = [1, 2, 3, 4].map((i) => mergeDbs(shardSeeds(seeds, { index: i, count: 4 }).map((s) => per.get(s)!)));
    // shards written to JSON and read back, merged in another order
    const merged = mergeDbs([shards[2]!, shards[0]!, shards[3]!, shards[1]!].map((d) => parseDb(serializeDb(d))));
    expect(serializeDb(merged)).to.equal(serializeDb(all));
    // counts really add up: total samples of the point v = 5 per run
    const v = merged.groups.toy!.items.v!;
    expect(v.counts.reduce((a, b) => a + b, 0)).to.equal(5 * 24);
  });

  it("refuses to merge databases whose bins differ, naming the item", () => {
    const a = emptyDb();
    a.groups.g = { kind: "covergroup", weight: 1, goal: 100, items: { p: { kind: "point", weight: 1, atLeast: 1, bins: ["x"], defs: [""], counts: [1], illegal: [], illegalCounts: [] } } };
    const b = structuredClone(a);
    b.groups.g!.items.p!.bins = ["y"];
    expect(() => mergeInto(structuredClone(a), b)).to.throw(CoverageMergeError, /group 'g' point 'p': bins differ/);
    expect(() => parseDb("{}", "x.json")).to.throw(/x.json: not a tsrtl-coverage file/);
  });
});

describe("verif/runner: option parsing", () => {
  it("parses seeds, shards and durations, naming the option on errors", () => {
    expect(parseSeeds("1..5,9,3")).to.deep.equal([1, 2, 3, 4, 5, 9]);
    expect(formatSeeds([1, 2, 3, 4, 5, 9])).to.equal("1..5,9");
    expect(() => parseSeeds("1-5")).to.throw(/option --seeds/);
    expect(parseShard("2/4")).to.deep.equal({ index: 2, count: 4 });
    expect(() => parseShard("5/4")).to.throw(/option --shard/);
    expect(shardSeeds([1, 2, 3, 4, 5, 6, 7], { index: 2, count: 3 })).to.deep.equal([2, 5]);
    expect(parseDuration("60s")).to.equal(60000);
    expect(parseDuration("250ms")).to.equal(250);
    expect(parseDuration("2m")).to.equal(120000);
    expect(() => parseDuration("soon")).to.throw(/option --timeout/);
  });
});
