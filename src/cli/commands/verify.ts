import { openAppliance } from '../../engine/appliance/open';
import { verifyAppliance } from '../../engine/appliance/verify';
import { parseCommandLine, type CommandSpec } from '../args';
import { nodeFileSet } from '../node-file-set';
import { stderrProgress } from '../progress';

export const verifySpec: CommandSpec = { name: 'verify', positionals: ['INPUT'], flags: {} };

/** `vmferry verify INPUT`: exit 0 when every file is present, sized as declared and matches the manifest. */
export async function verify(args: readonly string[], signal?: AbortSignal): Promise<number> {
  const { positionals } = parseCommandLine(verifySpec, args);
  const { files, close } = await nodeFileSet(positionals[0]!);
  try {
    const appliance = await openAppliance(files, { signal });
    const progress = stderrProgress('Verifying');
    const result = await verifyAppliance(appliance, { onProgress: progress.update, signal });
    progress.done();
    for (const line of result.passed) process.stdout.write(`ok    ${line}\n`);
    for (const line of result.problems) process.stdout.write(`FAIL  ${line}\n`);
    if (result.problems.length === 0) return 0;
    process.stderr.write(`vmferry: ${appliance.input.name}: ${result.problems.length} problem(s):\n${result.problems.map((p) => `  ${p}\n`).join('')}`);
    return 1;
  } finally {
    await close();
  }
}
