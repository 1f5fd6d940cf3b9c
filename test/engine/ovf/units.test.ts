import { describe, expect, test } from 'vitest';
import { bytesPerUnit, quantityInBytes } from '../../../src/engine/ovf/units';

describe('bytesPerUnit', () => {
  test.each([
    ['byte', 1],
    ['bytes', 1],
    ['byte * 2^10', 2 ** 10],
    ['byte * 2^20', 2 ** 20],
    ['byte*2^20', 2 ** 20],
    ['byte * 2^30', 2 ** 30],
    ['  byte  *  2 ^ 40 ', 2 ** 40],
    ['byte * 10^6', 10 ** 6],
    ['byte * 1024 * 1024', 2 ** 20],
    ['byte * 2^10 * 2^20', 2 ** 30],
    ['kilobyte', 1000],
    ['mebibyte', 2 ** 20],
    ['KiloBytes', 2 ** 10],
    ['MegaBytes', 2 ** 20],
    ['GigaBytes', 2 ** 30],
    ['TeraBytes', 2 ** 40],
    ['MB', 2 ** 20],
    ['GB', 2 ** 30],
  ])('%j is %d bytes', (units, bytes) => {
    expect(bytesPerUnit(units)).toBe(bytes);
  });

  test.each([
    '',
    'hertz * 10^6', // a CPU unit, not bytes
    'MegaHertz',
    'Disk', // XenOVF's AllocationUnits on a disk item
    'Processor Cores',
    'byte / 2^10',
    'byte * 2^-10',
    'byte * 2^1000',
    'byte * 0',
    'bit * 2^20',
    'constructor',
    'constructorbyte',
    'furlongs',
    'byte * two',
  ])('%j is rejected', (units) => {
    expect(bytesPerUnit(units)).toBeNull();
  });
});

describe('quantityInBytes', () => {
  test('capacity in allocation units', () => {
    expect(quantityInBytes('1', 'byte * 2^30')).toEqual({ ok: true, bytes: 2 ** 30 });
    expect(quantityInBytes('8192', 'MegaBytes')).toEqual({ ok: true, bytes: 8 * 2 ** 30 });
    expect(quantityInBytes(' 10485760 ', null)).toEqual({ ok: true, bytes: 10485760 });
    expect(quantityInBytes('512', null, 2 ** 20)).toEqual({ ok: true, bytes: 2 ** 29 });
  });

  test('bad quantities and units are problems, with the reason', () => {
    expect(quantityInBytes('1.5', 'GigaBytes')).toMatchObject({ ok: false, problem: expect.stringContaining('whole number') });
    expect(quantityInBytes('-1', null)).toMatchObject({ ok: false });
    expect(quantityInBytes('', null)).toMatchObject({ ok: false });
    expect(quantityInBytes('4', 'furlongs')).toMatchObject({ ok: false, problem: expect.stringContaining('furlongs') });
    expect(quantityInBytes('99999999999', 'byte * 2^30')).toMatchObject({ ok: false, problem: expect.stringContaining('too large') });
  });
});
