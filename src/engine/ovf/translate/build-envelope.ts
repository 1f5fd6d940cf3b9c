import type { Firmware } from '../../appliance/report';
import { VmferryError } from '../../errors';
import type { Envelope } from '../model';
import type { Bus, NicModel } from '../profiles/profile-types';

/**
 * A virtual system described by what an XVA's ova.xml or a bare disk tells: enough to build a generic OVF 1.0
 * envelope that `translateEnvelope` then shapes for the target like any vendor's descriptor.
 */
export interface SystemSpec {
  id: string;
  name: string;
  /** An OS table id ('rhel7-64'), or the CIM id and description when that is all the source says. */
  os?: { osId?: string; cimId?: number; description?: string };
  cpus: number;
  memoryBytes: number;
  firmware: Firmware | null;
  /** Disks in boot order: the first is the boot disk. `diskId` is what `DiskFile.diskId` names later. */
  disks: { diskId: string; capacityBytes: number; bus?: Bus }[];
  nics: { network: string; mac?: string | null; model?: NicModel }[];
  annotation?: string;
}

/** A generic OVF 1.0 envelope holding `systems` (one VirtualSystem, or a VirtualSystemCollection of several). */
export function buildEnvelope(systems: readonly SystemSpec[], collectionName = 'vApp'): Envelope {
  void systems;
  void collectionName;
  throw new VmferryError('unsupported', 'buildEnvelope is not implemented yet');
}
