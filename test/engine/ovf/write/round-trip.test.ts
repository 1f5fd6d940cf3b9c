import { describe, expect, test } from 'vitest';
import { readOvf } from '../../../../src/engine/ovf/read-ovf';
import { describeVirtualSystems } from '../../../../src/engine/ovf/report';
import { parseXml } from '../../../../src/engine/ovf/xml';
import { writeOvf, writeOvfText } from '../../../../src/engine/ovf/write/write-ovf';
import { describeWithTools } from '../../../support/tools';
import { fixtureNames, readFixture } from '../support';
import { canonicalEnvelope } from './equivalence';
import { validateDescriptors } from './xmllint';

/**
 * The writer against every real descriptor: reading what it writes gives back the same model (up to what a
 * rewrite may change, listed in equivalence.ts), writing is stable, and the text has the promised form.
 */
describe('round trip of every fixture: readOvf(writeOvf(readOvf(x))) ≡ readOvf(x)', () => {
  for (const name of fixtureNames()) {
    test(name, () => {
      const first = readFixture(name);
      const text = writeOvfText(first.envelope);
      const second = readOvf(new TextEncoder().encode(text), name);
      expect(canonicalEnvelope(second.envelope)).toEqual(canonicalEnvelope(first.envelope));
      expect(describeVirtualSystems(second.envelope)).toEqual(describeVirtualSystems(first.envelope));
      // Nothing new to complain about: the rewrite adds no problem the reader sees.
      expect(second.warnings.filter((w) => !first.warnings.includes(w))).toEqual([]);
      // Stable: writing the re-read model gives the same bytes.
      expect(writeOvfText(second.envelope)).toBe(text);
    });
  }
});

describe('the form of a written descriptor', () => {
  test('UTF-8 with its declaration, namespaces declared once on the Envelope, two-space indentation', () => {
    for (const name of fixtureNames()) {
      const bytes = writeOvf(readFixture(name).envelope);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'), name).toBe(true);
      expect(text.endsWith('</Envelope>\n'), name).toBe(true);
      const { root } = parseXml(text, name);
      expect(root.attributes.find((a) => a.name === 'xmlns')?.value, name).toMatch(/^http:\/\/(schemas\.dmtf\.org\/ovf\/envelope|www\.vmware\.com\/schema\/ovf\/1\/envelope)/);
      const envelopeStart = text.indexOf('<Envelope ');
      const below = text.slice(text.indexOf('>', envelopeStart) + 1);
      expect(text.slice(0, envelopeStart), name).toMatch(/^<\?xml[^\n]*\n(<!--[^\n]*-->\n)*$/);
      // Only `xmlns=""` may appear below the root (kept XML in no namespace); none of the fixtures needs it.
      expect(below, name).not.toMatch(/\sxmlns(:\w+)?=/);
      for (const line of text.split('\n').slice(1, -1)) {
        const indent = /^ */.exec(line)![0].length;
        if (line.trim().startsWith('<')) expect(indent % 2, `${name}: ${line}`).toBe(0);
      }
    }
  });

  test('the XenOVF descriptor that declared utf-16 is written as what it is, UTF-8', () => {
    const { envelope } = readFixture('xenadmin-sample_app-xenovf-utf16decl.ovf');
    const back = readOvf(writeOvf(envelope), 'x.ovf').envelope;
    expect(back.declaredEncoding?.toUpperCase()).toBe('UTF-8');
    expect(back.encoding.toUpperCase()).toBe('UTF-8');
  });

  test('an OVF 2.0 descriptor gets its items in DSP8023 2.0 order: Item, EthernetPortItem, StorageItem', () => {
    const text = writeOvfText(readFixture('cot-ubuntu-ovf20.ovf').envelope);
    const order = [...text.matchAll(/<(Item|EthernetPortItem|StorageItem)[ >]/g)].map((m) => m[1]);
    expect(order).toEqual(['Item', 'Item', 'Item', 'Item', 'Item', 'Item', 'Item', 'EthernetPortItem', 'StorageItem', 'StorageItem']);
    // VirtualBox's CIM namespaces ending in .xsd become the DMTF ones.
    expect(text).toContain('xmlns:sasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_StorageAllocationSettingData"');
    expect(text).not.toContain('.xsd"');
  });

  test('OVF 0.9 is written in its own dialect (ovf:Section xsi:type=…)', () => {
    const text = writeOvfText(readFixture('cot-v0.9-vmx04.ovf').envelope);
    expect(text).toContain('<Section xsi:type="ovf:DiskSection_Type">');
    expect(text).toContain('<Content xsi:type="ovf:VirtualSystem_Type" ovf:id="v0.9">');
    expect(text).toContain('xmlns="http://www.vmware.com/schema/ovf/1/envelope"');
  });
});

describeWithTools(['xmllint'], 'the writer keeps valid descriptors valid (xmllint --schema, DSP8023)', () => {
  test('every fixture, rewritten: valid exactly where the source problems are gone', () => {
    const written = new Map(fixtureNames().map((name) => [name, writeOvfText(readFixture(name).envelope)] as const));
    const results = validateDescriptors(written);
    const verdict = Object.fromEntries([...results].map(([name, r]) => [name, r.valid]));
    expect(verdict).toEqual({
      'cot-csr1000v-deploymentoptions.ovf': true,
      'cot-vmware-vsphere-vmx08.ovf': true,
      'govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf': true,
      // Its only fault was the false utf-16 declaration.
      'xenadmin-sample_app-xenovf-utf16decl.ovf': true,
      // Faults of the sources that a faithful writer keeps: 0.9 has no schema here, InstanceId is 0.9's
      // spelling, VirtualBox items lack the required ElementName and vbox:Machine has no schema slot.
      'cot-v0.9-vmx04.ovf': false,
      'govmomi-ovftool-gzip-compression.ovf': false,
      'cot-ubuntu-ovf20.ovf': false,
      'vbox32-winxp-ovf10-vboxmachine-2disks.ovf': false,
    });
    expect(results.get('vbox32-winxp-ovf10-vboxmachine-2disks.ovf')!.errors.join('\n')).toMatch(/Machine.*not expected/);
    expect(results.get('govmomi-ovftool-gzip-compression.ovf')!.errors.join('\n')).toMatch(/InstanceId/);
    expect(results.get('cot-ubuntu-ovf20.ovf')!.errors.join('\n')).toMatch(/ElementName/);
  });
});
