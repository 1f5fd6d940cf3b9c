/**
 * Every failure the engine reports is a VmferryError: a stable `code` that scripts and the UI can switch on,
 * a message that says what is wrong, where (file, offset) and, where we know it, what the user can do.
 *
 * comlink keeps only `name`, `message` and `stack` of a thrown error (comlink issue #594), so the code is also
 * carried in `name` ("VmferryError:<code>") and recovered by `fromTransferredError`.
 */
export type ErrorCode =
  | 'truncated' // the file ends before a structure it declares
  | 'corrupt' // a structure is present but its contents are impossible
  | 'unsafe-name' // an archive member name would escape the output folder
  | 'unsupported' // a real format feature we do not handle (named in the message)
  | 'unknown-format' // the input is not something we recognise
  | 'missing-file' // a file referenced by a descriptor is not present
  | 'xml' // the XML is malformed or uses a forbidden construct (DOCTYPE, entities)
  | 'manifest-mismatch' // a file's digest differs from the manifest
  | 'size-mismatch' // a file's size differs from what the descriptor declares
  | 'io' // the platform failed to read or write
  | 'aborted' // the user cancelled
  | 'usage'; // a caller passed something invalid

const NAME_PREFIX = 'VmferryError:';

export interface ErrorPlace {
  /** The file (or archive member) the problem is in. */
  file?: string;
  /** Byte offset inside that file, where it helps to find the problem. */
  offset?: number;
  /** What the user can do about it. */
  hint?: string;
}

export class VmferryError extends Error {
  readonly code: ErrorCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, what: string, place: ErrorPlace = {}) {
    super(composeMessage(what, place));
    this.name = NAME_PREFIX + code;
    this.code = code;
    this.file = place.file;
    this.offset = place.offset;
    this.hint = place.hint;
  }
}

function composeMessage(what: string, { file, offset, hint }: ErrorPlace): string {
  let where = '';
  if (file !== undefined) where = offset !== undefined ? `${file} (at byte ${offset}): ` : `${file}: `;
  return hint ? `${where}${what}. ${hint}` : `${where}${what}`;
}

export function isVmferryError(error: unknown, code?: ErrorCode): error is VmferryError {
  return error instanceof VmferryError && (code === undefined || error.code === code);
}

/** The code of an error that crossed a worker boundary (where only name and message survive). */
export function errorCodeOf(error: unknown): ErrorCode | undefined {
  if (error instanceof VmferryError) return error.code;
  if (error instanceof Error && error.name.startsWith(NAME_PREFIX)) {
    return error.name.slice(NAME_PREFIX.length) as ErrorCode;
  }
  return undefined;
}

export function abortedError(reason?: unknown): VmferryError {
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'cancelled';
  return new VmferryError('aborted', `Operation cancelled (${why})`);
}

/** Throws the engine's "aborted" error when `signal` has fired; call it between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal.reason);
}
