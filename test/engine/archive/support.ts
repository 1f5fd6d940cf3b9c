import { execFile, execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync, writeSync, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { errorCodeOf, type ErrorCode } from '../../../src/engine/errors';
import type { ByteSink } from '../../../src/engine/io/byte-sink';
import type { ByteSource } from '../../../src/engine/io/byte-source';

/** Helpers for the archive tests: temp folders, real tools, Node-file sources and sinks. */

export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `vmferry-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a command synchronously; throws with its stderr when it fails. */
export function run(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

export const runAsync = promisify(execFile);

/** A Node file as a ByteSource, counting reads so tests can check that listing never reads member data. */
export class FileSource implements ByteSource {
  readonly size: number;
  reads = 0;
  bytesRead = 0;
  largestRead = 0;
  private readonly fd: number;

  constructor(
    readonly path: string,
    readonly name: string = path.slice(path.lastIndexOf('/') + 1),
  ) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const count = Math.max(0, Math.min(length, this.size - offset));
    const out = new Uint8Array(count);
    let done = 0;
    while (done < count) {
      const n = readSync(this.fd, out, done, count - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    this.reads++;
    this.bytesRead += done;
    this.largestRead = Math.max(this.largestRead, done);
    return out.subarray(0, done);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * A ByteSink over a Node file that leaves all-zero chunks as holes (a seek instead of a write) and sets the
 * length at close: a 9 GiB archive of zeros costs almost no disk and little time.
 */
export class SparseFileSink implements ByteSink {
  position = 0;
  writes = 0;
  aborted = false;
  closed = false;
  private readonly fd: number;

  constructor(
    readonly path: string,
    readonly name = path.slice(path.lastIndexOf('/') + 1),
  ) {
    this.fd = openSync(path, 'w');
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.closed || this.aborted) throw new Error('write after close or abort');
    this.writes++;
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (!isAllZero(view)) {
      let done = 0;
      while (done < chunk.length) done += writeSync(this.fd, view, done, chunk.length - done, this.position + done);
    }
    this.position += chunk.length;
  }

  async close(): Promise<void> {
    ftruncateSync(this.fd, this.position);
    closeSync(this.fd);
    this.closed = true;
  }

  async abort(): Promise<void> {
    closeSync(this.fd);
    rmSync(this.path, { force: true });
    this.aborted = true;
  }
}

const ZERO_PAGE = Buffer.alloc(1024 * 1024);

function isAllZero(view: Buffer): boolean {
  for (let at = 0; at < view.length; at += ZERO_PAGE.length) {
    const part = view.subarray(at, Math.min(view.length, at + ZERO_PAGE.length));
    if (!part.equals(ZERO_PAGE.subarray(0, part.length))) return false;
  }
  return true;
}

/** Asserts that `promise` rejects with a VmferryError of `code` whose message contains every one of `parts`. */
export async function expectVmferryError(promise: Promise<unknown>, code: ErrorCode, parts: string[]): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a rejection').toBeInstanceOf(Error);
  const error = caught as Error;
  expect(errorCodeOf(error), error.message).toBe(code);
  for (const part of parts) expect(error.message).toContain(part);
  return error;
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk.slice());
  return Buffer.concat(parts);
}

/** Deterministic pseudo-random bytes (xorshift), so fixtures do not compress to nothing and failures repeat. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}
