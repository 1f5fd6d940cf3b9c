/**
 * Command-line parsing for `vmferry` (the contract is in DESIGN.md). Small and strict: an unknown flag, a
 * missing argument or a bad value is a usage error (exit status 2) that says what was expected.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface FlagSpec {
  /** Takes a value (`--format vmdk`, `--format=vmdk`); otherwise a switch. */
  value?: boolean;
  /** Allowed values, when the set is fixed. */
  choices?: readonly string[];
}

export interface CommandSpec {
  name: string;
  /** Names of the positional arguments, in order, all required. */
  positionals: readonly string[];
  flags: Readonly<Record<string, FlagSpec>>;
}

export interface ParsedCommand {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseCommandLine(spec: CommandSpec, args: readonly string[]): ParsedCommand {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = splitOnce(arg.slice(2), '=');
    const flag = spec.flags[name];
    if (!flag) throw new UsageError(`${spec.name}: unknown option --${name}`);
    if (!flag.value) {
      if (inline !== undefined) throw new UsageError(`${spec.name}: --${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${spec.name}: --${name} needs a value`);
    if (flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(`${spec.name}: --${name} must be one of ${flag.choices.join(', ')} (got "${value}")`);
    }
    flags.set(name, value);
  }
  if (positionals.length !== spec.positionals.length) {
    const expected = spec.positionals.join(' ');
    throw new UsageError(`${spec.name}: expected ${expected}, got ${positionals.length} argument(s)`);
  }
  return { positionals, flags };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
