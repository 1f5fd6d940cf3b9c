import type { DeviceNaming } from '../../appliance/plan-types';
import type { HardwareItem } from '../model';
import type { ControllerOffer } from '../profiles/profile-types';
import { itemRole, parseHostResource } from '../resource-types';
import { itemLabel, newItem, removeProperties, setProperty, setPropertyValues } from './item-edit';
import { nextInstanceId, type SystemContext } from './system-context';

/** Where one disk ended up. */
export interface DiskPlacement {
  diskId: string;
  bus: ControllerOffer['bus'];
  controller: string;
  address: number;
  boot: boolean;
  guestPrefix: DeviceNaming;
}

interface Slot {
  item: HardwareItem;
  offer: ControllerOffer;
  used: Set<number>;
}

/** Storage controller resource types: IDE, parallel SCSI, FC, iSCSI, InfiniBand, other storage (SATA, NVMe...). */
const STORAGE_CONTROLLER_TYPES = new Set([5, 6, 7, 8, 9, 20]);
const BUS_LABEL: Record<ControllerOffer['bus'], string> = {
  ide: 'IDE',
  scsi: 'SCSI',
  sata: 'SATA',
  nvme: 'NVMe',
  virtio: 'VirtIO',
  xen: 'Xen',
};

export function isStorageController(item: HardwareItem): boolean {
  return item.resourceType !== null && STORAGE_CONTROLLER_TYPES.has(item.resourceType);
}

/** The `ovf:diskId` a disk item uses: its HostResource, or XenOVF's "<diskId>,device=0" Connection. */
export function diskIdOf(item: HardwareItem, diskIds: ReadonlySet<string>): string | null {
  for (const value of item.hostResources) {
    const ref = parseHostResource(value);
    if (ref?.kind === 'disk') return ref.id;
  }
  for (const connection of item.connections) {
    const id = connection.split(',')[0]?.trim() ?? '';
    if (diskIds.has(id)) return id;
  }
  return null;
}

/** The controller offer a source controller is, if the target has it (its subtype, or one of the alternatives). */
export function matchControllerOffer(item: HardwareItem, offers: readonly ControllerOffer[]): ControllerOffer | null {
  const tokens = subtypeTokens(item.resourceSubType);
  for (const token of tokens) {
    const offer = offers.find((o) => o.resourceType === item.resourceType && o.accepts.includes(token));
    if (offer) return offer;
  }
  return null;
}

/** ResourceSubType alternatives: "VMXNET3 virtio", "someother, lsilogic"; none is the empty token. */
export function subtypeTokens(subtype: string | null): string[] {
  const tokens = (subtype ?? '').toLowerCase().split(/[\s,]+/).filter((t) => t !== '');
  return tokens.length > 0 ? tokens : [''];
}

/**
 * Puts every disk and CD drive on a controller the target offers. A device stays where it is when its controller
 * exists on the target (and, for the boot disk, can boot with the VM's firmware); otherwise it moves to the first
 * controller in the profile's order that can boot (boot disk), can hold a CD (CD drives), and that the guest has
 * a driver for (os-table.ts; with an unknown OS only driver-free IDE qualifies). A new controller is added when
 * the existing ones are full. Controllers the target lacks are removed.
 */
export function placeStorage(ctx: SystemContext, diskIds: ReadonlySet<string>): DiskPlacement[] {
  const { hardware, profile, firmware, log } = ctx;
  const offers = profile.controllers.filter((o) => o.onlyWith === undefined || o.onlyWith === firmware);
  const slots: Slot[] = [];
  const bySourceId = new Map<string, Slot>();
  const replaced: HardwareItem[] = [];
  for (const item of hardware.items.filter(isStorageController)) {
    const offer = matchControllerOffer(item, offers);
    if (!offer) {
      replaced.push(item);
      continue;
    }
    const slot: Slot = { item, offer, used: new Set() };
    slots.push(slot);
    if (item.instanceId !== null) bySourceId.set(item.instanceId, slot);
    if ((item.resourceSubType ?? null) !== offer.resourceSubType) {
      log.decide(`${ctx.where}: ${itemLabel(item)}: ResourceSubType ${quote(item.resourceSubType)} → ${quote(offer.resourceSubType)}`);
      setProperty(item, 'ResourceSubType', offer.resourceSubType);
    }
  }
  const devices = hardware.items.filter((i) => itemRole(i) === 'disk' || itemRole(i) === 'cdrom');
  const disks = devices.filter((d) => itemRole(d) === 'disk');
  const bootItem = disks.find((d) => diskIdOf(d, diskIds) === ctx.bootDiskId) ?? disks[0];
  const ordered = [...(bootItem ? [bootItem] : []), ...devices.filter((d) => d !== bootItem)];
  // Controllers in address order, so a moved boot disk lands on the primary channel (IDE 0 before IDE 1).
  slots.sort((a, b) => Number(a.item.address ?? 0) - Number(b.item.address ?? 0));
  const placed = new Map<HardwareItem, { slot: Slot; address: number }>();
  const acceptable = (device: HardwareItem, offer: ControllerOffer, checkDriver: boolean): boolean =>
    (device !== bootItem || offer.bootable[firmware]) &&
    (itemRole(device) !== 'cdrom' || (offer.bus !== 'virtio' && offer.bus !== 'nvme')) &&
    (!checkDriver || offer.needs === null || (ctx.os !== null && ctx.os.drivers[offer.needs]));
  const sourceSlot = (device: HardwareItem): Slot | undefined => {
    const slot = device.parent === null ? undefined : bySourceId.get(device.parent);
    return slot && acceptable(device, slot.offer, false) ? slot : undefined;
  };
  // First the devices that keep their place, so moved ones do not push them off their addresses.
  for (const device of ordered) {
    const slot = sourceSlot(device);
    const wanted = Number(device.addressOnParent);
    if (slot && free(slot, wanted)) {
      slot.used.add(wanted);
      placed.set(device, { slot, address: wanted });
    }
  }
  const dropped = new Set<HardwareItem>();
  for (const device of ordered) {
    if (placed.has(device)) continue;
    const source = sourceSlot(device);
    let slot: Slot | undefined = source && nextFree(source) !== null ? source : undefined;
    for (const checkDriver of [true, false]) {
      for (const offer of slot ? [] : offers) {
        if (!acceptable(device, offer, checkDriver)) continue;
        slot = slots.find((s) => s.offer === offer && nextFree(s) !== null) ?? addController(ctx, offer, slots);
        if (slot) break;
      }
      if (slot && !checkDriver) {
        log.warn(`${ctx.where}: ${itemLabel(device)} is put on a ${BUS_LABEL[slot.offer.bus]} controller the guest may have no driver for`);
      }
      if (slot) break;
    }
    const address = slot ? nextFree(slot) : null;
    if (!slot || address === null) {
      log.warn(`${ctx.where}: ${itemLabel(device)} does not fit on any controller ${profile.label} offers; it was left out`);
      dropped.add(device);
      continue;
    }
    slot.used.add(address);
    placed.set(device, { slot, address });
  }
  const placements: DiskPlacement[] = [];
  for (const device of ordered) {
    const place = placed.get(device);
    if (!place) continue;
    const { slot, address } = place;
    const isBoot = device === bootItem;
    const from = describePlace(device, hardware.items);
    const moved = device.parent !== slot.item.instanceId || device.addressOnParent !== String(address);
    setProperty(device, 'Parent', slot.item.instanceId);
    setProperty(device, 'AddressOnParent', String(address));
    const to = `${BUS_LABEL[slot.offer.bus]} ${slot.offer.resourceSubType ?? ''} controller ${slot.item.instanceId} address ${address}`.replace('  ', ' ');
    if (moved) log.decide(`${ctx.where}: ${itemLabel(device)}${isBoot ? ' (boot disk)' : ''}: ${from} → ${to}`);
    const index = slots.filter((s) => s.offer === slot.offer).indexOf(slot);
    if (slot.offer.visibleControllers !== undefined && index >= slot.offer.visibleControllers) {
      log.warn(`${ctx.where}: ${itemLabel(device)} is beyond the emulated ${BUS_LABEL[slot.offer.bus]} devices; the guest sees it only with paravirtual drivers`);
    }
    if (itemRole(device) === 'cdrom') continue;
    const diskId = diskIdOf(device, diskIds);
    if (diskId === null) continue;
    const xenDisks = ctx.os?.drivers.xenBlkfront === true && slot.offer.guestPrefixWithXenDrivers !== undefined;
    placements.push({
      diskId,
      bus: slot.offer.bus,
      controller: slot.item.instanceId ?? '',
      address,
      boot: isBoot,
      guestPrefix: xenDisks ? slot.offer.guestPrefixWithXenDrivers! : slot.offer.guestPrefix,
    });
  }
  for (const item of replaced) {
    const name = `${item.resourceSubType ?? ''}`.trim();
    log.decide(`${ctx.where}: ${itemLabel(item)}${name ? ` (${name})` : ''} removed: ${profile.label} has no such controller`);
  }
  hardware.items = hardware.items.filter((i) => !replaced.includes(i) && !dropped.has(i));
  return placements;
}

function free(slot: Slot, address: number): boolean {
  return (
    Number.isInteger(address) &&
    address >= 0 &&
    address < slot.offer.devicesPerController &&
    !slot.offer.reservedAddresses.includes(address) &&
    !slot.used.has(address)
  );
}

function nextFree(slot: Slot): number | null {
  for (let address = 0; address < slot.offer.devicesPerController; address++) if (free(slot, address)) return address;
  return null;
}

function addController(ctx: SystemContext, offer: ControllerOffer, slots: Slot[]): Slot | undefined {
  const same = slots.filter((s) => s.offer === offer);
  if (same.length >= offer.maxControllers) return undefined;
  const addresses = new Set(same.map((s) => s.item.address));
  let address = 0;
  while (addresses.has(String(address))) address++;
  const item = newItem('Item', {
    Address: String(address),
    Description: `${BUS_LABEL[offer.bus]} Controller`,
    ElementName: `${BUS_LABEL[offer.bus]} Controller ${address}`,
    InstanceID: nextInstanceId(ctx.hardware),
    ResourceSubType: offer.resourceSubType,
    ResourceType: String(offer.resourceType),
  });
  // New controllers go before the first disk or CD drive, where a reader expects them.
  const at = ctx.hardware.items.findIndex((i) => itemRole(i) === 'disk' || itemRole(i) === 'cdrom');
  ctx.hardware.items.splice(at === -1 ? ctx.hardware.items.length : at, 0, item);
  const slot: Slot = { item, offer, used: new Set() };
  slots.push(slot);
  ctx.log.decide(`${ctx.where}: added ${itemLabel(item)} (${offer.resourceSubType ?? BUS_LABEL[offer.bus]})`);
  return slot;
}

function describePlace(device: HardwareItem, items: readonly HardwareItem[]): string {
  const parent = items.find((i) => i.instanceId !== null && i.instanceId === device.parent);
  if (!parent) return 'no controller';
  const bus = parent.resourceType === 5 ? 'IDE' : parent.resourceType === 6 ? 'SCSI' : 'storage';
  return `${bus} ${parent.resourceSubType ?? ''} controller ${parent.instanceId} address ${device.addressOnParent ?? '?'}`.replace('  ', ' ');
}

function quote(value: string | null): string {
  return value === null ? 'none' : `'${value}'`;
}

/**
 * A disk or CD drive item reduced to what every importer reads: its place, its backing and its name. Xen's disk
 * type 19 (storage extent) becomes 17, DVD (16) becomes CD (15, what VirtualBox accepts), the backing is written
 * `ovf:/disk/<id>` or `ovf:/file/<id>` (a file the package does not carry leaves the drive empty).
 */
export function tidyDevice(ctx: SystemContext, device: HardwareItem, diskIds: ReadonlySet<string>): void {
  const isCd = itemRole(device) === 'cdrom';
  const diskId = isCd ? null : diskIdOf(device, diskIds);
  const files = device.hostResources.map(parseHostResource).filter((r) => r?.kind === 'file');
  const keep = new Set(['AddressOnParent', 'Caption', 'Description', 'ElementName', 'HostResource', 'InstanceID', 'Parent', 'ResourceType', ...(isCd ? ['AutomaticAllocation'] : [])]);
  removeProperties(device, (p) => keep.has(p.name));
  if (isCd) {
    if (device.resourceType !== 15) setProperty(device, 'ResourceType', '15');
    const kept = files.filter((f) => f !== null && ctx.keptFiles.has(f.id));
    if (kept.length < files.length) ctx.log.drop(`${ctx.where}: the image in ${itemLabel(device)} (the package does not carry it; the drive is left empty)`);
    setPropertyValues(device, 'HostResource', kept.map((f) => `ovf:/file/${f!.id}`));
    device.required = false;
    return;
  }
  if (device.resourceType !== 17) {
    ctx.log.decide(`${ctx.where}: ${itemLabel(device)}: ResourceType ${device.resourceType} → 17 (disk drive)`);
    setProperty(device, 'ResourceType', '17');
  }
  setPropertyValues(device, 'HostResource', diskId === null ? [] : [`ovf:/disk/${diskId}`]);
}
