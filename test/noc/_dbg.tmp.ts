import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";
import { NocTb } from "./tb.ts";
const tb = new NocTb({ width: 4, height: 3, router: { ...DEFAULT_ROUTER, vcs: 4, bufDepth: 3, vnets: 2 }, edgeNodes: true }, 7);
const r = tb.rng;
const sent: string[] = [];
for (let k = 0; k < 1500; k++) {
  const src = r.int(0, tb.nodes - 1), dst = r.int(0, tb.nodes - 1), len = r.int(1, 6), vn = r.int(0, 1);
  const p = tb.send(src, dst, len, vn);
  if (dst === 14) sent.push(`${src}>${dst} v${vn} len${len} #${p.seq} data0=${(await import("./tb.ts")).flitData(p,0)}`);
}
try { tb.drain(40000); console.log("ok", tb.delivered); } catch (e) { console.log(String(e), tb.delivered, "cycle", tb.sim.cycle);
  const e2 = tb.ports[14]!; console.log("ej src", tb.sim.peek(e2.ej_src) & 1023, "data", tb.sim.peek(e2.ej_data), "ctl", (tb.sim.peek(e2.ej_ctl)>>>0).toString(16));
  console.log(sent.filter(s => s.startsWith("14>")).join("\n"));
  console.log(tb.mesh.nodes[14], tb.mesh.nodeOf(96));
}
