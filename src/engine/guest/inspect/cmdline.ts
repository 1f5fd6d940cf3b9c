/**
 * Device tokens on a kernel command line: `root=` and `resume=` (the only two whose value is a block device the
 * kernel or initrd opens; notes §1.2/§1.6). Found with their offsets so a rewrite replaces only the value.
 * A token starts after a blank or a quote (inside `GRUB_CMDLINE_LINUX="…"`) and ends at a blank or a quote.
 */
export interface DeviceToken {
  key: 'root' | 'resume';
  value: string;
  /** Offset of the value inside the searched text. */
  start: number;
}

export function findDeviceTokens(text: string): DeviceToken[] {
  const tokens: DeviceToken[] = [];
  // `rd.lvm.root=` or `xroot=` do not count: the key must start the token.
  for (const match of text.matchAll(/(^|[\s"'])(root|resume)=([^\s"']+)/g)) {
    tokens.push({ key: match[2] as 'root' | 'resume', value: match[3]!, start: match.index + match[1]!.length + match[2]!.length + 1 });
  }
  return tokens;
}
