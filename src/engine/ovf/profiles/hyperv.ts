import type { TargetProfile } from './profile-types';
import { HYPERV_LEGACY_NIC, HYPERV_SYNTHETIC_NIC, ide, nic, scsi } from './vocabulary';

/**
 * Microsoft Hyper-V. Hyper-V has no OVF import: the package is a folder with the disks, the descriptor (for the
 * record and for SCVMM-style tools) and a PowerShell script that runs `New-VM`. Generation 1 (BIOS) boots only
 * from IDE; its SCSI controller is synthetic (storvsc) and holds data disks of guests with the integration
 * drivers. UEFI guests need generation 2, which has no IDE and no legacy NIC and boots only from VHDX.
 * The legacy (emulated DEC 21140) adapter serves guests without synthetic drivers (Windows XP/2003, old Linux).
 */
export const HYPERV: TargetProfile = {
  id: 'hyperv',
  label: 'Microsoft Hyper-V',
  description:
    'Microsoft Hyper-V (Windows Server 2012 R2 or later, Windows 10/11): a folder with dynamic VHD disks (VHDX for ' +
    'UEFI guests, which need a generation 2 VM), the OVF descriptor for reference and a PowerShell script that ' +
    'creates the VM with New-VM, using a legacy network adapter when the guest lacks the synthetic drivers.',
  container: 'ovf',
  containers: ['ovf'],
  ovfVersion: '1.0',
  virtualSystemType: 'Microsoft:Hyper-V',
  disk: { format: 'vhd', alternatives: ['vhdx', 'vhd-fixed'], options: { vhdCreator: 'win ' }, efiFormat: 'vhdx' },
  hardware: 'translate',
  controllers: [
    ide('Microsoft:Hyper-V:Emulated IDE Controller', { onlyWith: 'bios', bootable: { bios: true, efi: false } }),
    scsi('Microsoft:Hyper-V:Synthetic SCSI Controller', ['microsoft:hyper-v:synthetic scsi controller'], 'hypervSynthetic', {
      devicesPerController: 64,
      reservedAddresses: [],
      bootable: { bios: false, efi: true },
    }),
  ],
  nics: [
    nic('hyperv-synthetic', HYPERV_SYNTHETIC_NIC, ['microsoft:hyper-v:synthetic ethernet port', 'netvsc', 'synthetic'], 'hypervSynthetic'),
    {
      ...nic('hyperv-legacy', HYPERV_LEGACY_NIC, ['microsoft:hyper-v:emulated ethernet port', 'dec21140', 'tulip', 'legacy'], null),
      onlyWith: 'bios',
    },
  ],
  defaultNic: 'hyperv-legacy',
  firmware: 'hyperv-generation',
  osIdentifier: 'cim',
  manifest: 'sha256',
  deploymentOptions: 'resolve',
  rejects: {
    virtualSystemTypes: [],
    resourceTypes: [3, 4, 5, 6, 10, 14, 15, 16, 17],
    sections: [{ name: 'StartupSection', where: 'outside-collection', why: 'it orders the systems of a collection only' }],
    vendorFamilies: [],
    vmwareConfigKeys: [],
    vmwareExtraConfigKeys: [],
    keepsVboxMachine: false,
  },
  guestNaming: 'sd',
  importHelper: 'hyperv-powershell',
};
