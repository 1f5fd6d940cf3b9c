/** The message of a caught error, for a warning line. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
