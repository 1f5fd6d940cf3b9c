import { describe, expect, test } from 'vitest';
import { sectionsOfKind } from '../../../../src/engine/ovf/model-walk';
import { targetProfile } from '../../../../src/engine/ovf/profiles';
import { readOvf } from '../../../../src/engine/ovf/read-ovf';
import { describeVirtualSystems } from '../../../../src/engine/ovf/report';
import { writeOvfText } from '../../../../src/engine/ovf/write/write-ovf';
import { describeWithTools } from '../../../support/tools';
import { fixtureNames, readFixture } from '../support';
import { validateDescriptors } from '../write/xmllint';
import { EXPECTED, TARGET_CASES, translateFixture } from './fixture-matrix';

/**
 * Every real descriptor translated to every target (issue 4, "Tests that must exist"): the descriptor written
 * validates against the DMTF schema of its OVF version, and what matters survives, checked on the written text
 * read back: the systems, their CPUs, memory, disk capacities and firmware.
 */
const outputs = new Map<string, { text: string; fixture: string; targetCase: (typeof TARGET_CASES)[number] }>();
for (const fixture of fixtureNames()) {
  for (const targetCase of TARGET_CASES) {
    outputs.set(`${targetCase.label}--${fixture}`, { text: writeOvfText(translateFixture(fixture, targetCase).envelope), fixture, targetCase });
  }
}

test('every fixture is covered by the expectations', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(fixtureNames());
});

describeWithTools(['xmllint'], 'every translated descriptor validates (xmllint --schema dsp8023 1.0.0 / 2.0.1)', () => {
  test(`${outputs.size} descriptors`, () => {
    const results = validateDescriptors(new Map([...outputs].map(([name, o]) => [name, o.text] as const)));
    const failures = [...results].filter(([, r]) => !r.valid).map(([name, r]) => `${name}: ${r.errors.join(' | ') || 'no verdict'}`);
    expect(failures).toEqual([]);
    expect(results.size).toBe(outputs.size);
    // The OVF version asked for is the one written (and validated against its own schema).
    for (const [name, o] of outputs) {
      const v2 = o.text.includes('xmlns="http://schemas.dmtf.org/ovf/envelope/2"');
      expect(v2, name).toBe(o.targetCase.ovfVersion === '2.0' || (o.targetCase.target === 'ovf' && !o.targetCase.ovfVersion && o.fixture === 'cot-ubuntu-ovf20.ovf'));
    }
  });
});

describe('systems, CPUs, memory, disk capacities and firmware survive', () => {
  for (const [name, { text, fixture, targetCase }] of outputs) {
    test(name, () => {
      const back = readOvf(new TextEncoder().encode(text), name);
      const systems = describeVirtualSystems(back.envelope);
      const expected = EXPECTED[fixture]!;
      expect(systems.map((s) => s.id)).toEqual(expected.map((s) => s.id));
      for (const [index, want] of expected.entries()) {
        const got = systems[index]!;
        expect(got.cpus, 'cpus').toBe(want.cpus);
        expect(got.memoryBytes, 'memory').toBe(want.memoryBytes);
        const capacities = Object.fromEntries(got.disks.map((d) => [d.diskId, d.capacityBytes]));
        expect(capacities, 'disk capacities').toEqual(want.disks);
        // Every disk is on a controller the written descriptor declares, and names a file of the package.
        for (const disk of got.disks) {
          if (targetCase.target !== 'ovf') expect(disk.controller, `controller of ${disk.diskId}`).not.toBeNull();
          expect(disk.fileName, `file of ${disk.diskId}`).toMatch(/^disk\d\./);
        }
        // A PV guest has no firmware: pygrub reads the guest's GRUB configuration instead.
        const firmware = targetCase.target === 'xenserver-pv' ? null : want.firmware;
        expect(got.firmware, 'firmware').toBe(firmware);
        const profile = targetProfile(targetCase.target);
        if (profile.virtualSystemType !== '') expect(got.virtualSystemTypes[0], 'hardware family').toMatch(new RegExp(`^${profile.virtualSystemType.replace(/\d+$/, '\\d+')}$`));
      }
      // The output raises no warning the source did not (gzip's missing CPU/memory items are the source's).
      const before = readFixture(fixture).warnings;
      expect(back.warnings.filter((w) => !before.includes(w))).toEqual([]);
    });
  }
});

test('the input model is never modified', () => {
  for (const fixture of fixtureNames()) {
    const { envelope } = readFixture(fixture);
    const snapshot = structuredClone(envelope);
    for (const targetCase of TARGET_CASES) translateFixture(fixture, targetCase, envelope);
    expect(envelope).toEqual(snapshot);
  }
});

test('References carry the new files with their sizes and DiskSection their format', () => {
  const translation = translateFixture('govmomi-vcenter-vapp-2vms-sas-pvscsi.ovf', { label: 'hyperv', target: 'hyperv' });
  expect(translation.envelope.references.map((f) => [f.href, f.size])).toEqual([
    ['disk1.vhd', 1000],
    ['disk2.vhd', 1001],
    ['disk3.vhd', 1002],
    ['disk4.vhd', 1003],
  ]);
  const disks = sectionsOfKind(translation.envelope.sections, 'DiskSection')[0]!.disks;
  expect(new Set(disks.map((d) => d.formatUri))).toEqual(new Set(['http://www.microsoft.com/technet/virtualserver/downloads/vhdspec.mspx']));
  expect(disks.map((d) => d.capacityRaw)).toEqual(['1073741824', '1073741824', '1073741824', '1073741824']);
  expect(disks.every((d) => d.capacityUnitsRaw === null)).toBe(true);
});
