/**
 * Numeric header fields. POSIX ustar stores octal ASCII digits, ended by a space or NUL; GNU tar and star store
 * values that do not fit in base-256 instead: the first byte's top bit is set (0x80 for a positive value, 0xFF
 * for a negative two's-complement one) and the remaining bits are the value, big-endian (GNU tar manual,
 * "Standard": "numeric fields ... in base-256"). This is how GNU-format archives hold members of 8 GiB or more.
 */

/** The largest value 11 octal digits hold: 8 GiB − 1, the ustar limit for sizes and times (GNU tar manual). */
export const MAX_OCTAL_11 = 0o77777777777;

/**
 * The value of a numeric field, or undefined when the field is malformed or beyond JavaScript's safe integers.
 * Leading spaces or NULs are skipped and a blank field reads as 0, as GNU tar does for old archives whose
 * writers padded fields with spaces.
 */
export function parseNumericField(field: Uint8Array): number | undefined {
  const first = field[0];
  if (first === 0x80 || first === 0xff) return parseBase256(field);
  return parseOctal(field);
}

function parseOctal(field: Uint8Array): number | undefined {
  let at = 0;
  while (at < field.length && (field[at] === 0x20 || field[at] === 0)) at++;
  let value = 0;
  const digitsStart = at;
  for (; at < field.length; at++) {
    const byte = field[at]!;
    if (byte < 0x30 || byte > 0x37) break;
    value = value * 8 + (byte - 0x30);
  }
  if (at === digitsStart) {
    // Only blanks: GNU tar reads this as zero. Anything else before a digit is garbage.
    return field.subarray(digitsStart).every((byte) => byte === 0 || byte === 0x20) ? 0 : undefined;
  }
  // The digits must be ended by a terminator (or fill the field); what follows the terminator is ignored.
  if (at < field.length && field[at] !== 0x20 && field[at] !== 0) return undefined;
  return Number.isSafeInteger(value) ? value : undefined;
}

function parseBase256(field: Uint8Array): number | undefined {
  const negative = field[0] === 0xff;
  // For a negative number, sum the complement and negate at the end: -(~x) - 1 == x in two's complement.
  let value = negative ? ~field[0]! & 0x7f : field[0]! & 0x7f;
  for (let at = 1; at < field.length; at++) {
    const byte = negative ? ~field[at]! & 0xff : field[at]!;
    value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) return undefined;
  }
  return negative ? -value - 1 : value;
}

/** Writes `value` as zero-padded octal digits followed by one NUL, filling `field` exactly. */
export function writeOctalField(field: Uint8Array, value: number): void {
  const digits = value.toString(8).padStart(field.length - 1, '0');
  if (digits.length > field.length - 1) throw new RangeError(`${value} does not fit in ${field.length - 1} octal digits`);
  for (let i = 0; i < digits.length; i++) field[i] = digits.charCodeAt(i);
  field[digits.length] = 0;
}

/** Writes `value` (a non-negative safe integer) in GNU base-256 form, filling `field` exactly. */
export function writeBase256Field(field: Uint8Array, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${value} is not a non-negative integer`);
  let rest = value;
  for (let at = field.length - 1; at > 0; at--) {
    field[at] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  if (rest > 0x7f) throw new RangeError(`${value} does not fit in a ${field.length}-byte base-256 field`);
  field[0] = 0x80 | rest;
}

/** Octal when it fits (what every reader understands), base-256 otherwise. */
export function writeNumericField(field: Uint8Array, value: number): void {
  if (value >= 0 && value < 8 ** (field.length - 1)) writeOctalField(field, value);
  else writeBase256Field(field, value);
}
