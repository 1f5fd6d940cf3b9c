import type { Firmware } from '../../appliance/report';
import type { KeptXml, VendorKeyValue, XenOtherConfig } from '../model';
import { XENOVF_NAMESPACE } from '../namespaces';
import { keepSilently } from '../read-context';
import type { XmlElement } from '../xml';
import type { SystemContext } from './system-context';

/**
 * The firmware in the target's terms (profile-types.ts FirmwareExpression). Every earlier statement (vmw:Config
 * firmware, Xen HVM_boot_params firmware, vbox:Machine) is replaced by the target's one, so readers never see two
 * that disagree. An unstated firmware stays unstated (every target defaults to BIOS).
 */
export function expressFirmware(ctx: SystemContext, stated: Firmware | null): void {
  const { hardware, profile, log, where } = ctx;
  hardware.vmwareConfig = hardware.vmwareConfig.filter((c) => c.key !== 'firmware');
  if (profile.firmware === 'xen-hvm-boot-params') {
    expressForXen(ctx, stated);
    return;
  }
  if (stated !== null) hardware.vmwareConfig.push(vmwareFirmware(stated));
  if (stated === 'efi' && profile.id === 'virtualbox') {
    log.warn(
      `${where} boots with UEFI; VirtualBox takes that only from its own machine section, which VM Ferry does not write: ` +
        'after import run `VBoxManage modifyvm <vm> --firmware efi`',
    );
  }
  if (profile.firmware === 'hyperv-generation') {
    log.decide(`${where}: Hyper-V generation ${stated === 'efi' ? '2 (UEFI)' : '1 (BIOS)'}`);
  }
}

function vmwareFirmware(value: Firmware): VendorKeyValue {
  return { element: 'Config', key: 'firmware', value, required: false, attributes: [] };
}

/**
 * XenServer: the VM record fields XenCenter's import applies (HVM_boot_policy, HVM_boot_params with
 * `firmware=uefi`); for PV, an empty HVM boot policy and pygrub (what `xe` needs to boot the guest PV).
 */
function expressForXen(ctx: SystemContext, stated: Firmware | null): void {
  const { hardware, profile, log, where } = ctx;
  const pv = profile.id === 'xenserver-pv';
  const previous = hardware.xenOtherConfig.find((c) => c.name === 'HVM_boot_params')?.value ?? 'order=dc';
  const params = previous
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '' && !/^firmware\s*=/i.test(p));
  // XenServer 8 / XCP-ng 8.2 read firmware=uefi|bios; earlier releases ignore the key and boot BIOS.
  if (stated !== null) params.push(`firmware=${stated === 'efi' ? 'uefi' : 'bios'}`);
  const settings: [string, string][] = pv
    ? [
        ['HVM_boot_policy', ''],
        ['PV_bootloader', 'pygrub'],
      ]
    : [
        ['HVM_boot_policy', 'BIOS order'],
        ['HVM_boot_params', params.join(';')],
      ];
  // A PV bootloader on an HVM VM, or HVM boot settings on a PV one, would contradict the target.
  const replaced = new Set(['HVM_boot_policy', 'HVM_boot_params', 'PV_bootloader']);
  hardware.xenOtherConfig = hardware.xenOtherConfig.filter((c) => !replaced.has(c.name));
  for (const [name, value] of settings) hardware.xenOtherConfig.push(xenSetting(name, value));
  if (pv && stated === 'efi') {
    log.warn(`${where} boots with UEFI, but a PV guest boots through pygrub, which reads the guest's GRUB configuration: check it has one`);
  }
  log.decide(`${where}: XenServer boot: ${settings.map(([n, v]) => `${n}="${v}"`).join(', ')}`);
}

function xenSetting(name: string, value: string): XenOtherConfig {
  const element: XmlElement = {
    type: 'element',
    name: 'xenovf:VirtualSystemOtherConfigurationData',
    prefix: 'xenovf',
    local: 'VirtualSystemOtherConfigurationData',
    namespace: XENOVF_NAMESPACE,
    attributes: [],
    children: [],
    scope: new Map([['xenovf', XENOVF_NAMESPACE]]),
  };
  const kept: KeptXml = keepSilently(element);
  return { id: null, name, value, info: 'XenServer VM setting written by VM Ferry', kept };
}
