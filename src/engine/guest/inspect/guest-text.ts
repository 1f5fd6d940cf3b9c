/**
 * Guest configuration files are text in whatever encoding the administrator used: UTF-8 nowadays, Latin-1 in a
 * 2006 comment. A rewrite must give back every byte it did not mean to change, so the decoding is chosen from
 * the bytes alone (UTF-8 when they are valid UTF-8, otherwise one byte per character) and encoding reverses it.
 */
export type TextEncodingChoice = 'utf-8' | 'latin1';

export function textEncodingOf(bytes: Uint8Array): TextEncodingChoice {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return 'utf-8';
  } catch {
    return 'latin1';
  }
}

export function decodeGuestText(bytes: Uint8Array): string {
  if (textEncodingOf(bytes) === 'utf-8') return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

export function encodeGuestText(text: string, encoding: TextEncodingChoice): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}
