// Re-tokenizes a VCD into the chunks we feed vcd-stream's WASM parser, working around its
// limits (vcd-stream 1.5, checked):
// - it parses "#t" with a 32-bit strtoul, so every time >= 2^32-1 reads as 4294967295 (at 1 ps
//   per unit that is 4.3 us, 3.4 M cycles at 800 MHz). We replace each "#t" by "#k", k the index
//   of the time step, and keep the real times here;
// - a declaration command split across two chunks is garbled (the span is copied, not
//   appended), so chunks end only between whole commands and whole value changes;
// - a chunk is copied onto the WASM stack: at most FEED_CHUNK bytes;
// - declaration text is copied into 4 KiB buffers: $comment/$date/$version are kept here and
//   not passed on, and longer $var/$scope commands are refused;
// - it skips the values inside $dumpall/$dumpon/$dumpoff: we pass them on as plain changes.

/** Bytes per parser call; the brief's bound is 64 KiB, we stay well inside the WASM stack. */
export const FEED_CHUNK = 32 * 1024;
const MAX_DECLARATION = 4000;

const enum Phase {
  Declarations,
  Simulation,
}

const WS_MAX = 32; // bytes <= ' ' separate tokens
const CH_HASH = 35;
const CH_DOLLAR = 36;
const CH_NL = 10;
const CH_SPACE = 32;

// Characters that start a scalar change ("1!") and may appear in a vector value ("b10xz").
const VALUE_CHARS = new Uint8Array(128);
for (const c of "01xXzZuUwWlLhH-") VALUE_CHARS[c.charCodeAt(0)] = 1;

const decoder = new TextDecoder("latin1");

export interface FeedHeaderText {
  comment?: string;
  date?: string;
  version?: string;
}

export class VcdFeed {
  /** times[k] is the real time of the k-th time step ("#k" in what the parser sees). */
  readonly times: number[] = [];
  /** Number of value changes passed on; the parser must report exactly as many. */
  changes = 0;
  readonly header: FeedHeaderText = {};

  private phase = Phase.Declarations;
  private tok = new Uint8Array(256);
  private tokLen = 0;
  private out = new Uint8Array(FEED_CHUNK);
  private outLen = 0;

  // Declarations: the tokens of the open command.
  private command: string[] = [];
  // Simulation: a vector value waiting for its identifier, and a $comment being skipped.
  private vector = new Uint8Array(256);
  private vectorLen = 0;
  private skippingComment = false;

  constructor(private readonly emit: (chunk: Uint8Array) => void) {}

  push(bytes: Uint8Array): void {
    let tok = this.tok;
    let len = this.tokLen;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c <= WS_MAX) {
        if (len > 0) {
          this.tokLen = len;
          this.token();
          len = 0;
        }
      } else {
        if (len === tok.length) {
          const bigger = new Uint8Array(tok.length * 2);
          bigger.set(tok);
          tok = this.tok = bigger;
        }
        tok[len++] = c;
      }
    }
    this.tokLen = len;
  }

  /** Ends the input: passes on the last token and the last chunk. */
  end(): void {
    if (this.tokLen > 0) this.token();
    this.tokLen = 0;
    if (this.phase === Phase.Declarations) {
      throw new Error(this.command.length > 0 ? `VCD ends inside ${this.command[0]}` : "VCD has no $enddefinitions");
    }
    if (this.vectorLen > 0) throw new Error("VCD ends between a vector value and its identifier");
    this.flush();
  }

  private token(): void {
    if (this.phase === Phase.Declarations) this.declarationToken();
    else this.simulationToken();
  }

  private declarationToken(): void {
    const text = decoder.decode(this.tok.subarray(0, this.tokLen));
    if (this.command.length === 0 && !text.startsWith("$")) {
      throw new Error(`VCD declarations: expected a $command, got '${text}'`);
    }
    if (text !== "$end") {
      this.command.push(text);
      return;
    }
    const [keyword, ...body] = this.command;
    this.command = [];
    switch (keyword) {
      case "$comment":
      case "$date":
      case "$version":
        this.header[keyword.slice(1) as keyof FeedHeaderText] = body.join(" ");
        return;
      case "$enddefinitions":
        this.phase = Phase.Simulation;
        break;
      case "$scope":
      case "$upscope":
      case "$var":
      case "$timescale":
        break;
      default:
        throw new Error(`VCD declarations: unknown command ${keyword}`);
    }
    const line = `${keyword} ${body.join(" ")} $end\n`;
    if (line.length > MAX_DECLARATION) throw new Error(`VCD declaration longer than ${MAX_DECLARATION} bytes: ${line.slice(0, 80)}...`);
    const bytes = new TextEncoder().encode(line);
    this.reserve(bytes.length);
    this.out.set(bytes, this.outLen);
    this.outLen += bytes.length;
  }

  private simulationToken(): void {
    const tok = this.tok;
    const len = this.tokLen;
    const c = tok[0]!;
    if (this.skippingComment) {
      if (isEnd(tok, len)) this.skippingComment = false;
      return;
    }
    if (this.vectorLen > 0) {
      // The identifier of the pending vector value: write "b<digits> <id>\n" as one item.
      const n = this.vectorLen;
      this.reserve(n + len + 2);
      const out = this.out;
      out.set(this.vector.subarray(0, n), this.outLen);
      let p = this.outLen + n;
      out[p++] = CH_SPACE;
      out.set(tok.subarray(0, len), p);
      p += len;
      out[p++] = CH_NL;
      this.outLen = p;
      this.vectorLen = 0;
      this.changes++;
      return;
    }
    if (c === CH_HASH) {
      this.timeStep(tok, len);
    } else if (c === 98 || c === 66) {
      // 'b' / 'B': vector value, identifier in the next token.
      for (let i = 1; i < len; i++) {
        const d = tok[i]!;
        if (d >= 128 || VALUE_CHARS[d] === 0) throw new Error(`VCD: bad vector value '${text(tok, len)}'`);
      }
      if (len < 2) throw new Error("VCD: empty vector value");
      if (len > this.vector.length) this.vector = new Uint8Array(Math.max(len, this.vector.length * 2));
      this.vector.set(tok.subarray(0, len));
      this.vector[0] = 98;
      this.vectorLen = len;
    } else if (c < 128 && VALUE_CHARS[c] === 1) {
      if (len < 2) throw new Error(`VCD: scalar change '${text(tok, len)}' without identifier`);
      this.reserve(len + 1);
      this.out.set(tok.subarray(0, len), this.outLen);
      this.outLen += len;
      this.out[this.outLen++] = CH_NL;
      this.changes++;
    } else if (c === CH_DOLLAR) {
      const word = text(tok, len);
      // Value blocks pass on as plain changes; their $end closes nothing we keep.
      if (word === "$comment") this.skippingComment = true;
      else if (!["$dumpvars", "$dumpall", "$dumpon", "$dumpoff", "$end"].includes(word)) {
        throw new Error(`VCD: unexpected ${word} after $enddefinitions`);
      }
    } else if (c === 114 || c === 82) {
      throw new Error(`VCD: real values ('${text(tok, len)}') are not supported`);
    } else {
      throw new Error(`VCD: unexpected '${text(tok, len)}' in the value changes`);
    }
  }

  private timeStep(tok: Uint8Array, len: number): void {
    let t = 0;
    if (len < 2) throw new Error("VCD: '#' without a time");
    for (let i = 1; i < len; i++) {
      const d = tok[i]! - 48;
      if (d < 0 || d > 9) throw new Error(`VCD: bad time '${text(tok, len)}'`);
      t = t * 10 + d;
    }
    if (!Number.isSafeInteger(t)) throw new Error(`VCD: time ${text(tok, len)} is beyond 2^53`);
    const times = this.times;
    if (times.length > 0 && t < times[times.length - 1]!) {
      throw new Error(`VCD: time goes backwards (${times[times.length - 1]} then ${t})`);
    }
    const k = times.length;
    if (k >= 0xfffffffe) throw new Error("VCD: more time steps than the parser counts");
    times.push(t);
    this.reserve(14);
    const out = this.out;
    let p = this.outLen;
    out[p++] = CH_HASH;
    const digits = String(k);
    for (let i = 0; i < digits.length; i++) out[p++] = digits.charCodeAt(i);
    out[p++] = CH_NL;
    this.outLen = p;
  }

  private reserve(n: number): void {
    if (n > FEED_CHUNK) throw new Error(`VCD item of ${n} bytes exceeds the parser's ${FEED_CHUNK}-byte chunk`);
    if (this.outLen + n > FEED_CHUNK) this.flush();
  }

  private flush(): void {
    if (this.outLen === 0) return;
    this.emit(this.out.subarray(0, this.outLen));
    this.outLen = 0;
  }
}

function isEnd(tok: Uint8Array, len: number): boolean {
  return len === 4 && tok[0] === CH_DOLLAR && tok[1] === 101 && tok[2] === 110 && tok[3] === 100;
}

function text(tok: Uint8Array, len: number): string {
  return decoder.decode(tok.subarray(0, len));
}
