/**
 * The `tsrtl` command line. Each subcommand is a module in bin/commands/<name>.ts that
 * exports `summary` (one line for the help) and `run(argv)` returning the exit code, so a
 * new command is a new file and never an edit here.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "./command.ts";
import { runCommand } from "./run-command.ts";

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), "commands");

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<Command> {
  return (await import(pathToFileURL(join(commandsDir, `${name}.ts`)).href)) as Command;
}

async function printHelp(): Promise<void> {
  const lines = ["usage: tsrtl <command> [options]", "", "commands:"];
  for (const name of commandNames()) {
    const cmd = await loadCommand(name);
    lines.push(`  ${name.padEnd(12)} ${cmd.summary}`);
  }
  console.log(lines.join("\n"));
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    await printHelp();
    return name === undefined ? 2 : 0;
  }
  if (!commandNames().includes(name)) {
    console.error(`tsrtl: unknown command '${name}' (try 'tsrtl help')`);
    return 2;
  }
  return runCommand(await loadCommand(name), name, rest);
}

process.exitCode = await main(process.argv.slice(2));
