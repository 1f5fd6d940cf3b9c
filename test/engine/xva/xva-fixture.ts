import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Builds an XVA the way the format is described (xapi importexport.ml / stream_vdi.ml), independently of VM
 * Ferry's writer: ova.xml as hand-written XML-RPC text, 1 MiB chunks cut by this file, SHA-1 `.checksum`
 * (node:crypto) or XXH64 `.xxhash` (xxhsum) members, packed by GNU tar in the order given.
 */
export interface FixtureDisk {
  ref: string;
  virtualSize: number;
  /** Chunk index → content; absent chunks are left out (zeros). A 0-length buffer is a keep-alive chunk. */
  chunks: Map<number, Buffer>;
  userdevice?: string;
  name?: string;
}

export interface FixtureVm {
  name: string;
  vcpus: number;
  memory: number;
  hvm: boolean;
  firmware?: 'bios' | 'uefi';
  pvArgs?: string;
  disks: FixtureDisk[];
  nics?: { mac: string; network: string }[];
}

const v = (text: string | number) => `<value>${String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</value>`;
const b = (flag: boolean) => `<value><boolean>${flag ? 1 : 0}</boolean></value>`;
const m = (name: string, value: string) => `<member><name>${name}</name>${value}</member>`;
const s = (...members: string[]) => `<value><struct>${members.join('')}</struct></value>`;
const a = (...values: string[]) => `<value><array><data>${values.join('')}</data></array></value>`;

export function fixtureOvaXml(vm: FixtureVm): string {
  const objects: string[] = [];
  const vbds = vm.disks.map((_, i) => `Ref:vbd${i}`);
  const vifs = (vm.nics ?? []).map((_, i) => `Ref:vif${i}`);
  objects.push(
    s(
      m('class', v('VM')),
      m('id', v('Ref:0')),
      m(
        'snapshot',
        s(
          m('name_label', v(vm.name)),
          m('name_description', v('test VM & fixture')),
          m('is_a_template', b(false)),
          m('memory_static_max', v(vm.memory)),
          m('VCPUs_max', v(vm.vcpus)),
          m('VCPUs_at_startup', v(vm.vcpus)),
          m('HVM_boot_policy', v(vm.hvm ? 'BIOS order' : '')),
          m('HVM_boot_params', s(m('order', v('dc')), ...(vm.firmware ? [m('firmware', v(vm.firmware))] : []))),
          m('HVM_shadow_multiplier', '<value><double>1</double></value>'),
          m('PV_bootloader', v(vm.hvm ? '' : 'pygrub')),
          m('PV_args', v(vm.pvArgs ?? '')),
          m('platform', s(m('acpi', v('1')), m('apic', v('true')))),
          m('other_config', s(m('base_template_name', v('Debian Squeeze 6.0 (64-bit)')))),
          m('VBDs', a(...vbds.map((ref) => v(ref)))),
          m('VIFs', a(...vifs.map((ref) => v(ref)))),
          m('snapshot_time', '<value><dateTime.iso8601>19700101T00:00:00Z</dateTime.iso8601></value>'),
        ),
      ),
    ),
  );
  objects.push(s(m('class', v('SR')), m('id', v('Ref:sr')), m('snapshot', s(m('name_label', v('Local storage')), m('content_type', v('user'))))));
  vm.disks.forEach((disk, i) => {
    objects.push(
      s(
        m('class', v('VBD')),
        m('id', v(vbds[i]!)),
        m('snapshot', s(m('VM', v('Ref:0')), m('VDI', v(disk.ref)), m('userdevice', v(disk.userdevice ?? String(i))), m('bootable', b(i === 0)), m('mode', v('RW')), m('type', v('Disk')))),
      ),
      s(m('class', v('VDI')), m('id', v(disk.ref)), m('snapshot', s(m('name_label', v(disk.name ?? `disk ${i}`)), m('virtual_size', v(disk.virtualSize)), m('SR', v('Ref:sr'))))),
    );
  });
  (vm.nics ?? []).forEach((nic, i) => {
    objects.push(
      s(m('class', v('VIF')), m('id', v(vifs[i]!)), m('snapshot', s(m('device', v(String(i))), m('MAC', v(nic.mac)), m('VM', v('Ref:0')), m('network', v(`Ref:net${i}`))))),
      s(m('class', v('network')), m('id', v(`Ref:net${i}`)), m('snapshot', s(m('name_label', v(nic.network)), m('bridge', v(`xenbr${i}`))))),
    );
  });
  // Pretty-printed like XenServer 5.x exports (whitespace between the elements), to exercise the reader.
  const version = s(m('hostname', v('host')), m('xapi_major', v(1)), m('xapi_minor', v(3)), m('export_vsn', v(2)));
  return `${s(m('version', version), m('objects', a(...objects)))}`.replace(/(<\/[\w.]+>|<(?:struct|array|data|member|value)>)(?=<(?!\/value>))/g, '$1\n  ');
}

/** Writes the XVA at `path` from a folder `dir`; returns the member order used. */
export function buildXva(dir: string, path: string, vm: FixtureVm, checksum: 'sha1' | 'xxhash' = 'sha1'): string[] {
  writeFileSync(join(dir, 'ova.xml'), fixtureOvaXml(vm));
  const members = ['ova.xml'];
  for (const disk of vm.disks) {
    mkdirSync(join(dir, disk.ref), { recursive: true });
    for (const [index, data] of [...disk.chunks].sort((x, y) => x[0] - y[0])) {
      const name = `${disk.ref}/${String(index).padStart(8, '0')}`;
      writeFileSync(join(dir, name), data);
      const sum =
        checksum === 'sha1'
          ? createHash('sha1').update(data).digest('hex')
          : execFileSync('xxhsum', ['-H1', join(dir, name)], { encoding: 'utf8' }).split(/\s+/)[0]!.toUpperCase();
      const sumName = `${name}.${checksum === 'sha1' ? 'checksum' : 'xxhash'}`;
      writeFileSync(join(dir, sumName), sum);
      members.push(name, sumName);
    }
  }
  execFileSync('tar', ['--format', 'ustar', '-cf', path, '-C', dir, ...members]);
  return members;
}

/** The raw disk a fixture disk stands for, written at `path` (holes where chunks are missing). */
export function writeExpectedRaw(path: string, disk: FixtureDisk, chunkOffsets?: Map<number, number>): void {
  execFileSync('truncate', ['-s', String(disk.virtualSize), path]);
  for (const [index, data] of disk.chunks) {
    if (data.length === 0) continue;
    execFileSync('dd', ['of=' + path, 'bs=1M', 'seek=' + String((chunkOffsets?.get(index) ?? index * 1024 * 1024) / (1024 * 1024)), 'conv=notrunc', 'status=none'], { input: data });
  }
}
