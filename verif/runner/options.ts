/** Parsing of the regression runner's option values: seed lists, shards and durations. */

/** `1..1000`, `17`, `1,5,9`, `1..10,20..30`: a sorted list of distinct seeds. */
export function parseSeeds(text: string, option = "--seeds"): number[] {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const p = part.trim();
    const m = /^(\d+)(?:\.\.(\d+))?$/.exec(p);
    if (m === null) throw new RangeError(`option ${option}: expected seeds like 1..1000, 17 or 1,5,9; got '${text}'`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) throw new RangeError(`option ${option}: bad range '${p}'`);
    if (hi - lo > 10_000_000) throw new RangeError(`option ${option}: range '${p}' is too large`);
    for (let s = lo; s <= hi; s++) out.add(s);
  }
  return [...out].sort((a, b) => a - b);
}

/** Compact text for a seed list (inverse of parseSeeds). */
export function formatSeeds(seeds: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j]! + 1) j++;
    parts.push(j === i ? `${seeds[i]}` : `${seeds[i]}..${seeds[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

export interface Shard {
  /** 1-based index. */
  index: number;
  count: number;
}

/** `i/n` with 1 <= i <= n. */
export function parseShard(text: string, option = "--shard"): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) throw new RangeError(`option ${option}: expected i/n (e.g. 2/8), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new RangeError(`option ${option}: need 1 <= i <= n, got '${text}'`);
  return { index, count };
}

/** The seeds of a shard: every n-th seed, starting at the i-th. */
export function shardSeeds(seeds: readonly number[], shard: Shard): number[] {
  return seeds.filter((_, k) => k % shard.count === shard.index - 1);
}

/** `60s`, `500ms`, `2m`, `1.5s`, or a bare number of seconds: milliseconds. */
export function parseDuration(text: string, option = "--timeout"): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) throw new RangeError(`option ${option}: expected a duration like 60s, 500ms or 2m; got '${text}'`);
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  const ms = unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
  if (!(ms > 0)) throw new RangeError(`option ${option}: duration must be positive`);
  return Math.round(ms);
}
