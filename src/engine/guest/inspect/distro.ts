import type { DistroFamily, DistroReport } from './guest-report';

/**
 * Which distribution and version, from the release files, tried in libguestfs's order (`inspect_fs_unix.ml`
 * `linux_root_tests`, notes §1.1): the first file that parses wins.
 */
export type ReadText = (path: string) => Promise<string | null>;

export async function detectDistro(read: ReadText): Promise<DistroReport | null> {
  const osRelease = await read('/etc/os-release');
  if (osRelease !== null) {
    const found = parseOsRelease(osRelease);
    if (found) {
      // Debian's os-release gives only the major version; debian_version has the point release.
      if (found.id === 'debian') {
        const version = parseVersion((await read('/etc/debian_version')) ?? '');
        if (version && version.major === found.major) found.minor = version.minor;
      }
      return found;
    }
  }
  const lsb = await read('/etc/lsb-release');
  const fromLsb = lsb !== null ? parseLsbRelease(lsb) : null;
  if (fromLsb) return fromLsb;
  for (const file of ['/etc/oracle-release', '/etc/centos-release', '/etc/rocky-release', '/etc/redhat-release']) {
    const text = await read(file);
    if (text !== null) return parseRedhatRelease(text, file);
  }
  const debian = await read('/etc/debian_version');
  if (debian !== null) {
    const version = parseVersion(debian);
    return report('debian', `Debian ${debian.trim()}`, version, '/etc/debian_version');
  }
  const suse = await read('/etc/SuSE-release');
  if (suse !== null) return parseSuseRelease(suse);
  return null;
}

export function parseOsRelease(text: string): DistroReport | null {
  const vars = parseShellVars(text);
  const id = vars.get('ID');
  if (!id) return null;
  const version = parseVersion(vars.get('VERSION_ID') ?? '');
  const name = vars.get('PRETTY_NAME') ?? vars.get('NAME') ?? id;
  const found = report(id.toLowerCase(), name, version, '/etc/os-release');
  if (found.family === 'other') found.family = familyOf((vars.get('ID_LIKE') ?? '').split(/\s+/));
  return found;
}

export function parseLsbRelease(text: string): DistroReport | null {
  const vars = parseShellVars(text);
  const id = vars.get('DISTRIB_ID');
  if (!id) return null;
  const distroId = id.toLowerCase() === 'linuxmint' ? 'linuxmint' : id.toLowerCase().replace(/\s+/g, '');
  return report(distroId, vars.get('DISTRIB_DESCRIPTION') ?? id, parseVersion(vars.get('DISTRIB_RELEASE') ?? ''), '/etc/lsb-release');
}

const REDHAT_PATTERNS: [RegExp, string][] = [
  [/^Red Hat Enterprise Linux\b/, 'rhel'],
  [/^Red Hat Linux\b/, 'redhat-based'],
  [/^CentOS( Linux| Stream)?\b/, 'centos'],
  [/^Scientific Linux\b/, 'scientificlinux'],
  [/^Oracle Linux\b|^Enterprise Linux Enterprise Linux\b/, 'oraclelinux'],
  [/^Rocky Linux\b/, 'rocky'],
  [/^AlmaLinux\b/, 'almalinux'],
  [/^Fedora\b/, 'fedora'],
];

/** `CentOS release 5.11 (Final)`, `Red Hat Enterprise Linux AS release 4 (Nahant Update 8)`, `Fedora release 8 (Werewolf)`. */
export function parseRedhatRelease(text: string, source: string): DistroReport {
  const line = text.split('\n')[0]!.trim();
  const id = REDHAT_PATTERNS.find(([pattern]) => pattern.test(line))?.[1] ?? 'redhat-based';
  const release = /release (\d+)(?:\.(\d+))?/.exec(line);
  const update = /Update (\d+)/.exec(line);
  const version = release ? { major: Number(release[1]), minor: release[2] !== undefined ? Number(release[2]) : update ? Number(update[1]) : 0 } : null;
  return report(id, line, version, source);
}

/** Line 1 is the product, then `VERSION = 10` and `PATCHLEVEL = 2` (notes §1.1). */
export function parseSuseRelease(text: string): DistroReport {
  const lines = text.split('\n');
  const product = lines[0]!.trim();
  const vars = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const match = /^\s*([A-Z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) vars.set(match[1]!, match[2]!);
  }
  const id = /openSUSE/i.test(product) ? 'opensuse' : /Enterprise Desktop/i.test(product) ? 'sled' : /Enterprise/i.test(product) ? 'sles' : 'suse-based';
  const found = report(id, product, parseVersion(vars.get('VERSION') ?? ''), '/etc/SuSE-release');
  const patchlevel = vars.get('PATCHLEVEL');
  found.patchlevel = patchlevel !== undefined && /^\d+$/.test(patchlevel) ? Number(patchlevel) : null;
  return found;
}

export function familyOf(ids: readonly string[]): DistroFamily {
  for (const id of ids) {
    if (/^(rhel|centos|fedora|rocky|almalinux|ol|oraclelinux|scientificlinux|circle|redhat-based|cloudlinux|amzn)$/.test(id)) return 'rhel';
    if (/^(sles|sled|opensuse|opensuse-leap|opensuse-tumbleweed|suse|suse-based)$/.test(id)) return 'suse';
    if (/^(debian|ubuntu|linuxmint|kali|raspbian|devuan)$/.test(id)) return 'debian';
  }
  return 'other';
}

function report(id: string, name: string, version: { major: number; minor: number } | null, source: string): DistroReport {
  return { id, name, family: familyOf([id]), major: version?.major ?? null, minor: version?.minor ?? null, patchlevel: null, source };
}

/** `5.11` → 5, 11; `22.04` → 22, 4; `12` → 12, 0; `lenny/sid` → null. */
export function parseVersion(text: string): { major: number; minor: number } | null {
  const match = /^\s*(\d+)(?:\.(\d+))?/.exec(text);
  return match ? { major: Number(match[1]), minor: match[2] !== undefined ? Number(match[2]) : 0 } : null;
}

/** `KEY=value` / `KEY="value"` lines (os-release(5), lsb-release, /etc/default/grub). */
export function parseShellVars(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!.trim();
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!.replace(/\\(["\\$`])/g, '$1');
    vars.set(match[1]!, value);
  }
  return vars;
}
