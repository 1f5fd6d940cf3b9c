import type { HardwareItem } from './model';
import { parseInteger } from './read-context';
import { bytesPerUnit, quantityInBytes, type BytesResult } from './units';

/**
 * Numbers read from CPU and memory items, shared by the report and the checks.
 *
 * Memory (ResourceType 4): VirtualQuantity in AllocationUnits (DSP0243 1.1 §8.3; VMware `byte * 2^20`, OVF 0.9
 * and VirtualBox `MegaBytes`). CIM 2.2x adds VirtualQuantityUnits, which takes precedence when it is a byte unit.
 * With
 * neither, every producer seen means MiB, so that is assumed (and the checks warn).
 */
export function memoryBytesOf(item: HardwareItem): BytesResult {
  if (item.virtualQuantity === null) return { ok: false, problem: 'no VirtualQuantity' };
  const units = item.virtualQuantityUnits !== null && bytesPerUnit(item.virtualQuantityUnits) !== null
    ? item.virtualQuantityUnits
    : item.allocationUnits;
  return quantityInBytes(item.virtualQuantity, units, 2 ** 20);
}

/** CPU (ResourceType 3): VirtualQuantity is the number of virtual CPUs; AllocationUnits are for speed limits. */
export function cpuCountOf(item: HardwareItem): number | null {
  const count = parseInteger(item.virtualQuantity);
  return count !== null && count > 0 ? count : null;
}
