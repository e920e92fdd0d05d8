/** Zifencei: instruction-fetch fence. */
import { insn, type InsnSpec } from "./types.ts";

export const zifencei: readonly InsnSpec[] = [insn("fence.i", "", 0x0000100f, 0xffffffff, "zifencei")];
