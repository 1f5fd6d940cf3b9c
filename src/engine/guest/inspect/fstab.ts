/**
 * /etc/fstab (fstab(5)): one entry a line, fields separated by blanks, `#` starts a comment line, spaces inside
 * a field written `\040`. Each entry keeps where its spec sits in the line, so a rewrite replaces that text only
 * and the file's own column layout stays as the administrator left it.
 */
export interface FstabEntry {
  /** 0-based index into the file's lines. */
  lineIndex: number;
  /** The spec as written, and decoded (`\040` → space). */
  rawSpec: string;
  spec: string;
  /** Character offset of the spec in its line. */
  specStart: number;
  mountpoint: string;
  type: string;
  options: string;
}

export function parseFstab(text: string): FstabEntry[] {
  const entries: FstabEntry[] = [];
  splitLines(text).forEach((line, lineIndex) => {
    if (/^\s*(#|$)/.test(line)) return;
    const fields: { text: string; start: number }[] = [];
    for (const match of line.matchAll(/\S+/g)) fields.push({ text: match[0], start: match.index });
    if (fields.length < 2) return;
    entries.push({
      lineIndex,
      rawSpec: fields[0]!.text,
      spec: decodeOctal(fields[0]!.text),
      specStart: fields[0]!.start,
      mountpoint: decodeOctal(fields[1]!.text),
      type: fields[2]?.text ?? '',
      options: fields[3]?.text ?? '',
    });
  });
  return entries;
}

/** Lines without their terminators; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function decodeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Entries that are removable media, whatever device they name (Debian etch: `/dev/hdc /media/cdrom0 udf,iso9660`). */
export function isRemovableMediaEntry(entry: Pick<FstabEntry, 'mountpoint' | 'type' | 'spec'>): boolean {
  if (/(^|,)(iso9660|udf)(,|$)/.test(entry.type)) return true;
  if (/^\/(media|mnt)\/(cdrom|dvd|cdrw|floppy|fd)/.test(entry.mountpoint)) return true;
  return /^\/dev\/(cdrom|dvd|fd\d|floppy|sr\d|scd\d)/.test(entry.spec);
}
