/** The RTL kernel's public API. */
export { Module, type CombDeps, type CombBlock, type SeqBlock, type Connection } from "./module.ts";
export { Bits, BitsVec, RegArray, WideBits, type RegArrayOptions, widthMask, type Signal, type SignalKind, type RegOptions, type WideRegOptions, type FsmStates } from "./signal.ts";
export { RegisterBank, type CurrentCopyOptions, type NextStoreFactory, type RegisterBankOptions } from "./register-bank.ts";
export { ValueMirror } from "./value-mirror.ts";
export { Memory, addressWidth, type MemoryOptions, type MemoryPort } from "./memory.ts";
export { Simulator, type SignalInfo, type SimulatorOptions } from "./simulator.ts";
export { Tracer, type TraceOptions } from "./trace.ts";
export type { ViewGroup } from "./trace-gtkw.ts";
export { ElaborationError, DesignError, SimulationError } from "./errors.ts";
export { elaborate, type Elaborated } from "./elaborate.ts";
export { NARROW } from "./signal.ts";
