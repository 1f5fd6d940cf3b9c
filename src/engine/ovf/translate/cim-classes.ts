import type { ItemElement } from '../model';

/**
 * The properties each CIM settings class defines (the sequences in shared/fixtures/schema's CIM XSDs). A
 * property outside its class breaks schema validation (OVF 0.9's `rasd:BusNumber`, fixture cot-v0.9-vmx04), so
 * the translator drops it. Names as the schema spells them; OVF 0.9's `InstanceId` is renamed to `InstanceID`.
 */
export const RASD_PROPERTIES = [
  'Address', 'AddressOnParent', 'AllocationUnits', 'AutomaticAllocation', 'AutomaticDeallocation', 'Caption',
  'ChangeableType', 'ConfigurationName', 'Connection', 'ConsumerVisibility', 'Description', 'ElementName',
  'HostResource', 'InstanceID', 'Limit', 'MappingBehavior', 'OtherResourceType', 'Parent', 'PoolID',
  'Reservation', 'ResourceSubType', 'ResourceType', 'VirtualQuantity', 'VirtualQuantityUnits', 'Weight',
] as const;

export const SASD_PROPERTIES = [
  ...RASD_PROPERTIES, 'Access', 'ComponentSetting', 'Generation', 'HostExtentName', 'HostExtentNameFormat',
  'HostExtentNameNamespace', 'HostExtentStartingAddress', 'HostResourceBlockSize', 'OtherHostExtentNameFormat',
  'OtherHostExtentNameNamespace', 'SoID', 'SoOrgID', 'VirtualResourceBlockSize',
] as const;

export const EPASD_PROPERTIES = [
  ...RASD_PROPERTIES, 'AllowedPriorities', 'AllowedToReceiveMACAddresses', 'AllowedToReceiveVLANs',
  'AllowedToTransmitMACAddresses', 'AllowedToTransmitVLANs', 'ComponentSetting', 'DefaultPortVID', 'DefaultPriority',
  'DesiredVLANEndpointMode', 'Generation', 'GroupID', 'ManagerID', 'NetworkPortProfileID', 'NetworkPortProfileIDType',
  'OtherEndpointMode', 'OtherNetworkPortProfileIDTypeInfo', 'PortCorrelationID', 'PortVID', 'Promiscuous',
  'ReceiveBandwidthLimit', 'ReceiveBandwidthReservation', 'SoID', 'SoOrgID', 'SourceMACFilteringEnabled',
  'VSITypeID', 'VSITypeIDVersion',
] as const;

export const VSSD_PROPERTIES = [
  'AutomaticRecoveryAction', 'AutomaticShutdownAction', 'AutomaticStartupAction', 'AutomaticStartupActionDelay',
  'AutomaticStartupActionSequenceNumber', 'Caption', 'ChangeableType', 'ConfigurationDataRoot', 'ConfigurationFile',
  'ConfigurationID', 'ConfigurationName', 'CreationTime', 'Description', 'ElementName', 'InstanceID', 'LogDataRoot',
  'Notes', 'RecoveryFile', 'SnapshotDataRoot', 'SuspendDataRoot', 'SwapFileDataRoot', 'VirtualSystemIdentifier',
  'VirtualSystemType',
] as const;

const BY_ELEMENT: Record<ItemElement, readonly string[]> = {
  Item: RASD_PROPERTIES,
  StorageItem: SASD_PROPERTIES,
  EthernetPortItem: EPASD_PROPERTIES,
};

/** The schema spelling of a property name for an item kind (CIM names are case-insensitive), or null. */
export function classPropertyName(element: ItemElement | 'System', name: string): string | null {
  const list = element === 'System' ? VSSD_PROPERTIES : BY_ELEMENT[element];
  const lower = name.toLowerCase();
  return list.find((known) => known.toLowerCase() === lower) ?? null;
}
