import type { Appliance } from './appliance';
import { signatureText } from '../ovf/signature/signature-text';
import { checkManifest } from './check-manifest';
import { checkXvaChecksums } from './open-xva';
import type { ProgressCallback } from './engine-api';

export interface VerifyResult {
  /** Each problem names the file and what is wrong with it. Empty when the appliance is sound. */
  problems: string[];
  /** What was checked and found right, for the record. */
  passed: string[];
}

/**
 * Checks an opened appliance end to end: every referenced file present, with the declared size; every manifest
 * digest right; every disk image recognisable.
 */
export async function verifyAppliance(
  appliance: Appliance,
  options: { onProgress?: ProgressCallback; signal?: AbortSignal } = {},
): Promise<VerifyResult> {
  const problems: string[] = [];
  const passed: string[] = [];
  const { report } = appliance;
  for (const file of report.files) {
    if (!file.present) {
      problems.push(`${file.name}: missing (referenced by ${report.input} but not in the package)`);
    } else if (file.declaredSize !== null && file.size !== file.declaredSize) {
      problems.push(`${file.name}: ${file.size} bytes, but the descriptor declares ${file.declaredSize}`);
    } else {
      passed.push(`${file.name}: present${file.declaredSize !== null ? ', size as declared' : ''}`);
    }
  }
  for (const image of report.diskImages) {
    if (image.problem) problems.push(image.problem);
    else passed.push(`${image.file}: ${image.format}${image.subformat ? ` ${image.subformat}` : ''}`);
  }
  if (appliance.kind === 'xva') {
    const xvaProblems = await checkXvaChecksums(appliance, {
      signal: options.signal,
      onProgress: options.onProgress ? (done, total) => options.onProgress!({ done, total, file: null }) : undefined,
    });
    problems.push(...xvaProblems);
    if (xvaProblems.length === 0) passed.push(`${appliance.input.name}: every chunk matches its checksum`);
  }
  const manifest = await checkManifest(appliance, options);
  if (manifest) {
    for (const mismatch of manifest.mismatches) problems.push(describeMismatch(manifest.file, mismatch));
    if (manifest.ok) passed.push(`${manifest.file}: every ${manifest.algorithm} digest matches`);
  }
  // A signature that does not match is a failed check; one that cannot be checked is reported by inspect.
  const signature = appliance.report.manifest?.signature;
  if (signature?.valid === false) problems.push(`${appliance.report.manifest!.certificate}: ${signature.problem}`);
  if (signature?.valid) passed.push(`${appliance.report.manifest!.certificate}: ${signatureText(appliance.report.manifest!.certificate!, signature)}`);
  return { problems, passed };
}

function describeMismatch(manifestName: string, mismatch: { file: string; problem: string; expected: string | null; actual: string | null }): string {
  switch (mismatch.problem) {
    case 'digest':
      return `${mismatch.file}: digest ${mismatch.actual} does not match ${manifestName} (${mismatch.expected})`;
    case 'missing-file':
      return `${mismatch.file}: listed in ${manifestName} but not in the package`;
    case 'not-listed':
      return `${mismatch.file}: part of the package but not listed in ${manifestName}`;
    default:
      return `${mismatch.file}: could not be read to check ${manifestName}`;
  }
}
