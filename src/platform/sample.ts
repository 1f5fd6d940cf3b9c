import type { NamedBlob } from '../engine/io/file-set';
import { SAMPLE_OVA_PATH } from './sample-path';

/**
 * The sample appliance built into the app (src/app/pwa/sample-plugin.ts emits it at SAMPLE_OVA_PATH), fetched
 * from this origin (the service worker has it precached, so it works offline) and opened like a picked file.
 */
export async function fetchSample(): Promise<NamedBlob[]> {
  const url = new URL(SAMPLE_OVA_PATH, new URL(import.meta.env.BASE_URL, window.location.href));
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The sample appliance is not part of this build (${url.pathname}: HTTP ${response.status}).`);
  const name = SAMPLE_OVA_PATH.split('/').pop()!;
  return [{ blob: new File([await response.blob()], name), path: name }];
}
