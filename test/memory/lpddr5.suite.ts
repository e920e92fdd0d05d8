/**
 * Regression suite for one LPDDR5 channel: `tsrtl regress lpddr5 --seeds 1..1000`. Each seed
 * picks a controller configuration and a traffic mix, runs it with data checking (the
 * protocol checker inside the channel fails the seed at the first violation) and records
 * coverage of the configurations and of the commands issued.
 */
import { Lpddr5Channel, type Lpddr5ChannelOptions } from "../../hw/memory/lpddr5-channel.ts";
import { TrafficDriver } from "../../hw/memory/dram-traffic.ts";
import { CMD_NAMES } from "../../hw/memory/lpddr5-timing.ts";
import { defineSuite, type TestContext } from "../../verif/index.ts";

const MAPPINGS = ["RoBaRaCoBgCh", "RoBaRaCoCh", "ChRaBaRoCo", "RoCoBaRaCh"];

function randomTraffic(ctx: TestContext, requests: number): void {
  const rng = ctx.rng;
  const scheduler = rng.pick(["frfcfs", "fcfs"] as const);
  const pagePolicy = rng.pick(["open", "closed"] as const);
  const refresh = rng.pick(["allbank", "perbank"] as const);
  const mapping = rng.int(0, MAPPINGS.length - 1);
  const bankXor = rng.bool(0.5);
  const options: Lpddr5ChannelOptions = { scheduler, pagePolicy, refresh, map: { mapping: MAPPINGS[mapping]!, bankXor } };
  const pattern = rng.pick(["seq", "random", "stride"] as const);
  const readFraction = rng.pick([1, 0.8, 0.5, 0.2]);
  ctx.log(`config ${JSON.stringify(options)} pattern ${pattern} reads ${readFraction}`);
  const ch = new Lpddr5Channel(null, "ch", options);
  const r = new TrafficDriver(ch).run(
    { pattern, stride: rng.int(1, 5000), readFraction, requests, sizes: [1, 2, 4], partialWrites: 0.2, footprint: 1 << rng.int(8, 20), responseStall: rng.pick([0, 0.1, 0.5]) },
    rng.fork("traffic"),
  );
  if (r.readsChecked !== r.reads) throw new Error(`only ${r.readsChecked} of ${r.reads} reads checked`);
  const cg = ctx.coverage.group("lpddr5_channel");
  cg.coverpoint("scheduler", { bins: { frfcfs: 0, fcfs: 1 } });
  cg.coverpoint("policy", { bins: { open: 0, closed: 1 } });
  cg.coverpoint("refresh", { bins: { allbank: 0, perbank: 1 } });
  cg.coverpoint("mapping", { bins: { RoBaRaCoBgCh: 0, RoBaRaCoCh: 1, ChRaBaRoCo: 2, RoCoBaRaCh: 3 } });
  cg.coverpoint("bank_xor", { bins: { off: 0, on: 1 } });
  cg.sampleValues({ scheduler: scheduler === "fcfs" ? 1 : 0, policy: pagePolicy === "closed" ? 1 : 0, refresh: refresh === "perbank" ? 1 : 0, mapping, bank_xor: bankXor ? 1 : 0 });
  const cmds = ctx.coverage.group("lpddr5_commands");
  const bins: Record<string, number> = {};
  for (let c = 1; c < CMD_NAMES.length; c++) bins[CMD_NAMES[c]!] = c;
  // Per-bank refresh and all-bank refresh are exclusive per seed; both are bins of the group.
  cmds.coverpoint("cmd", { bins });
  for (let c = 1; c < CMD_NAMES.length; c++) if (ch.checker.commandCounts[c]! > 0) cmds.sampleValues({ cmd: c });
}

export default defineSuite({
  description: "LPDDR5 channel: random configurations and traffic, data checking, protocol checker",
  tests: [
    { name: "random_traffic", run: (ctx) => randomTraffic(ctx, 20000) },
  ],
});
