import { describe, expect, it } from 'vitest';
import { openAppliance } from '../../../src/engine/appliance/open';
import { blobFileSet, resolveRelative } from '../../../src/engine/io/file-set';
import { isVmferryError } from '../../../src/engine/errors';
import { fixtureText } from '../../support/packages';

/** The browser path: a folder or multi-file selection handed over as Blobs with relative paths. */
describe('opening a browser selection', () => {
  const descriptor = fixtureText('vbox32-winxp-ovf10-vboxmachine-2disks.ovf');

  it('finds the descriptor among the files and resolves hrefs (with spaces) inside a picked folder', async () => {
    const files = blobFileSet([
      { blob: new Blob(['x'.repeat(965)]), path: 'export/Windows 5.1 XP 1 merged.vmdk' },
      { blob: new Blob([descriptor]), path: 'export/winxp.ovf' },
    ]);
    const appliance = await openAppliance(files);
    expect(appliance.report.kind).toBe('ovf');
    const byName = Object.fromEntries(appliance.report.files.map((f) => [f.name, f.present]));
    expect(byName).toEqual({ 'winxp.ovf': true, 'Windows 5.1 XP 1 merged.vmdk': true, 'smallvdi.vmdk': false });
    expect(appliance.report.warnings.join('\n')).toMatch(/Missing file smallvdi\.vmdk/);
    expect(appliance.report.warnings.join('\n')).toMatch(/Size of Windows 5\.1 XP 1 merged\.vmdk is 965 bytes but the descriptor declares 4948965888/);
  });

  it('refuses two descriptors in one selection, naming them', async () => {
    const files = blobFileSet([
      { blob: new Blob([descriptor]), path: 'a.ovf' },
      { blob: new Blob([descriptor]), path: 'b.ovf' },
    ]);
    await expect(openAppliance(files)).rejects.toThrow(/2 OVF descriptors \(a\.ovf, b\.ovf\)/);
  });

  it('refuses an empty selection as a usage error', async () => {
    await openAppliance(blobFileSet([])).then(
      () => expect.unreachable(),
      (error) => expect(isVmferryError(error, 'usage')).toBe(true),
    );
  });

  it('resolveRelative joins hrefs onto the descriptor folder and folds ./ and ../', () => {
    expect(resolveRelative('disk.vmdk', 'pkg/a.ovf')).toBe('pkg/disk.vmdk');
    expect(resolveRelative('./sub/../disk.vmdk', 'pkg/a.ovf')).toBe('pkg/disk.vmdk');
    expect(resolveRelative('disk.vmdk')).toBe('disk.vmdk');
    expect(resolveRelative('a\\b.vmdk', 'x.ovf')).toBe('a/b.vmdk');
  });
});
