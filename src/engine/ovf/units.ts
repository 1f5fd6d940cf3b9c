/**
 * Byte units as OVF descriptors write them:
 * - DSP0243 1.1 §9.1 (`ovf:capacityAllocationUnits`) and §8.3 (`rasd:AllocationUnits`) use DMTF DSP0004
 *   Annex C.1 "programmatic units" with base unit byte: `byte`, `byte * 2^30`, `byte*2^20`, `byte * 10^9`, and
 *   prefixed words (`kilobyte` = 10^3, `kibibyte` = 2^10);
 * - OVF 0.9 (VMware) and VirtualBox write `MegaBytes`, `KiloBytes`, `GigaBytes` (fixtures `cot-v0.9-vmx04.ovf`,
 *   `cot-ubuntu-ovf20.ovf`), which always meant binary multiples; short `MB`/`GB` appear in hand-made files
 *   (the XO reader accepts k/m/g/t prefixes, shared/notes c24) and are read the same way.
 * Anything else is rejected (null), never guessed.
 */
const LEGACY_BINARY = new Map<string, number>(Object.entries({
  b: 1,
  bytes: 1,
  kb: 2 ** 10,
  kib: 2 ** 10,
  kilobytes: 2 ** 10,
  mb: 2 ** 20,
  mib: 2 ** 20,
  megabytes: 2 ** 20,
  gb: 2 ** 30,
  gib: 2 ** 30,
  gigabytes: 2 ** 30,
  tb: 2 ** 40,
  tib: 2 ** 40,
  terabytes: 2 ** 40,
}));

/** DSP0004 C.1 unit prefixes on the base unit `byte`. */
const DSP0004_PREFIXES = new Map<string, bigint>(Object.entries({
  '': 1n,
  kilo: 10n ** 3n,
  mega: 10n ** 6n,
  giga: 10n ** 9n,
  tera: 10n ** 12n,
  peta: 10n ** 15n,
  kibi: 2n ** 10n,
  mebi: 2n ** 20n,
  gibi: 2n ** 30n,
  tebi: 2n ** 40n,
  pebi: 2n ** 50n,
}));

const MAX_BYTES = BigInt(Number.MAX_SAFE_INTEGER);

/** Bytes per unit for a byte unit string, or null when it is not a byte unit VM Ferry understands. */
export function bytesPerUnit(units: string): number | null {
  const text = units.trim().replace(/\s+/g, ' ');
  if (text === '') return null;
  const legacy = LEGACY_BINARY.get(text.toLowerCase());
  if (legacy !== undefined) return legacy;
  const [base, ...factors] = text.split('*').map((part) => part.trim());
  const prefix = /^([a-z]*)byte$/.exec((base ?? '').toLowerCase())?.[1];
  const prefixValue = prefix === undefined ? undefined : DSP0004_PREFIXES.get(prefix);
  if (prefixValue === undefined) return null;
  let multiplier = prefixValue;
  for (const factor of factors) {
    const match = /^(\d{1,4})(?:\s?\^\s?(\d{1,3}))?$/.exec(factor);
    if (!match) return null;
    multiplier *= BigInt(match[1]!) ** BigInt(match[2] ?? '1');
    if (multiplier > MAX_BYTES || multiplier === 0n) return null;
  }
  return Number(multiplier);
}

export type BytesResult = { ok: true; bytes: number } | { ok: false; problem: string };

/**
 * `quantity` units converted to bytes. `units` null means the default unit (`defaultBytesPerUnit`): bytes for
 * disk capacity (DSP0243 1.1 §9.1). Quantities are xs:long / xs:unsignedLong: integers only.
 */
export function quantityInBytes(quantity: string, units: string | null, defaultBytesPerUnit = 1): BytesResult {
  const trimmed = quantity.trim();
  if (!/^\+?\d+$/.test(trimmed)) return { ok: false, problem: `"${quantity}" is not a whole number` };
  const perUnit = units === null ? defaultBytesPerUnit : bytesPerUnit(units);
  if (perUnit === null) return { ok: false, problem: `"${units}" is not a unit of bytes` };
  const bytes = BigInt(trimmed.replace('+', '')) * BigInt(perUnit);
  if (bytes > MAX_BYTES) return { ok: false, problem: `${quantity} × ${units ?? 'byte'} is too large` };
  return { ok: true, bytes: Number(bytes) };
}
