import { describe, expect, test } from 'vitest';
import { findOs, OS_TABLE, osById } from '../../../../src/engine/ovf/profiles';

/**
 * The OS table checked against identifiers published elsewhere (copied here as facts, not from our table):
 * - CIM_OperatingSystem.OSType names: values 0-102 from the CIM 2.17.1 MOF (xenserver/xenadmin
 *   XenOvfApi/Schemas/CIM_OperatingSystem.xml), 103-120 from VirtualBox's ovfreader.h ("covers up to CIM 2.52.0");
 * - VMware guest OS labels of the ESXi 6.5 / Workstation 12 era (fidanf/bento guest_os_types.md, which lists
 *   6.5's vmkernel65 and no 6.7 ids), the .vmx spelling of vSphere guest ids (rhel7-64 = rhel7_64Guest).
 */
const CIM_NAMES: Record<number, string> = {
  1: 'Other',
  36: 'LINUX',
  42: 'FreeBSD',
  67: 'Windows XP',
  69: 'Microsoft Windows Server 2003',
  70: 'Microsoft Windows Server 2003 64-Bit',
  71: 'Windows XP 64-Bit',
  73: 'Windows Vista',
  74: 'Windows Vista 64-Bit',
  76: 'Microsoft Windows Server 2008',
  77: 'Microsoft Windows Server 2008 64-Bit',
  78: 'FreeBSD 64-Bit',
  79: 'RedHat Enterprise Linux',
  80: 'RedHat Enterprise Linux 64-Bit',
  81: 'Solaris 64-Bit',
  82: 'SUSE',
  83: 'SUSE 64-Bit',
  84: 'SLES',
  85: 'SLES 64-Bit',
  93: 'Ubuntu',
  94: 'Ubuntu 64-Bit',
  95: 'Debian',
  96: 'Debian 64-Bit',
  97: 'Linux 2.4.x',
  98: 'Linux 2.4.x 64-Bit',
  99: 'Linux 2.6.x',
  100: 'Linux 2.6.x 64-Bit',
  101: 'Linux 64-Bit',
  102: 'Other 64-Bit',
  103: 'WindowsServer2008R2',
  105: 'Windows7',
  106: 'CentOS',
  107: 'CentOS_64',
  108: 'OracleLinux',
  109: 'OracleLinux_64',
  112: 'WindowsServer2012',
  113: 'Windows8',
  114: 'Windows8_64',
  115: 'WindowsServer2012R2',
  116: 'Windows8_1',
  117: 'Windows8_1_64',
  118: 'WindowsServer2016',
  119: 'Windows10',
  120: 'Windows10_64',
};

const ESXI65_LABELS = new Set(
  [
    'centos6-64', 'centos-64', 'centos6', 'centos7-64', 'centos7', 'centos',
    'debian10-64', 'debian10', 'debian8-64', 'debian8', 'debian9-64', 'debian9',
    'other', 'fedora-64', 'fedora', 'freebsd-64', 'freebsd',
    'opensuse-64', 'opensuse', 'sles11-64', 'sles11', 'sles12-64', 'sles12', 'sles-64', 'sles',
    'oracleLinux6-64', 'oracleLinux-64', 'oracleLinux6', 'oracleLinux7-64', 'oracleLinux7', 'oracleLinux',
    'genericLinux', 'other24xLinux-64', 'other24xLinux', 'other26xLinux-64', 'other26xLinux', 'other3xLinux-64',
    'other3xLinux', 'otherGuest-64', 'otherLinux-64', 'otherLinux',
    'rhel5-64', 'rhel5', 'rhel6-64', 'rhel6', 'rhel7-64', 'rhel7', 'solaris11-64', 'ubuntu-64', 'ubuntu',
    'windows7-64', 'windows7', 'windows7Server-64', 'windows8-64', 'windows8', 'windows8Server-64', 'windows9-64',
    'windows9', 'windows9Server-64', 'winLonghorn-64', 'winLonghorn', 'winNetBusiness', 'winNetDatacenter-64',
    'winNetDatacenter', 'winNetEnterprise-64', 'winNetEnterprise', 'winNetStandard-64', 'winNetStandard', 'winNetWeb',
    'winVista-64', 'winVista', 'winXPHome', 'winXPPro-64', 'winXPPro',
  ],
);

/** vSphere guest id → .vmx label: rhel7_64Guest → rhel7-64, centos64Guest → centos-64, otherGuest64 → otherGuest-64. */
function vmxLabel(guestId: string): string {
  if (guestId.endsWith('Guest64')) return `${guestId.slice(0, -2)}-64`;
  return guestId.replace(/Guest$/, '').replace(/_?64$/, '-64');
}

describe('the OS table', () => {
  test('ids are unique and every row states all identifiers', () => {
    expect(new Set(OS_TABLE.map((e) => e.id)).size).toBe(OS_TABLE.length);
    for (const entry of OS_TABLE) {
      expect(entry.label, entry.id).not.toBe('');
      expect(entry.virtualbox, entry.id).not.toBe('');
      expect(entry.bits === 64, entry.id).toBe(/64/.test(entry.id) || /64/.test(entry.vmware));
    }
  });

  test('every CIM id is the CIM OSType of that family, with 64-bit ids for 64-bit rows where CIM has one', () => {
    for (const entry of OS_TABLE) {
      const name = CIM_NAMES[entry.cim];
      expect(name, `${entry.id}: CIM ${entry.cim}`).toBeDefined();
      if (entry.family === 'windows') expect(name, entry.id).toMatch(/Windows/);
      if (entry.family === 'linux') expect(name, entry.id).toMatch(/Linux|LINUX|RedHat|CentOS|Debian|Ubuntu|SUSE|SLES/);
      if (entry.family === 'linux' && /Linux|RedHat|Debian|Ubuntu|SUSE|SLES/.test(name!) && !/2\.[46]|^LINUX$|64/.test(name!)) {
        expect(entry.bits, `${entry.id}: ${name}`).toBe(32);
      }
    }
    expect(findOs({ cimId: 80 })?.id).toBe('rhel-64');
    expect(findOs({ cimId: 67 })?.id).toBe('winxp');
    expect(findOs({ cimId: 0 })).toBeNull();
  });

  test('every VMware guest id written is one ESXi 6.5 knows; newer ones are recognised aliases', () => {
    for (const entry of OS_TABLE) expect(ESXI65_LABELS.has(vmxLabel(entry.vmware)), `${entry.id}: ${entry.vmware}`).toBe(true);
    expect(findOs({ vmwareOsType: 'rhel8_64Guest' })).toMatchObject({ id: 'rhel8-64', vmware: 'rhel7_64Guest' });
    expect(findOs({ vmwareOsType: 'windows2019srvNext_64Guest' })).toMatchObject({ id: 'win2022', vmware: 'windows9Server64Guest' });
    expect(findOs({ vmwareOsType: 'windows11_64Guest' })?.id).toBe('win11-64');
  });

  test('what the real descriptors say is found (vendor id, VirtualBox type, description, CIM id)', () => {
    expect(findOs({ cimId: 80, vmwareOsType: 'rhel6_64Guest', description: 'Red Hat Enterprise Linux 6 (64-bit)' })?.id).toBe('rhel6-64');
    expect(findOs({ cimId: 94, virtualBoxOsType: 'Ubuntu_64', description: 'Ubuntu_64' })?.id).toBe('ubuntu-64');
    expect(findOs({ cimId: 67, description: 'WindowsXP' })?.id).toBe('winxp');
    expect(findOs({ cimId: 69, vmwareOsType: 'winNetStandardGuest' })?.id).toBe('win2003');
    expect(findOs({ cimId: 100, vmwareOsType: 'other26xLinux64Guest', description: 'Cisco IOS-XE Software' })?.id).toBe('other-linux-26-64');
    expect(findOs({ cimId: 36, description: 'Other Linux (32-bit)' })?.id).toBe('other-linux');
    expect(findOs({ cimId: 0, description: 'XenOVF Created Export' })).toBeNull();
    expect(findOs({ description: 'Microsoft Windows Server 2003, Standard Edition (32-bit)' })?.id).toBe('win2003');
  });

  test('drivers: the facts the NIC and controller choice rest on', () => {
    const drivers = (id: string) => osById(id)!.drivers;
    expect(drivers('winxp')).toMatchObject({ e1000: false, ahci: false, lsilogic: false, virtio: false });
    expect(drivers('win2003')).toMatchObject({ e1000: true, lsilogic: true, lsilogicSas: false, hypervSynthetic: false });
    expect(drivers('win2008r2')).toMatchObject({ hypervSynthetic: true, lsilogic: false, lsilogicSas: true, nvme: false });
    expect(drivers('win2012r2')).toMatchObject({ nvme: true, virtio: false, vmxnet3: false });
    expect(drivers('rhel5-64')).toMatchObject({ virtio: true, hypervSynthetic: false, vmxnet3: false, xenPv: true });
    expect(drivers('rhel8-64')).toMatchObject({ xenPv: false, xenBlkfront: true, virtio: true });
    expect(drivers('other-linux-26-64')).toMatchObject({ virtio: false, xenBlkfront: false, ahci: true });
  });
});
