/** `tsrtl dram-bench`: JSON output fields and argument errors. */
import { expect } from "chai";
import { UsageError } from "../../bin/command.ts";
import { run } from "../../bin/commands/dram-bench.ts";

async function capture(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]): void => {
    lines.push(a.join(" "));
  };
  try {
    const code = await run(argv);
    return { code, out: lines.join("\n") };
  } finally {
    console.log = log;
  }
}

describe("tsrtl dram-bench", function () {
  this.timeout(60000);

  it("prints bandwidth, latency, row-hit rate, refresh share, cycles and seconds as JSON", async () => {
    const { code, out } = await capture(["--pattern", "stride:3", "--mix", "2:1", "--requests", "3000", "--mapping", "RoBaRaCoCh", "--policy", "closed", "--seed", "4", "--json"]);
    expect(code).to.equal(0);
    const j = JSON.parse(out) as Record<string, unknown>;
    for (const k of ["bandwidthGBs", "peakPercent", "readLatencyNs", "rowHitRate", "refreshShare", "cycles", "seconds"]) expect(j, k).to.have.property(k);
    expect(j["pattern"]).to.equal("stride:3");
    expect(j["requests"]).to.equal(3000);
    expect(j["protocolViolations"]).to.equal(0);
    expect(j["readsChecked"]).to.equal(j["reads"]);
    const lat = j["readLatencyNs"] as Record<string, number>;
    expect(lat["p50"]).to.be.at.most(lat["p99"]!);
  });

  it("prints a readable summary without --json", async () => {
    const { out } = await capture(["--pattern", "random", "--requests", "500"]);
    expect(out).to.match(/% of 12.8 GB\/s/).and.match(/p99/);
  });

  it("rejects bad arguments", async () => {
    for (const argv of [["--pattern", "zigzag"], ["--mix", "3"], ["--policy", "lazy"], ["--mapping", "RoXx"], ["--requests", "0"]]) {
      let err: unknown;
      try {
        await capture(argv);
      } catch (e) {
        err = e;
      }
      expect(err, argv.join(" ")).to.be.instanceOf(UsageError);
    }
  });
});
