/**
 * Record layouts of the router's register file (router.ts). The per-cycle path touches a few
 * records per flit, so each record's fields sit together in one Int32Array (one or two cache
 * lines) instead of in one small typed array per field: with 64 busy routers a cycle, cache
 * misses are a large part of the simulator's cost.
 *
 * Flit words are stored as int32 (ctl, src, data, ct and it are 32-bit patterns; only bit
 * operations and copies touch them, and a register's `.next` masks them back to uint32).
 */

/** Input-VC states. */
export const IDLE = 0;
/** Waiting for (or in) VC allocation from cycle V_TIME on. */
export const VA = 1;
/** VA granted, takes effect at V_TIME (vaDelay > 1). */
export const VA_PEND = 2;
/** Output VC(s) held; switch allocation from cycle V_TIME on. */
export const ACTIVE = 3;

/** Buffer slot record: words per slot (input VC i's ring of bufDepth slots starts at word i * Router.RS). */
export const FS = 8;
export const S_CTL = 0;
export const S_SRC = 1;
export const S_DATA = 2;
export const S_CT = 3;
export const S_IT = 4;
/** First cycle the flit may leave (arrival + link latency). */
export const S_READY = 5;
/** Arrival ticket of a head flit at its input port (flow ordering). */
export const S_TICKET = 6;

/** Input-VC record: words per VC (record p * vcs + vc). One 64-byte cache line. */
export const VS = 16;
export const V_STATE = 0;
export const V_TIME = 1;
/** Output port(s) of the packet (V_OUT1 = -1: unicast). */
export const V_OUT0 = 2;
export const V_OUT1 = 3;
/** Output VC held at V_OUT0 / V_OUT1 (-1: not yet allocated). */
export const V_OVC0 = 4;
export const V_OVC1 = 5;
/** Outputs the front flit still has to go to (bit 0: out0, bit 1: out1). */
export const V_NEED = 6;
/** VC granted, pending (vaDelay > 1: VA_PEND state). */
export const V_GRANT = 7;
/** 1 while a switch grant is pending (saDelay > 1), its output and the cycle it takes effect. */
export const V_SAPEND = 8;
/** Shares V_GRANT's word: a switch grant is pending only in ACTIVE state, a VC grant only in VA_PEND. */
export const V_SAOUT = 7;
export const V_SATIME = 10;
/** S_READY of the front flit (kept here so switch allocation does not read the buffer). */
export const V_READY = 9;
/** Flow of the packet at the VC (source, destination, vnet) and its arrival ticket. */
export const V_FLOW = 11;
export const V_TICKET = 12;
/** 1 once the packet's head flit has left (later packets of the same flow may then allocate). */
export const V_HEADGONE = 13;
/** Ring buffer of the VC: index of the front slot, flits held. */
export const V_HEAD = 14;
export const V_COUNT = 15;

/** Output-VC record (downstream buffer state): words per VC (record o * vcs + vc). */
export const OS = 4;
/** Input VC holding the output VC, or -1. */
export const O_OWNER = 0;
/** Credits in use. */
export const O_OCC = 1;
/** 1 once the owner's tail has been sent. */
export const O_TAIL = 2;

/** Crossbar slot record (one per output port and cycle modulo the pipeline depth). */
export const XS = 8;
/** Cycle the flit reaches the output register, or -1 (empty). */
export const X_T = 0;
export const X_CTL = 1;
export const X_SRC = 2;
export const X_DATA = 3;
export const X_CT = 4;
export const X_IT = 5;

/** Port record: the small per-port state (input side, output side and allocator). */
export const PS = 24;
/** Input port: VCs with a non-empty buffer. */
export const P_OCC = 0;
/** Input port: the next head's arrival ticket. */
export const P_TICKET = 1;
/** Output port: output VCs without an owner. */
export const P_FREE = 2;
/** Output port: credit ring (front index, entries). */
export const P_CQHEAD = 3;
export const P_CQCOUNT = 4;
/** Output port: VC-allocation requests collected this cycle. */
export const P_VAREQN = 5;
/** Switch allocator: output grant pointer, input accept pointer, input's VC round-robin offset. */
export const P_SAG = 6;
export const P_SAA = 7;
export const P_SARR = 8;
/** Switch allocator: inputs requesting the output (bit p), outputs the input requests (bit o). */
export const P_SAREQ = 9;
export const P_SAINREQ = 10;
/** Input port: credit word sent upstream this cycle. */
export const P_CRSEND = 11;
/** Input port: VCs in VA state, VCs in ACTIVE state (the allocators' work lists). */
export const P_VAMASK = 12;
export const P_ACTMASK = 13;
/** Input port: the VC that requests output o is at P_SALABEL + o. */
export const P_SALABEL = 16;
