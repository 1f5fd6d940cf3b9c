export { scanLvm, type LvmScan } from './scan-lvm';
export type { LogicalVolume, LvSegment, PhysicalVolume, VolumeGroup } from './volume-group';
export { parseMetadataText, type MetadataSection, type MetadataValue } from './metadata-text';
