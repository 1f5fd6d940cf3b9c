/**
 * Guest operating systems: the identifiers each hypervisor uses for one OS family, and which device drivers the
 * stock install carries (what decides the NIC and the boot controller a converted guest can still use).
 *
 * Sources of the identifiers:
 * - CIM ids: CIM_OperatingSystem.OSType as VirtualBox's OVF reader lists them (ovfreader.h, "covers up to CIM
 *   2.52.0"); the schema stops at Windows 10 / Server 2016 (118-120), so later Windows take the nearest id and
 *   keep their identity in the vendor ids;
 * - VMware guest ids: vSphere API VirtualMachineGuestOsIdentifier, limited to ids ESXi 6.5 knows (the vmware
 *   profile writes hardware version 13); newer ids (rhel8_64Guest, windows2019srv_64Guest, ...) are `aliases`,
 *   recognised on input and written as the nearest 6.5 id;
 * - VirtualBox OS types: the generic family names every VirtualBox since 4.x knows;
 * - XenServer template names: the `xe template-list` names of XenServer 7/8 where we are sure of them;
 * - libosinfo short ids (osinfo-db).
 * Drivers are the conservative answer for the family's oldest release in the row.
 */
export type OsFamily = 'linux' | 'windows' | 'bsd' | 'solaris' | 'other';

/** Drivers present in the guest's stock install (no tools or driver disks added). */
export interface GuestDrivers {
  /** virtio-blk and virtio-net (Linux 2.6.25+; never stock Windows). */
  virtio: boolean;
  /** Hyper-V storvsc/netvsc, or Windows integration components in the box (Windows 7 / 2008 R2 and later). */
  hypervSynthetic: boolean;
  /** VMware vmxnet3 (Linux 2.6.32+; Windows only with VMware Tools). */
  vmxnet3: boolean;
  /** Xen blkfront/netfront able to boot as a PV guest (pvops or a distribution xen kernel; not RHEL 8+). */
  xenPv: boolean;
  /**
   * Xen PV-on-HVM drivers that take over the emulated disks of an HVM guest, which then sees xvd* (Linux
   * 2.6.36+ and RHEL 6; Windows only with the XenServer VM Tools installed).
   */
  xenBlkfront: boolean;
  /** AHCI (SATA): Linux, Windows Vista and later. */
  ahci: boolean;
  /** Intel e1000: Linux, Windows 2003 and Vista and later (not XP). */
  e1000: boolean;
  /** LSI Logic parallel SCSI: Linux, Windows 2003 (not XP; not Vista/2008 and later). */
  lsilogic: boolean;
  /** LSI Logic SAS: Linux, Windows Vista/2008 and later. */
  lsilogicSas: boolean;
  /** NVMe: Linux 3.3+, Windows 8.1 / 2012 R2 and later. */
  nvme: boolean;
}

export interface OsEntry {
  /** VM Ferry's id: 'rhel7-64', 'win2016', 'other-linux-26-64'. */
  id: string;
  /** The name VMware shows for the guest id, which VMware exports also write as the section's Description. */
  label: string;
  family: OsFamily;
  bits: 32 | 64;
  /** CIM_OperatingSystem.OSType (DSP0243 OperatingSystemSection `ovf:id`). */
  cim: number;
  /** VMware guest id (`vmw:osType`) that ESXi 6.5 (hardware version 13) knows. */
  vmware: string;
  /** VirtualBox OS type (`vbox:OSType`). */
  virtualbox: string;
  /** XenServer template name for `xe vm-install`, where one exists; null means "Other install media". */
  xenTemplate: string | null;
  /** libosinfo short id for libvirt's `<libosinfo:os>` and virt-install `--osinfo`; null: none fits. */
  libvirt: string | null;
  drivers: GuestDrivers;
  /** Other VMware guest ids and VirtualBox types that mean this entry (newer or edition-specific ones). */
  aliases: readonly string[];
}

const NONE: GuestDrivers = {
  virtio: false,
  hypervSynthetic: false,
  vmxnet3: false,
  xenPv: false,
  xenBlkfront: false,
  ahci: false,
  e1000: false,
  lsilogic: false,
  lsilogicSas: false,
  nvme: false,
};
/** Linux 3.x and later: every paravirtual driver is in the kernel. */
const LINUX = {
  ...NONE,
  virtio: true,
  hypervSynthetic: true,
  vmxnet3: true,
  xenPv: true,
  xenBlkfront: true,
  ahci: true,
  e1000: true,
  lsilogic: true,
  lsilogicSas: true,
  nvme: true,
};
/** RHEL 5 era (2.6.18 with backports): virtio and a Xen kernel, no Hyper-V or vmxnet3 in the box. */
const LINUX_2618 = { ...LINUX, hypervSynthetic: false, vmxnet3: false, xenBlkfront: false, nvme: false };
/** RHEL 6 era (2.6.32): everything but NVMe. */
const LINUX_2632 = { ...LINUX, nvme: false };
/** A 2.6 kernel of unknown age, or an unknown Linux: only what every 2.6 has. */
const LINUX_26 = { ...NONE, ahci: true, e1000: true, lsilogic: true, lsilogicSas: true };
const LINUX_24 = { ...NONE, e1000: true, lsilogic: true };
const WIN_XP = NONE;
const WIN_2003 = { ...NONE, e1000: true, lsilogic: true };
const WIN_VISTA = { ...NONE, ahci: true, e1000: true, lsilogicSas: true };
const WIN_7 = { ...WIN_VISTA, hypervSynthetic: true };
const WIN_81 = { ...WIN_7, nvme: true };
const BSD = { ...NONE, ahci: true, e1000: true, lsilogic: true, lsilogicSas: true };
const OTHER = { ...NONE, e1000: true };

type Row = [id: string, label: string, cim: number, vmware: string, virtualbox: string, xen: string | null, libvirt: string | null, drivers: GuestDrivers, aliases?: string[]];

function entries(family: OsFamily, rows: Row[]): OsEntry[] {
  return rows.map(([id, label, cim, vmware, virtualbox, xenTemplate, libvirt, drivers, aliases = []]) => ({
    id,
    label,
    family,
    bits: id.endsWith('-64') || /64/.test(vmware) ? 64 : 32,
    cim,
    vmware,
    virtualbox,
    xenTemplate,
    libvirt,
    drivers,
    aliases,
  }));
}

/**
 * The table. Where several rows share a CIM id, the first is what the bare id means (a generic, conservative
 * row before versioned ones); versioned rows are reached through their vendor ids or descriptions.
 */
export const OS_TABLE: readonly OsEntry[] = [
  ...entries('linux', [
    ['rhel', 'Red Hat Enterprise Linux (32-bit)', 79, 'rhel5Guest', 'RedHat', null, null, LINUX_2618],
    ['rhel-64', 'Red Hat Enterprise Linux (64-bit)', 80, 'rhel5_64Guest', 'RedHat_64', null, null, LINUX_2618],
    ['rhel5', 'Red Hat Enterprise Linux 5 (32-bit)', 79, 'rhel5Guest', 'RedHat', null, 'rhel5.11', LINUX_2618],
    ['rhel5-64', 'Red Hat Enterprise Linux 5 (64-bit)', 80, 'rhel5_64Guest', 'RedHat_64', null, 'rhel5.11', LINUX_2618],
    ['rhel6', 'Red Hat Enterprise Linux 6 (32-bit)', 79, 'rhel6Guest', 'RedHat', null, 'rhel6.10', LINUX_2632],
    ['rhel6-64', 'Red Hat Enterprise Linux 6 (64-bit)', 80, 'rhel6_64Guest', 'RedHat_64', 'Red Hat Enterprise Linux 6 (64-bit)', 'rhel6.10', LINUX_2632],
    ['rhel7-64', 'Red Hat Enterprise Linux 7 (64-bit)', 80, 'rhel7_64Guest', 'RedHat_64', 'Red Hat Enterprise Linux 7', 'rhel7.9', LINUX],
    // RHEL 8 dropped Xen PV guest support (no CONFIG_XEN_PV): HVM only.
    ['rhel8-64', 'Red Hat Enterprise Linux 8 (64-bit)', 80, 'rhel7_64Guest', 'RedHat_64', 'Red Hat Enterprise Linux 8', 'rhel8.0', { ...LINUX, xenPv: false }, ['rhel8_64Guest', 'RedHat8_64']],
    ['rhel9-64', 'Red Hat Enterprise Linux 9 (64-bit)', 80, 'rhel7_64Guest', 'RedHat_64', null, 'rhel9.0', { ...LINUX, xenPv: false }, ['rhel9_64Guest', 'RedHat9_64']],
    ['centos', 'CentOS 4/5 (32-bit)', 106, 'centosGuest', 'RedHat', null, null, LINUX_2618],
    ['centos-64', 'CentOS 4/5 (64-bit)', 107, 'centos64Guest', 'RedHat_64', null, null, LINUX_2618],
    ['centos6-64', 'CentOS 6 (64-bit)', 107, 'centos6_64Guest', 'RedHat_64', 'CentOS 6 (64-bit)', 'centos6.10', LINUX_2632],
    ['centos7-64', 'CentOS 7 (64-bit)', 107, 'centos7_64Guest', 'RedHat_64', 'CentOS 7', 'centos7.0', LINUX, ['centos8_64Guest']],
    ['oracle', 'Oracle Linux 4/5 (32-bit)', 108, 'oracleLinuxGuest', 'Oracle', null, null, LINUX_2618],
    ['oracle-64', 'Oracle Linux 4/5 (64-bit)', 109, 'oracleLinux64Guest', 'Oracle_64', null, null, LINUX_2618],
    ['oracle7-64', 'Oracle Linux 7 (64-bit)', 109, 'oracleLinux7_64Guest', 'Oracle_64', 'Oracle Linux 7', 'ol7.9', LINUX, ['oracleLinux8_64Guest']],
    ['debian', 'Debian GNU/Linux (32-bit)', 95, 'debian8Guest', 'Debian', null, null, LINUX_2632],
    ['debian-64', 'Debian GNU/Linux (64-bit)', 96, 'debian8_64Guest', 'Debian_64', null, null, LINUX_2632],
    ['debian9-64', 'Debian GNU/Linux 9 (64-bit)', 96, 'debian9_64Guest', 'Debian_64', 'Debian Stretch 9.0', 'debian9', LINUX, ['Debian9_64']],
    ['debian10-64', 'Debian GNU/Linux 10 (64-bit)', 96, 'debian10_64Guest', 'Debian_64', 'Debian Buster 10', 'debian10', LINUX, ['Debian10_64']],
    ['debian11-64', 'Debian GNU/Linux 11 (64-bit)', 96, 'debian10_64Guest', 'Debian_64', 'Debian Bullseye 11', 'debian11', LINUX, ['debian11_64Guest', 'Debian11_64']],
    ['debian12-64', 'Debian GNU/Linux 12 (64-bit)', 96, 'debian10_64Guest', 'Debian_64', 'Debian Bookworm 12', 'debian12', LINUX, ['debian12_64Guest', 'Debian12_64']],
    ['ubuntu', 'Ubuntu Linux (32-bit)', 93, 'ubuntuGuest', 'Ubuntu', null, null, LINUX_2632],
    ['ubuntu-64', 'Ubuntu Linux (64-bit)', 94, 'ubuntu64Guest', 'Ubuntu_64', null, null, LINUX_2632],
    ['sles', 'SUSE Linux Enterprise (32-bit)', 84, 'slesGuest', 'OpenSUSE', null, null, LINUX_2618],
    ['sles-64', 'SUSE Linux Enterprise (64-bit)', 85, 'sles64Guest', 'OpenSUSE_64', null, null, LINUX_2618],
    ['sles11-64', 'SUSE Linux Enterprise 11 (64-bit)', 85, 'sles11_64Guest', 'OpenSUSE_64', null, 'sles11sp4', LINUX_2632],
    ['sles12-64', 'SUSE Linux Enterprise 12 (64-bit)', 85, 'sles12_64Guest', 'OpenSUSE_64', null, 'sles12sp5', LINUX, ['sles15_64Guest', 'sles16_64Guest']],
    ['opensuse', 'SUSE openSUSE (32-bit)', 82, 'opensuseGuest', 'OpenSUSE', null, null, LINUX_2632],
    ['opensuse-64', 'SUSE openSUSE (64-bit)', 83, 'opensuse64Guest', 'OpenSUSE_64', null, null, LINUX_2632],
    ['fedora-64', 'Red Hat Fedora (64-bit)', 101, 'fedora64Guest', 'Fedora_64', null, null, LINUX],
    ['other-linux-24', 'Other 2.4.x Linux (32-bit)', 97, 'other24xLinuxGuest', 'Linux24', null, null, LINUX_24],
    ['other-linux-24-64', 'Other 2.4.x Linux (64-bit)', 98, 'other24xLinux64Guest', 'Linux24_64', null, null, LINUX_24],
    ['other-linux-26', 'Other 2.6.x Linux (32-bit)', 99, 'other26xLinuxGuest', 'Linux26', null, null, LINUX_26],
    ['other-linux-26-64', 'Other 2.6.x Linux (64-bit)', 100, 'other26xLinux64Guest', 'Linux26_64', null, null, LINUX_26],
    ['other-linux', 'Other Linux (32-bit)', 36, 'otherLinuxGuest', 'Linux', null, null, LINUX_26],
    ['other-linux-64', 'Other Linux (64-bit)', 101, 'otherLinux64Guest', 'Linux_64', null, null, LINUX_26],
    ['other-linux-3x-64', 'Other 3.x or later Linux (64-bit)', 101, 'other3xLinux64Guest', 'Linux_64', null, null, LINUX, ['other4xLinux64Guest', 'other5xLinux64Guest', 'other6xLinux64Guest']],
  ]),
  ...entries('windows', [
    ['winxp', 'Microsoft Windows XP Professional (32-bit)', 67, 'winXPProGuest', 'WindowsXP', null, 'winxp', WIN_XP, ['winXPHomeGuest']],
    ['winxp-64', 'Microsoft Windows XP Professional (64-bit)', 71, 'winXPPro64Guest', 'WindowsXP_64', null, 'winxp', WIN_2003],
    ['win2003', 'Microsoft Windows Server 2003, Standard Edition (32-bit)', 69, 'winNetStandardGuest', 'Windows2003', null, 'win2k3', WIN_2003, ['winNetEnterpriseGuest', 'winNetDatacenterGuest', 'winNetWebGuest', 'winNetBusinessGuest']],
    ['win2003-64', 'Microsoft Windows Server 2003, Standard Edition (64-bit)', 70, 'winNetStandard64Guest', 'Windows2003_64', null, 'win2k3', WIN_2003, ['winNetEnterprise64Guest', 'winNetDatacenter64Guest']],
    ['winvista', 'Microsoft Windows Vista (32-bit)', 73, 'winVistaGuest', 'WindowsVista', null, 'winvista', WIN_VISTA],
    ['winvista-64', 'Microsoft Windows Vista (64-bit)', 74, 'winVista64Guest', 'WindowsVista_64', null, 'winvista', WIN_VISTA],
    ['win2008', 'Microsoft Windows Server 2008 (32-bit)', 76, 'winLonghornGuest', 'Windows2008', null, 'win2k8', WIN_VISTA],
    ['win2008-64', 'Microsoft Windows Server 2008 (64-bit)', 77, 'winLonghorn64Guest', 'Windows2008_64', null, 'win2k8', WIN_VISTA],
    ['win7', 'Microsoft Windows 7 (32-bit)', 105, 'windows7Guest', 'Windows7', 'Windows 7 (32-bit)', 'win7', WIN_7],
    ['win7-64', 'Microsoft Windows 7 (64-bit)', 105, 'windows7_64Guest', 'Windows7_64', 'Windows 7 (64-bit)', 'win7', WIN_7],
    ['win2008r2', 'Microsoft Windows Server 2008 R2 (64-bit)', 103, 'windows7Server64Guest', 'Windows2008_64', 'Windows Server 2008 R2 (64-bit)', 'win2k8r2', WIN_7],
    ['win8', 'Microsoft Windows 8 (32-bit)', 113, 'windows8Guest', 'Windows8', null, 'win8', WIN_7],
    ['win8-64', 'Microsoft Windows 8 (64-bit)', 114, 'windows8_64Guest', 'Windows8_64', null, 'win8', WIN_7],
    ['win81', 'Microsoft Windows 8.1 (32-bit)', 116, 'windows8Guest', 'Windows81', 'Windows 8.1 (32-bit)', 'win8.1', WIN_81],
    ['win81-64', 'Microsoft Windows 8.1 (64-bit)', 117, 'windows8_64Guest', 'Windows81_64', 'Windows 8.1 (64-bit)', 'win8.1', WIN_81],
    ['win2012', 'Microsoft Windows Server 2012 (64-bit)', 112, 'windows8Server64Guest', 'Windows2012_64', 'Windows Server 2012 (64-bit)', 'win2k12', WIN_7],
    ['win2012r2', 'Microsoft Windows Server 2012 R2 (64-bit)', 115, 'windows8Server64Guest', 'Windows2012_64', 'Windows Server 2012 R2 (64-bit)', 'win2k12r2', WIN_81],
    ['win10', 'Microsoft Windows 10 (32-bit)', 119, 'windows9Guest', 'Windows10', 'Windows 10 (32-bit)', 'win10', WIN_81],
    ['win10-64', 'Microsoft Windows 10 (64-bit)', 120, 'windows9_64Guest', 'Windows10_64', 'Windows 10 (64-bit)', 'win10', WIN_81],
    ['win2016', 'Microsoft Windows Server 2016 (64-bit)', 118, 'windows9Server64Guest', 'Windows2016_64', 'Windows Server 2016 (64-bit)', 'win2k16', WIN_81],
    ['win2019', 'Microsoft Windows Server 2019 (64-bit)', 118, 'windows9Server64Guest', 'Windows2019_64', 'Windows Server 2019 (64-bit)', 'win2k19', WIN_81, ['windows2019srv_64Guest']],
    ['win2022', 'Microsoft Windows Server 2022 (64-bit)', 118, 'windows9Server64Guest', 'Windows2022_64', 'Windows Server 2022 (64-bit)', 'win2k22', WIN_81, ['windows2019srvNext_64Guest', 'windows2022srvNext_64Guest']],
    ['win11-64', 'Microsoft Windows 11 (64-bit)', 120, 'windows9_64Guest', 'Windows11_64', 'Windows 11', 'win11', WIN_81, ['windows11_64Guest']],
  ]),
  ...entries('bsd', [
    ['freebsd', 'FreeBSD (32-bit)', 42, 'freebsdGuest', 'FreeBSD', null, null, BSD],
    ['freebsd-64', 'FreeBSD (64-bit)', 78, 'freebsd64Guest', 'FreeBSD_64', null, null, BSD],
  ]),
  ...entries('solaris', [['solaris11-64', 'Oracle Solaris 11 (64-bit)', 81, 'solaris11_64Guest', 'Solaris11_64', null, null, BSD]]),
  ...entries('other', [
    ['other', 'Other (32-bit)', 1, 'otherGuest', 'Other', null, null, OTHER],
    ['other-64', 'Other (64-bit)', 102, 'otherGuest64', 'Other_64', null, null, OTHER],
  ]),
];

/** What a descriptor says about its guest, in every vocabulary VM Ferry reads. */
export interface OsClues {
  cimId?: number | null;
  vmwareOsType?: string | null;
  virtualBoxOsType?: string | null;
  description?: string | null;
}

/**
 * The table row a descriptor's OS clues name: a vendor id first (VMware guest id, then VirtualBox type: they are
 * precise), then a description equal to a label or vendor id (VMware and VirtualBox write those), then the CIM id.
 * CIM 0 ("Unknown") and clues matching nothing give null.
 */
export function findOs(clues: OsClues): OsEntry | null {
  const byVendor = (id: string | null | undefined, pick: (e: OsEntry) => string): OsEntry | undefined => {
    if (!id) return undefined;
    const wanted = id.trim().toLowerCase();
    return (
      OS_TABLE.find((e) => pick(e).toLowerCase() === wanted) ??
      OS_TABLE.find((e) => e.aliases.some((a) => a.toLowerCase() === wanted))
    );
  };
  const found =
    byVendor(clues.vmwareOsType, (e) => e.vmware) ??
    byVendor(clues.virtualBoxOsType, (e) => e.virtualbox) ??
    byDescription(clues.description) ??
    (clues.cimId ? OS_TABLE.find((e) => e.cim === clues.cimId) : undefined);
  return found ?? null;
}

function byDescription(description: string | null | undefined): OsEntry | undefined {
  const text = description?.trim().toLowerCase();
  if (!text) return undefined;
  return OS_TABLE.find(
    (e) =>
      e.label.toLowerCase() === text ||
      e.vmware.toLowerCase() === text ||
      e.virtualbox.toLowerCase() === text ||
      e.aliases.some((a) => a.toLowerCase() === text),
  );
}

export function osById(id: string): OsEntry | null {
  return OS_TABLE.find((e) => e.id === id) ?? null;
}
