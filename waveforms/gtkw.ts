// GTKWave save files (.gtkw) and translate-filter map files.
//
// A .gtkw is read line by line (GTKWave 3.3 savefile.c, parsewavline):
//   [*] text               comment
//   [dumpfile] "path"      the dump to open; [savefile] "path" lets GTKWave find relative paths
//   [timestart] t          left edge of the wave window, in dump time units
//   *zoom marker           zoom (GTKWave's own log-scale number) and primary marker (-1: none)
//   @hex                   trace flags for the traces that follow, until the next @ line
//   ^N /path/map.txt       file filter for the next trace (N: filter slot, non-zero; 0 = none)
//   ^>N /path/prog args    process filter: GTKWave starts `prog args`, writes each value (in the
//                          trace's format, e.g. hex "0A") as a line on its stdin, reads a name back
//   [color] n              trace colour for the next trace
//   +{alias} name          a trace shown under another name
//   -text                  a blank/comment trace; with group flags, a group's begin or end
//   top.blk.sig[7:0]       a trace; GTKWave names VCD vectors "<name>[msb:0]"
// Trace flags are TR_* bits from GTKWave's analyzer.h (TraceEntFlagBits, bit numbers in order):
//   HIGHLIGHT 0x1, HEX 0x2, DEC 0x4, BIN 0x8, OCT 0x10, RJUSTIFY 0x20, INVERT 0x40,
//   REVERSE 0x80, EXCLUDE 0x100, BLANK 0x200, SIGNED 0x400, ASCII 0x800, COLLAPSED 0x1000,
//   FTRANSLATED 0x2000, PTRANSLATED 0x4000, ..., CLOSED 0x400000, GRP_BEGIN 0x800000,
//   GRP_END 0x1000000.
// So hex is @22, dec @24, binary @28, a file-filtered hex trace @2022; an open group is
// @800200 "-Name" ... @1000200 "-Name", a closed one @c00200 ... @1401200.
//
// A file filter map has one "value name" pair per line ('#' starts a comment). GTKWave matches
// the value as it displays it (case-insensitive): hex zero-padded to ceil(width/4) digits,
// binary to width digits, decimal unpadded. The map must be written for the trace's format.
import { chmodSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

export type GtkwFormat = "hex" | "dec" | "signed" | "bin" | "oct" | "ascii";

export const TR = {
  HEX: 0x2,
  DEC: 0x4,
  BIN: 0x8,
  OCT: 0x10,
  RJUSTIFY: 0x20,
  BLANK: 0x200,
  SIGNED: 0x400,
  ASCII: 0x800,
  COLLAPSED: 0x1000,
  FTRANSLATED: 0x2000,
  PTRANSLATED: 0x4000,
  CLOSED: 0x400000,
  GRP_BEGIN: 0x800000,
  GRP_END: 0x1000000,
} as const;

const FORMAT_FLAGS: Record<GtkwFormat, number> = {
  hex: TR.HEX,
  dec: TR.DEC,
  signed: TR.SIGNED,
  bin: TR.BIN,
  oct: TR.OCT,
  ascii: TR.ASCII,
};

export interface GtkwSignal {
  /** Hierarchical name as in the VCD, without a range: "top.fsm0.state". */
  name: string;
  /** Bit width; vectors are referenced as "name[width-1:0]", as GTKWave names them. */
  width: number;
  /** Display format; default hex for vectors, binary for 1-bit signals. */
  format?: GtkwFormat;
  /** Translate file (see writeTranslateFile): values shown as names, e.g. FSM states. */
  fileFilter?: string;
  /** Translate process command line ("/path/prog args"): e.g. a disassembler. */
  processFilter?: string;
  /** Name shown instead of the signal's own. */
  alias?: string;
  /** GTKWave trace colour index (1..7). */
  color?: number;
}

export interface GtkwGroup {
  name: string;
  signals: readonly GtkwSignal[];
  /** Closed groups show as one collapsed row until opened. Default false. */
  collapsed?: boolean;
}

export interface GtkwOptions {
  /** The dump file; written as an absolute path. */
  dumpfile: string;
  /** Where the .gtkw itself lives (lets GTKWave resolve moved files); writeGtkw fills it in. */
  savefile?: string;
  /** Time at the left edge of the window, in dump time units. */
  timestart?: number;
  /** GTKWave zoom value (as in the "*zoom marker" line of its own save files). */
  zoom?: number;
  /** Primary marker time. */
  marker?: number;
  /** Traces before the first group. */
  signals?: readonly GtkwSignal[];
  groups?: readonly GtkwGroup[];
}

/** The text of a .gtkw file. Deterministic: no dates, sizes or window geometry. */
export function gtkwText(options: GtkwOptions): string {
  const lines: string[] = ["[*]", "[*] written by tsrtl", "[*]"];
  lines.push(`[dumpfile] "${checkPath(resolve(options.dumpfile))}"`);
  if (options.savefile !== undefined) lines.push(`[savefile] "${checkPath(resolve(options.savefile))}"`);
  lines.push(`[timestart] ${checkTime(options.timestart ?? 0, "timestart")}`);
  if (options.zoom !== undefined || options.marker !== undefined) {
    const zoom = options.zoom ?? 0;
    if (!Number.isFinite(zoom)) throw new Error(`gtkw zoom ${zoom} is not a finite number`);
    const marker = options.marker === undefined ? -1 : checkTime(options.marker, "marker");
    lines.push(`*${zoom.toFixed(6)} ${marker}`);
  }

  let flags = -1;
  const setFlags = (f: number): void => {
    if (f !== flags) lines.push(`@${f.toString(16)}`);
    flags = f;
  };
  const filterSlots = new Map<string, number>();
  const slot = (key: string): number => {
    let n = filterSlots.get(key);
    if (n === undefined) filterSlots.set(key, (n = filterSlots.size + 1));
    return n;
  };

  const trace = (s: GtkwSignal): void => {
    if (!Number.isInteger(s.width) || s.width < 1) throw new Error(`gtkw signal '${s.name}': bad width ${s.width}`);
    if (/\s/.test(s.name)) throw new Error(`gtkw signal '${s.name}': name contains whitespace`);
    if (s.fileFilter !== undefined && s.processFilter !== undefined) {
      throw new Error(`gtkw signal '${s.name}': a trace has either a file or a process filter, not both`);
    }
    const format = s.format ?? (s.width === 1 ? "bin" : "hex");
    let f = FORMAT_FLAGS[format] | TR.RJUSTIFY;
    if (s.fileFilter !== undefined) f |= TR.FTRANSLATED;
    if (s.processFilter !== undefined) f |= TR.PTRANSLATED;
    setFlags(f);
    if (s.color !== undefined) lines.push(`[color] ${s.color}`);
    if (s.fileFilter !== undefined) {
      const path = checkPath(resolve(s.fileFilter));
      lines.push(`^${slot(`f:${path}`)} ${path}`);
    }
    if (s.processFilter !== undefined) {
      const command = checkPath(s.processFilter.trim());
      lines.push(`^>${slot(`p:${command}`)} ${command}`);
    }
    const ref = s.width > 1 ? `${s.name}[${s.width - 1}:0]` : s.name;
    lines.push(s.alias !== undefined ? `+{${checkLabel(s.alias)}} ${ref}` : ref);
  };

  for (const s of options.signals ?? []) trace(s);
  for (const g of options.groups ?? []) {
    const closed = g.collapsed === true;
    setFlags(TR.GRP_BEGIN | TR.BLANK | (closed ? TR.CLOSED : 0));
    lines.push(`-${checkLabel(g.name)}`);
    for (const s of g.signals) trace(s);
    setFlags(TR.GRP_END | TR.BLANK | (closed ? TR.CLOSED | TR.COLLAPSED : 0));
    lines.push(`-${g.name}`);
  }
  return lines.join("\n") + "\n";
}

/** Writes a .gtkw file (its [savefile] line names `path`). */
export function writeGtkw(path: string, options: GtkwOptions): void {
  writeFileSync(path, gtkwText({ ...options, savefile: options.savefile ?? path }));
}

/**
 * GTKWave runs a process filter as `program [one argument]`: everything after the program
 * path reaches it as a single argument. A filter that needs several arguments is therefore
 * given as a small executable script that runs `argv`; this writes it and returns its path.
 */
export function writeProcessFilterScript(path: string, argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("process filter: empty command");
  const quote = (a: string): string => `'${a.replace(/'/g, "'\\''")}'`;
  writeFileSync(path, `#!/bin/sh\n# GTKWave translate filter written by tsrtl\nexec ${argv.map(quote).join(" ")}\n`, { mode: 0o755 });
  chmodSync(path, 0o755);
  return path;
}

/** A value -> name table: a plain object keyed by (decimal) value, or a Map. */
export type TranslateTable = Readonly<Record<number, string>> | ReadonlyMap<number | bigint, string>;

/** The text of a file-filter map for a trace of `width` bits shown in `format`. */
export function translateFileText(table: TranslateTable, width: number, format: GtkwFormat = "hex"): string {
  if (format === "ascii") throw new Error("translate files cannot key ascii-formatted traces");
  const entries: [bigint, string][] =
    table instanceof Map
      ? [...table].map(([k, v]) => [BigInt(k), v])
      : Object.entries(table).map(([k, v]) => [BigInt(k), v as string]);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const lines = [`# value name (values as GTKWave shows ${format}, width ${width})`];
  for (const [value, name] of entries) lines.push(`${formatKey(value, width, format)} ${checkLabel(name)}`);
  return lines.join("\n") + "\n";
}

/** Writes a file-filter map next to the dump, e.g. FSM state names for a state register. */
export function writeTranslateFile(path: string, table: TranslateTable, width: number, format: GtkwFormat = "hex"): void {
  writeFileSync(path, translateFileText(table, width, format));
}

function formatKey(value: bigint, width: number, format: Exclude<GtkwFormat, "ascii">): string {
  const limit = 1n << BigInt(width);
  const signedMin = -(limit >> 1n);
  if (value < (format === "signed" ? signedMin : 0n) || value >= limit) {
    throw new Error(`translate value ${value} does not fit ${width} bits`);
  }
  const u = value < 0n ? value + limit : value;
  switch (format) {
    case "hex":
      return u.toString(16).toUpperCase().padStart(Math.ceil(width / 4), "0");
    case "bin":
      return u.toString(2).padStart(width, "0");
    case "oct":
      return u.toString(8).padStart(Math.ceil(width / 3), "0");
    case "dec":
      return u.toString(10);
    case "signed":
      return (u >= limit >> 1n ? u - limit : u).toString(10);
  }
}

// Labels (group names, aliases, translated names) are one line each.
function checkLabel(label: string): string {
  if (label.length === 0 || /[\r\n]/.test(label)) throw new Error(`gtkw label '${label}' is empty or spans lines`);
  return label;
}

function checkPath(path: string): string {
  if (/[\r\n"]/.test(path)) throw new Error(`gtkw path '${path}' contains a newline or '"'`);
  return path;
}

function checkTime(t: number, what: string): number {
  if (!Number.isSafeInteger(t) || t < 0) throw new Error(`gtkw ${what} ${t} is not a non-negative integer`);
  return t;
}
