/**
 * CRC-64 as .xz uses it (.xz spec §3.4, "CRC64": ECMA-182 polynomial, reflected 0xC96C5795D7870F42, pre- and
 * post-inverted): `crc64("123456789")` is 0x995DC9BBDF1939FA. The 64-bit register is kept as two 32-bit halves
 * so the loop stays in integer arithmetic.
 */
const POLYNOMIAL_LOW = 0xd7870f42;
const POLYNOMIAL_HIGH = 0xc96c5795;

const [TABLE_LOW, TABLE_HIGH] = (() => {
  const low = new Uint32Array(256);
  const high = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let lo = n;
    let hi = 0;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | (hi << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        lo = (lo ^ POLYNOMIAL_LOW) >>> 0;
        hi = (hi ^ POLYNOMIAL_HIGH) >>> 0;
      }
    }
    low[n] = lo;
    high[n] = hi;
  }
  return [low, high];
})();

/** A running CRC-64; `update` as often as needed, then compare `bytes()` with the stored little-endian value. */
export class Crc64 {
  private low = 0xffffffff;
  private high = 0xffffffff;

  update(bytes: Uint8Array): void {
    let lo = this.low;
    let hi = this.high;
    for (let i = 0; i < bytes.length; i++) {
      const index = (lo ^ bytes[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LOW[index]!;
      hi = (hi >>> 8) ^ TABLE_HIGH[index]!;
    }
    this.low = lo >>> 0;
    this.high = hi >>> 0;
  }

  /** The final CRC, least significant byte first (how .xz stores it). */
  bytes(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, ~this.low >>> 0, true);
    view.setUint32(4, ~this.high >>> 0, true);
    return out;
  }
}
