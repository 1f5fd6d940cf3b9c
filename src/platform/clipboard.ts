/** Copies text; false when the browser refuses (no permission, not a secure context), so the UI can say so. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
