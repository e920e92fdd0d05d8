/**
 * The static schedule of combinational logic: blocks in an order where every block runs
 * after the blocks that drive what it reads. Computed once at elaboration; a cycle in the
 * "drives what I read" graph is a combinational loop and is reported with its signals.
 *
 * Blocks are placed in levels (a block's level is one more than the highest level of the
 * blocks it reads from). Blocks of one level do not depend on each other, so within a level
 * they are sorted by class and method, which lets the simulator batch them (batches.ts).
 */
import type { Module } from "./module.ts";
import type { Net } from "./nets.ts";
import type { Signal } from "./signal.ts";

export interface CombTask {
  /** Hierarchical block name, e.g. `top.fifo0.comb1`. */
  readonly name: string;
  readonly owner: Module;
  readonly reads: readonly Signal[];
  readonly writes: readonly Signal[];
  readonly fn: () => void;
}

export type ScheduleResult = { order: CombTask[]; loop?: undefined } | { order?: undefined; loop: string };

interface Edge {
  to: number;
  /** The signal the upstream block writes and the one the downstream block reads (same net). */
  written: Signal;
  read: Signal;
}

/**
 * Orders `tasks` so writers come before readers. Ties are broken by `key` then name, so the
 * order (and so every result) does not depend on the order modules were declared in.
 */
export function scheduleComb(tasks: readonly CombTask[], netOf: ReadonlyMap<Signal, Net>, key: (t: CombTask) => string): ScheduleResult {
  const sorted = [...tasks].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const writerOf = new Map<Net, { task: number; signal: Signal }>();
  sorted.forEach((t, i) => {
    for (const w of t.writes) {
      const net = netOf.get(w);
      if (net) writerOf.set(net, { task: i, signal: w });
    }
  });
  const edges: Edge[][] = sorted.map(() => []);
  sorted.forEach((t, i) => {
    for (const r of t.reads) {
      const net = netOf.get(r);
      const w = net && writerOf.get(net);
      if (w && w.task !== i) edges[w.task]!.push({ to: i, written: w.signal, read: r });
    }
  });

  // Depth-first post-order, iterative so deep ready/valid chains cannot overflow the stack.
  const state = new Uint8Array(sorted.length); // 0 new, 1 on stack, 2 done
  const post: number[] = [];
  for (let start = 0; start < sorted.length; start++) {
    if (state[start] !== 0) continue;
    const stack: { node: number; next: number; via: Edge | undefined }[] = [{ node: start, next: 0, via: undefined }];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const out = edges[top.node]!;
      if (top.next < out.length) {
        const e = out[top.next++]!;
        if (state[e.to] === 1) return { loop: describeLoop(stack, e, sorted) };
        if (state[e.to] === 0) {
          state[e.to] = 1;
          stack.push({ node: e.to, next: 0, via: e });
        }
      } else {
        state[top.node] = 2;
        post.push(top.node);
        stack.pop();
      }
    }
  }
  const topo = post.reverse();
  const level = new Int32Array(sorted.length);
  for (const u of topo) for (const e of edges[u]!) level[e.to] = Math.max(level[e.to]!, level[u]! + 1);
  const keys = sorted.map(key);
  const order = sorted
    .map((_, i) => i)
    .sort((a, b) => level[a]! - level[b]! || (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
  return { order: order.map((i) => sorted[i]!) };
}

function describeLoop(stack: { node: number; via: Edge | undefined }[], closing: Edge, tasks: readonly CombTask[]): string {
  const from = stack.findIndex((f) => f.node === closing.to);
  const edgesInLoop = [...stack.slice(from + 1).map((f) => f.via!), closing];
  const parts: string[] = [];
  for (const e of edgesInLoop) {
    parts.push(e.written.path === e.read.path ? e.written.path : `${e.written.path} -> ${e.read.path}`);
  }
  const blocks = stack.slice(from).map((f) => tasks[f.node]!.name);
  return `combinational loop: ${parts.join(" -> ")} -> ${edgesInLoop[0]!.written.path} (through blocks ${blocks.join(", ")})`;
}
