import type { TargetProfile } from './profile-types';

/**
 * Any DMTF OVF importer: the hardware stays as the source wrote it (controllers, NICs, vendor settings that the
 * schema allows), only what breaks the DSP8023 schema or no longer matches the package is removed: `vbox:Machine`
 * (no `xs:any` slot; restates disk UUIDs that change), vendor sections at content level, References and
 * DiskSection (rewritten for the new disk files). OVF 1.0 unless 2.0 is asked for.
 */
export const GENERIC_OVF: TargetProfile = {
  id: 'ovf',
  label: 'Generic OVF',
  description:
    'Any OVF importer: a DMTF OVF 1.0 (or 2.0) package with the hardware as the source described it, the disk format ' +
    'you choose (streamOptimized VMDK by default) and a SHA-256 manifest. Guest disk names are unchanged.',
  container: 'ova',
  containers: ['ova', 'ovf'],
  ovfVersion: '1.0',
  virtualSystemType: '',
  disk: { format: 'vmdk', alternatives: ['vmdk-sparse', 'vhd', 'vhd-fixed', 'vhdx', 'qcow2', 'vdi', 'raw'], options: {} },
  hardware: 'keep',
  controllers: [],
  nics: [],
  defaultNic: 'e1000',
  firmware: 'vmw-config',
  osIdentifier: 'cim',
  manifest: 'sha256',
  deploymentOptions: 'keep',
  rejects: {
    virtualSystemTypes: [],
    resourceTypes: null,
    sections: [],
    vendorFamilies: ['vmw', 'vbox', 'xenovf'],
    vmwareConfigKeys: null,
    vmwareExtraConfigKeys: null,
    keepsVboxMachine: false,
  },
  guestNaming: null,
  importHelper: 'none',
};
