import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../bin/command.ts";
import { run as cov } from "../../bin/commands/cov.ts";
import { run as regressCmd } from "../../bin/commands/regress.ts";
import { Coverage } from "../../verif/coverage/covergroup.ts";
import { parseDb, serializeDb } from "../../verif/coverage/db.ts";

describe("verif: tsrtl cov and regress command lines", () => {
  const dir = mkdtempSync(join(tmpdir(), "cov-cli-"));
  const shard = (v: number): string => {
    const c = new Coverage();
    c.group("g").coverpoint("p", { bins: { a: 0, b: 1 } }).sample(v);
    const f = join(dir, `s${v}.json`);
    writeFileSync(f, serializeDb(c.toDb("t")));
    return f;
  };

  it("cov merge adds shards; cov report prints holes and writes HTML", async () => {
    const log = console.log;
    const lines: string[] = [];
    console.log = (s: string) => lines.push(s);
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write;
    try {
      const out = join(dir, "all.json");
      expect(await cov(["merge", shard(0), shard(1), shard(0), "-o", out])).to.equal(0);
      const db = parseDb(readFileSync(out, "utf8"));
      expect(db.runs).to.equal(3);
      expect(db.groups.g!.items.p!.counts).to.deep.equal([2, 1]);
      expect(await cov(["report", shard(0), "--html", join(dir, "html"), "--min", "100"])).to.equal(1);
      expect(lines.join("\n")).to.contain("HOLE b");
      expect(readFileSync(join(dir, "html", "index.html"), "utf8")).to.contain("<h1>");
    } finally {
      console.log = log;
      process.stdout.write = write;
    }
  });

  it("bad options are usage errors that name the option", async () => {
    await cov(["merge", "x.json"]).then(() => expect.fail("no error"), (e: unknown) => expect((e as Error).message).to.match(/option -o/));
    for (const [args, re] of [
      [["fifo", "--seeds", "1-5"], /option --seeds/],
      [["fifo", "--shard", "3/2"], /option --shard/],
      [["fifo", "--timeout", "soon"], /option --timeout/],
      [["fifo", "--until-coverage", "150"], /option --until-coverage/],
      [["fifo", "--max-seeds", "3"], /--max-seeds needs --until-coverage/],
      [["nosuch"], /no suite named 'nosuch'/],
    ] as const) {
      try {
        await regressCmd([...args]);
        expect.fail(`no error for ${args.join(" ")}`);
      } catch (e) {
        expect(e).to.be.instanceOf(UsageError);
        expect((e as Error).message).to.match(re);
      }
    }
  });
});
