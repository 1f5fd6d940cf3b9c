import { describe, expect, it } from 'vitest';
import { formatPaxRecords, parsePaxRecords } from '../../../src/engine/archive/pax-records';
import { isVmferryError } from '../../../src/engine/errors';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('pax extended header records', () => {
  it('parses records as GNU tar writes them, UTF-8 included', () => {
    const records = parsePaxRecords(bytes('30 mtime=1600000000.123456789\n18 path=disk.vmdk\n14 path=ä/ö\n'), 'a.ova', 0);
    expect(records.get('mtime')).toBe('1600000000.123456789');
    // The later record for the same keyword wins.
    expect(records.get('path')).toBe('ä/ö');
  });

  it('gets every length right, also where adding the digits adds a digit', () => {
    for (let length = 1; length < 1200; length += 1) {
      const value = 'v'.repeat(length);
      const encoded = formatPaxRecords([['path', value], ['size', '9000000000']]);
      const text = new TextDecoder().decode(encoded);
      const firstLength = Number(text.slice(0, text.indexOf(' ')));
      expect(text.slice(0, firstLength).endsWith('\n')).toBe(true);
      const parsed = parsePaxRecords(encoded, 'x.tar', 0);
      expect(parsed.get('path')).toBe(value);
      expect(parsed.get('size')).toBe('9000000000');
    }
  });

  it('stops at NUL padding', () => {
    const data = new Uint8Array(64);
    data.set(bytes('18 path=disk.vmdk\n'));
    expect([...parsePaxRecords(data, 'a.tar', 0).keys()]).toEqual(['path']);
  });

  it('refuses malformed records with a corrupt error naming the archive', () => {
    for (const bad of ['17 path=disk.vmd', 'x path=a\n', '5 =a\n', '99 path=a\n', '12 pathdisk\n']) {
      let caught: unknown;
      try {
        parsePaxRecords(bytes(bad), 'bad.ova', 1536);
      } catch (error) {
        caught = error;
      }
      expect(isVmferryError(caught, 'corrupt'), bad).toBe(true);
      expect((caught as Error).message).toContain('bad.ova');
    }
  });
});
