/**
 * Directed tests of the LPDDR5 protocol checker: for every timing constraint, a command
 * sequence that meets it exactly passes, and the same sequence with one command a cycle early
 * is caught with the right constraint, cycle, command and bank. Then controllers built with a
 * deliberately wrong timing are caught in a full channel.
 */
import { expect } from "chai";
import { Simulator } from "../../hw/rtl/index.ts";
import { Cmd, LPDDR5_6400, withTiming, type Lpddr5Timing } from "../../hw/memory/lpddr5-timing.ts";
import { Lpddr5ProtocolChecker, ProtocolViolation, RULES, type ViolationInfo } from "../../hw/memory/protocol-checker.ts";
import { Lpddr5Channel } from "../../hw/memory/lpddr5-channel.ts";
import { TrafficDriver } from "../../hw/memory/dram-traffic.ts";
import { Rng } from "../../verif/index.ts";

type Step = [cycle: number, cmd: number, bank: number, row?: number];

function runChecker(steps: Step[], timing: Lpddr5Timing = LPDDR5_6400, refresh: "allbank" | "perbank" | "none" = "none", extra = 0): ViolationInfo[] {
  const top = new Lpddr5ProtocolChecker(null, "chk", { timing, refresh, fatal: false });
  const sim = new Simulator(top);
  sim.reset(2);
  const last = steps.reduce((m, s) => Math.max(m, s[0]), 0) + extra;
  let i = 0;
  const sorted = [...steps].sort((a, b) => a[0] - b[0]);
  for (let c = 0; c <= last; c++) {
    const s = sorted[i];
    if (s !== undefined && s[0] === c) {
      sim.poke(top.cmd, s[1]);
      sim.poke(top.cmd_bank, s[2]);
      sim.poke(top.cmd_row, s[3] ?? 7);
      i++;
    } else {
      sim.poke(top.cmd, 0);
    }
    sim.step(1);
  }
  return top.violations;
}

const T = LPDDR5_6400;
const { ACT, PRE, PREA, RD, WR, RDA, WRA, REFAB, REFPB } = Cmd;

interface Case {
  constraint: string;
  timing?: Lpddr5Timing;
  /** The sequence with the last command at the earliest legal cycle + `d` (d = -1 violates). */
  seq(d: number): Step[];
}

const cases: Case[] = [
  { constraint: "nRCD", seq: (d) => [[0, ACT, 0], [T.nRCD + d, RD, 0]] },
  { constraint: "nRCD", seq: (d) => [[0, ACT, 5], [T.nRCD + d, WR, 5]] },
  { constraint: "nRAS", seq: (d) => [[0, ACT, 0], [T.nRAS + d, PRE, 0]] },
  { constraint: "nRAS", seq: (d) => [[0, ACT, 3], [T.nRAS + d, PREA, 0]] },
  { constraint: "nRC", timing: withTiming(T, { nRP: 5 }), seq: (d) => [[0, ACT, 0], [T.nRAS, PRE, 0], [T.nRC + d, ACT, 0]] },
  { constraint: "nRP", seq: (d) => [[0, ACT, 0], [40, PRE, 0], [40 + T.nRP + d, ACT, 0]] },
  { constraint: "nRPab", seq: (d) => [[0, ACT, 0], [40, PREA, 0], [40 + T.nRPab + d, ACT, 0]] },
  { constraint: "nRRD", seq: (d) => [[0, ACT, 0], [T.nRRD + d, ACT, 1]] },
  {
    constraint: "nFAW",
    timing: withTiming(T, { nRRD: 2 }),
    seq: (d) => [[0, ACT, 0], [2, ACT, 1], [4, ACT, 2], [6, ACT, 3], [T.nFAW + d, ACT, 4]],
  },
  { constraint: "nRTP", seq: (d) => [[0, ACT, 0], [30, RD, 0], [30 + T.nRTP + d, PRE, 0]] },
  { constraint: "nWR", seq: (d) => [[0, ACT, 0], [15, WR, 0], [15 + T.nCWL + T.nBL + T.nWR + d, PRE, 0]] },
  { constraint: "nCCD_L", seq: (d) => [[0, ACT, 0], [4, ACT, 4], [20, RD, 0], [20 + T.nCCD_L + d, RD, 4]] },
  { constraint: "nCCD_L", seq: (d) => [[0, ACT, 0], [20, WR, 0], [20 + T.nCCD_L + d, WR, 0]] },
  { constraint: "nCCD_S", seq: (d) => [[0, ACT, 0], [4, ACT, 1], [20, RD, 0], [20 + T.nCCD_S + d, RD, 1]] },
  { constraint: "nCCD_S", seq: (d) => [[0, ACT, 0], [4, ACT, 1], [20, WR, 0], [20 + T.nCCD_S + d, WR, 1]] },
  { constraint: "nBL", timing: withTiming(T, { nCCD_S: 1 }), seq: (d) => [[0, ACT, 0], [4, ACT, 1], [20, RD, 0], [20 + T.nBL + d, RD, 1]] },
  { constraint: "nWTR_L", seq: (d) => [[0, ACT, 0], [15, WR, 0], [15 + T.nCWL + T.nBL + T.nWTR_L + d, RD, 0]] },
  { constraint: "nWTR_S", seq: (d) => [[0, ACT, 0], [4, ACT, 1], [20, WR, 0], [20 + T.nCWL + T.nBL + T.nWTR_S + d, RD, 1]] },
  { constraint: "RD->WR", seq: (d) => [[0, ACT, 0], [15, RD, 0], [15 + T.nCL + T.nBL + T.nRTW - T.nCWL + d, WR, 0]] },
  { constraint: "nPPD", seq: (d) => [[0, ACT, 0], [4, ACT, 1], [40, PRE, 0], [40 + T.nPPD + d, PRE, 1]] },
  // Auto-precharge: the bank closes at RDA + nRTP (or WRA + nCWL + nBL + nWR), then needs nRP.
  { constraint: "nRP", seq: (d) => [[0, ACT, 0], [40, RDA, 0], [40 + T.nRTP + T.nRP + d, ACT, 0]] },
  { constraint: "nRP", seq: (d) => [[0, ACT, 0], [15, WRA, 0], [15 + T.nCWL + T.nBL + T.nWR + T.nRP + d, ACT, 0]] },
  { constraint: "nRP", seq: (d) => [[0, ACT, 0], [40, PRE, 0], [40 + T.nRP + d, REFAB, 0]] },
  { constraint: "nRFCab", seq: (d) => [[0, REFAB, 0], [T.nRFCab + d, ACT, 2]] },
  { constraint: "nRFCab", seq: (d) => [[0, REFAB, 0], [T.nRFCab + d, REFAB, 0]] },
  { constraint: "nRFCpb", seq: (d) => [[0, REFPB, 3], [T.nRFCpb + d, ACT, 3]] },
  { constraint: "nPBR2PBR", seq: (d) => [[0, REFPB, 0], [T.nPBR2PBR + d, REFPB, 1]] },
  { constraint: "nPBR2ACT", seq: (d) => [[0, REFPB, 0], [T.nPBR2ACT + d, ACT, 1]] },
  { constraint: "nRRD", seq: (d) => [[0, ACT, 0], [T.nRRD + d, REFPB, 1]] },
];


describe("LPDDR5 protocol checker: directed timing violations", () => {
  for (const [i, c] of cases.entries()) {
    const steps = c.seq(0);
    const lastStep = steps[steps.length - 1]!;
    it(`${c.constraint} (#${i}): exact timing passes, one cycle early is caught`, () => {
      expect(runChecker(c.seq(0), c.timing)).to.deep.equal([]);
      const v = runChecker(c.seq(-1), c.timing);
      expect(v.length, JSON.stringify(v)).to.be.greaterThan(0);
      expect(v[0]!.constraint).to.equal(c.constraint);
      expect(v[0]!.cycle).to.equal(lastStep[0] - 1);
      expect(v[0]!.bank).to.equal(lastStep[2]);
      expect(v[0]!.message).to.contain(c.constraint).and.contain(`cycle ${lastStep[0] - 1}`);
    });
  }

  it("every rule of the constraint table has a directed test", () => {
    const tested = new Set(cases.map((c) => c.constraint));
    tested.add("bank state").add("nREFI");
    for (const r of RULES) expect(tested.has(r.name), r.name).to.equal(true);
  });

  it("bank state: column command to a closed bank, ACT to an open bank, refresh with a bank open", () => {
    expect(runChecker([[0, RD, 2]])[0]!.constraint).to.equal("bank state");
    expect(runChecker([[0, ACT, 2], [60, ACT, 2]])[0]!.constraint).to.equal("bank state");
    expect(runChecker([[0, ACT, 2], [60, REFAB, 0]])[0]!.constraint).to.equal("bank state");
    expect(runChecker([[0, ACT, 2], [60, REFPB, 2]])[0]!.constraint).to.equal("bank state");
    expect(runChecker([[0, ACT, 2], [34, RDA, 2], [60, WR, 2]])[0]!.constraint).to.equal("bank state");
  });

  it("nREFI: more than 8 postponed refreshes fail the run", () => {
    const gap = 9 * T.nREFI;
    expect(runChecker([[gap - 1, REFAB, 0]], T, "allbank", 10)).to.deep.equal([]);
    const v = runChecker([[gap + 5, REFAB, 0]], T, "allbank");
    expect(v[0]!.constraint).to.equal("nREFI");
  });

  it("throws ProtocolViolation when fatal", () => {
    const top = new Lpddr5ProtocolChecker(null, "chk", { refresh: "none" });
    const sim = new Simulator(top);
    sim.reset(2);
    sim.poke(top.cmd, ACT);
    sim.step(1);
    sim.poke(top.cmd, RD);
    expect(() => sim.step(1)).to.throw(ProtocolViolation, /cycle 1: RD to bank 0 violates nRCD/);
  });
});

describe("LPDDR5 protocol checker catches mis-timed controllers", () => {
  const wrong: [string, Partial<Lpddr5Timing>, string][] = [
    ["nRCD", { nRCD: 14 }, "nRCD"],
    ["nRP", { nRP: 13 }, "nRP"],
    ["nCCD_L", { nCCD_L: 3 }, "nCCD_L"],
    ["nWTR_S", { nWTR_S: 2 }, "nWTR_S"],
    ["nRFCab", { nRFCab: 120 }, "nRFCab"],
    ["nRAS", { nRAS: 20 }, "nRAS"],
  ];
  for (const [what, timing, constraint] of wrong) {
    it(`controller with a short ${what}`, () => {
      const ch = new Lpddr5Channel(null, "ch", { timing: withTiming(T, timing), checkerTiming: T });
      const drv = new TrafficDriver(ch);
      let caught: unknown;
      try {
        drv.run({ pattern: "random", readFraction: 0.6, requests: 6000, footprint: 1 << 14, sizes: [1, 2] }, new Rng(7));
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(ProtocolViolation);
      expect((caught as ProtocolViolation).info.constraint).to.equal(constraint);
    });
  }
});
