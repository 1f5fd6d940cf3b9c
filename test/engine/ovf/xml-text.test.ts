import { describe, expect, test } from 'vitest';
import { decodeXmlBytes } from '../../../src/engine/ovf/xml-text';
import { caught, fixtureBytes, readText } from './support';
import { readOvf } from '../../../src/engine/ovf/read-ovf';

const SAMPLE = '<?xml version="1.0" encoding="UTF-16"?><Envelope a="é€😀"/>';

function utf16(text: string, littleEndian: boolean, bom: boolean): Uint8Array {
  const units = (bom ? '\uFEFF' : '') + text;
  const bytes = new Uint8Array(units.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < units.length; i++) view.setUint16(i * 2, units.charCodeAt(i), littleEndian);
  return bytes;
}

describe('decodeXmlBytes', () => {
  test('UTF-16 LE with a byte order mark', () => {
    const decoded = decodeXmlBytes(utf16(SAMPLE, true, true), 'le.ovf');
    expect(decoded).toEqual({ text: SAMPLE, encoding: 'utf-16le', declaredEncoding: 'UTF-16', bom: true });
  });

  test('UTF-16 BE with a byte order mark', () => {
    const decoded = decodeXmlBytes(utf16(SAMPLE, false, true), 'be.ovf');
    expect(decoded.text).toBe(SAMPLE);
    expect(decoded.encoding).toBe('utf-16be');
  });

  test('UTF-16 without a mark is recognised by its NUL bytes', () => {
    expect(decodeXmlBytes(utf16(SAMPLE, true, false), 'x').encoding).toBe('utf-16le');
    expect(decodeXmlBytes(utf16(SAMPLE, false, false), 'x').encoding).toBe('utf-16be');
    expect(decodeXmlBytes(utf16(SAMPLE, false, false), 'x').text).toBe(SAMPLE);
  });

  test('UTF-8 with a mark loses the mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('<a>é</a>')]);
    expect(decodeXmlBytes(bytes, 'x')).toEqual({ text: '<a>é</a>', encoding: 'utf-8', declaredEncoding: null, bom: true });
  });

  test('8-bit bytes declared utf-16 (XenOVF) are UTF-8', () => {
    const bytes = new TextEncoder().encode('<?xml version="1.0" encoding="utf-16"?><a>é</a>');
    const decoded = decodeXmlBytes(bytes, 'x');
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.declaredEncoding).toBe('utf-16');
    expect(decoded.text.endsWith('<a>é</a>')).toBe(true);
  });

  test('the real XenOVF fixture decodes from its first byte, declaration included', () => {
    const decoded = decodeXmlBytes(fixtureBytes('xenadmin-sample_app-xenovf-utf16decl.ovf'), 'x');
    expect(decoded.text.startsWith('<?xml version="1.0" encoding="utf-16"?><ovf:Envelope')).toBe(true);
  });

  test('ISO-8859-1 declared: é is one byte', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode("<?xml version='1.0' encoding='ISO-8859-1'?><a>"), 0xe9, ...new TextEncoder().encode('</a>')]);
    expect(decodeXmlBytes(bytes, 'x').text.endsWith('<a>é</a>')).toBe(true);
  });

  test('invalid UTF-8 is an xml error naming the file', () => {
    const error = caught(() => decodeXmlBytes(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c]), 'broken.ovf'), 'xml');
    expect(error.message).toContain('broken.ovf');
    expect(error.message).toContain('UTF-8');
  });

  test('UTF-32 and unknown declared encodings are refused as unsupported', () => {
    caught(() => decodeXmlBytes(new Uint8Array([0, 0, 0, 0x3c, 0, 0, 0, 0x61]), 'x'), 'unsupported');
    caught(() => decodeXmlBytes(new TextEncoder().encode('<?xml version="1.0" encoding="EBCDIC-US"?><a/>'), 'x'), 'unsupported');
  });

  test('an odd-length UTF-16 file is an xml error', () => {
    const bytes = utf16('<a/>', true, true);
    caught(() => decodeXmlBytes(bytes.subarray(0, bytes.length - 1), 'x'), 'xml');
  });
});

test('readOvf reads a UTF-16 LE descriptor with a byte order mark', () => {
  const xml = `<?xml version="1.0" encoding="UTF-16"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
<VirtualSystem ovf:id="Ünïcødé"><Info>x</Info></VirtualSystem></Envelope>`;
  const result = readOvf(utf16(xml, true, true), 'utf16.ovf');
  expect(result.envelope.encoding).toBe('utf-16le');
  expect(result.envelope.content?.id).toBe('Ünïcødé');
  // The same text as UTF-8 reads the same, so the decoding (not luck) is what the assertion above checks.
  expect(readText(xml.replace('UTF-16', 'UTF-8')).envelope.content?.id).toBe('Ünïcødé');
});
