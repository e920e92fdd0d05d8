/** String literals of `.ascii`/`.asciz`/`.string` and `.include`: C-style escapes. */
import { Cursor, CH_QUOTE } from "./cursor.ts";

/** Parses one "..." literal at the cursor into bytes (UTF-8 for non-ASCII characters). */
export function parseString(c: Cursor): number[] {
  c.skipSpaces();
  if (c.peek() !== CH_QUOTE) c.fail(`expected a string in double quotes${c.describeHere()}`);
  const t = c.text;
  let p = c.pos + 1;
  const out: number[] = [];
  for (;;) {
    if (p >= c.end) c.fail("unterminated string", c.pos);
    const ch = t.charCodeAt(p);
    if (ch === CH_QUOTE) {
      p++;
      break;
    }
    if (ch !== 92) {
      if (ch < 128) out.push(ch);
      else for (const b of new TextEncoder().encode(t[p]!)) out.push(b);
      p++;
      continue;
    }
    p++;
    const e = t[p++];
    switch (e) {
      case "n": out.push(10); break;
      case "t": out.push(9); break;
      case "r": out.push(13); break;
      case "b": out.push(8); break;
      case "f": out.push(12); break;
      case "v": out.push(11); break;
      case "a": out.push(7); break;
      case "e": out.push(27); break;
      case "\\": out.push(92); break;
      case '"': out.push(34); break;
      case "'": out.push(39); break;
      case "x":
      case "X": {
        let v = 0;
        let n = 0;
        while (p < c.end && /[0-9a-fA-F]/.test(t[p]!)) {
          v = (v * 16 + parseInt(t[p]!, 16)) & 0xff;
          p++;
          n++;
        }
        if (n === 0) c.fail("\\x used with no following hex digits", p);
        out.push(v);
        break;
      }
      case undefined:
        c.fail("unterminated string", c.pos);
        break;
      default:
        if (e >= "0" && e <= "7") {
          let v = e.charCodeAt(0) - 48;
          for (let i = 0; i < 2 && p < c.end && t[p]! >= "0" && t[p]! <= "7"; i++) v = v * 8 + (t.charCodeAt(p++) - 48);
          out.push(v & 0xff);
        } else out.push(e.charCodeAt(0));
    }
  }
  c.pos = p;
  return out;
}
