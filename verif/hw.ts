/**
 * Glue between a test and the RTL kernel's simulator:
 *
 *   const sim = attach(ctx, new Simulator(top), { toggle: ["top"], fsm: true });
 *
 * - checks `ctx.assertions` after every cycle (not while reset is asserted);
 * - toggle coverage of the given scopes and FSM coverage of registers declared with `fsm`;
 * - when the runner re-runs a failing seed, dumps the VCD window it asks for;
 * - tells the runner the current cycle, so failures are reported with it.
 */
import { Bits, type Simulator } from "../hw/rtl/index.ts";
import { FsmCoverage } from "./coverage/fsm.ts";
import { ToggleCoverage } from "./coverage/toggle.ts";
import type { TestContext } from "./runner/suite.ts";

export interface AttachOptions {
  /** Module paths whose signals get toggle coverage (none by default). */
  toggle?: readonly string[];
  /** Signals to leave out of toggle coverage (e.g. /\.reset$/). */
  toggleExclude?: RegExp;
  /** FSM coverage for every register declared with `fsm` (default true). */
  fsm?: boolean;
  /** Legal arcs per FSM register path; without an entry, every arc between two states is a bin. */
  fsmArcs?: Readonly<Record<string, readonly (readonly [string, string])[]>>;
  /**
   * When to check `ctx.assertions`: "onCycle" (default) after each clock edge, or "manual" when
   * a `Bench` checks them in its sample phase (inputs for the cycle poked, values settled).
   */
  assertions?: "onCycle" | "manual";
}

export function attach(ctx: TestContext, sim: Simulator, opts: AttachOptions = {}): Simulator {
  const signals = sim.signals();
  const toggles = (opts.toggle ?? []).map((scope) => new ToggleCoverage(scope, signals, opts.toggleExclude));
  toggles.forEach((t) => ctx.coverage.add(t));
  const fsms: FsmCoverage[] = [];
  if (opts.fsm ?? true)
    for (const s of signals)
      if (s.fsm !== undefined && s.handle instanceof Bits) {
        const f = new FsmCoverage(s.handle, s.fsm, opts.fsmArcs?.[s.path]);
        ctx.coverage.add(f);
        fsms.push(f);
      }
  const a = ctx.assertions;
  const checkHere = (opts.assertions ?? "onCycle") === "onCycle";
  const rst = sim.top.reset;
  let inReset = -1;
  sim.onCycle(() => {
    for (let i = 0; i < toggles.length; i++) toggles[i]!.sample();
    const r = rst.value;
    if (r === 0) for (let i = 0; i < fsms.length; i++) fsms[i]!.sample();
    if (!checkHere) return;
    if (r !== inReset) {
      inReset = r;
      a.setEnabled(r === 0);
    }
    if (a.size > 0) a.check(sim.cycle);
  });
  ctx.cycleProbe = () => sim.cycle;
  if (ctx.vcd !== undefined) {
    sim.trace(ctx.vcd, ctx.vcdWindow === undefined ? {} : { window: ctx.vcdWindow });
    ctx.cleanups.push(() => sim.close());
  }
  return sim;
}
