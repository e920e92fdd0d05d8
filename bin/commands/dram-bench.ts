/**
 * `tsrtl dram-bench`: drives one simulated LPDDR5 channel (controller + device + protocol
 * checker) with generated traffic and reports bandwidth, latency, row-hit rate and refresh
 * share. Every read is checked against the data written; a protocol violation fails the run.
 */
import { UsageError, intOption, optionValue, parseArgs } from "../command.ts";

export const summary = "LPDDR5 channel benchmark: --pattern seq|random|stride[:N] --mix R:W --requests N [--json]";

const USAGE = `usage: tsrtl dram-bench [options]
  --pattern P        seq | random | stride[:N] (N in 32-B blocks, default 64)   (default seq)
  --mix R:W          read:write ratio, e.g. 1:0, 2:1, 1:1                        (default 1:0)
  --requests N       32-B requests to issue                                       (default 100000)
  --mapping M        address map: RoBaRaCoBgCh (default), RoBaRaCoCh, ChRaBaRoCo, RoCoBaRaCh, ...
  --bank-xor         XOR the bank number with the low row bits
  --policy P         open | closed page policy                                    (default open)
  --scheduler S      frfcfs | fcfs                                                (default frfcfs)
  --refresh R        allbank | perbank | none                                     (default allbank)
  --sizes LIST       transfer sizes in bursts, e.g. 1,2,4                         (default 1)
  --footprint N      random addresses within the first N blocks of the channel    (default: all 4 GiB)
  --seed S           random seed                                                  (default 1)
  --json             one JSON object on stdout`;

function parsePattern(p: string): { pattern: "seq" | "random" | "stride"; stride: number } {
  const m = /^(seq|random|stride)(?::(\d+))?$/.exec(p);
  if (!m || (m[2] !== undefined && m[1] !== "stride")) throw new UsageError(`--pattern: expected seq, random or stride[:N], got '${p}'`);
  const stride = m[2] === undefined ? 64 : parseInt(m[2], 10);
  if (stride < 1) throw new UsageError("--pattern stride:N needs N >= 1");
  return { pattern: m[1] as "seq" | "random" | "stride", stride };
}

function parseMix(s: string): number {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(s);
  if (!m) throw new UsageError(`--mix: expected R:W (e.g. 2:1), got '${s}'`);
  const r = parseFloat(m[1]!), w = parseFloat(m[2]!);
  if (r + w <= 0) throw new UsageError("--mix: R + W must be positive");
  return r / (r + w);
}

function oneOf<T extends string>(key: string, v: string | undefined, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${key}: expected ${allowed.join(" | ")}, got '${v}'`);
  return v as T;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    flags: ["--json", "--help", "--bank-xor"],
    values: ["--pattern", "--mix", "--requests", "--mapping", "--policy", "--seed", "--scheduler", "--refresh", "--sizes", "--footprint"],
    aliases: { "-h": "--help" },
  });
  if (args.options.has("--help")) {
    console.log(USAGE);
    return 0;
  }
  if (args.positional.length > 0) throw new UsageError(`dram-bench takes no positional arguments (got '${args.positional[0]}')`);
  const { pattern, stride } = parsePattern(optionValue(args, "--pattern") ?? "seq");
  const readFraction = parseMix(optionValue(args, "--mix") ?? "1:0");
  const requests = intOption(args, "--requests", 100000);
  if (requests < 1) throw new UsageError("--requests must be >= 1");
  const seed = intOption(args, "--seed", 1);
  const policy = oneOf("--policy", optionValue(args, "--policy"), ["open", "closed"] as const, "open");
  const scheduler = oneOf("--scheduler", optionValue(args, "--scheduler"), ["frfcfs", "fcfs"] as const, "frfcfs");
  const refresh = oneOf("--refresh", optionValue(args, "--refresh"), ["allbank", "perbank", "none"] as const, "allbank");
  const sizesText = optionValue(args, "--sizes") ?? "1";
  const sizes = sizesText.split(",").map((x) => {
    const n = /^\d+$/.test(x) ? parseInt(x, 10) : NaN;
    if (!(n >= 1 && n <= 64)) throw new UsageError(`--sizes: expected a list of burst counts 1..64, got '${sizesText}'`);
    return n;
  });
  const footprintText = optionValue(args, "--footprint");
  const footprint = footprintText === undefined ? undefined : intOption(args, "--footprint", 0);
  const mapping = optionValue(args, "--mapping");

  const { Lpddr5Channel } = await import("../../hw/memory/lpddr5-channel.ts");
  const { TrafficDriver } = await import("../../hw/memory/dram-traffic.ts");
  const { Rng } = await import("../../verif/random/rng.ts");
  let ch;
  try {
    ch = new Lpddr5Channel(null, "ch", {
      pagePolicy: policy,
      scheduler,
      refresh,
      map: { ...(mapping === undefined ? {} : { mapping }), bankXor: args.options.has("--bank-xor") },
    });
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const driver = new TrafficDriver(ch);
  const t0 = performance.now();
  const r = driver.run({ pattern, stride, readFraction, requests, sizes, ...(footprint === undefined ? {} : { footprint }) }, new Rng(seed));
  const seconds = (performance.now() - t0) / 1000;
  const round = (x: number, d = 3): number => +x.toFixed(d);
  const out = {
    pattern: pattern === "stride" ? `stride:${stride}` : pattern,
    mix: optionValue(args, "--mix") ?? "1:0",
    requests: r.requests,
    reads: r.reads,
    writes: r.writes,
    mapping: ch.ctrl.map.mapping + (ch.ctrl.map.bankXor ? "+xor" : ""),
    policy,
    scheduler,
    refresh,
    seed,
    bandwidthGBs: round(r.bandwidthGBs),
    peakGBs: 12.8,
    peakPercent: round(r.peakPercent, 2),
    readLatencyNs: { avg: round(r.latencyAvgNs, 2), p50: round(r.latencyP50Ns, 2), p99: round(r.latencyP99Ns, 2), max: round(r.latencyMaxNs, 2) },
    rowHitRate: round(r.rowHitRate, 4),
    refreshShare: round(r.refreshShare, 4),
    refreshes: r.refreshes,
    readsChecked: r.readsChecked,
    protocolViolations: r.violations,
    cycles: r.cycles,
    seconds: round(seconds, 3),
    cyclesPerSecond: Math.round(r.cycles / seconds),
  };
  if (args.options.has("--json")) {
    console.log(JSON.stringify(out));
  } else {
    console.log(`LPDDR5-6400 x16 channel, ${out.mapping}, ${policy}-page, ${scheduler}, ${refresh} refresh`);
    console.log(`${out.pattern} ${out.mix}: ${r.requests} requests (${r.reads} reads, ${r.writes} writes) in ${r.cycles} cycles`);
    console.log(`bandwidth   ${out.bandwidthGBs} GB/s = ${out.peakPercent}% of 12.8 GB/s`);
    console.log(`read lat.   avg ${out.readLatencyNs.avg} ns, p50 ${out.readLatencyNs.p50} ns, p99 ${out.readLatencyNs.p99} ns`);
    console.log(`row hits    ${(100 * r.rowHitRate).toFixed(2)}%   refresh share ${(100 * r.refreshShare).toFixed(2)}%   violations ${r.violations}`);
    console.log(`simulated   ${seconds.toFixed(3)} s, ${out.cyclesPerSecond} cycles/s`);
  }
  return 0;
}
