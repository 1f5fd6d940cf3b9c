import { describe, expect, it } from 'vitest';
import { MAX_OCTAL_11, parseNumericField, writeBase256Field, writeNumericField, writeOctalField } from '../../../src/engine/archive/tar-numeric';

const ascii = (text: string, length = 12): Uint8Array => {
  const out = new Uint8Array(length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
};

describe('tar numeric fields', () => {
  it('reads octal with the terminators and padding real writers use', () => {
    expect(parseNumericField(ascii('00000001750\0'))).toBe(1000);
    expect(parseNumericField(ascii('   1750 \0'))).toBe(1000); // old tars: leading spaces, space terminator
    expect(parseNumericField(ascii('\0\0\x001750'))).toBe(1000);
    expect(parseNumericField(ascii('17777777777 ', 12))).toBe(0o17777777777);
    expect(parseNumericField(ascii('777777777777', 12))).toBe(0o777777777777); // no terminator: fills the field
    expect(parseNumericField(ascii('', 12))).toBe(0);
    expect(parseNumericField(ascii('        ', 8))).toBe(0);
  });

  it('refuses fields that are not numbers', () => {
    expect(parseNumericField(ascii('12x4'))).toBeUndefined();
    expect(parseNumericField(ascii('89'))).toBeUndefined();
    expect(parseNumericField(ascii('abc'))).toBeUndefined();
  });

  it('reads GNU base-256, positive and negative', () => {
    const field = new Uint8Array(12);
    field[0] = 0x80;
    field[7] = 0x02; // 2 * 2^32 = 8 GiB
    field[11] = 0x05;
    expect(parseNumericField(field)).toBe(8 * 1024 ** 3 + 5);
    const minusOne = new Uint8Array(12).fill(0xff);
    expect(parseNumericField(minusOne)).toBe(-1);
    const minus256 = new Uint8Array(12).fill(0xff);
    minus256[11] = 0x00;
    expect(parseNumericField(minus256)).toBe(-256);
  });

  it('refuses base-256 values beyond safe integers', () => {
    const huge = new Uint8Array(12).fill(0x7f);
    huge[0] = 0x80;
    expect(parseNumericField(huge)).toBeUndefined();
  });

  it('writes octal, and base-256 only past the octal limit', () => {
    const field = new Uint8Array(12);
    writeNumericField(field, MAX_OCTAL_11);
    expect(String.fromCharCode(...field)).toBe('77777777777\0');
    writeNumericField(field, MAX_OCTAL_11 + 1);
    expect(field[0]).toBe(0x80);
    expect(parseNumericField(field)).toBe(MAX_OCTAL_11 + 1);
    for (const value of [0, 1, 0o644, 123456789, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      writeBase256Field(field, value);
      expect(parseNumericField(field)).toBe(value);
    }
    const mode = new Uint8Array(8);
    writeOctalField(mode, 0o755);
    expect(String.fromCharCode(...mode)).toBe('0000755\0');
    expect(() => writeOctalField(mode, 0o100000000)).toThrow(RangeError);
    expect(() => writeBase256Field(field, -1)).toThrow(RangeError);
  });
});
