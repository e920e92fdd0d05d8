/**
 * `tsrtl noc-sweep`: latency / throughput against offered load on the mesh NoC, measured the
 * way BookSim2 does (warm-up, measurement window, drain). One JSON object per rate with --json.
 */
import { writeFileSync } from "node:fs";
import { intOption, optionValue, parseArgs, UsageError } from "../command.ts";
import { runExperiment, type ExperimentResult } from "../../hw/noc/experiment.ts";
import { DEFAULT_ROUTER, type AllocKind, type RouterParams } from "../../hw/noc/params.ts";
import { PATTERNS, type PatternName } from "../../hw/noc/traffic.ts";

export const summary = "sweep offered load on the mesh NoC (latency, throughput, hops; BookSim2-style measurement)";

const USAGE = `usage: tsrtl noc-sweep --pattern uniform --rates 0.05,0.1,0.2 [--size 8x8] [--vcs 16] [--buf 8]
  [--packet-size 1] [--alloc islip|rr] [--iters 2] [--routing-delay 0] [--va-delay 1] [--sa-delay 1]
  [--st-delay 1] [--credit-delay 2] [--wait-tail-credit | --no-wait-tail-credit] [--link-latency 1]
  [--warmup 3000] [--cycles 10000] [--seed 1] [--hotspots 0,9] [--threads 1|2] [--json] [--plot out.svg]
  --threads 2: a second thread steps routers (same cycles, faster on two idle cores)`;

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, {
    flags: ["--json", "--wait-tail-credit", "--no-wait-tail-credit", "--help"],
    values: ["--pattern", "--rates", "--size", "--vcs", "--buf", "--packet-size", "--alloc", "--iters", "--routing-delay", "--va-delay", "--sa-delay", "--st-delay", "--credit-delay", "--link-latency", "--cycles", "--warmup", "--seed", "--plot", "--hotspots", "--threads"],
  });
  if (a.options.has("--help")) {
    console.log(USAGE);
    return 0;
  }
  const pattern = (optionValue(a, "--pattern") ?? "uniform") as PatternName;
  if (!PATTERNS.includes(pattern)) throw new UsageError(`unknown pattern '${pattern}' (have ${PATTERNS.join(", ")})`);
  const ratesText = optionValue(a, "--rates");
  if (ratesText === undefined) throw new UsageError(USAGE);
  const rates = ratesText.split(",").map((s) => Number(s));
  if (rates.some((r) => !(r >= 0 && r <= 1))) throw new UsageError(`--rates: each rate must be in [0, 1], got '${ratesText}'`);
  const size = optionValue(a, "--size") ?? "8x8";
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) throw new UsageError(`--size: expected WxH, got '${size}'`);
  const alloc = (optionValue(a, "--alloc") ?? "islip") as AllocKind;
  if (alloc !== "islip" && alloc !== "rr") throw new UsageError(`--alloc: islip or rr, got '${alloc}'`);
  const iters = intOption(a, "--iters", 2);
  const router: RouterParams = {
    ...DEFAULT_ROUTER,
    vcs: intOption(a, "--vcs", DEFAULT_ROUTER.vcs),
    bufDepth: intOption(a, "--buf", DEFAULT_ROUTER.bufDepth),
    vcAlloc: alloc,
    swAlloc: alloc,
    vcIters: iters,
    swIters: iters,
    routingDelay: intOption(a, "--routing-delay", DEFAULT_ROUTER.routingDelay),
    vaDelay: intOption(a, "--va-delay", DEFAULT_ROUTER.vaDelay),
    saDelay: intOption(a, "--sa-delay", DEFAULT_ROUTER.saDelay),
    stDelay: intOption(a, "--st-delay", DEFAULT_ROUTER.stDelay),
    creditDelay: intOption(a, "--credit-delay", DEFAULT_ROUTER.creditDelay),
    linkLatency: intOption(a, "--link-latency", DEFAULT_ROUTER.linkLatency),
    waitTailCredit: !a.options.has("--no-wait-tail-credit"),
    threads: intOption(a, "--threads", 1) as 1 | 2,
  };
  const hotspots = optionValue(a, "--hotspots")?.split(",").map(Number);
  const results: (ExperimentResult & { seconds: number })[] = [];
  for (const rate of rates) {
    const t0 = performance.now();
    let r: ExperimentResult;
    try {
      r = runExperiment({
        width: Number(m[1]),
        height: Number(m[2]),
        router,
        pattern: { name: pattern, hotspots },
        rate,
        packetSize: intOption(a, "--packet-size", 1),
        seed: intOption(a, "--seed", 1),
        warmup: intOption(a, "--warmup", 3000),
        measure: intOption(a, "--cycles", 10000),
      });
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    const seconds = (performance.now() - t0) / 1000;
    const row = { ...r, seconds: +seconds.toFixed(3) };
    results.push(row);
    const round = (x: number, d = 3): number => (Number.isFinite(x) ? +x.toFixed(d) : x);
    if (a.options.has("--json")) {
      console.log(JSON.stringify({
        rate, latency: round(r.latency), networkLatency: round(r.networkLatency), accepted: round(r.accepted, 4), hops: round(r.hops),
        cycles: r.cycles, seconds: row.seconds, minLatency: r.minLatency, maxLatency: r.maxLatency, packets: r.packets, stable: r.stable,
        pattern, size,
      }));
    } else {
      console.log(`rate ${rate.toFixed(3)}  latency ${round(r.latency, 2)}  network ${round(r.networkLatency, 2)}  accepted ${round(r.accepted, 4)}  hops ${round(r.hops, 2)}  ${r.stable ? "" : "(unstable) "}${r.cycles} cycles ${row.seconds}s`);
    }
  }
  const plot = optionValue(a, "--plot");
  if (plot !== undefined) writeFileSync(plot, svgPlot(results, `${pattern} ${size}, ${router.vcs} VCs x ${router.bufDepth}, ${alloc}`));
  return 0;
}

/** BookSim2 reference points of the issue-5 configuration (uniform 8x8). */
export const BOOKSIM_UNIFORM_8X8 = [
  { rate: 0.01, latency: 26.8 },
  { rate: 0.2, latency: 27.8 },
  { rate: 0.3, latency: 29.1 },
  { rate: 0.4, latency: 37.4 },
];

/** Latency against offered load, as a small standalone SVG. */
export function svgPlot(points: { rate: number; latency: number; stable: boolean }[], title: string, reference = BOOKSIM_UNIFORM_8X8): string {
  const W = 640, H = 420, L = 60, R = 20, T = 40, B = 50;
  const pts = points.filter((p) => p.stable && Number.isFinite(p.latency));
  const xmax = Math.max(0.5, ...points.map((p) => p.rate)) * 1.05;
  const ymax = Math.max(60, ...pts.map((p) => p.latency), ...reference.map((r) => r.latency)) * 1.1;
  const X = (r: number): number => L + (r / xmax) * (W - L - R);
  const Y = (l: number): number => H - B - (l / ymax) * (H - T - B);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`);
  out.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`);
  for (let i = 0; i <= 5; i++) {
    const r = (xmax / 5) * i;
    const l = (ymax / 5) * i;
    out.push(`<text x="${X(r)}" y="${H - B + 18}" text-anchor="middle">${r.toFixed(2)}</text>`);
    out.push(`<text x="${L - 8}" y="${Y(l) + 4}" text-anchor="end">${l.toFixed(0)}</text>`);
    out.push(`<line x1="${L}" y1="${Y(l)}" x2="${W - R}" y2="${Y(l)}" stroke="#eee"/>`);
  }
  out.push(`<text x="${W / 2}" y="${H - 12}" text-anchor="middle">offered load (packets/node/cycle)</text>`);
  out.push(`<text x="16" y="${H / 2}" text-anchor="middle" transform="rotate(-90 16 ${H / 2})">average packet latency (cycles)</text>`);
  if (pts.length > 0) out.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${pts.map((p) => `${X(p.rate).toFixed(1)},${Y(p.latency).toFixed(1)}`).join(" ")}"/>`);
  for (const p of pts) out.push(`<circle cx="${X(p.rate).toFixed(1)}" cy="${Y(p.latency).toFixed(1)}" r="3.5" fill="#1f77b4"/>`);
  for (const r of reference) out.push(`<rect x="${(X(r.rate) - 4).toFixed(1)}" y="${(Y(r.latency) - 4).toFixed(1)}" width="8" height="8" fill="none" stroke="#d62728" stroke-width="2"/>`);
  out.push(`<text x="${L + 10}" y="${T + 10}" fill="#1f77b4">&#9679; tsrtl</text><text x="${L + 10}" y="${T + 26}" fill="#d62728">&#9633; BookSim2 (issue 5)</text>`);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
