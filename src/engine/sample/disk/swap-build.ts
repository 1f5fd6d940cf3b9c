/**
 * A Linux swap area's header, version 1 (Linux `include/linux/swap.h`, `union swap_header`; what mkswap writes):
 * in the first page, after 1024 bytes of boot bits, `version` = 1, `last_page`, `nr_badpages`, a 16-byte UUID and
 * a 16-byte label, and the magic "SWAPSPACE2" in the page's last 10 bytes. The page size is x86's 4096.
 */
const PAGE_SIZE = 4096;

export function buildSwapHeader(sizeBytes: number, uuid: Uint8Array, label: string): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE);
  const view = new DataView(page.buffer);
  view.setUint32(1024, 1, true); // version
  view.setUint32(1028, Math.floor(sizeBytes / PAGE_SIZE) - 1, true); // last_page
  view.setUint32(1032, 0, true); // nr_badpages
  page.set(uuid.subarray(0, 16), 1036);
  page.set(new TextEncoder().encode(label).subarray(0, 16), 1052);
  page.set(new TextEncoder().encode('SWAPSPACE2'), PAGE_SIZE - 10);
  return page;
}
