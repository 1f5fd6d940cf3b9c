import { checkManifestEntries } from '../ovf/manifest';
import type { Appliance } from './appliance';
import type { ProgressCallback } from './engine-api';
import type { ManifestReport } from './report';

/**
 * Hashes every file the manifest lists, streaming each once, and records the result in the appliance's report.
 * Returns null when the appliance has no manifest.
 */
export async function checkManifest(
  appliance: Appliance,
  { onProgress, signal }: { onProgress?: ProgressCallback; signal?: AbortSignal } = {},
): Promise<ManifestReport | null> {
  const manifest = appliance.report.manifest;
  if (!appliance.manifest || !manifest) return null;
  const mismatches = await checkManifestEntries(appliance.manifest.entries, appliance.files, appliance.manifest.mustCover, {
    onProgress: (done, total, file) => onProgress?.({ done, total, file }),
    signal,
  });
  const checked: ManifestReport = { ...manifest, ok: mismatches.length === 0, mismatches };
  appliance.report.manifest = checked;
  return checked;
}
