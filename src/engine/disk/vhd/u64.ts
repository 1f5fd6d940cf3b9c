import { VmferryError, type ErrorPlace } from '../../errors';

/** A big-endian 64-bit field as a Number, or a 'corrupt' error when it cannot be a real size or offset. */
export function readU64(view: DataView, offset: number, what: string, place: ErrorPlace): number {
  const value = view.getBigUint64(offset, false);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new VmferryError('corrupt', `${what} is ${value}, beyond any possible file`, place);
  }
  return Number(value);
}
