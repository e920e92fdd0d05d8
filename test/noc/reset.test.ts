/**
 * A synchronous reset in the middle of loaded traffic puts every router, NI and traffic
 * endpoint back in its reset state (nothing held, client-side registers at their initial
 * values, statistics cleared), and the same traffic then runs again cycle for cycle as after
 * the first reset, with both engines and with two threads.
 */
import { expect } from "chai";
import { buildExperiment } from "../../hw/noc/experiment.ts";
import { DEFAULT_ROUTER } from "../../hw/noc/params.ts";

for (const [engine, threads] of [["wasm", 1], ["js", 1], ["wasm", 2]] as const) {
  describe(`noc: reset under load (${engine} engine, ${threads} thread${threads > 1 ? "s" : ""})`, () => {
    it("a 4x4 mesh at 0.4 packets/node/cycle is reset to its initial state and replays its traffic", () => {
      const { top, sim } = buildExperiment({
        width: 4, height: 4, router: { ...DEFAULT_ROUTER, vcs: 4, bufDepth: 4, engine, threads }, pattern: { name: "uniform" }, rate: 0.4,
        packetSize: 3, seed: 9, warmup: 0, measure: 1 << 20,
      });
      // the ejected flits of the first 300 cycles after a reset, as text
      const run = (): string[] => {
        const seen: string[] = [];
        const stop = sim.onCycle(() => {
          top.endpoints.forEach((e, n) => {
            const p = e.ports;
            if ((p.ej_ctl.value & 1) !== 0) seen.push(`${n}:${p.ej_ctl.value}:${p.ej_data.value}:${p.ej_at.value}`);
          });
        });
        sim.step(300);
        stop();
        return seen;
      };
      const first = run();
      expect(first.length).to.be.greaterThan(500);
      expect(top.mesh.flitsInNetwork(), "flits in flight before the reset").to.be.greaterThan(0);
      sim.reset();
      expect(top.mesh.flitsInNetwork()).to.equal(0);
      for (const ni of top.mesh.nis[0]!) {
        expect(ni.inj_ready.value, `${ni.path}.inj_ready`).to.equal(1);
        expect(ni.ej_ctl.value, `${ni.path}.ej_ctl`).to.equal(0);
        expect(ni.ej_data.value, `${ni.path}.ej_data`).to.equal(0);
      }
      for (const e of top.endpoints) {
        expect([e.created.value, e.received.value, e.accepted.value, e.platMax.value, e.platMin.value]).to.deep.equal([0, 0, 0, 0, 0xffffffff]);
        expect(e.ports.inj_ctl.value, `${e.path}: nothing offered`).to.equal(0);
      }
      expect(top.mesh.firstError()).to.equal(null);
      expect(run()).to.deep.equal(first);
    });
  });
}
