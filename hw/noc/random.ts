/**
 * The traffic generators' random draws: a Weyl sequence through the splitmix32 finaliser, in
 * 32-bit integer arithmetic, so the compiled endpoints (traffic-fabric.ts) draw what the
 * JavaScript does.
 */

/** splitmix32 finaliser: a uniform unsigned 32-bit value. */
export function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
