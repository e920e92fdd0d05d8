/** Progress output: a bar redrawn in place on a terminal, plain lines otherwise. */
import type { ReportedResult } from "./regress.ts";

export class Progress {
  private readonly tty: boolean;
  private fails = 0;
  private drawn = false;
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly quiet = false,
  ) {
    this.tty = out.isTTY === true;
  }

  update(r: ReportedResult, done: number, total: number): void {
    if (r.status !== "pass") this.fails++;
    if (this.tty) {
      if (r.status !== "pass") {
        this.clear();
        this.out.write(`${r.status.toUpperCase()} ${r.suite}/${r.test} seed ${r.seed}: ${r.message ?? ""}\n`);
      }
      const now = Date.now();
      if (now - this.lastDraw < 50 && done < total) return;
      this.lastDraw = now;
      const width = 30;
      const fill = total === 0 ? width : Math.round((width * done) / total);
      this.out.write(`\r[${"#".repeat(fill)}${".".repeat(width - fill)}] ${done}/${total} seeds, ${this.fails} failing`);
      this.drawn = true;
    } else if (!this.quiet || r.status !== "pass") {
      this.out.write(`${r.status} ${r.suite}/${r.test} seed ${r.seed} (${r.durationMs.toFixed(0)} ms) [${done}/${total}]${r.status !== "pass" ? `: ${r.message ?? ""}` : ""}\n`);
    }
  }

  private clear(): void {
    if (this.drawn) this.out.write("\r\u001b[2K");
    this.drawn = false;
  }

  finish(): void {
    if (this.tty && this.drawn) this.out.write("\n");
    this.drawn = false;
  }
}
