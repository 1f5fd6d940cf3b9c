/**
 * The CRC-16 of `gdt_csum` (uninit_bg) group descriptors: polynomial 0x8005 processed reflected (table of
 * 0xA001), no final inversion; the caller passes the starting register (e2fsprogs starts from ~0, KDOC
 * `group_descr.rst`). With a start of 0 this is CRC-16/ARC ("123456789" → 0xBB3D); with 0xFFFF, CRC-16/MODBUS
 * (→ 0x4B37).
 */
const TABLE = buildTable();

function buildTable(): Uint16Array {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    table[n] = c;
  }
  return table;
}

export function crc16(register: number, bytes: Uint8Array): number {
  let crc = register & 0xffff;
  for (let i = 0; i < bytes.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]!) & 0xff]!;
  return crc;
}
