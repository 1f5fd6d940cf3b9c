import { VmferryError } from '../errors';

/**
 * Member names: the one form we compare and show (no leading `./`, no empty or `.` components, no trailing
 * slash), the safety rule (never a name that could escape the folder it is extracted into) and the macOS
 * metadata that archivers on a Mac add beside real files.
 */

/** `./disk.vmdk`, `disk.vmdk` and `.//disk.vmdk` all name the same member; `./` (the root) becomes `.`. */
export function normaliseMemberName(name: string): string {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0) return name.startsWith('/') ? '/' : '.';
  return (name.startsWith('/') ? '/' : '') + parts.join('/');
}

/**
 * Why a name is unsafe, or undefined when it is safe. Absolute names and `..` components are the classic tar
 * traversal (GNU tar strips a leading `/` and refuses `..` unless told otherwise). Backslashes and drive letters
 * are checked too, because the output may be written on Windows, where they are separators and roots.
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name.startsWith('/') || name.startsWith('\\')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split(/[/\\]/).includes('..')) return 'contains a ".." component';
  return undefined;
}

export function assertSafeMemberName(name: string, archive: string, offset?: number): void {
  const reason = unsafeNameReason(name);
  if (reason === undefined) return;
  throw new VmferryError('unsafe-name', `The archive member ${JSON.stringify(name)} ${reason}`, {
    file: archive,
    offset,
    hint: 'VM Ferry never writes outside its output folder; this archive is damaged or was made to attack extractors.',
  });
}

/**
 * AppleDouble files (`._name`, holding a Mac file's resource fork and extended attributes) and the
 * `__MACOSX/` folder that the macOS archiver adds. They are never part of an appliance (disk-formats notes c23).
 */
export function isMacMetadata(name: string): boolean {
  const parts = name.split('/');
  return parts.includes('__MACOSX') || parts[parts.length - 1]!.startsWith('._');
}
