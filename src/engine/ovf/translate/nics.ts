import type { HardwareItem } from '../model';
import type { NicModel, NicOffer } from '../profiles/profile-types';
import { itemRole } from '../resource-types';
import { itemLabel, removeProperties, setProperty } from './item-edit';
import { subtypeTokens } from './storage';
import type { SystemContext } from './system-context';

/** A NIC as translated. */
export interface NicPlacement {
  instanceId: string;
  model: NicModel;
  resourceSubType: string;
  network: string | null;
  mac: string | null;
}

/** Properties every importer reads from a NIC; the rest is vendor detail of the source. */
const NIC_PROPERTIES = new Set([
  'Address',
  'AddressOnParent',
  'AutomaticAllocation',
  'Caption',
  'Connection',
  'Description',
  'ElementName',
  'InstanceID',
  'ResourceSubType',
  'ResourceType',
]);

/** The offer a source NIC model is, if the target has it (any of its alternatives, in order). */
export function matchNicOffer(subtype: string | null, offers: readonly NicOffer[]): NicOffer | null {
  for (const token of subtypeTokens(subtype)) {
    const offer = offers.find((o) => o.accepts.includes(token));
    if (offer) return offer;
  }
  return null;
}

/**
 * The model for a NIC the target does not have: the first in the profile's order the guest has a driver for, or
 * the profile's default when the OS is unknown.
 */
export function chooseNicOffer(ctx: SystemContext, offers: readonly NicOffer[]): NicOffer {
  if (ctx.os === null) return offers.find((o) => o.model === ctx.profile.defaultNic) ?? offers[0]!;
  const os = ctx.os;
  return offers.find((o) => o.needs === null || os.drivers[o.needs]) ?? offers[0]!;
}

export function translateNics(ctx: SystemContext): NicPlacement[] {
  const { profile, firmware, log } = ctx;
  const offers = profile.nics.filter((o) => o.onlyWith === undefined || o.onlyWith === firmware);
  const placements: NicPlacement[] = [];
  for (const nic of ctx.hardware.items.filter((i) => itemRole(i) === 'nic')) {
    const matched = matchNicOffer(nic.resourceSubType, offers);
    const offer = matched ?? chooseNicOffer(ctx, offers);
    if (!matched) {
      const why = ctx.os === null ? 'guest OS unknown' : `${ctx.os.label} has a driver for it`;
      log.decide(`${ctx.where}: ${itemLabel(nic)}: ${nic.resourceSubType ?? 'unspecified model'} → ${offer.resourceSubType} (${profile.label} has no ${nic.resourceSubType ?? 'such adapter'}; ${why})`);
      if (offer.needs !== null && ctx.os !== null && !ctx.os.drivers[offer.needs]) {
        log.warn(`${ctx.where}: ${itemLabel(nic)} becomes ${offer.resourceSubType}, which ${ctx.os.label} may have no driver for`);
      }
      const network = nic.connections[0];
      setProperty(nic, 'Description', `${offer.resourceSubType} ethernet adapter${network ? ` on "${network}"` : ''}`);
    } else if (nic.resourceSubType !== offer.resourceSubType) {
      log.decide(`${ctx.where}: ${itemLabel(nic)}: ResourceSubType '${nic.resourceSubType}' → '${offer.resourceSubType}'`);
    }
    setProperty(nic, 'ResourceSubType', offer.resourceSubType);
    if (nic.resourceType !== 10) setProperty(nic, 'ResourceType', '10');
    removeProperties(nic, (p) => NIC_PROPERTIES.has(p.name));
    placements.push({
      instanceId: nic.instanceId ?? '',
      model: offer.model,
      resourceSubType: offer.resourceSubType,
      network: nic.connections[0] ?? null,
      mac: nic.address,
    });
  }
  return placements;
}
