/**
 * Turns a list of blocks into a few batch runners for the per-cycle loop.
 *
 * Blocks written as methods (`this.seq(this.tick)`) of modules of the same class are run by
 * one generated loop `mods[i].tick()`: that call site only ever sees one class, so V8 inlines
 * the method. Arrow-function blocks run through a generic loop (correct, but each is an
 * indirect call). Consecutive blocks only are batched, so the given order is kept.
 */
import { compileMethodBatch } from "./compile-batch.ts";
import type { Module } from "./module.ts";

export interface Block {
  readonly owner: Module;
  readonly fn: () => void;
}

/** A batch: one loop over the modules whose block it runs. */
export interface Batch {
  readonly loop: (mods: readonly Module[]) => void;
  readonly mods: readonly Module[];
}

/** Per function and class: the method name found on the prototype chain (null: none). */
const methodNames = new WeakMap<() => void, Map<unknown, string | null>>();

/** The method name under which `fn` is found on the prototype chain of `owner`, if any. */
function methodName(owner: Module, fn: () => void): string | undefined {
  if (Object.prototype.hasOwnProperty.call(owner, fn.name)) return undefined;
  let byClass = methodNames.get(fn);
  if (byClass === undefined) methodNames.set(fn, (byClass = new Map()));
  let name = byClass.get(owner.constructor);
  if (name === undefined) {
    name = findOnPrototypes(owner, fn);
    byClass.set(owner.constructor, name);
  }
  return name ?? undefined;
}

function findOnPrototypes(owner: Module, fn: () => void): string | null {
  for (let proto = Object.getPrototypeOf(owner) as object | null; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (d?.value === fn && /^[A-Za-z_$][\w$]*$/.test(name)) return name;
    }
  }
  return null;
}

/** A fresh function per batch (not a shared closure), so each batch has its own call-site feedback. */
function methodLoop(className: string, name: string): (mods: readonly Module[]) => void {
  // The sourceURL names the batch in profiles and stack traces.
  const body = `"use strict"; for (let i = 0; i < mods.length; i++) mods[i].${name}();\n//# sourceURL=tsrtl-batch:${className}.${name}`;
  return new Function("mods", body) as (mods: readonly Module[]) => void;
}

/** Runs arrow-function (or other non-method) blocks, each with its module as `this`. */
function closureLoop(fns: (() => void)[]): (mods: readonly Module[]) => void {
  return (mods) => {
    for (let i = 0; i < fns.length; i++) fns[i]!.call(mods[i]);
  };
}

/** Sort key that puts blocks of the same class and method next to each other. */
export function batchKey(b: Block): string {
  return `${b.owner.constructor.name}.${methodName(b.owner, b.fn) ?? "~closure"}`;
}

/** `compile`: let the batch compiler rewrite method batches (compile-batch.ts). */
export function buildBatches(blocks: readonly Block[], compile = true): Batch[] {
  const batches: Batch[] = [];
  let i = 0;
  while (i < blocks.length) {
    const first = blocks[i]!;
    const name = methodName(first.owner, first.fn);
    let j = i + 1;
    if (name !== undefined) {
      const ctor = first.owner.constructor;
      while (j < blocks.length && blocks[j]!.fn === first.fn && blocks[j]!.owner.constructor === ctor) j++;
      const mods = blocks.slice(i, j).map((b) => b.owner);
      const loop = (compile ? compileMethodBatch(name, first.fn, mods) : undefined) ?? methodLoop(ctor.name, name);
      batches.push({ loop, mods });
    } else {
      while (j < blocks.length && methodName(blocks[j]!.owner, blocks[j]!.fn) === undefined) j++;
      const run = blocks.slice(i, j);
      batches.push({ loop: closureLoop(run.map((b) => b.fn)), mods: run.map((b) => b.owner) });
    }
    i = j;
  }
  return batches;
}
