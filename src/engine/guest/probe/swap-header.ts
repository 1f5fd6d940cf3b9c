import { hasMagic, isAllZero, latin1, nulPaddedUtf8, uuidText, viewOf } from '../partitions/bytes';
import type { FilesystemProbe } from './filesystem-probe';

/**
 * Linux swap (include/linux/swap.h union swap_header): the magic in the last 10 bytes of the first page,
 * "SWAPSPACE2" (v1) or "SWAP-SPACE" (v0); v1 has version @1024, uuid @1036, volume_name @1052 (16 bytes).
 * The page size is the creating machine's, so 4 KiB to 64 KiB are tried.
 * A hibernation image replaces the magic with its own ("S1SUSPEND", "LINHIB0001", ...): the guest was
 * hibernated, and booting it elsewhere would resume a machine that no longer matches its disks.
 */
const PAGE_SIZES = [4096, 8192, 16384, 32768, 65536];
const HIBERNATION_MAGICS = ['S1SUSPEND', 'S2SUSPEND', 'ULSUSPEND', 'LINHIB0001', '\xed\xc3\x02\xe9\x98\x56\xe5\x0c'];

export function probeSwap(head: Uint8Array): FilesystemProbe | null {
  for (const page of PAGE_SIZES) {
    if (head.length < page) break;
    const tail = page - 10;
    if (hasMagic(head, tail, 'SWAP-SPACE')) return { type: 'swap', uuid: null, label: null, version: '0', notes: ['old (version 0) swap area'] };
    const hibernated = HIBERNATION_MAGICS.some((magic) => hasMagic(head, tail, magic) || hasMagic(head, tail + 10 - magic.length, magic));
    if (!hasMagic(head, tail, 'SWAPSPACE2') && !hibernated) continue;
    const uuidBytes = head.subarray(1036, 1052);
    const notes = hibernated
      ? [`holds a hibernation image (${latin1(head.subarray(tail, page)).replace(/[^\x20-\x7e]/g, '?')}): the guest was hibernated, not shut down`]
      : [];
    return {
      type: 'swap',
      uuid: isAllZero(uuidBytes) ? null : uuidText(uuidBytes),
      label: nulPaddedUtf8(head.subarray(1052, 1068)),
      version: String(viewOf(head).getUint32(1024, true)),
      notes,
    };
  }
  return null;
}
