import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { unifiedDiff } from '../../../../src/engine/guest/fixups/unified-diff';
import { describeWithTools } from '../../../support/tools';

/** Our diff against GNU `diff -u` (with the same a/ b/ labels): byte-identical where the change is unambiguous. */
const dir = mkdtempSync(join(tmpdir(), 'vmferry-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gnuDiff(before: string, after: string, path = 'etc/fstab'): string {
  writeFileSync(join(dir, 'a'), before);
  writeFileSync(join(dir, 'b'), after);
  const run = spawnSync('diff', ['-u', '--label', `a/${path}`, '--label', `b/${path}`, join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' });
  return run.stdout;
}

/** Applies our diff with GNU patch and returns the result. */
function patched(before: string, diff: string): string {
  writeFileSync(join(dir, 'p'), before);
  writeFileSync(join(dir, 'd'), diff);
  const run = spawnSync('patch', ['-s', '-o', join(dir, 'out'), join(dir, 'p'), join(dir, 'd')], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`patch failed: ${run.stdout}${run.stderr}`);
  return readFileSync(join(dir, 'out'), 'utf8');
}

const lines = (count: number, name = 'line') => Array.from({ length: count }, (_, i) => `${name} ${i + 1}\n`).join('');

const FSTAB = `# /etc/fstab: static file system information.
#
# <file system> <mount point>   <type>  <options>       <dump>  <pass>
proc            /proc           proc    defaults        0       0
/dev/hda1       /               ext3    defaults,errors=remount-ro 0       1
/dev/hda5       none            swap    sw              0       0
/dev/hdc        /media/cdrom0   udf,iso9660 user,noauto     0       0
/dev/fd0        /media/floppy0  auto    rw,user,noauto  0       0
`;

const CASES: [string, string, string][] = [
  ['fstab rename', FSTAB, FSTAB.replace('/dev/hda1', '/dev/xvda1').replace('/dev/hda5', '/dev/xvda5')],
  ['first line', lines(10), lines(10).replace('line 1\n', 'first\n')],
  ['last line', lines(10), lines(10).replace('line 10\n', 'last\n')],
  ['insert at top', lines(5), 'new\n' + lines(5)],
  ['append at end', lines(5), lines(5) + 'new\n'],
  ['delete all', lines(3), ''],
  ['from empty', '', lines(3)],
  ['delete middle', lines(12), lines(12).replace('line 6\n', '')],
  ['two hunks (7 lines apart)', lines(20), lines(20).replace('line 2\n', 'two\n').replace('line 10\n', 'ten\n')],
  ['one hunk (6 lines apart)', lines(20), lines(20).replace('line 2\n', 'two\n').replace('line 9\n', 'nine\n')],
  ['far apart', lines(40), lines(40).replace('line 3\n', 'x\n').replace('line 20\n', 'y\n').replace('line 38\n', 'z\n')],
  ['no newline, unchanged last', 'a\nb\nc', 'A\nb\nc'],
  ['no newline, changed last', 'a\nb\nc', 'a\nb\nC'],
  ['newline added', 'a\nb\nc', 'a\nb\nc\n'],
  ['newline removed', 'a\nb\nc\n', 'a\nb\nc'],
  ['replace block', lines(10), lines(10).replace('line 4\nline 5\nline 6\n', 'four\nfive\n')],
  ['grubenv padding', `# GRUB Environment Block\nkernelopts=root=/dev/sda1 ro\n${'#'.repeat(50)}`, `# GRUB Environment Block\nkernelopts=root=/dev/vda1 ro\n${'#'.repeat(50)}`],
  ['single line file', 'only\n', 'changed\n'],
  ['blank lines', '\n\n\nx\n\n\n', '\n\n\ny\n\n\n'],
  ['replacement among repeated lines', 'w\n'.repeat(9), 'w\n'.repeat(6) + 'r\n' + 'w\n'.repeat(2)],
  ['insertion among repeated lines', '#\n'.repeat(8), '#\n'.repeat(3) + 'x\n' + '#\n'.repeat(5)],
  ['deletion among repeated lines', 'a\nb\na\nb\na\nb\n', 'a\nb\na\nb\n'],
];

describeWithTools(['diff', 'patch'], 'unifiedDiff matches GNU diff -u', () => {
  it.each(CASES)('%s', (_name, before, after) => {
    const ours = unifiedDiff(before, after, '/etc/fstab');
    expect(ours).toBe(gnuDiff(before, after));
    expect(patched(before, ours)).toBe(after);
  });

  it('is empty for identical text', () => {
    expect(unifiedDiff(FSTAB, FSTAB, '/etc/fstab')).toBe('');
  });

  it('random edits of files of distinct lines (like fstab or grub.cfg): byte-identical to GNU diff -u', () => {
    let seed = 3;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 150; round++) {
      const base = Array.from({ length: 1 + random(60) }, (_, i) => `entry ${i} /dev/sd${'abc'[random(3)]}${random(9)}`);
      const next = [...base];
      for (let edits = random(6); edits >= 0; edits--) {
        const at = random(next.length + 1);
        const what = random(3);
        if (what === 0) next.splice(at, 1);
        else if (what === 1) next.splice(at, 0, `new ${round}.${edits}`);
        else if (at < next.length) next[at] = next[at]!.replace('/dev/sd', '/dev/xvd');
      }
      const before = base.map((w) => w + '\n').join('');
      const after = next.map((w) => w + '\n').join('');
      if (before !== after) expect(unifiedDiff(before, after, '/etc/fstab')).toBe(gnuDiff(before, after));
    }
  });

  it('random edits with many repeated lines: patch reproduces the new text, changed-line counts equal GNU diff --minimal, and nearly all are byte-identical to GNU diff -u', () => {
    let identical = 0;
    let compared = 0;
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const base = Array.from({ length: 1 + random(30) }, () => `w${random(6)}`);
      const next = [...base];
      for (let edits = random(5); edits >= 0; edits--) {
        const at = random(next.length + 1);
        const what = random(3);
        if (what === 0) next.splice(at, 1);
        else if (what === 1) next.splice(at, 0, `n${random(6)}`);
        else if (at < next.length) next[at] = `r${random(6)}`;
      }
      const before = base.map((w) => w + '\n').join('');
      const after = next.map((w) => w + '\n').join('');
      const ours = unifiedDiff(before, after, 'f');
      if (before === after) continue;
      expect(patched(before, ours)).toBe(after);
      writeFileSync(join(dir, 'a'), before);
      writeFileSync(join(dir, 'b'), after);
      const gnu = spawnSync('diff', ['--minimal', '-u', join(dir, 'a'), join(dir, 'b')], { encoding: 'utf8' }).stdout;
      const changed = (diff: string) => diff.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;
      expect(changed(ours)).toBe(changed(gnu));
      compared++;
      if (ours === gnuDiff(before, after, 'f')) identical++;
    }
    // The rest are other, equally short, alignments of repeated lines (GNU splits at a middle snake).
    expect(identical / compared).toBeGreaterThan(0.95);
  });
});
