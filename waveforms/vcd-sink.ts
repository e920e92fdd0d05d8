// Byte sinks for VcdWriter: where the encoded VCD text goes.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Receives VCD bytes. `bytes` is the writer's reusable buffer: a sink that keeps the data must
 * copy `bytes.subarray(0, length)` before returning.
 */
export interface VcdSink {
  write(bytes: Uint8Array, length: number): void;
  close(): void;
}

/** Synchronous writes to a file descriptor (the simulator is synchronous; no event-loop turns). */
export class FileSink implements VcdSink {
  private fd: number;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, "w");
  }

  write(bytes: Uint8Array, length: number): void {
    let done = 0;
    while (done < length) done += writeSync(this.fd, bytes, done, length - done);
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** Collects everything in memory; for tests and small in-memory dumps. */
export class MemorySink implements VcdSink {
  private chunks: Uint8Array[] = [];
  /** Size of every write() call, in order (tests check the writer's flush bound). */
  readonly writeSizes: number[] = [];
  closed = false;

  write(bytes: Uint8Array, length: number): void {
    this.chunks.push(bytes.slice(0, length));
    this.writeSizes.push(length);
  }

  close(): void {
    this.closed = true;
  }

  bytes(): Uint8Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    return all;
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}
