import { openAppliance } from '../../engine/appliance/open';
import { checkManifest } from '../../engine/appliance/check-manifest';
import { inspectGuestOf } from '../../engine/appliance/guest-repair';
import type { CommandSpec } from '../args';
import { parseCommandLine } from '../args';
import { formatReport } from '../format-report';
import { nodeFileSet } from '../node-file-set';
import { stderrProgress } from '../progress';

export const inspectSpec: CommandSpec = {
  name: 'inspect',
  positionals: ['INPUT'],
  flags: { json: {} },
};

/** `vmferry inspect INPUT [--json]`: what is inside, manifest included (its digests are checked while reading). */
export async function inspect(args: readonly string[], signal?: AbortSignal): Promise<number> {
  const { positionals, flags } = parseCommandLine(inspectSpec, args);
  const { files, close } = await nodeFileSet(positionals[0]!);
  try {
    const appliance = await openAppliance(files, { signal });
    const progress = stderrProgress('Checking manifest');
    await checkManifest(appliance, { onProgress: progress.update, signal });
    await inspectGuestOf(appliance);
    progress.done();
    process.stdout.write(flags.has('json') ? `${JSON.stringify(appliance.report, null, 2)}\n` : formatReport(appliance.report));
    return 0;
  } finally {
    await close();
  }
}
