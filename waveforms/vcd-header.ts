// The VCD declaration section: identifier codes, name checks and the $scope/$var text.

export type VcdVarKind = "wire" | "reg" | "integer";

export interface VcdVariable {
  scope: readonly string[];
  name: string;
  width: number;
  kind?: VcdVarKind;
}

export interface VcdHeaderInfo {
  timescale: string;
  version?: string;
  comment?: string;
}

/** Widest variable we accept; the reader's parser feeds at most 32 KiB per value line. */
export const VCD_MAX_WIDTH = 1 << 15;

/**
 * Identifier code of variable `index`: bijective base 94 over printable ASCII 33..126, so codes
 * are as short as possible (94 one-character codes, then 94^2 two-character codes, ...).
 */
export function vcdIdCode(index: number): string {
  let code = "";
  let n = index;
  for (;;) {
    code += String.fromCharCode(33 + (n % 94));
    n = Math.floor(n / 94) - 1;
    if (n < 0) return code;
  }
}

const TIMESCALE = /^(1|10|100)\s*(s|ms|us|ns|ps|fs)$/;

export function checkTimescale(ts: string): void {
  if (!TIMESCALE.test(ts)) {
    throw new Error(`VCD timescale '${ts}' is not of the form 1|10|100 s|ms|us|ns|ps|fs`);
  }
}

/** Text that goes inside `$comment ... $end` / `$version ... $end`. */
export function checkCommandText(what: string, text: string): void {
  if (text.includes("$end")) throw new Error(`VCD ${what} must not contain '$end': '${text}'`);
}

function describe(v: VcdVariable): string {
  return [...v.scope, v.name].join(".");
}

// Names are single VCD tokens: no whitespace or control characters, and a leading '$' would
// read as a keyword. Scope names also may not contain '.', GTKWave's hierarchy separator.
function checkName(v: VcdVariable, part: string, what: string): void {
  if (part.length === 0) throw new Error(`VCD variable '${describe(v)}': empty ${what}`);
  if (/[\s\x00-\x1f\x7f]/.test(part)) {
    throw new Error(`VCD variable '${describe(v)}': ${what} '${part}' contains whitespace or control characters`);
  }
  if (part.startsWith("$")) throw new Error(`VCD variable '${describe(v)}': ${what} '${part}' starts with '$'`);
}

export function checkVariable(v: VcdVariable): void {
  checkName(v, v.name, "name");
  for (const s of v.scope) {
    checkName(v, s, "scope name");
    if (s.includes(".")) throw new Error(`VCD variable '${describe(v)}': scope name '${s}' contains '.'`);
  }
  if (!Number.isInteger(v.width) || v.width < 1 || v.width > VCD_MAX_WIDTH) {
    throw new Error(`VCD variable '${describe(v)}': width ${v.width} is not an integer in 1..${VCD_MAX_WIDTH}`);
  }
}

interface ScopeNode {
  name: string;
  vars: number[];
  children: Map<string, ScopeNode>;
}

/**
 * The declaration section. Variables are grouped by scope path; scopes and variables appear in
 * the order of their first addVariable call, so the same calls give the same bytes.
 */
export function vcdHeader(info: VcdHeaderInfo, vars: readonly VcdVariable[], ids: readonly string[]): string {
  const root: ScopeNode = { name: "", vars: [], children: new Map() };
  vars.forEach((v, i) => {
    let node = root;
    for (const s of v.scope) {
      let child = node.children.get(s);
      if (!child) {
        child = { name: s, vars: [], children: new Map() };
        node.children.set(s, child);
      }
      node = child;
    }
    node.vars.push(i);
  });

  const lines: string[] = [];
  if (info.version !== undefined) lines.push(`$version ${info.version} $end`);
  if (info.comment !== undefined) lines.push(`$comment ${info.comment} $end`);
  lines.push(`$timescale ${info.timescale} $end`);
  const emit = (node: ScopeNode): void => {
    for (const i of node.vars) {
      const v = vars[i]!;
      // A [msb:0] range is what simulators write; GTKWave names the signal `name[msb:0]`.
      const range = v.width > 1 ? ` [${v.width - 1}:0]` : "";
      lines.push(`$var ${v.kind ?? "wire"} ${v.width} ${ids[i]} ${v.name}${range} $end`);
    }
    for (const child of node.children.values()) {
      lines.push(`$scope module ${child.name} $end`);
      emit(child);
      lines.push("$upscope $end");
    }
  };
  emit(root);
  lines.push("$enddefinitions $end");
  return lines.join("\n") + "\n";
}
