import { describe, expect, it } from 'vitest';
import { isVmferryError } from '../../../../src/engine/errors';
import { parseMetadataText, type MetadataSection } from '../../../../src/engine/guest/lvm/metadata-text';
import { buildVolumeGroup } from '../../../../src/engine/guest/lvm/volume-group';
import { lvSection } from './lvm-tools';

/** The text format alone (the on-disk path is covered with the real tools in scan-lvm.test.ts). */
describe('LVM metadata text', () => {
  it('parses sections, strings with escapes, numbers, arrays and comments, and stops at the NUL', () => {
    const text =
      'vg0 {\n\tid = "Uhb1xG-SbCD"\t# the VG\n\tseqno = 12\n\tstatus = ["RESIZEABLE", "READ"]\n\tflags = []\n' +
      '\tdescription = "a \\"quoted\\" \\\\ name"\n\tratio = 1.5\n\tnested { inner { deep = [1, "two", [3]] } }\n}\n' +
      'contents = "Text Format Volume Group"\nversion = 1\n\0garbage that follows the NUL {{{';
    const file = parseMetadataText(text, 'disk');
    const vg = file.get('vg0') as MetadataSection;
    expect(vg.get('id')).toBe('Uhb1xG-SbCD');
    expect(vg.get('seqno')).toBe(12);
    expect(vg.get('status')).toEqual(['RESIZEABLE', 'READ']);
    expect(vg.get('flags')).toEqual([]);
    expect(vg.get('description')).toBe('a "quoted" \\ name');
    expect(vg.get('ratio')).toBe(1.5);
    expect(((vg.get('nested') as MetadataSection).get('inner') as MetadataSection).get('deep')).toEqual([1, 'two', [3]]);
    expect(file.get('version')).toBe(1);
  });

  it('keeps a key named __proto__ as a plain key', () => {
    const file = parseMetadataText('__proto__ = "x"\n', 'disk');
    expect(file.get('__proto__')).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    ['vg { id = "open\n', /line 1: a string is not closed/],
    ['vg {\n id "x"\n}', /line 2: expected "=" or "{" after "id"/],
    ['vg {\n seqno = \n}', /line 3: expected a value/],
    ['vg { a = [1, 2 }', /expected "," or "\]" in an array/],
    ['vg { a = 1 ', /expected "}"/],
    ['} extra', /unexpected "}"/],
    ['a = 123456789012345678901234567890', /too large/],
    [`${'a { '.repeat(40)}${'} '.repeat(40)}`, /nested more than 16 deep/],
  ])('refuses malformed text %#', (text, message) => {
    let error: unknown;
    try {
      parseMetadataText(text, 'disk.img partition 2');
    } catch (caught) {
      error = caught;
    }
    expect(isVmferryError(error, 'corrupt')).toBe(true);
    expect((error as Error).message).toMatch(/^disk\.img partition 2: LVM metadata text, /);
    expect((error as Error).message).toMatch(message);
  });
});

describe('LV refusals', () => {
  const vgText = (lvs: string) =>
    `vg1 {\nid = "x"\nseqno = 1\nextent_size = 8192\nphysical_volumes {\npv0 {\nid = "pv-uuid"\ndevice = "/dev/sdb1"\npe_start = 2048\npe_count = 100\n}\n}\nlogical_volumes {\n${lvs}}\n}\n`;
  const build = (lvs: string) => buildVolumeGroup('vg1', parseMetadataText(vgText(lvs), 'disk').get('vg1') as MetadataSection, new Map(), 'disk');

  it.each([
    ['mirror', 'mirror_count = 2\nmirrors = ["m_mimage_0", 0, "m_mimage_1", 0]', 'a mirror'],
    ['raid1', 'device_count = 2\nraids = ["r_rmeta_0", "r_rimage_0"]', 'RAID (raid1)'],
    ['raid5_ls', 'device_count = 3', 'RAID (raid5_ls)'],
    ['snapshot', 'chunk_size = 8\norigin = "root"\ncow_store = "snap_cow"', 'a snapshot'],
    ['cache', 'cache_pool = "cpool"\norigin = "slow"', 'a cached volume'],
    ['vdo', 'vdo_pool = "vpool"\nvdo_offset = 0', 'a VDO (deduplicated) volume'],
    ['integrity', 'origin = "x"', 'an integrity volume'],
    ['something-new', '', 'not linear'],
  ])('names segment type %s and the LV', (type, fields, meaning) => {
    const vg = build(lvSection('lv_x', [{ start: 0, count: 4, type, fields }]));
    expect(vg.lvs[0]!.refusal).toBe(`vg1/lv_x segment 1 has type "${type}" (${meaning}); only linear volumes can be read`);
    expect(vg.lvs[0]!.device).toBeNull();
  });

  it('names a gap between segments, extents past the PV, and an unknown PV key', () => {
    const gap = build(lvSection('gap', [{ start: 0, count: 2, type: 'striped', fields: 'stripe_count = 1\nstripes = ["pv0", 0]' }, { start: 5, count: 2, type: 'striped', fields: 'stripe_count = 1\nstripes = ["pv0", 2]' }]));
    expect(gap.lvs[0]!.refusal).toBe('vg1/gap segment 2 covers extents 5..6, expected to start at 2; the metadata is damaged');
    const unknown = build(lvSection('nopv', [{ start: 0, count: 2, type: 'striped', fields: 'stripe_count = 1\nstripes = ["pv9", 0]' }]));
    expect(unknown.lvs[0]!.refusal).toBe('vg1/nopv segment 1 uses pv9, which the volume group does not list; the metadata is damaged');
    const past = build(lvSection('past', [{ start: 0, count: 2, type: 'striped', fields: 'stripe_count = 1\nstripes = ["pv0", 99]' }]));
    expect(past.lvs[0]!.refusal).toBe('vg1/past segment 1 uses extents 99..100 of pv0, which has 100; the metadata is damaged');
    const missing = build(lvSection('far', [{ start: 0, count: 2, type: 'striped', fields: 'stripe_count = 1\nstripes = ["pv0", 0]' }]));
    expect(missing.lvs[0]!.refusal).toBe('vg1/far segment 1 is on PV pv0 (UUID pv-uuid, last seen as /dev/sdb1), which is not on any of the disks');
  });
});
