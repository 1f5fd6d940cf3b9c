import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { TarWriter } from '../../../src/engine/archive/tar-writer';
import { openAppliance } from '../../../src/engine/appliance/open';
import { checkManifest } from '../../../src/engine/appliance/check-manifest';
import { readChunks } from '../../../src/engine/io/byte-source';
import { formatManifest } from '../../../src/engine/ovf/manifest';
import { NodeFileSink } from '../../../src/cli/node-file-sink';
import { NodeFileSource } from '../../../src/cli/node-file-source';
import { nodeFileSet } from '../../../src/cli/node-file-set';
import { describeWithTools } from '../../support/tools';
import { makeStreamOptimizedVmdk, tempDir, vsphereDescriptorFor } from '../../support/packages';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Writes an OVA with our own tar writer: descriptor, manifest, then the disk streamed from its file. */
async function writeOva(dir: string, out: string, manifestText: (digests: Record<string, string>) => string): Promise<string> {
  const descriptor = new TextEncoder().encode(vsphereDescriptorFor(join(dir, 'input.vmdk')));
  const disk = await NodeFileSource.open(join(dir, 'input.vmdk'));
  const manifest = new TextEncoder().encode(
    manifestText({ 'vmw.ovf': sha256(descriptor), 'input.vmdk': sha256(readFileSync(join(dir, 'input.vmdk'))) }),
  );
  const path = join(dir, out);
  const tar = new TarWriter(await NodeFileSink.create(path));
  await tar.addFile('vmw.ovf', descriptor.length, [descriptor]);
  await tar.addFile('vmw.mf', manifest.length, [manifest]);
  await tar.addFile('input.vmdk', disk.size, readChunks(disk, { chunkSize: 64 * 1024 }));
  await tar.finish();
  await disk.close();
  return path;
}

describeWithTools(['qemu-img', 'tar'], 'OVA round trip: our tar writer, GNU tar, our reader', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('ova-roundtrip');
    makeStreamOptimizedVmdk(join(dir, 'input.vmdk'));
  });

  it('GNU tar lists the members in OVA order with exact sizes and extracts them byte-exact', async () => {
    const ova = await writeOva(dir, 'good.ova', (d) =>
      formatManifest(Object.entries(d).map(([file, digest]) => ({ algorithm: 'sha256', file, digest }))),
    );
    const listing = execFileSync('tar', ['-tvf', ova], { encoding: 'utf8' }).trim().split('\n');
    expect(listing.map((line) => line.split(/\s+/).pop())).toEqual(['vmw.ovf', 'vmw.mf', 'input.vmdk']);
    const diskLine = listing[2]!.split(/\s+/);
    expect(Number(diskLine[2])).toBe(readFileSync(join(dir, 'input.vmdk')).length);
    const extracted = execFileSync('tar', ['-xOf', ova, 'input.vmdk'], { maxBuffer: 1 << 30 });
    expect(sha256(extracted)).toBe(sha256(readFileSync(join(dir, 'input.vmdk'))));

    // sha256sum agrees with the manifest we wrote.
    const out = tempDir('ova-extract');
    execFileSync('tar', ['-xf', ova, '-C', out]);
    const check = execFileSync('sh', ['-c', `cd ${out} && sed -E 's/^SHA256\\((.*)\\)= ([0-9a-f]+)$/\\2  \\1/' vmw.mf | sha256sum -c -`], { encoding: 'utf8' });
    expect(check).toMatch(/vmw\.ovf: OK\ninput\.vmdk: OK/);

    const { files, close } = await nodeFileSet(ova);
    const appliance = await openAppliance(files);
    expect(appliance.report.kind).toBe('ova');
    expect(appliance.report.warnings).toEqual([]);
    expect((await checkManifest(appliance))?.ok).toBe(true);
    await close();
  });

  it('a manifest that does not match is detected, and the file is named', async () => {
    const ova = await writeOva(dir, 'stale.ova', (d) =>
      formatManifest([
        { algorithm: 'sha256', file: 'vmw.ovf', digest: d['vmw.ovf']! },
        { algorithm: 'sha256', file: 'input.vmdk', digest: sha256(new Uint8Array([1, 2, 3])) },
      ]),
    );
    const { files, close } = await nodeFileSet(ova);
    const result = await checkManifest(await openAppliance(files));
    await close();
    expect(result?.ok).toBe(false);
    expect(result?.mismatches.map((m) => [m.file, m.problem])).toEqual([['input.vmdk', 'digest']]);
  });

  it('an OVA whose descriptor is not first still opens, with a warning', async () => {
    writeFileSync(join(dir, 'vmw.ovf'), vsphereDescriptorFor(join(dir, 'input.vmdk')));
    const ova = join(dir, 'misordered.ova');
    execFileSync('tar', ['-cf', ova, '-C', dir, 'input.vmdk', 'vmw.ovf']);
    const { files, close } = await nodeFileSet(ova);
    const appliance = await openAppliance(files);
    await close();
    expect(appliance.report.virtualSystems[0]?.name).toBe('vmw');
    expect(appliance.report.warnings.join()).toMatch(/vmw\.ovf is not the first member/);
  });
});
