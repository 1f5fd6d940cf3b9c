import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Initrds made the way distributions make them, with GNU cpio and the real compressors: `find . | cpio -o -H
 * newc | gzip`, optionally after an uncompressed early-microcode cpio (as Ubuntu's and dracut's are).
 */
export type InitrdCompression = 'gzip' | 'xz' | 'lz4' | 'zstd' | 'bzip2' | 'none';

const COMPRESSORS: Record<Exclude<InitrdCompression, 'none'>, string> = {
  gzip: 'gzip -9 -n',
  xz: 'xz --check=crc32 -T1',
  lz4: 'lz4 -l -q',
  zstd: 'zstd -q',
  bzip2: 'bzip2 -9',
};

export function makeInitrd(files: Record<string, string>, options: { compression?: InitrdCompression; early?: boolean; format?: 'newc' | 'crc' } = {}): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'vmferry-initrd-'));
  try {
    const main = join(dir, 'main');
    mkdirSync(main);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(main, path)), { recursive: true });
      writeFileSync(join(main, path), content);
    }
    const format = options.format ?? 'newc';
    const compression = options.compression ?? 'gzip';
    const compress = compression === 'none' ? '' : ` | ${COMPRESSORS[compression]}`;
    let bytes = execSync(`cd ${main} && find . | LC_ALL=C sort | cpio --quiet -o -H ${format}${compress}`, { maxBuffer: 256 * 1024 * 1024 });
    if (options.early) {
      const early = join(dir, 'early');
      mkdirSync(join(early, 'kernel/x86/microcode'), { recursive: true });
      writeFileSync(join(early, 'kernel/x86/microcode/GenuineIntel.bin'), Buffer.alloc(3000, 0x42));
      const head = execSync(`cd ${early} && find . | LC_ALL=C sort | cpio --quiet -o -H newc`);
      bytes = Buffer.concat([head, bytes]);
    }
    return new Uint8Array(bytes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The names GNU cpio itself lists, the oracle for our lister. */
export function cpioList(initrd: Uint8Array): string[] {
  const gzip = initrd[0] === 0x1f && initrd[1] === 0x8b;
  return execFileSync('sh', ['-c', gzip ? 'gzip -dc | cpio --quiet -it' : 'cpio --quiet -it'], { input: initrd }).toString().split('\n').filter(Boolean);
}
