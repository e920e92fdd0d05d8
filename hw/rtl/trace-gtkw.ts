/**
 * The GTKWave save file written next to a traced VCD: one group per module (ports first,
 * then registers, then wires), the clock on top, FSM registers shown by state name through a
 * translate file. A design can name extra groups (e.g. a pipeline view) with `groups`.
 */
import { basename, dirname, join, resolve } from "node:path";
import { writeGtkw, writeProcessFilterScript, writeTranslateFile, type GtkwGroup, type GtkwSignal } from "../../waveforms/gtkw.ts";
import { Bits, type Signal } from "./signal.ts";

/**
 * A group of signals a design wants shown together. `processFilter` is the command GTKWave
 * runs to translate values (e.g. a disassembler), as an argv array; when it has arguments, a
 * wrapper script is written next to the .gtkw, since GTKWave passes a filter one argument.
 */
export interface ViewGroup {
  name: string;
  signals: readonly (Signal | { signal: Signal; processFilter?: readonly string[]; alias?: string })[];
}

const KIND_ORDER: Record<string, number> = { input: 0, output: 1, reg: 2, wire: 3 };

function displayed(s: Signal, fsmFiles: Map<Signal, string>): GtkwSignal {
  const entry: GtkwSignal = { name: s.path, width: s.width, format: s.width === 1 ? "bin" : "hex" };
  const filter = fsmFiles.get(s);
  if (filter !== undefined) entry.fileFilter = filter;
  return entry;
}

/**
 * GTKWave's zoom number for a window of `cycles` clock periods: at zoom -8 its default
 * window of about 480 pixels spans about 620 time units (1 ps here), and each step down
 * doubles the span.
 */
export function zoomForCycles(cycles: number, periodPs: number): number {
  return Math.round(-8 - Math.log2((cycles * periodPs) / 620));
}

export interface TraceGtkwOptions {
  /** Groups shown first (e.g. a pipeline view). */
  views: readonly ViewGroup[];
  periodPs: number;
  /** Cycles in the initial window. */
  viewCycles: number;
}

/** Writes `<vcd without .vcd>.gtkw` (and FSM translate files) and returns its path. */
export function writeTraceGtkw(vcdPath: string, rootPath: string, signals: readonly Signal[], options: TraceGtkwOptions): string {
  const extra = options.views;
  const stem = vcdPath.endsWith(".vcd") ? vcdPath.slice(0, -4) : vcdPath;
  const fsmFiles = new Map<Signal, string>();
  for (const s of signals) {
    if (s instanceof Bits && s.fsm !== undefined) {
      const file = join(dirname(stem), `${basename(stem)}.${s.path}.states.txt`);
      const table: Record<number, string> = {};
      for (const [name, value] of Object.entries(s.fsm)) table[value] = name;
      writeTranslateFile(file, table, s.width, "hex");
      fsmFiles.set(s, file);
    }
  }
  const byModule = new Map<string, Signal[]>();
  for (const s of signals) {
    const list = byModule.get(s.owner.path);
    if (list) list.push(s);
    else byModule.set(s.owner.path, [s]);
  }
  const filterScripts = new Map<string, string>();
  const filterProgram = (argv: readonly string[]): string => {
    if (argv.length === 1) return argv[0]!;
    const key = JSON.stringify(argv);
    let script = filterScripts.get(key);
    if (script === undefined) {
      script = writeProcessFilterScript(resolve(`${stem}.filter${filterScripts.size}.sh`), argv);
      filterScripts.set(key, script);
    }
    return script;
  };
  const groups: GtkwGroup[] = extra.map((g) => ({
    name: g.name,
    signals: g.signals.map((item) => {
      if ("signal" in item) {
        const d = displayed(item.signal, fsmFiles);
        if (item.processFilter !== undefined) d.processFilter = filterProgram(item.processFilter);
        if (item.alias !== undefined) d.alias = item.alias;
        return d;
      }
      return displayed(item, fsmFiles);
    }),
  }));
  for (const [path, list] of [...byModule].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const sorted = [...list].sort((a, b) => KIND_ORDER[a.kind]! - KIND_ORDER[b.kind]! || (a.name < b.name ? -1 : 1));
    groups.push({ name: path, signals: sorted.map((s) => displayed(s, fsmFiles)), collapsed: path.split(".").length > 2 });
  }
  const gtkwPath = `${stem}.gtkw`;
  writeGtkw(gtkwPath, {
    dumpfile: vcdPath,
    zoom: zoomForCycles(options.viewCycles, options.periodPs), // open on a readable window, not the whole run
    signals: [{ name: `${rootPath}.clk`, width: 1, format: "bin" }],
    groups,
  });
  return gtkwPath;
}
