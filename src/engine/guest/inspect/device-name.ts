/**
 * A device as a guest file writes it (fstab spec, `root=`, device.map), parsed into what it refers to.
 * The classes follow libguestfs `inspect_fs_unix_fstab.ml` `resolve_fstab_device` and virt-v2v
 * `convert_linux.ml` `remap_block_devices` (notes §1.1, §1.2).
 */
export type DiskPrefix = 'hd' | 'sd' | 'vd' | 'xvd';

export type DeviceName =
  | { kind: 'disk'; prefix: DiskPrefix; disk: number; partition: number | null }
  | { kind: 'uuid' | 'label' | 'partuuid' | 'partlabel' | 'by-uuid' | 'by-label'; value: string }
  | { kind: 'by-id' | 'by-path'; value: string; partition: number | null }
  | { kind: 'lvm' | 'mapper'; vg: string; lv: string }
  | { kind: 'mapper'; vg: null; lv: null; value: string }
  | { kind: 'cdrom' | 'floppy' | 'md' | 'cciss' | 'nvme' | 'root' | 'other'; value: string };

/** Subfolders of /dev that are not volume groups. */
const DEV_SUBDIRS = new Set(['disk', 'mapper', 'cciss', 'md', 'ida', 'rd', 'iso9660', 'cdroms', 'loop', 'fd', 'ide', 'scsi', 'xen', 'shm', 'pts', 'net', 'snd', 'input', 'bus', 'usb', 'block', 'char', 'vg']);

const DISK = /^\/dev\/(hd|sd|vd|xvd)([a-z]+)(\d*)$/;

export function parseDeviceName(text: string): DeviceName {
  const tagged = /^(UUID|LABEL|PARTUUID|PARTLABEL)=(.*)$/.exec(text);
  if (tagged) {
    const value = unquote(tagged[2]!);
    const kind = tagged[1]!.toLowerCase() as 'uuid' | 'label' | 'partuuid' | 'partlabel';
    return { kind, value };
  }
  const disk = DISK.exec(text);
  if (disk) {
    return { kind: 'disk', prefix: disk[1] as DiskPrefix, disk: driveIndex(disk[2]!), partition: disk[3] ? Number(disk[3]) : null };
  }
  const byWhat = /^\/dev\/disk\/by-(uuid|label|id|path)\/(.+)$/.exec(text);
  if (byWhat) {
    const value = byWhat[2]!;
    if (byWhat[1] === 'uuid') return { kind: 'by-uuid', value };
    if (byWhat[1] === 'label') return { kind: 'by-label', value: unescapeUdev(value) };
    const part = /-part(\d+)$/.exec(value);
    return { kind: byWhat[1] === 'id' ? 'by-id' : 'by-path', value, partition: part ? Number(part[1]) : null };
  }
  const mapper = /^\/dev\/mapper\/(.+)$/.exec(text);
  if (mapper) {
    const split = splitMapperName(mapper[1]!);
    return split ? { kind: 'mapper', vg: split.vg, lv: split.lv } : { kind: 'mapper', vg: null, lv: null, value: mapper[1]! };
  }
  if (/^\/dev\/(cdrom\d*|dvd\d*|sr\d+|scd\d+|cdroms\/.*|iso9660\/.*|cdrw\d*|dvdrw\d*)$/.test(text)) return { kind: 'cdrom', value: text };
  if (/^\/dev\/(fd\d+.*|floppy.*)$/.test(text)) return { kind: 'floppy', value: text };
  if (/^\/dev\/(md\d+|md\/.+)$/.test(text)) return { kind: 'md', value: text };
  if (/^\/dev\/(cciss|ida)\/c\d+d\d+(p\d+)?$/.test(text)) return { kind: 'cciss', value: text };
  if (/^\/dev\/nvme\d+n\d+(p\d+)?$/.test(text)) return { kind: 'nvme', value: text };
  if (text === '/dev/root') return { kind: 'root', value: text };
  const lvm = /^\/dev\/([^/]+)\/([^/]+)$/.exec(text);
  if (lvm && !DEV_SUBDIRS.has(lvm[1]!)) return { kind: 'lvm', vg: lvm[1]!, lv: lvm[2]! };
  return { kind: 'other', value: text };
}

/** `a` → 0, `z` → 25, `aa` → 26: the bijective base-26 letters of Linux disk names (libguestfs drive_name). */
export function driveIndex(letters: string): number {
  let index = 0;
  for (const letter of letters) index = index * 26 + (letter.charCodeAt(0) - 96);
  return index - 1;
}

export function driveLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(97 + ((n - 1) % 26)) + letters;
  return letters;
}

export function diskDeviceName(prefix: DiskPrefix, disk: number, partition: number | null): string {
  return `/dev/${prefix}${driveLetters(disk)}${partition ?? ''}`;
}

/**
 * `/dev/mapper/vg--data-lv--root` → vg `vg-data`, lv `lv-root`: device-mapper joins VG and LV with one dash and
 * doubles every dash inside them. Null when the name has no single dash (not an LVM name).
 */
export function splitMapperName(name: string): { vg: string; lv: string } | null {
  const match = /^((?:[^-]|--)+)-((?:[^-]|--)+)$/.exec(name);
  if (!match) return null;
  return { vg: match[1]!.replace(/--/g, '-'), lv: match[2]!.replace(/--/g, '-') };
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return quoted ? quoted[2]! : value;
}

/** udev escapes unsafe label characters as `\x2f`. */
function unescapeUdev(value: string): string {
  return value.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
