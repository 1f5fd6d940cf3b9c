import { findDeviceTokens } from './cmdline';
import { parseDeviceName } from './device-name';
import { parseFstab, splitLines } from './fstab';
import type { DeviceUseReport } from './guest-report';

/**
 * Every device name a guest's boot files use, with file and line: fstab specs, `root=`/`resume=` on kernel
 * command lines (GRUB configs, /etc/default/grub, grubenv, BLS entries) and device.map devices. This is what
 * shows how the guest names its disks, and what fixups will consider.
 */
export type DeviceFileKind = 'fstab' | 'cmdline' | 'device-map';

export function deviceUsesIn(path: string, text: string, kind: DeviceFileKind): DeviceUseReport[] {
  const uses: DeviceUseReport[] = [];
  const add = (name: string, line: number) => uses.push({ name, kind: parseDeviceName(name).kind, file: path, line });
  if (kind === 'fstab') {
    for (const entry of parseFstab(text)) {
      if (entry.spec.startsWith('/dev/') || /^(UUID|LABEL|PARTUUID|PARTLABEL)=/.test(entry.spec)) add(entry.spec, entry.lineIndex + 1);
    }
    return uses;
  }
  splitLines(text).forEach((line, index) => {
    if (line.trimStart().startsWith('#')) return;
    if (kind === 'device-map') {
      const match = /^\s*\([^)]*\)\s+(\S+)/.exec(line);
      if (match) add(match[1]!, index + 1);
      return;
    }
    // grubenv: `kernelopts=root=/dev/…` — the command line is the variable's value.
    const value = line.startsWith('kernelopts=') ? line.slice('kernelopts='.length) : line;
    for (const token of findDeviceTokens(value)) add(token.value, index + 1);
  });
  return uses;
}

/** The naming styles, for the report: `disk:hd`, `disk:sd`, `uuid`, `label`, `lvm`, `by-id`, ... */
export function namingStyles(uses: readonly DeviceUseReport[]): string[] {
  const styles = new Set<string>();
  for (const use of uses) {
    const name = parseDeviceName(use.name);
    styles.add(name.kind === 'disk' ? `disk:${name.prefix}` : name.kind);
  }
  return [...styles].sort();
}
