import type { HardwareItem } from './model';

/**
 * The items of a VirtualHardwareSection that apply to one deployment configuration.
 *
 * DSP0243 1.1 §9.8: an Item with `ovf:configuration="a b"` applies only to configurations a and b; an Item
 * without it applies to all. Several Items may share an InstanceID, one per configuration (the Cisco CSR 1000V
 * descriptor has three CPU items with InstanceID 1; fixture `cot-csr1000v-deploymentoptions.ovf`); for a given
 * configuration the Item naming it replaces the general one.
 * DSP0243 1.1 §8.4: Items with `ovf:bound="min"` or `"max"` give a range around the normal Item with the same
 * InstanceID; only the normal one describes the hardware.
 * `configuration` null (no DeploymentOptionSection) selects the items without `ovf:configuration`.
 */
export function itemsForConfiguration(items: readonly HardwareItem[], configuration: string | null): HardwareItem[] {
  const chosen = new Map<string, HardwareItem>();
  const unnamed: HardwareItem[] = [];
  for (const item of items) {
    if (item.bound === 'min' || item.bound === 'max') continue;
    const general = item.configurations.length === 0;
    const specific = configuration !== null && item.configurations.includes(configuration);
    if (!general && !specific) continue;
    if (item.instanceId === null) {
      unnamed.push(item);
      continue;
    }
    const previous = chosen.get(item.instanceId);
    // A configuration-specific item beats a general one; otherwise the first one wins.
    if (previous === undefined || (specific && previous.configurations.length === 0)) chosen.set(item.instanceId, item);
  }
  const selected = new Set<HardwareItem>([...chosen.values(), ...unnamed]);
  return items.filter((item) => selected.has(item));
}
