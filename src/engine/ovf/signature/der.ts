/**
 * A minimal DER reader (ITU-T X.690 §8, §10): enough to walk an X.509 certificate. Every length is checked
 * against its parent, so a damaged certificate is an error, never a read past the end.
 */
export class DerError extends Error {}

export interface DerNode {
  /** The identifier octet: class, constructed bit and tag number (tags above 30 are refused). */
  tag: number;
  /** The whole element, header included (what an SPKI import wants). */
  element: Uint8Array;
  /** The contents only. */
  value: Uint8Array;
}

export const DER = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The elements one after the other in `bytes` (the contents of a SEQUENCE or SET). */
export function derChildren(bytes: Uint8Array): DerNode[] {
  const nodes: DerNode[] = [];
  for (let at = 0; at < bytes.length; ) {
    const node = derAt(bytes, at);
    nodes.push(node);
    at += node.element.length;
  }
  return nodes;
}

/** The one element `bytes` must hold, with the expected tag. */
export function derExpect(bytes: Uint8Array, tag: number, what: string): DerNode {
  const node = derAt(bytes, 0);
  if (node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  return node;
}

function derAt(bytes: Uint8Array, at: number): DerNode {
  if (at + 2 > bytes.length) throw new DerError('truncated element header');
  const tag = bytes[at]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used in certificates');
  let length = bytes[at + 1]!;
  let header = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    // DER: the long form only for 128 and up, no indefinite length (X.690 §10.1), at most 4 octets here.
    if (octets === 0 || octets > 4) throw new DerError('indefinite or oversized length');
    if (at + 2 + octets > bytes.length) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + bytes[at + 2 + i]!;
    header += octets;
  }
  if (at + header + length > bytes.length) throw new DerError('element runs past its parent');
  return { tag, element: bytes.subarray(at, at + header + length), value: bytes.subarray(at + header, at + header + length) };
}

/** Dotted form of an OBJECT IDENTIFIER's contents (X.690 §8.19). */
export function oidText(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty object identifier');
  const parts: number[] = [];
  let current = 0;
  for (const byte of value) {
    current = current * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    parts.push(current);
    current = 0;
  }
  const first = parts.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}
