/**
 * The batch compiler: makes the per-cycle loop over many instances of one method fast.
 *
 * For a batch (every instance of a class whose `tick()`-style method is a seq or comb
 * block), it rewrites the method's source so that `this.x.value`, `this.x.next` and their
 * assignments become direct reads and writes of the value stores through per-instance slot
 * tables, instead of a walk through three objects per access:
 *
 *     if (this.en.value === 1) this.count.next = this.count.value + 1;
 *  => if (N[s0] === 1) NN[s1] = (N[s1] + 1) & -1;          (s0 = S0[i], s1 = S1[i])
 *
 * Vector accesses become store accesses through the instance's slot table:
 *
 *     this.v.get(k)          => __N[__v0[(k)]]
 *     this.v.set(k, x)       => void (__N[__v0[(k)]] = (x) & mask)     (setNext: __NN, registers only)
 *
 * The rewrite is exactly what the Bits and BitsVec accessors do (same reads, same masking,
 * and `.next` only on registers). It is deliberately conservative: any construct it does not fully
 * understand (a free variable it cannot see, a nested function, a `return` with a value,
 * an assignment used as an expression, ...) leaves the method to run unchanged, which is
 * always correct. `Simulator` option `compile: false` turns it off entirely.
 */
import type { Module } from "./module.ts";
import { tokenize, type Token } from "./js-tokens.ts";
import { Bits, BitsVec, NARROW, NARROW_NEXT } from "./signal.ts";

const KEYWORDS = new Set([
  "if", "else", "for", "while", "do", "break", "continue", "return", "let", "const", "new", "typeof", "instanceof", "in", "of",
  "true", "false", "null", "undefined", "void", "switch", "case", "default", "throw", "try", "catch", "finally", "delete", "this",
]);
const FORBIDDEN = new Set(["function", "class", "super", "arguments", "yield", "await", "var", "eval", "with", "import", "debugger", "async"]);
const GLOBALS = new Set(["Math", "Number", "NaN", "Infinity", "Boolean", "BigInt"]);
const ASSIGN_OPS = new Set(["=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "??="]);
const STATEMENT_START = new Set([";", "{", "}", ")", "else", "do"]);

type Runner = (mods: readonly Module[]) => void;
type Factory = (stores: readonly [Uint32Array, Uint32Array], tables: Int32Array[], masks: Int32Array[], vecs: Int32Array[][]) => Runner;

/** A `this.<name>.<value|next>` access found in the body. */
interface Access {
  name: string;
  prop: "value" | "next";
  /** Token index of `this`. */
  at: number;
}

/** A `this.<name>.<get|set|setNext>(` call on a BitsVec found in the body. */
interface VecCall {
  name: string;
  method: "get" | "set" | "setNext";
  /** Token index of `this`, of the top-level comma (set/setNext) and of the closing `)`. */
  at: number;
  comma: number;
  close: number;
}

/** The body of a zero-argument method's source text, or undefined. */
function methodBody(src: string, name: string): string | undefined {
  const head = new RegExp(`^\\s*${name}\\s*\\(\\s*\\)\\s*\\{`).exec(src);
  if (head === null || !src.trimEnd().endsWith("}")) return undefined;
  return src.slice(head[0].length, src.trimEnd().length - 1);
}

/** Each instance's own data property `name` if it is a `type` (a narrow signal, a vector) in every instance. */
function ownFields<T>(mods: readonly Module[], name: string, type: new (...args: never[]) => T): T[] | undefined {
  const out: T[] = [];
  for (const m of mods) {
    const d = Object.getOwnPropertyDescriptor(m, name);
    if (d === undefined || !("value" in d) || !(d.value instanceof type)) return undefined;
    out.push(d.value);
  }
  return out;
}

/**
 * Whether token i starts a statement (so an assignment there is not used as a value). After a
 * colon that means a `case`/`default` label, not a conditional expression's or an object
 * literal's colon.
 */
function atStatementStart(tokens: readonly Token[], i: number): boolean {
  const before = tokens[i - 1];
  if (before === undefined) return true;
  if (before.text !== ":") return STATEMENT_START.has(before.text);
  // (a statement label never gets here: its name is a free identifier, so the method falls back)
  let depth = 0;
  for (let j = i - 2; j >= 0; j--) {
    const x = tokens[j]!.text;
    if (x === ")" || x === "]") depth++;
    else if (x === "(" || x === "[") {
      if (depth === 0) return false;
      depth--;
    } else if (depth === 0) {
      if (x === "case" || x === "default") return true;
      if (x === "?" || x === ";" || x === "{" || x === "}") return false;
    }
  }
  return false;
}

/**
 * The vector calls of the body, or undefined when one cannot be rewritten (arguments missing
 * or spread, a mask that differs between signals, setNext on wires).
 */
function findVecCalls(tokens: readonly Token[], mods: readonly Module[]): { calls: VecCall[]; vecs: Map<string, BitsVec[]> } | undefined {
  const calls: VecCall[] = [];
  const vecs = new Map<string, BitsVec[]>();
  for (let i = 0; i + 5 < tokens.length; i++) {
    if (tokens[i]!.text !== "this" || tokens[i + 1]!.text !== "." || tokens[i + 2]!.kind !== "ident" || tokens[i + 3]!.text !== ".") continue;
    const method = tokens[i + 4]!.text;
    if ((method !== "get" && method !== "set" && method !== "setNext") || tokens[i + 5]!.text !== "(") continue;
    const name = tokens[i + 2]!.text;
    const found = vecs.has(name) ? vecs.get(name) : ownFields(mods, name, BitsVec);
    if (found === undefined) continue;
    vecs.set(name, found);
    let depth = 0;
    let comma = -1;
    let close = -1;
    for (let j = i + 6; j < tokens.length && close < 0; j++) {
      const x = tokens[j]!.text;
      if (x === "(" || x === "[" || x === "{") depth++;
      else if (x === ")" && depth === 0) close = j;
      else if (x === ")" || x === "]" || x === "}") depth--;
      else if (x === "," && depth === 0) {
        if (comma >= 0) return undefined;
        comma = j;
      }
    }
    if (close < 0 || close === i + 6) return undefined;
    for (let j = i + 6; j < close; j++) if (tokens[j]!.text === "...") return undefined;
    if (method === "get") {
      if (comma >= 0) return undefined;
    } else {
      if (comma < 0 || comma === i + 6 || comma + 1 === close) return undefined;
      if (uniformMask(found) === undefined) return undefined;
      if (method === "setNext" && !found.every((v) => v.registers)) return undefined;
    }
    calls.push({ name, method, at: i, comma, close });
  }
  return { calls, vecs };
}

/** The mask every signal of every instance's vector shares, or undefined. */
function uniformMask(vecs: readonly BitsVec[]): number | undefined {
  const m = vecs[0]!.masks[0];
  return vecs.every((v) => v.masks.every((x) => x === m)) ? m : undefined;
}

/** Local names the body declares with let/const (simple declarators only). */
function declaredLocals(tokens: readonly Token[]): Set<string> | undefined {
  const locals = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "ident" && (t.text === "let" || t.text === "const")) {
      const next = tokens[i + 1];
      if (next === undefined || next.kind !== "ident") return undefined; // destructuring
      locals.add(next.text);
    }
  }
  return locals;
}

export function compileMethodBatch(name: string, fn: () => void, mods: readonly Module[]): Runner | undefined {
  if (mods.length === 0) return undefined;
  const body = methodBody(fn.toString(), name);
  if (body === undefined) return undefined;
  const tokens = tokenize(body);
  if (tokens === undefined) return undefined;
  const locals = declaredLocals(tokens);
  if (locals === undefined) return undefined;

  // Reject what the rewrite cannot keep equivalent.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text === "=>" || (t.kind === "ident" && (FORBIDDEN.has(t.text) || t.text.startsWith("__")))) return undefined;
    if (t.kind !== "ident" || KEYWORDS.has(t.text)) continue;
    const prev = tokens[i - 1];
    if (prev !== undefined && (prev.text === "." || prev.text === "?.")) continue;
    if (!locals.has(t.text) && !GLOBALS.has(t.text)) return undefined;
  }
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.text === "return" && tokens[i + 1]?.text !== ";") return undefined;
  }

  // Find this.<name>.<value|next> accesses on narrow signals.
  const accesses: Access[] = [];
  const signals = new Map<string, Bits[] | undefined>();
  for (let i = 0; i + 4 < tokens.length + 1; i++) {
    if (tokens[i]?.text !== "this" || tokens[i + 1]?.text !== "." || tokens[i + 2]?.kind !== "ident" || tokens[i + 3]?.text !== ".") continue;
    const prop = tokens[i + 4]?.text;
    if (prop !== "value" && prop !== "next") continue;
    const field = tokens[i + 2]!.text;
    if (!signals.has(field)) signals.set(field, ownFields(mods, field, Bits));
    if (signals.get(field) !== undefined) accesses.push({ name: field, prop, at: i });
  }
  const vecCalls = findVecCalls(tokens, mods);
  if (vecCalls === undefined) return undefined;
  if (accesses.length === 0 && vecCalls.calls.length === 0) return undefined;
  // token index -> replacement text, for the vector calls' tokens
  const replace = new Map<number, { text: string; skip: number }>();
  const vecTables: Int32Array[][] = [];
  const vecIndex = new Map<string, number>();
  for (const c of vecCalls.calls) {
    let k = vecIndex.get(c.name);
    if (k === undefined) {
      k = vecTables.length;
      vecIndex.set(c.name, k);
      vecTables.push(vecCalls.vecs.get(c.name)!.map((v) => v.slots));
    }
    const store = c.method === "setNext" ? "__NN" : "__N";
    if (c.method === "get") {
      replace.set(c.at, { text: `${store}[__v${k}[(`, skip: 5 });
      replace.set(c.close, { text: ")]]", skip: 0 });
    } else {
      // `void`: like the call, the expression's value is undefined wherever it stands
      const mask = uniformMask(vecCalls.vecs.get(c.name)!)!;
      replace.set(c.at, { text: `void (${store}[__v${k}[(`, skip: 5 });
      replace.set(c.comma, { text: ")]] = (", skip: 0 });
      replace.set(c.close, { text: mask === -1 ? "))" : `) & ${mask})`, skip: 0 });
    }
  }

  const slotTables = new Map<string, number>();
  const tables: Int32Array[] = [];
  const tableFor = (field: string): number => {
    let k = slotTables.get(field);
    if (k === undefined) {
      k = tables.length;
      slotTables.set(field, k);
      tables.push(Int32Array.from(signals.get(field)!, (s) => s.slot));
    }
    return k;
  };
  /** The mask as a literal when every instance agrees, else a per-instance table. */
  const masks: Int32Array[] = [];
  const maskExpr = (field: string): string => {
    const sigs = signals.get(field)!;
    const m0 = sigs[0]!.mask | 0;
    if (sigs.every((s) => (s.mask | 0) === m0)) return String(m0);
    masks.push(Int32Array.from(sigs, (s) => s.mask | 0));
    return `__K${masks.length - 1}[__i]`;
  };

  const out: string[] = [];
  let pos = 0; // next source offset to copy
  const closeAt = new Map<number, string>(); // token index of a write's `;` -> text to insert before it
  let usesThis = false;
  let ai = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const access = accesses[ai];
    if (closeAt.has(i)) {
      out.push(body.slice(pos, t.start), closeAt.get(i)!);
      pos = t.start;
    }
    const r = replace.get(i);
    if (r !== undefined) {
      out.push(body.slice(pos, t.start), r.text);
      pos = tokens[i + r.skip]!.end;
      i += r.skip;
      continue;
    }
    if (access !== undefined && access.at === i) {
      ai++;
      const k = tableFor(access.name);
      const store = access.prop === "value" ? "__N" : "__NN";
      const after = tokens[i + 5];
      const before = tokens[i - 1];
      if (before !== undefined && (before.text === "++" || before.text === "--" || before.text === "delete")) return undefined;
      if (after !== undefined && (after.text === "++" || after.text === "--")) return undefined;
      if (after !== undefined && ASSIGN_OPS.has(after.text)) {
        if (after.text !== "=") return undefined;
        if (!atStatementStart(tokens, i)) return undefined; // assignment used as a value
        if (access.prop === "next" && !signals.get(access.name)!.every((s) => s.isRegister)) return undefined;
        // The right-hand side runs to the `;` at depth 0, or to the `}` closing the block
        // (esbuild drops the last semicolon), and must hold no further assignment.
        let depth = 0;
        let end = tokens.length;
        for (let j = i + 6; j < tokens.length; j++) {
          const x = tokens[j]!.text;
          if (ASSIGN_OPS.has(x) || x === "++" || x === "--") return undefined;
          if (x === "(" || x === "[" || x === "{") depth++;
          else if (x === ")" || x === "]") {
            if (depth === 0) return undefined;
            depth--;
          } else if (x === "}") {
            if (depth === 0) {
              end = j;
              break;
            }
            depth--;
          } else if (x === "," && depth === 0) return undefined;
          else if (x === ";" && depth === 0) {
            end = j;
            break;
          }
        }
        // A Uint32Array store applies ToUint32 itself, so a full 32-bit mask is left out.
        const mask = maskExpr(access.name);
        out.push(body.slice(pos, t.start), `${store}[__s${k}] = (`);
        closeAt.set(end, mask === "-1" ? ")" : `) & ${mask}`);
        pos = after.end;
        i += 5;
        continue;
      }
      out.push(body.slice(pos, t.start), `${store}[__s${k}]`);
      pos = tokens[i + 4]!.end;
      i += 4;
      continue;
    }
    if (t.text === "this") {
      usesThis = true;
      out.push(body.slice(pos, t.start), "__m");
      pos = t.end;
    } else if (t.text === "return") {
      out.push(body.slice(pos, t.start), "break __body");
      pos = t.end;
    }
  }
  out.push(body.slice(pos));
  if (closeAt.has(tokens.length)) out.push(closeAt.get(tokens.length)!);

  // Slots that step evenly across the batch (registers of identical instances are allocated
  // together) are computed, not loaded from a table.
  const slotLoads = tables
    .map((t, k) => {
      const step = t.length > 1 ? t[1]! - t[0]! : 0;
      const affine = t.every((v, i) => v === t[0]! + i * step);
      return affine ? `const __s${k} = ${t[0]} + __i * ${step};` : `const __s${k} = __S${k}[__i];`;
    })
    .join(" ");
  const vecLoads = vecTables.map((_, k) => `const __v${k} = __VS${k}[__i];`).join(" ");
  const header = [
    ...tables.map((_, k) => `const __S${k} = __tables[${k}];`),
    ...vecTables.map((_, k) => `const __VS${k} = __vecs[${k}];`),
    ...masks.map((_, k) => `const __K${k} = __masks[${k}];`),
  ].join("\n");
  const loop =
    `return function (__mods) {\n` +
    `  for (let __i = 0; __i < ${mods.length}; __i++) {\n` +
    `    ${usesThis ? "const __m = __mods[__i]; " : ""}${slotLoads} ${vecLoads}\n` +
    `    __body: {${out.join("")}}\n` +
    `  }\n};\n//# sourceURL=tsrtl-compiled:${mods[0]!.constructor.name}.${name}`;
  // The stores become `const` bindings of the factory: V8 folds an immutable binding of a
  // known closure into the code (base and length as constants), where a parameter would be
  // reloaded and map-checked on every access.
  const stores = "const __N = __stores[0];\nconst __NN = __stores[1];";
  let factory: Factory;
  try {
    factory = new Function("__stores", "__tables", "__masks", "__vecs", `"use strict";\n${stores}\n${header}\n${loop}`) as Factory;
  } catch {
    return undefined; // a rewrite the tokenizer let through but JavaScript does not parse: run the method as written
  }
  return factory([NARROW, NARROW_NEXT], tables, masks, vecTables);
}
