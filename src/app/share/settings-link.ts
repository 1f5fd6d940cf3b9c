import { OUTPUT_FORMATS, type OutputFormat } from '../../engine/disk/disk-writer';
import { TARGET_IDS, type Container, type DeviceNaming, type ManifestChoice, type TargetId } from '../../engine/appliance/plan-types';
import type { Choices } from '../convert/choices';

/**
 * A recipe in a link: "Copy link with these settings" puts the target and its options in the URL fragment
 * (never sent to any server), and opening the link starts the Choose screen with them. The output name is left
 * out: it belongs to the appliance, not to the recipe.
 */
export type LinkSettings = Partial<Omit<Choices, 'outputName'>>;

const CONTAINERS: readonly Container[] = ['ova', 'ovf', 'xva', 'disk'];
const NAMES: readonly (DeviceNaming | 'auto')[] = ['auto', 'sd', 'hd', 'xvd', 'vd', 'uuid'];
const MANIFESTS: readonly ManifestChoice[] = ['sha256', 'sha1', 'none'];
const NETWORK = 'net.';

export function encodeSettings(choices: Omit<Choices, 'outputName'>): string {
  const params = new URLSearchParams();
  params.set('target', choices.target);
  params.set('container', choices.container);
  params.set('format', choices.format);
  params.set('names', choices.names);
  params.set('pv', choices.pv ? '1' : '0');
  params.set('manifest', choices.manifest);
  params.set('fix', choices.fix ? '1' : '0');
  for (const [source, target] of Object.entries(choices.networks)) if (source !== target) params.set(NETWORK + source, target);
  return params.toString();
}

/** Reads a fragment (with or without `#`); values that are not valid are left out and listed in `ignored`. */
export function decodeSettings(fragment: string): { settings: LinkSettings; ignored: string[] } {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const settings: LinkSettings = {};
  const ignored: string[] = [];
  const pick = <T extends string>(key: string, allowed: readonly T[], apply: (value: T) => void) => {
    const value = params.get(key);
    if (value === null) return;
    if ((allowed as readonly string[]).includes(value)) apply(value as T);
    else ignored.push(`${key}=${value}`);
  };
  pick<TargetId>('target', TARGET_IDS, (v) => (settings.target = v));
  pick<Container>('container', CONTAINERS, (v) => (settings.container = v));
  pick<OutputFormat>('format', OUTPUT_FORMATS, (v) => (settings.format = v));
  pick('names', NAMES, (v) => (settings.names = v));
  pick<ManifestChoice>('manifest', MANIFESTS, (v) => (settings.manifest = v));
  pick('pv', ['0', '1'] as const, (v) => (settings.pv = v === '1'));
  pick('fix', ['0', '1'] as const, (v) => (settings.fix = v === '1'));
  for (const [key, value] of params) {
    if (key.startsWith(NETWORK) && key.length > NETWORK.length) (settings.networks ??= {})[key.slice(NETWORK.length)] = value;
    else if (!['target', 'container', 'format', 'names', 'manifest', 'pv', 'fix'].includes(key)) ignored.push(key);
  }
  return { settings, ignored };
}

export function hasSettings(settings: LinkSettings): boolean {
  return Object.keys(settings).length > 0;
}

/** Applies link settings over defaults: only what the target offers is taken (a link may be for another input). */
export function applySettings(
  choices: Choices,
  settings: LinkSettings,
  offered: { containers: readonly Container[]; formats: readonly OutputFormat[] },
): Choices {
  const next = { ...choices };
  if (settings.container && offered.containers.includes(settings.container)) next.container = settings.container;
  if (settings.format && offered.formats.includes(settings.format)) next.format = settings.format;
  if (settings.names) next.names = settings.names;
  if (settings.pv !== undefined) next.pv = settings.pv;
  if (settings.manifest) next.manifest = settings.manifest;
  if (settings.fix !== undefined) next.fix = settings.fix;
  if (settings.networks) {
    next.networks = { ...next.networks };
    for (const [source, target] of Object.entries(settings.networks)) if (source in next.networks) next.networks[source] = target;
  }
  return next;
}
