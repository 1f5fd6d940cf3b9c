import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test inputs made with real tools: a VMware descriptor from shared/fixtures (cot-vmware-vsphere-vmx08.ovf,
 * whose disk href is input.vmdk), a 1 GiB streamOptimized VMDK from qemu-img, a manifest from sha256sum, all
 * packed by GNU tar as an OVA; plus broken inputs for the error path.
 */
export const DESCRIPTOR = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'ovf', 'cot-vmware-vsphere-vmx08.ovf');

export interface Fixtures {
  dir: string;
  /** A good OVA: vm.ovf, vm.mf, input.vmdk. */
  ova: string;
  /** The same with a wrong digest for input.vmdk in the manifest. */
  tamperedOva: string;
  /** The good OVA cut inside the descriptor. */
  truncatedOva: string;
  /** A folder holding vm.ovf, vm.mf and input.vmdk side by side (an unpacked OVF package). */
  ovfFolder: string;
  /** A package whose disk is 256 MiB of zeros, with a correct manifest: hashing it takes a moment (cancel). */
  bigOva(): string;
  /** A text file. */
  textFile: string;
  cleanup(): void;
}

export function makeFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'vmferry-browser-'));
  const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

  run('qemu-img', ['create', '-q', '-f', 'vmdk', '-o', 'subformat=streamOptimized', 'input.vmdk', '1G']);
  // The descriptor declares the original file's size; state the real one so the package is consistent.
  const descriptor = readFileSync(DESCRIPTOR, 'utf8').replace(
    /ovf:href="input\.vmdk" ovf:id="file1" ovf:size="\d+"/,
    `ovf:href="input.vmdk" ovf:id="file1" ovf:size="${statSync(join(dir, 'input.vmdk')).size}"`,
  );
  writeFileSync(join(dir, 'vm.ovf'), descriptor);

  // sha256sum prints "<hex>  <name>"; an OVF manifest says "SHA256(<name>)= <hex>".
  const digests = run('sha256sum', ['vm.ovf', 'input.vmdk'])
    .trim()
    .split('\n')
    .map((line) => {
      const [hex, name] = line.split(/\s+\*?/);
      return `SHA256(${name})= ${hex}`;
    });
  const pack = (name: string, manifest: string[]) => {
    writeFileSync(join(dir, 'vm.mf'), manifest.join('\n') + '\n');
    run('tar', ['--format=ustar', '-cf', name, 'vm.ovf', 'vm.mf', 'input.vmdk']);
    return join(dir, name);
  };
  const ova = pack('vm.ova', digests);
  const tamperedOva = pack(
    'tampered.ova',
    digests.map((line) => (line.startsWith('SHA256(input.vmdk)') ? `SHA256(input.vmdk)= ${'0'.repeat(64)}` : line)),
  );

  const ovfFolder = join(dir, 'ovf-folder');
  mkdirSync(ovfFolder);
  writeFileSync(join(dir, 'vm.mf'), digests.join('\n') + '\n');
  for (const name of ['vm.ovf', 'vm.mf', 'input.vmdk']) copyFileSync(join(dir, name), join(ovfFolder, name));

  const truncatedOva = join(dir, 'truncated.ova');
  writeFileSync(truncatedOva, readFileSync(ova).subarray(0, 2048));
  const textFile = join(dir, 'notes.txt');
  writeFileSync(textFile, 'These are not the droids you are looking for.\n'.repeat(40));

  const bigOva = () => {
    const big = join(dir, 'big');
    mkdirSync(big, { recursive: true });
    const run = (command: string, args: string[]) =>
      execFileSync(command, args, { cwd: big, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
    run('truncate', ['-s', '256M', 'input.vmdk']);
    writeFileSync(join(big, 'vm.ovf'), descriptor.replace(/ovf:size="\d+"/, `ovf:size="${256 * 1024 * 1024}"`));
    const manifest = run('sha256sum', ['vm.ovf', 'input.vmdk'])
      .trim()
      .split('\n')
      .map((line) => line.replace(/^(\w+)\s+\*?(.+)$/, 'SHA256($2)= $1'));
    writeFileSync(join(big, 'vm.mf'), manifest.join('\n') + '\n');
    run('tar', ['--format=ustar', '-cf', '../big.ova', 'vm.ovf', 'vm.mf', 'input.vmdk']);
    rmSync(big, { recursive: true, force: true });
    return join(dir, 'big.ova');
  };

  return { dir, ova, tamperedOva, ovfFolder, truncatedOva, textFile, bigOva, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
