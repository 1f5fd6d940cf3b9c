import { VmferryError } from '../../errors';
import type { Envelope, NetworkSection } from '../model';
import { allSections, allVirtualSystems, sectionsOfKind } from '../model-walk';
import { itemRole } from '../resource-types';
import { setPropertyValues } from './item-edit';
import type { TranslationLog } from './translation-log';

/**
 * Networks renamed per the user's map (source name → target name) in NetworkSection and in every NIC's
 * Connection; two source networks mapped to one target name become one. DSP0243 1.1 §9.2 wants every network a
 * NIC names listed in the envelope's NetworkSection, so missing ones are added there.
 */
export function mapNetworks(envelope: Envelope, networkMap: Readonly<Record<string, string>>, log: TranslationLog): void {
  for (const [from, to] of Object.entries(networkMap)) {
    if (typeof to !== 'string' || to.trim() === '') throw new VmferryError('usage', `Network '${from}' is mapped to an empty name`);
  }
  const rename = (name: string): string => networkMap[name] ?? name;
  const seen = new Set<string>();
  for (const section of sectionsOfKind(allSections(envelope), 'NetworkSection')) {
    const names = new Set<string>();
    section.networks = section.networks.filter((network) => {
      seen.add(network.name);
      const target = rename(network.name);
      if (target !== network.name) log.decide(`Network '${network.name}' → '${target}'`);
      network.name = target;
      if (names.has(target)) return false;
      names.add(target);
      return true;
    });
  }
  const used = new Set<string>();
  for (const system of allVirtualSystems(envelope)) {
    for (const hardware of sectionsOfKind(system.sections, 'VirtualHardwareSection')) {
      for (const nic of hardware.items.filter((i) => itemRole(i) === 'nic')) {
        if (nic.connections.length === 0) continue;
        for (const c of nic.connections) seen.add(c);
        const mapped = nic.connections.map(rename);
        if (mapped.some((c, i) => c !== nic.connections[i])) setPropertyValues(nic, 'Connection', mapped);
        for (const c of mapped) used.add(c);
      }
    }
  }
  for (const from of Object.keys(networkMap)) {
    if (!seen.has(from)) log.warn(`Network '${from}' in the network map is not used by this appliance`);
  }
  const listed = new Set(sectionsOfKind(envelope.sections, 'NetworkSection').flatMap((s) => s.networks.map((n) => n.name)));
  const missing = [...used].filter((name) => !listed.has(name));
  if (missing.length === 0) return;
  let section = sectionsOfKind(envelope.sections, 'NetworkSection')[0];
  if (!section) {
    section = { kind: 'NetworkSection', info: { text: 'The list of logical networks', msgid: null }, required: null, attributes: [], unknown: [], networks: [] } satisfies NetworkSection;
    const at = envelope.sections.findIndex((s) => s.kind !== 'DiskSection');
    envelope.sections.splice(at === -1 ? envelope.sections.length : at, 0, section);
  }
  for (const name of missing) {
    section.networks.push({ name, description: { text: `The ${name} network`, msgid: null }, attributes: [], unknown: [] });
    log.decide(`Network '${name}' added to NetworkSection (a NIC uses it)`);
  }
}
