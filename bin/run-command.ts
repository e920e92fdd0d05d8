/** Runs one CLI command with the shared error handling (bad arguments: one line, exit 2). */
import { UsageError, type Command } from "./command.ts";

export async function runCommand(cmd: Command, name: string, argv: string[]): Promise<number> {
  try {
    return await cmd.run(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`tsrtl ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
