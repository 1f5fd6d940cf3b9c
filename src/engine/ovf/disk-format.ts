/**
 * `ovf:format` URIs (DSP0243 1.1 §9.1: a URI naming the disk format specification) and their short names.
 * There is no registry: each producer links the spec page it knew about, so the URIs are matched by pattern.
 * Seen in real descriptors:
 * - VMware: `http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized` (1.x), `…#sparse`,
 *   OVF 0.9 `http://www.vmware.com/specifications/vmdk.html#sparse`, `…/vmdk_access.html#monolithic_sparse`;
 * - VHD: XenOVF `http://www.microsoft.com/technet/virtualserver/downloads/vhdspec.mspx` (fixture
 *   `xenadmin-sample_app-xenovf-utf16decl.ovf`), Microsoft/SCVMM
 *   `http://technet.microsoft.com/en-us/virtualserver/bb676673.aspx#monolithic_sparse`;
 * - VHDX: `http://technet.microsoft.com/en-us/library/hh831446.aspx`;
 * - qcow2: oVirt/RHV `http://www.gnome.org/~markmc/qcow-image-format.html`;
 * - raw: oVirt `http://en.wikipedia.org/wiki/Byte`; rPath `…Raw_Hard_Disk_Image`.
 * The short name is a hint for the UI; the disk reader detects the real format by content.
 */
const VMDK_SUBFORMATS = new Map([
  ['streamoptimized', 'streamOptimized'],
  ['sparse', 'sparse'],
  ['monolithicsparse', 'monolithicSparse'],
  ['monolithic_sparse', 'monolithicSparse'],
  ['monolithicflat', 'monolithicFlat'],
  ['monolithic_flat', 'monolithicFlat'],
  ['compressed', 'compressed'],
]);

export function diskFormatName(uri: string | null): string | null {
  if (uri === null) return null;
  const text = uri.trim();
  const lower = text.toLowerCase();
  const fragment = lower.includes('#') ? lower.slice(lower.indexOf('#') + 1) : '';
  if (lower.includes('vmdk')) {
    if (fragment === '') return 'vmdk';
    return `vmdk-${VMDK_SUBFORMATS.get(fragment) ?? text.slice(text.indexOf('#') + 1)}`;
  }
  if (lower.includes('vhdx') || lower.includes('hh831446')) return 'vhdx';
  if (lower.includes('vhd') || lower.includes('bb676673')) return 'vhd';
  if (lower.includes('qcow')) return 'qcow2';
  if (lower.includes('vdi')) return 'vdi';
  if (lower === 'http://en.wikipedia.org/wiki/byte' || lower.includes('raw_hard_disk_image')) return 'raw';
  if (lower.includes('ecma-119') || lower.includes('iso9660')) return 'iso';
  return null;
}
