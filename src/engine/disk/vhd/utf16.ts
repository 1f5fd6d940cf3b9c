/**
 * UTF-16 text in VHD structures: the header's Parent Unicode Name is big-endian, the `W2ku`/`W2ru` parent
 * locators little-endian. Decoded by hand (JavaScript strings are UTF-16 already), up to the first NUL.
 */
export function decodeUtf16(bytes: Uint8Array, littleEndian: boolean): string {
  let text = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const unit = littleEndian ? bytes[i]! | (bytes[i + 1]! << 8) : (bytes[i]! << 8) | bytes[i + 1]!;
    if (unit === 0) break;
    text += String.fromCharCode(unit);
  }
  return text;
}
