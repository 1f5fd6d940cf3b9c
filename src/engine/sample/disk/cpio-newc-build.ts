import { concatBytes } from '../../io/bytes';

/**
 * A cpio "new ASCII" (newc) archive, the format of an initramfs (kernel Documentation/driver-api/early-userspace/
 * buffer-format.rst): per entry a 110-byte header of "070701" and thirteen 8-digit hex fields (ino, mode, uid,
 * gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check), the NUL-terminated
 * name padded to 4 bytes, the data padded to 4 bytes; "TRAILER!!!" ends it.
 */
export interface CpioEntry {
  /** Relative path, no leading slash (as mkinitrd's `find . | cpio -H newc` writes). */
  name: string;
  /** Type and permission bits (0o040755 for a directory, 0o100644 for a file). */
  mode: number;
  data?: Uint8Array;
}

const HEADER = 110;

export function buildCpioNewc(entries: readonly CpioEntry[], mtime: number): Uint8Array {
  const parts: Uint8Array[] = [];
  entries.forEach((entry, i) => parts.push(...member(entry.name, entry.mode, entry.data ?? new Uint8Array(0), i + 1, entry.mode & 0o040000 ? 2 : 1, mtime)));
  parts.push(...member('TRAILER!!!', 0, new Uint8Array(0), 0, 1, 0));
  const archive = concatBytes(parts);
  // cpio writes whole 512-byte blocks; the kernel skips the zeros after the trailer.
  const padded = new Uint8Array(Math.ceil(archive.length / 512) * 512);
  padded.set(archive);
  return padded;
}

function member(name: string, mode: number, data: Uint8Array, ino: number, nlink: number, mtime: number): Uint8Array[] {
  const nameBytes = new TextEncoder().encode(`${name}\0`);
  const fields = [ino, mode, 0, 0, nlink, mtime, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = new TextEncoder().encode(`070701${fields.map((value) => value.toString(16).toUpperCase().padStart(8, '0')).join('')}`);
  return [header, nameBytes, new Uint8Array(pad4(HEADER + nameBytes.length) - HEADER - nameBytes.length), data, new Uint8Array(pad4(data.length) - data.length)];
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}
