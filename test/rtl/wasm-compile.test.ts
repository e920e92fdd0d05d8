/**
 * The TypeScript-subset compiler (hw/rtl/wasm/compile-class.ts): a block compiled to
 * WebAssembly computes exactly what the same source computes as JavaScript, and code outside
 * the subset is refused with file:line:col and what is wrong.
 */
import { expect } from "chai";
import { fileURLToPath } from "node:url";
import { bindFields, compileClass, type CompiledClass } from "../../hw/rtl/wasm/compile-class.ts";
import { M32, MEMORY, SubsetBlock } from "../fixtures/wasm/subset-block.ts";
import { Rng } from "../../verif/random/rng.ts";

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/wasm/${name}`, import.meta.url));
const SCRATCH_AT = 8192;

function compileBlock(constants?: Record<string, number>): CompiledClass {
  return compileClass({ file: fixture("subset-block.ts"), className: "SubsetBlock", entries: ["run"], reserveScratch: () => SCRATCH_AT, constants });
}

/** Fills the inputs from a seed, runs `run`, returns its result and the result words. */
function runOnce(run: (len: number) => number, seed: number): number[] {
  const rng = new Rng(seed);
  M32.fill(0, 0, 68);
  for (let i = 0; i < 48; i++) M32[16 + i] = rng.int(0, 5) === 0 ? -7 : rng.int(-0x40000000, 0x3fffffff) * (rng.int(0, 1) === 0 ? 1 : 4);
  M32[12] = rng.int(0, 1000);
  M32[13] = rng.int(0, 1000);
  const len = rng.int(0, 48);
  const r = run(len);
  return [r, ...M32.subarray(0, 16), ...M32.subarray(64, 68)];
}

describe("rtl: WebAssembly subset compiler", () => {
  for (const variant of ["fields as globals", "parameters as constants"] as const) {
    it(`compiled code matches the JavaScript on 300 seeded inputs (${variant})`, () => {
      for (const [scale, flag] of [[3, true], [-5, false]] as const) {
        const js = new SubsetBlock(scale, flag);
        const wasmOwner = new SubsetBlock(scale, flag);
        const compiled = compileBlock(variant === "parameters as constants" ? { scale } : undefined);
        const instance = new WebAssembly.Instance(compiled.module, { env: { memory: MEMORY } });
        bindFields(wasmOwner, compiled.fields, instance.exports, "SubsetBlock");
        const run = instance.exports["run"] as (len: number) => number;
        expect(compiled.fields).to.include("acc").and.include("flag");
        expect(compiled.fields.includes("scale")).to.equal(variant === "fields as globals");
        for (let seed = 1; seed <= 150; seed++) {
          const a = runOnce((len) => js.run(len), seed);
          const b = runOnce(run, seed);
          expect(b, `seed ${seed}`).to.deep.equal(a);
        }
      }
    });
  }

  it("leaves out of the module the functions it only ever inlines", () => {
    const names = new TextDecoder("latin1").decode(WebAssembly.Module.customSections(compileBlock().module, "name")[0]!);
    expect(names).to.include("SubsetBlock.run").and.include("SubsetBlock.depth"); // depth calls itself
    for (const inlined of ["foldBits", "twice", "lowestSetFrom", "SubsetBlock.mix", "SubsetBlock.cell", "SubsetBlock.tally", "SubsetBlock.bump", "SubsetBlock.note"]) {
      expect(names, inlined).not.to.include(inlined);
    }
  });

  it("places the file's scratch arrays where reserveScratch says", () => {
    let asked = 0;
    compileClass({ file: fixture("subset-block.ts"), className: "SubsetBlock", entries: ["run"], reserveScratch: (n) => ((asked = n), SCRATCH_AT) });
    expect(asked).to.equal(32); // Int32Array(4 * 2)
  });

  it("puts an index's constant addends in the access's offset (the rest of the index must not be negative)", () => {
    const compiled = compileClass({ file: fixture("subset-block.ts"), className: "SubsetBlock", entries: ["fourAfter"], reserveScratch: () => SCRATCH_AT });
    const fourAfter = new WebAssembly.Instance(compiled.module, { env: { memory: MEMORY } }).exports["fourAfter"] as (x: number) => number;
    const js = new SubsetBlock(1, true);
    for (let i = 0; i < 16; i++) M32[i] = 100 + i;
    expect([fourAfter(0), fourAfter(5)]).to.deep.equal([104, 109]);
    expect([js.fourAfter(0), js.fourAfter(5)]).to.deep.equal([104, 109]);
    // JavaScript reaches M32[3]; the compiled access adds 16 bytes to the address of M32[-1]
    expect(js.fourAfter(-1)).to.equal(103);
    expect(() => fourAfter(-1)).to.throw(WebAssembly.RuntimeError, /out of bounds/);
  });

  const refused: [string, RegExp][] = [
    ["division", /outside-subset\.ts:9:14: wasm subset: operator \/ is outside the subset/],
    ["objectField", /outside-subset\.ts:12:12: wasm subset: only this\.<field>, Enum\.<member> and constants are allowed/],
    ["mixedCompare", /outside-subset\.ts:15:12: wasm subset: comparing an unsigned value/],
    ["noReturnType", /outside-subset\.ts:17:3: wasm subset: a compiled function needs a declared return type/],
    ["assignConstant", /outside-subset\.ts:21:5: wasm subset: k is compiled as a constant and cannot be assigned/],
    ["fraction", /outside-subset\.ts:27:16: wasm subset: 0\.5 is not a 32-bit integer/],
    ["stringLiteral", /outside-subset\.ts:24:12: wasm subset: only this\.<field>, Enum\.<member> and constants are allowed/],
  ];
  for (const [method, message] of refused) {
    it(`refuses ${method} with where and what`, () => {
      expect(() =>
        compileClass({ file: fixture("outside-subset.ts"), className: "OutsideSubset", entries: [method], reserveScratch: () => 0, constants: { k: 3 } }),
      ).to.throw(message);
    });
  }

  it("names a field that does not hold a number", () => {
    const compiled = compileBlock();
    const instance = new WebAssembly.Instance(compiled.module, { env: { memory: MEMORY } });
    const owner = Object.assign(new SubsetBlock(1, true), { acc: "x" });
    expect(() => bindFields(owner, compiled.fields, instance.exports, "SubsetBlock")).to.throw("SubsetBlock: field acc used by compiled code holds string");
  });

  it("names a missing class or method", () => {
    expect(() => compileClass({ file: fixture("subset-block.ts"), className: "Nope", entries: [], reserveScratch: () => 0 })).to.throw(/no class Nope/);
    expect(() => compileClass({ file: fixture("subset-block.ts"), className: "SubsetBlock", entries: ["nope"], reserveScratch: () => 0 })).to.throw(/has no method nope/);
  });
});
