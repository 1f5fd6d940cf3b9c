import { VmferryError } from '../../errors';
import { itemsForConfiguration } from '../configurations';
import type { Envelope } from '../model';
import { allSections, allVirtualSystems, defaultConfigurationId, sectionsOfKind } from '../model-walk';
import type { TranslationLog } from './translation-log';

/**
 * DSP0243 1.1 §9.8 deployment options, for targets that offer no choice at import (only VMware's importers do):
 * one configuration is applied (the one asked for, else the descriptor's default). Items for other
 * configurations and `ovf:bound` range markers go, the chosen items lose `ovf:configuration`, ProductSection
 * properties take the chosen configuration's value, and DeploymentOptionSection is removed. Left as they are,
 * VirtualBox and XenCenter would read every configuration's CPU and memory items at once.
 */
export function applyConfiguration(envelope: Envelope, requested: string | undefined, log: TranslationLog): void {
  const sections = sectionsOfKind(envelope.sections, 'DeploymentOptionSection');
  const configurations = sections.flatMap((s) => s.configurations);
  if (configurations.length === 0) {
    if (requested !== undefined) log.warn(`Deployment option '${requested}' was asked for, but the descriptor offers none`);
    return;
  }
  const chosen = requested ?? defaultConfigurationId(envelope)!;
  const configuration = configurations.find((c) => c.id === chosen);
  if (!configuration) {
    const offered = configurations.map((c) => c.id).join(', ');
    throw new VmferryError('usage', `Deployment option '${chosen}' is not one the descriptor offers (${offered})`);
  }
  const label = configuration.label?.text.trim();
  log.decide(`Deployment option '${chosen}'${label ? ` (${label})` : ''} applied: the target offers no choice at import`);
  log.drop(`DeploymentOptionSection (${configurations.length} configurations): the target has no deployment options`);
  envelope.sections = envelope.sections.filter((s) => s.kind !== 'DeploymentOptionSection');
  for (const system of allVirtualSystems(envelope)) {
    for (const hardware of sectionsOfKind(system.sections, 'VirtualHardwareSection')) {
      hardware.items = itemsForConfiguration(hardware.items, chosen);
      for (const item of hardware.items) {
        item.configurations = [];
        item.bound = null;
      }
    }
  }
  for (const product of sectionsOfKind(allSections(envelope), 'ProductSection')) {
    for (const entry of product.entries) {
      if (entry.kind !== 'property' || entry.values.length === 0) continue;
      const value = entry.values.find((v) => v.configuration === chosen) ?? entry.values.find((v) => v.configuration === null);
      if (value) entry.value = value.value;
      entry.values = [];
    }
  }
}
