import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HelperVm } from '../../../src/engine/helpers/helper-vm';
import { hypervScript, psQuote } from '../../../src/engine/helpers/hyperv-powershell';
import { libvirtDomainXml } from '../../../src/engine/helpers/libvirt-xml';
import { shQuote, xeScript } from '../../../src/engine/helpers/xe-commands';
import { parseXml } from '../../../src/engine/ovf/xml';
import { childElements } from '../../../src/engine/ovf/xml-query';
import { tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';

const GiB = 1024 ** 3;
const vm = (over: Partial<HelperVm> = {}): HelperVm => ({
  name: "Bob's \"web\" server $(rm -rf) `x`",
  description: 'from VMware; it\'s fine',
  cpus: 2,
  memoryBytes: 1000 * 1024 * 1024 + 1,
  firmware: 'bios',
  disks: [
    { file: 'disk 1.vhd', format: 'vhd', capacityBytes: 10 * GiB, bus: 'ide' },
    { file: "data'2.vhd", format: 'vhd', capacityBytes: GiB, bus: 'ide' },
  ],
  nics: [{ network: 'VM Network', mac: '00:50:56:aa:bb:cc' }, { network: null, mac: null }],
  legacyNic: true,
  pv: null,
  ...over,
});

describe('Hyper-V PowerShell helper (pwsh is not installable here: text checks only)', () => {
  it('creates a generation 1 VM: boot disk on IDE 0:0, memory rounded up to 2 MiB, legacy NICs, quotes doubled', () => {
    const { name, text } = hypervScript(vm());
    expect(name).toBe('import-hyperv.ps1');
    const lines = text.split('\r\n');
    expect(lines).toContain(`$vm = New-VM -Name 'Bob''s "web" server $(rm -rf) \`x\`' -Generation 1 -MemoryStartupBytes 1050673152 -NoVHD`);
    expect(1050673152 % (2 * 1024 * 1024)).toBe(0);
    expect(lines).toContain('Set-VMProcessor -VM $vm -Count 2');
    expect(lines).toContain("Add-VMHardDiskDrive -VM $vm -ControllerType IDE -ControllerNumber 0 -ControllerLocation 0 -Path (Join-Path $here 'disk 1.vhd')");
    expect(lines).toContain("Add-VMHardDiskDrive -VM $vm -ControllerType IDE -ControllerNumber 0 -ControllerLocation 1 -Path (Join-Path $here 'data''2.vhd')");
    expect(lines).toContain("Add-VMNetworkAdapter -VM $vm -Name 'Network Adapter 1' -IsLegacy $true -StaticMacAddress '005056AABBCC'");
    expect(lines).toContain("Add-VMNetworkAdapter -VM $vm -Name 'Network Adapter 2' -IsLegacy $true");
    expect(text).toContain("(if ($SwitchName) { $SwitchName } else { 'VM Network' })");
  });

  it('synthetic NICs when the guest has hv_netvsc; generation 2 for UEFI boots from SCSI with Secure Boot off', () => {
    expect(hypervScript(vm({ legacyNic: false })).text).not.toContain('-IsLegacy');
    const text = hypervScript(vm({ firmware: 'efi', disks: [{ file: 'd.vhdx', format: 'vhdx', capacityBytes: GiB, bus: 'scsi' }] })).text;
    expect(text).toContain('-Generation 2');
    expect(text).toContain("Add-VMHardDiskDrive -VM $vm -ControllerType SCSI -ControllerNumber 0 -ControllerLocation 0 -Path (Join-Path $here 'd.vhdx')");
    expect(text).toContain('Set-VMFirmware -VM $vm -EnableSecureBoot Off');
    expect(psQuote('it’s')).toBe("'it’’s'");
  });
});

describeWithTools(['sh', 'bash'], 'xe helper', () => {
  /** Runs the script with a fake `xe` that records each call's arguments, one per line, and answers UUIDs. */
  function runWithFakeXe(script: string): string[][] {
    const dir = tempDir('xe');
    writeFileSync(join(dir, 'xe'), '#!/bin/sh\n{ for a in "$@"; do printf "%s\\n" "$a"; done; echo --; } >> "$XE_LOG"\necho uuid-$#\n');
    chmodSync(join(dir, 'xe'), 0o755);
    writeFileSync(join(dir, 'import.sh'), script);
    execFileSync('sh', [join(dir, 'import.sh'), 'sr-1'], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, XE_LOG: join(dir, 'log') } });
    const log = execFileSync('cat', [join(dir, 'log')], { encoding: 'utf8' });
    return log.split('--\n').filter(Boolean).map((call) => call.trimEnd().split('\n'));
  }

  it('is valid sh (bash -n) and passes names with spaces, quotes and $(...) to xe intact', () => {
    const { text } = xeScript(vm());
    execFileSync('bash', ['-n'], { input: text });
    const calls = runWithFakeXe(text);
    expect(calls[0]).toEqual(['vm-install', 'template=Other install media', `new-name-label=${vm().name}`, 'sr-uuid=sr-1']);
    expect(calls).toContainEqual(['vm-param-set', 'uuid=uuid-4', "name-description=from VMware; it's fine"]);
    expect(calls.find((c) => c[0] === 'vdi-create')).toEqual(['vdi-create', 'sr-uuid=sr-1', `name-label=${vm().name} 0`, 'type=user', `virtual-size=${10 * GiB}`]);
    expect(calls.filter((c) => c[0] === 'vdi-import').map((c) => c[2])).toEqual([expect.stringMatching(/\/disk 1\.vhd$/), expect.stringMatching(/\/data'2\.vhd$/)]);
    expect(calls.filter((c) => c[0] === 'vbd-create').map((c) => c[6])).toEqual(['bootable=true', 'bootable=false']);
    expect(calls).toContainEqual(['network-list', 'name-label=VM Network', '--minimal']);
    expect(calls.filter((c) => c[0] === 'vif-create')[0]).toContain('mac=00:50:56:aa:bb:cc');
  });

  it('xenserver-pv: switches to pygrub PV boot and makes the boot disk bootable (also after an XVA import)', () => {
    const pv = { bootloader: 'pygrub', args: 'root=/dev/xvda1 ro console=hvc0 quiet' };
    const calls = runWithFakeXe(xeScript(vm({ pv })).text);
    expect(calls).toContainEqual(['vm-param-set', 'uuid=uuid-4', 'HVM-boot-policy=', 'PV-bootloader=pygrub', 'PV-args=root=/dev/xvda1 ro console=hvc0 quiet']);
    // The fake xe answers uuid-<argument count>: vbd-create of the boot disk has 7.
    expect(calls[calls.length - 1]).toEqual(['vbd-param-set', 'uuid=uuid-7', 'bootable=true']);
    const xva = runWithFakeXe(xeScript(vm({ pv }), { xva: "my vm's.xva" }).text);
    expect(xva[0]).toEqual(['vm-import', expect.stringMatching(/\/my vm's\.xva$/), 'sr-uuid=sr-1']);
    expect(xva.map((c) => c[0])).toEqual(['vm-import', 'vm-param-set', 'vbd-list', 'vbd-param-set']);
    expect(shQuote("a'b")).toBe(`'a'\\''b'`);
  });
});

describeWithTools(['virt-xml-validate'], 'libvirt domain XML', () => {
  it('validates against libvirt\'s domain schema and reads back with the disks, NICs and firmware asked for', () => {
    const dir = tempDir('libvirt');
    const kvm = vm({
      legacyNic: false,
      firmware: 'efi',
      disks: [
        { file: 'disk 1.qcow2', format: 'qcow2', capacityBytes: GiB, bus: 'virtio' },
        { file: 'd&2.qcow2', format: 'qcow2', capacityBytes: GiB, bus: 'virtio' },
      ],
    });
    const { text } = libvirtDomainXml(kvm);
    writeFileSync(join(dir, 'domain.xml'), text);
    const result = spawnSync('virt-xml-validate', [join(dir, 'domain.xml'), 'domain'], { encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const root = parseXml(text, 'domain.xml').root;
    const byName = (name: string) => childElements(root).find((e) => e.local === name)!;
    expect(byName('name').children[0]).toMatchObject({ text: vm().name });
    expect(byName('memory').children[0]).toMatchObject({ text: String(Math.ceil(kvm.memoryBytes / 1024)) });
    expect(byName('os').attributes.find((x) => x.local === 'firmware')?.value).toBe('efi');
    const devices = childElements(byName('devices'));
    const disks = devices.filter((d) => d.local === 'disk').map((d) => childElements(d).map((c) => c.attributes.map((x) => x.value).join(',')));
    expect(disks[0]).toEqual(['qemu,qcow2', '/var/lib/libvirt/images/disk 1.qcow2', 'vda,virtio', '1']);
    expect(disks[1]).toEqual(['qemu,qcow2', '/var/lib/libvirt/images/d&2.qcow2', 'vdb,virtio']);
    expect(devices.filter((d) => d.local === 'interface')).toHaveLength(2);
  });

  it('an IDE boot disk gets the i440FX machine (q35 has no IDE)', () => {
    const dir = tempDir('libvirt-ide');
    const { text } = libvirtDomainXml(vm());
    writeFileSync(join(dir, 'domain.xml'), text);
    expect(spawnSync('virt-xml-validate', [join(dir, 'domain.xml'), 'domain']).status).toBe(0);
    expect(text).toContain('machine="pc"');
    expect(text).toContain('<target dev="hda" bus="ide"/>');
    expect(text).toContain(`<source file="/var/lib/libvirt/images/data'2.vhd"/>`);
    expect(text).toContain('<model type="e1000"/>');
  });
});
