/**
 * An ordinary download of a small file (a descriptor, a manifest, an import script): a Blob URL and a click on
 * an `<a download>`. Everything is in memory, so this is never used for disks (they stream: sw-download.ts).
 */
export function downloadSmallFile(name: string, bytes: Uint8Array<ArrayBuffer> | string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once started; give it time before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
