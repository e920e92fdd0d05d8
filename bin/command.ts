/** The shape every bin/commands/<name>.ts module has. */
export interface Command {
  /** One line shown by `tsrtl help`. */
  readonly summary: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** Thrown for bad command-line arguments: printed as one line, exit code 2, no stack. */
export class UsageError extends Error {}

/** Minimal GNU-style option parsing shared by the commands: `--flag`, `--key value`, `--key=value`, `-k value`. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
}

export function parseArgs(argv: string[], spec: { flags?: string[]; values?: string[]; aliases?: Record<string, string> }): ParsedArgs {
  const flags = new Set(spec.flags ?? []);
  const values = new Set(spec.values ?? []);
  const aliases = spec.aliases ?? {};
  const out: ParsedArgs = { positional: [], options: new Map() };
  const add = (k: string, v: string): void => {
    const list = out.options.get(k);
    if (list) list.push(v);
    else out.options.set(k, [v]);
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    if (arg === "--") {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      out.positional.push(arg);
      continue;
    }
    let inline: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const key = aliases[arg] ?? arg;
    if (flags.has(key)) {
      if (inline !== undefined) throw new UsageError(`option ${key} takes no value`);
      add(key, "true");
    } else if (values.has(key)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`option ${key} needs a value`);
      add(key, v);
    } else {
      throw new UsageError(`unknown option ${arg}`);
    }
  }
  return out;
}

/** Last value of an option, or undefined. */
export function optionValue(args: ParsedArgs, key: string): string | undefined {
  const list = args.options.get(key);
  return list === undefined ? undefined : list[list.length - 1];
}

/** Parses a non-negative integer option (decimal or 0x hex), naming the option on error. */
export function intOption(args: ParsedArgs, key: string, fallback: number): number {
  const v = optionValue(args, key);
  if (v === undefined) return fallback;
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^\d+$/.test(v) ? parseInt(v, 10) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`option ${key}: expected a non-negative integer, got '${v}'`);
  return n;
}
