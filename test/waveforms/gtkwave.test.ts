// Opens a dumped VCD and its .gtkw in the real GTKWave, headless under xvfb, and checks what
// GTKWave loaded through its Tcl API. Fails (never skips) when gtkwave or xvfb-run is missing.
import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeGtkw, writeTranslateFile } from "../../waveforms/gtkw.ts";
import { VcdWriter } from "../../waveforms/vcd-writer.ts";

const KILL_AFTER_MS = 60_000;

function hasTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}

/** Runs a command in its own process group; kills the whole group if it outlives the limit. */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      reject(new Error(`${cmd} did not finish within ${KILL_AFTER_MS / 1000} s; output:\n${out}`));
    }, KILL_AFTER_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const TCL = `
set n [gtkwave::getNumFacs]
for {set i 0} {$i < $n} {incr i} { puts "FAC [gtkwave::getFacName $i]" }
gtkwave::setMarker 2500
set t [gtkwave::getTotalNumTraces]
for {set i 0} {$i < $t} {incr i} {
  puts "TRACE [gtkwave::getTraceNameFromIndex $i]|[format %x [gtkwave::getTraceFlagsFromIndex $i]]|[gtkwave::getTraceValueAtMarkerFromIndex $i]"
}
gtkwave::/File/Quit
`;

describe("waveforms: GTKWave opens our VCD and .gtkw (headless)", function () {
  this.timeout(KILL_AFTER_MS + 30_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "tsrtl-gtkwave-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("lists the signals, loads the groups and applies file and process filters", async () => {
    expect(hasTool("gtkwave"), "gtkwave is not installed (apt-get install gtkwave)").to.equal(true);
    expect(hasTool("xvfb-run"), "xvfb-run is not installed (apt-get install xvfb xauth)").to.equal(true);

    const vcd = join(dir, "run.vcd");
    const w = new VcdWriter(vcd);
    const clk = w.addVariable({ scope: ["top"], name: "clk", width: 1 });
    const state = w.addVariable({ scope: ["top", "fsm0"], name: "state", width: 3 });
    const count = w.addVariable({ scope: ["top", "fsm0"], name: "count", width: 8 });
    const insn = w.addVariable({ scope: ["top", "core0"], name: "insn", width: 32 });
    const wide = w.addVariable({ scope: ["top", "core0"], name: "vreg", width: 128 });
    w.begin(0);
    w.changeBits(clk, 0);
    w.changeBits(state, 0);
    w.changeBits(count, 0);
    w.changeBits(insn, 0);
    w.changeWords(wide, new Uint32Array(4), 0);
    w.endInitial();
    for (let cycle = 1; cycle <= 4; cycle++) {
      w.time(cycle * 1250 - 625);
      w.changeBits(clk, 1);
      w.time(cycle * 1250);
      w.changeBits(clk, 0);
      w.changeBits(state, cycle === 2 ? 3 : 1);
      w.changeBits(count, cycle * 10);
      w.changeBits(insn, 0xabcd0000 + cycle);
      w.changeWords(wide, Uint32Array.of(cycle, 0, 0, 0x80000000), 0);
    }
    w.close();

    const stateMap = join(dir, "fsm0_state.txt");
    writeTranslateFile(stateMap, { 0: "IDLE", 1: "FETCH", 3: "RUN" }, 3);
    // Stands in for the disassembler: GTKWave writes hex values, one per line.
    const filter = join(dir, "fake-disasm.sh");
    writeFileSync(filter, '#!/bin/sh\nwhile read v; do echo "$1_$v"; done\n');
    chmodSync(filter, 0o755);

    const gtkw = join(dir, "run.gtkw");
    writeGtkw(gtkw, {
      dumpfile: vcd,
      timestart: 0,
      signals: [{ name: "top.clk", width: 1 }],
      groups: [
        {
          name: "fsm0",
          signals: [
            { name: "top.fsm0.state", width: 3, fileFilter: stateMap },
            { name: "top.fsm0.count", width: 8, format: "dec" },
          ],
        },
        { name: "core0", signals: [{ name: "top.core0.insn", width: 32, processFilter: `${filter} dis` }] },
        { name: "wide", collapsed: true, signals: [{ name: "top.core0.vreg", width: 128 }] },
      ],
    });
    writeFileSync(join(dir, "list.tcl"), TCL);

    const { code, out } = await run("xvfb-run", ["-a", "gtkwave", "--script=list.tcl", vcd, gtkw], dir);
    expect(code, out).to.equal(0);

    const facs = out.split("\n").filter((l) => l.startsWith("FAC ")).map((l) => l.slice(4).trim());
    expect(facs).to.have.members(["top.clk", "top.fsm0.state[2:0]", "top.fsm0.count[7:0]", "top.core0.insn[31:0]", "top.core0.vreg[127:0]"]);

    const traces = out.split("\n").filter((l) => l.startsWith("TRACE ")).map((l) => l.slice(6).trim());
    expect(traces).to.deep.equal([
      "clk|28|0",
      "fsm0|800200|",
      "state[2:0]|2022|RUN", // file filter applied: 3 -> RUN at t = 2500
      "count[7:0]|24|20",
      "fsm0|1000200|",
      "core0|800200|",
      "insn[31:0]|4022|dis_ABCD0002", // process filter ran with its argument
      "core0|1000200|",
      "wide|c00200|",
      "vreg[127:0]|22|", // inside the closed group: hidden, so no value at the marker
      "wide|1401200|",
    ]);
  });
});
