import { VmferryError } from '../engine/errors';
import { UsageError } from './args';
import { useNativeZeroCheck } from './native-zero-check';
import { convert } from './commands/convert';
import { inspect } from './commands/inspect';
import { verify } from './commands/verify';

const USAGE = `Usage:
  vmferry inspect INPUT [--json]      what is inside an OVA, OVF, XVA or disk image
  vmferry verify INPUT                check files, sizes and manifest digests
  vmferry convert INPUT OUTPUT [--format vmdk|vmdk-sparse|vhd|vhd-fixed|vhdx|qcow2|vdi|raw] [--compress] [--dry-run]
                                      convert a disk (OUTPUT's extension picks the format;
                                      --compress deflates qcow2 clusters)
  vmferry --help | --version

INPUT is recognised by content: .ova, .ovf (its files next to it), .xva, or a disk image.
Exit status: 0 success, 1 invalid input or a failed check, 2 usage error.
`;

export type Command = (args: readonly string[], signal: AbortSignal) => Promise<number>;

const COMMANDS: Record<string, Command> = { inspect, verify, convert };

/**
 * Ctrl-C (or a TERM from a script) cancels the running command: the output being written is discarded, nothing
 * half-written remains, and the exit status is 130. A second Ctrl-C exits at once.
 */
function cancelOnSignals(): AbortSignal {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nvmferry: ${name}: cancelling, removing partial output\n`);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

/** Runs one command and returns the exit status; every failure becomes a message on stderr, never a stack trace. */
export async function main(argv: readonly string[]): Promise<number> {
  useNativeZeroCheck();
  const [command, ...args] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === '--version') {
    process.stdout.write(`vmferry ${__VMFERRY_VERSION__}\n`);
    return 0;
  }
  const run = command !== undefined ? COMMANDS[command] : undefined;
  if (!run) {
    process.stderr.write(`vmferry: ${command === undefined ? 'no command given' : `unknown command "${command}"`}\n\n${USAGE}`);
    return 2;
  }
  const signal = cancelOnSignals();
  try {
    return await run(args, signal);
  } catch (error) {
    if (signal.aborted) return 130;
    if (error instanceof UsageError) {
      process.stderr.write(`vmferry ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof VmferryError) {
      process.stderr.write(`vmferry: ${error.message}\n`);
      return error.code === 'usage' ? 2 : 1;
    }
    process.stderr.write(`vmferry: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

declare const __VMFERRY_VERSION__: string;

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
    // For `npm run bench`: the peak resident memory of this run, which is what the memory bound is about.
    if (process.env.VMFERRY_REPORT_PEAK_RSS) process.stderr.write(`peak-rss-bytes ${process.resourceUsage().maxRSS * 1024}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`vmferry: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
