/**
 * An empty array with the hidden class of arrays of objects or strings. V8 gives `[]` a
 * different one (small integers only), so hot code that meets both an empty `[]` and a
 * non-empty array there is polymorphic, and deoptimizes (and is compiled again) when the
 * rarer one first shows up after it was optimized. Use this for empty arrays that share a
 * code path with filled ones.
 */
export function emptyArray<T>(): T[] {
  const a: T[] = [undefined as T];
  a.pop();
  return a;
}
