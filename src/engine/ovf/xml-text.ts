import { VmferryError } from '../errors';

/**
 * Turns descriptor bytes into text. XML 1.0 Appendix F says how to tell the encoding: a byte order mark first,
 * then the byte pattern of `<?xml`, then the declaration's `encoding=`. Real descriptors bend the last rule:
 * XenCenter's XenOVF library declares `encoding="utf-16"` (a .NET StringWriter always does) but saves the text
 * with a default StreamWriter, which writes UTF-8 (xenadmin `XenOvfApi/OVF.cs` `SaveAs`; fixture
 * `xenadmin-sample_app-xenovf-utf16decl.ovf`). The bytes decide, never the declaration alone.
 */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedText {
  text: string;
  /** The encoding the bytes are actually in. */
  encoding: TextEncodingName;
  /** The `encoding=` of the XML declaration as written, or null. */
  declaredEncoding: string | null;
  /** A byte order mark was present. */
  bom: boolean;
}

export function decodeXmlBytes(bytes: Uint8Array, fileName: string): DecodedText {
  refuseUtf32(bytes, fileName);
  const bomEncoding = encodingFromBom(bytes);
  if (bomEncoding !== null) {
    const text = decode(bytes, bomEncoding, fileName);
    return { text, encoding: bomEncoding, declaredEncoding: declaredEncodingOf(text), bom: true };
  }
  const patternEncoding = encodingFromNulPattern(bytes);
  if (patternEncoding !== null) {
    const text = decode(bytes, patternEncoding, fileName);
    return { text, encoding: patternEncoding, declaredEncoding: declaredEncodingOf(text), bom: false };
  }
  // 8-bit bytes: the declaration may name a single-byte encoding; a UTF-16 label here is XenOVF's mistake.
  const declaredEncoding = declaredEncodingOf(asciiPrefix(bytes));
  const encoding = eightBitEncoding(declaredEncoding, fileName);
  return { text: decode(bytes, encoding, fileName), encoding, declaredEncoding, bom: false };
}

function refuseUtf32(bytes: Uint8Array, fileName: string): void {
  const [b0, b1, b2, b3] = bytes;
  const utf32be = b0 === 0 && b1 === 0 && (b2 === 0 || b2 === 0xfe);
  const utf32le = b1 === 0 && b2 === 0 && b3 === 0 && (b0 === 0x3c || b0 === 0xff);
  const utf32leBom = b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0;
  if (bytes.length >= 4 && (utf32be || utf32le || utf32leBom)) {
    throw new VmferryError('unsupported', 'The descriptor looks like UTF-32 text, which VM Ferry does not read', {
      file: fileName,
      hint: 'Save it as UTF-8',
    });
  }
}

function encodingFromBom(bytes: Uint8Array): TextEncodingName | null {
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return 'utf-8';
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  return null;
}

/**
 * XML 1.0 Appendix F.1: without a mark, NUL bytes give UTF-16 away. Mostly-ASCII UTF-16 has a NUL in (nearly)
 * every other byte; UTF-8 XML has none at all.
 */
function encodingFromNulPattern(bytes: Uint8Array): TextEncodingName | null {
  const pairs = Math.min(32, Math.floor(bytes.length / 2));
  if (pairs === 0) return null;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < pairs * 2; i++) {
    if (bytes[i] === 0) {
      if (i % 2 === 0) evenNuls++;
      else oddNuls++;
    }
  }
  if (oddNuls >= pairs * 0.75 && evenNuls === 0) return 'utf-16le';
  if (evenNuls >= pairs * 0.75 && oddNuls === 0) return 'utf-16be';
  return null;
}

function eightBitEncoding(declared: string | null, fileName: string): TextEncodingName {
  if (declared === null) return 'utf-8';
  const label = declared.toLowerCase();
  if (label === 'utf-8' || label === 'utf8' || label === 'us-ascii' || label === 'ascii') return 'utf-8';
  // Declared UTF-16 over 8-bit bytes: XenOVF (see the module comment). The bytes are UTF-8.
  if (label === 'utf-16' || label === 'utf-16le' || label === 'utf-16be' || label === 'unicode') return 'utf-8';
  if (label === 'iso-8859-1' || label === 'latin1' || label === 'latin-1' || label === 'windows-1252') {
    return 'windows-1252';
  }
  throw new VmferryError('unsupported', `The descriptor declares encoding "${declared}", which VM Ferry does not read`, {
    file: fileName,
    hint: 'Save it as UTF-8',
  });
}

function decode(bytes: Uint8Array, encoding: TextEncodingName, fileName: string): string {
  if ((encoding === 'utf-16le' || encoding === 'utf-16be') && bytes.length % 2 !== 0) {
    throw new VmferryError('xml', `The descriptor is UTF-16 but has an odd number of bytes (${bytes.length})`, {
      file: fileName,
    });
  }
  try {
    // The default ignoreBOM=false strips a leading mark of the same encoding.
    return new TextDecoder(encoding, { fatal: encoding !== 'windows-1252' }).decode(bytes);
  } catch {
    throw new VmferryError('xml', `The descriptor is not valid ${encoding.toUpperCase()} text`, {
      file: fileName,
      hint: 'Check that the file is not damaged, or re-save it as UTF-8',
    });
  }
}

function asciiPrefix(bytes: Uint8Array): string {
  let text = '';
  const end = Math.min(bytes.length, 200);
  for (let i = 0; i < end; i++) text += String.fromCharCode(bytes[i]! & 0x7f);
  return text;
}

/** The `encoding` pseudo-attribute of an XML declaration at the very start of `text`, or null. */
export function declaredEncodingOf(text: string): string | null {
  const declaration = /^\uFEFF?<\?xml\s[^?]*\?>/.exec(text);
  if (!declaration) return null;
  const match = /\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(declaration[0]);
  return match ? (match[1] ?? match[2] ?? null) : null;
}
