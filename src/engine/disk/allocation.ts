import type { DiskExtent, ExtentKind, VirtualDisk } from './virtual-disk';

/**
 * Helpers every format reader uses to produce `allocation()`: merging runs of the same kind, and laying one
 * layer over its parent (where the child stores nothing, the parent's extents show through).
 */

/** Collects extents in order, merging each with the previous one when kinds match and they touch. */
export class ExtentRun {
  private pending: DiskExtent | null = null;

  /** Adds an extent; returns the previous merged extent when this one cannot be merged into it. */
  push(offset: number, length: number, kind: ExtentKind): DiskExtent | null {
    if (length <= 0) return null;
    const last = this.pending;
    if (last && last.kind === kind && last.offset + last.length === offset) {
      last.length += length;
      return null;
    }
    this.pending = { offset, length, kind };
    return last;
  }

  /** The last extent, once the input is exhausted. */
  flush(): DiskExtent | null {
    const last = this.pending;
    this.pending = null;
    return last;
  }
}

/** Merges touching extents of the same kind. */
export async function* coalesce(extents: AsyncIterable<DiskExtent> | Iterable<DiskExtent>): AsyncGenerator<DiskExtent> {
  const run = new ExtentRun();
  for await (const extent of extents) {
    const done = run.push(extent.offset, extent.length, extent.kind);
    if (done) yield done;
  }
  const last = run.flush();
  if (last) yield last;
}

/**
 * A layer's own extents laid over its parent's allocation: `unallocated` in the layer means "ask the parent",
 * so those ranges take the parent's kinds. Both inputs are in order and cover the whole disk; so is the output.
 * Without a parent, the layer's own extents are the answer.
 */
export async function* layerOver(own: AsyncIterable<DiskExtent>, parent: VirtualDisk | null, virtualSize: number): AsyncGenerator<DiskExtent> {
  if (!parent) {
    yield* coalesce(own);
    return;
  }
  const run = new ExtentRun();
  const below = parentExtents(parent, virtualSize)[Symbol.asyncIterator]();
  let current: DiskExtent | null = null; // the parent extent that covers the cursor
  const emit = function* (offset: number, length: number, kind: ExtentKind) {
    const done = run.push(offset, length, kind);
    if (done) yield done;
  };
  for await (const extent of own) {
    if (extent.kind !== 'unallocated') {
      yield* emit(extent.offset, extent.length, extent.kind);
      continue;
    }
    // Fill [extent.offset, end) from the parent's extents.
    const end = extent.offset + extent.length;
    let cursor = extent.offset;
    while (cursor < end) {
      while (!current || current.offset + current.length <= cursor) {
        const next = await below.next();
        if (next.done) {
          current = { offset: cursor, length: end - cursor, kind: 'unallocated' };
          break;
        }
        current = next.value;
      }
      const stop = Math.min(end, current.offset + current.length);
      yield* emit(cursor, stop - cursor, current.kind);
      cursor = stop;
    }
  }
  const last = run.flush();
  if (last) yield last;
}

/** The parent's allocation, cut or extended to the child's size (a child may be larger than its parent). */
async function* parentExtents(parent: VirtualDisk, virtualSize: number): AsyncGenerator<DiskExtent> {
  for await (const extent of parent.allocation()) {
    if (extent.offset >= virtualSize) return;
    yield { ...extent, length: Math.min(extent.length, virtualSize - extent.offset) };
  }
  if (parent.virtualSize < virtualSize) {
    yield { offset: parent.virtualSize, length: virtualSize - parent.virtualSize, kind: 'unallocated' };
  }
}

/** Reads from a parent for a range the child does not store; past the parent's end (or without one), zeros. */
export async function readFromParent(parent: VirtualDisk | null, offset: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  if (parent && offset < parent.virtualSize) {
    out.set(await parent.read(offset, Math.min(length, parent.virtualSize - offset)));
  }
  return out;
}
