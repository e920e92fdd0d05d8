import { buildExperiment } from "../../hw/noc/experiment.ts";
import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";
const { sim } = buildExperiment({ width: 8, height: 8, router: DEFAULT_ROUTER, pattern: { name: "uniform" }, rate: 0, packetSize: 1, seed: 1, warmup: 3000, measure: 10000 });
const d = sim.design;
console.log("signals", d.signals.length, "nets", d.nets.length, "narrowRegs", d.storage.narrowRegs, "seq", d.seq.length, "comb", d.comb.length);
// time the seq runners only vs full step
const runners = (sim as any).seqRunners as (() => void)[];
console.log("runners", runners.length);
for (let rep = 0; rep < 3; rep++) {
let c0 = process.cpuUsage();
for (let i = 0; i < 20000; i++) for (const r of runners) r();
let c = process.cpuUsage(c0); console.log("seq only us/cycle", ((c.user + c.system) / 20000).toFixed(2));
c0 = process.cpuUsage();
sim.step(20000);
c = process.cpuUsage(c0); console.log("step us/cycle", ((c.user + c.system) / 20000).toFixed(2));
}
