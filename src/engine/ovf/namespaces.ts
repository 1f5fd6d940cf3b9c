/**
 * The namespaces OVF descriptors use, recognised by URI (prefixes are arbitrary: files use `ovf:`, a default
 * namespace, or anything else). Families rather than exact URIs, because real files vary:
 * - the envelope: VMware's OVF 0.9 URI, DMTF's `envelope/1` (OVF 1.0 and 1.1) and `envelope/2` (OVF 2.x);
 * - CIM settings classes: VirtualBox writes `…/CIM_StorageAllocationSettingData.xsd` (with `.xsd`) for sasd
 *   and epasd, and rasd/vssd the same way in some versions (fixture `cot-ubuntu-ovf20.ovf`).
 */
export const OVF_09_NAMESPACE = 'http://www.vmware.com/schema/ovf/1/envelope';
export const OVF_1_NAMESPACE = 'http://schemas.dmtf.org/ovf/envelope/1';
export const OVF_2_NAMESPACE = 'http://schemas.dmtf.org/ovf/envelope/2';
export const CIM_SCHEMA_BASE = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/';
export const RASD_NAMESPACE = `${CIM_SCHEMA_BASE}CIM_ResourceAllocationSettingData`;
export const VSSD_NAMESPACE = `${CIM_SCHEMA_BASE}CIM_VirtualSystemSettingData`;
export const SASD_NAMESPACE = `${CIM_SCHEMA_BASE}CIM_StorageAllocationSettingData`;
export const EPASD_NAMESPACE = `${CIM_SCHEMA_BASE}CIM_EthernetPortAllocationSettingData`;
export const VMW_NAMESPACE = 'http://www.vmware.com/schema/ovf';
export const VBOX_NAMESPACE = 'http://www.virtualbox.org/ovf/machine';
export const XENOVF_NAMESPACE = 'http://schemas.citrix.com/ovf/envelope/1';
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

export type NamespaceFamily =
  | 'ovf'
  | 'rasd'
  | 'vssd'
  | 'sasd'
  | 'epasd'
  | 'cim' // another CIM class (boot settings, ...)
  | 'vmw'
  | 'vbox'
  | 'xenovf'
  | 'xsi'
  | 'none' // no namespace at all
  | 'other';

const CIM_CLASS = /^https?:\/\/schemas\.dmtf\.org\/wbem\/wscim\/1\/cim-schema\/\d+\/(CIM_[A-Za-z]+)(?:\.xsd)?\/?$/;

export function namespaceFamily(uri: string | null): NamespaceFamily {
  if (uri === null || uri === '') return 'none';
  if (ovfVersionOfNamespace(uri) !== null) return 'ovf';
  const cimClass = CIM_CLASS.exec(uri)?.[1];
  if (cimClass !== undefined) {
    switch (cimClass) {
      case 'CIM_ResourceAllocationSettingData':
        return 'rasd';
      case 'CIM_VirtualSystemSettingData':
        return 'vssd';
      case 'CIM_StorageAllocationSettingData':
        return 'sasd';
      case 'CIM_EthernetPortAllocationSettingData':
        return 'epasd';
      default:
        return 'cim';
    }
  }
  if (uri === VMW_NAMESPACE) return 'vmw';
  if (uri === VBOX_NAMESPACE) return 'vbox';
  if (uri === XENOVF_NAMESPACE) return 'xenovf';
  if (uri === XSI_NAMESPACE) return 'xsi';
  return 'other';
}

/** The OVF version an envelope namespace implies: '0.9', '1.x' or '2.x'; null for any other URI. */
export function ovfVersionOfNamespace(uri: string): '0.9' | '1.x' | '2.x' | null {
  if (uri === OVF_09_NAMESPACE) return '0.9';
  if (uri === OVF_1_NAMESPACE || uri === `${OVF_1_NAMESPACE}/`) return '1.x';
  if (uri === OVF_2_NAMESPACE || uri === `${OVF_2_NAMESPACE}/`) return '2.x';
  return null;
}

/** The settings-data families whose elements are Item properties (RASD and its OVF 2.0 subclasses). */
export function isSettingsFamily(family: NamespaceFamily): boolean {
  return family === 'rasd' || family === 'sasd' || family === 'epasd' || family === 'vssd';
}
