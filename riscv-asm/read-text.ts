/** Reading source files. */
import { isAscii } from "node:buffer";
import { readFileSync } from "node:fs";

/**
 * A file's text, as readFileSync(path, "utf8") gives it. Most sources are ASCII, and checking
 * that and reading the bytes as Latin-1 is several times faster than UTF-8 decoding (which is
 * a visible part of start-up for a large file).
 */
export function readText(path: string | number): string {
  const bytes = readFileSync(path);
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}
