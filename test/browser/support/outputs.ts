import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Checks of what the app wrote, done outside the browser with real tools. */
export function tarMembers(archive: string): string[] {
  return execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }).trim().split('\n');
}

/** Member sizes as GNU tar lists them (`tar -tvf`: the third column). */
export function tarSizes(archive: string): number[] {
  return execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => Number(line.split(/\s+/)[2]));
}

export function untar(archive: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  return dir;
}

/**
 * An XVA's disk rebuilt as a raw image with nothing but the format's layout (XenServer's `Ref:N/NNNNNNNN`
 * members are the 1 MiB chunks at offset N MiB; absent chunks are zeros), so `qemu-img compare` checks the
 * data without VM Ferry's own reader.
 */
export function rawFromXva(xva: string, dir: string, virtualSize: number): string {
  const extracted = untar(xva, join(dir, 'xva'));
  const raw = join(dir, 'xva-disk.raw');
  execFileSync('truncate', ['-s', String(virtualSize), raw]);
  const members = tarMembers(xva).filter((member) => /^Ref:\d+\/\d{8}$/.test(member));
  for (const member of members) {
    const chunk = Number(member.split('/')[1]);
    execFileSync('dd', [`if=${join(extracted, member)}`, `of=${raw}`, 'bs=1M', `seek=${chunk}`, 'conv=notrunc', 'status=none']);
  }
  return raw;
}
