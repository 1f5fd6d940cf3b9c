/**
 * What the xz decoder throws for damaged, truncated or unsupported data. Kept in its own module so the container,
 * LZMA2 and LZMA layers can all throw it without importing the public entry point (`xz.ts` re-exports it).
 */
export class XzError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XzError';
  }
}
