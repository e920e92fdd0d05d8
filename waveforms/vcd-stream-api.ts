// Typed access to the parts of vcd-stream (CommonJS, untyped) that we use: its WASM parser only.
// The native parser crashes in worker threads and on headers over 64 KiB and leaves names empty.
import { createRequire } from "node:module";

/** A node of vcd-stream's declaration tree (`info.wires`), built by its command handler. */
export type VcdStreamNode =
  | { kind: "scope"; type: string; name: string; body: VcdStreamNode[] }
  | { kind: "var"; type: string; size: number; link: string; name: string };

/**
 * Value-change callback. `cmd` is the value's first character as the parser numbers it:
 * 14 '0', 15 '1', 16 'x', 17 'X', 18 'z', 19 'Z', 20..28 'uUwWlLhH-' (scalars, no value/mask),
 * 30 'b', 31 'B' (vectors: value and mask bits, mask 1 = x when value 0, z when value 1).
 */
export type VcdStreamChange = (id: string, time: bigint, cmd: number, value?: bigint, mask?: bigint) => void;

export interface VcdStreamParser {
  write(chunk: Uint8Array): boolean;
  on(event: "$enddefinitions", fn: () => void): void;
  change: { any(fn: VcdStreamChange): void };
  info: { wires: VcdStreamNode & { kind: "scope" }; timescale?: string };
}

interface VcdStreamModule {
  createVCD(): Promise<unknown>;
  webVcdParser(wasm: unknown): Promise<VcdStreamParser>;
}

const vcdStream = createRequire(import.meta.url)("vcd-stream") as VcdStreamModule;

// One WASM instance is shared: its C side keeps static buffers, so parses must not interleave.
// Callers run a whole parse synchronously once they hold the parser.
let wasm: Promise<unknown> | undefined;

export async function newWasmParser(): Promise<VcdStreamParser> {
  wasm ??= vcdStream.createVCD();
  try {
    return await vcdStream.webVcdParser(await wasm);
  } catch (e) {
    wasm = undefined;
    throw e;
  }
}

/** Drops the shared instance (after a failed parse its static buffers may be dirty). */
export function resetWasm(): void {
  wasm = undefined;
}
