import { VmferryError } from '../../errors';
import { readExact, type ByteSource } from '../../io/byte-source';
import { MiB } from './fields';
import type { VhdxHeader } from './header';
import { descriptorsOf, LOG_SECTOR, LogRing, readLogEntry, type ChecksumBudget, type LogEntry } from './log-entry';
import { ReplayedSource } from './replayed-source';

/**
 * Log replay ([MS-VHDX] 2.3.2 and 2.3.3). While the current header's LogGuid is non-zero, metadata updates (BAT
 * entries, metadata items) may sit in the log without having reached their place in the file; the file is only
 * consistent once the log's active sequence has been applied. We never write the input, so the replay goes into
 * an in-memory overlay of the sectors it touches (`ReplayedSource`), through which everything else is read.
 *
 * The active sequence is the run of valid, consecutive entries (each following the previous one in the ring
 * with the next sequence number) whose last entry has the greatest sequence number. Replay starts at that
 * entry's Tail when the tail is an entry of the run; qemu writes tails that point elsewhere (its own replay
 * ignores them), and then the whole run is replayed, as qemu does.
 */

/** Logs are 1 MiB by default (Hyper-V and qemu); a larger one is held in memory up to this size. */
const MAX_LOG_IN_MEMORY = 64 * MiB;
const REPLAY_HINT = 'Open the disk once in Hyper-V, or run `qemu-img check -r all` on a copy of it, to replay its log; then convert the result';

export async function replayLog(source: ByteSource, header: VhdxHeader): Promise<ByteSource> {
  if (header.logLength > MAX_LOG_IN_MEMORY) {
    throw new VmferryError('unsupported', `The VHDX log must be replayed and is ${header.logLength} bytes, more than VM Ferry replays in memory`, {
      file: source.name,
      offset: header.logOffset,
      hint: REPLAY_HINT,
    });
  }
  const ring = new LogRing(await readExact(source, header.logOffset, header.logLength, 'VHDX log'));
  const sequence = findActiveSequence(ring, header, source.name);
  if (!sequence) return source; // LogGuid set but no valid entry: nothing was left to replay (2.3.3).
  const head = sequence[sequence.length - 1]!;
  if (head.flushedFileOffset > source.size) {
    throw new VmferryError('truncated', `The VHDX log says the file was at least ${head.flushedFileOffset} bytes long, but it is ${source.size}`, {
      file: source.name,
      offset: header.logOffset + head.position,
    });
  }
  const replayed = new ReplayedSource(source, Math.max(source.size, head.lastFileOffset));
  for (const entry of sequence) {
    for (const write of descriptorsOf(entry)) {
      if (write.kind === 'data') replayed.writeSector(write.fileOffset, write.sector);
      else replayed.writeZeros(write.fileOffset, write.length);
    }
  }
  return replayed;
}

/** The entries to replay, oldest first, or null when the log holds no valid entry. */
export function findActiveSequence(ring: LogRing, header: VhdxHeader, file: string): LogEntry[] | null {
  // Each position is validated once; the budget bounds the checksumming a hostile log can cause.
  const budget: ChecksumBudget = { remaining: Math.max(256 * MiB, 8 * ring.length) };
  const cache = new Map<number, LogEntry | null>();
  const entryAt = (position: number) => {
    if (!cache.has(position)) cache.set(position, readLogEntry(ring, position, header.logGuid, budget, file));
    return cache.get(position)!;
  };
  let best: LogEntry[] | null = null;
  for (let start = 0; start < ring.length; start += LOG_SECTOR) {
    const first = entryAt(start);
    if (!first) continue;
    const run = [first];
    let covered = first.length;
    for (;;) {
      const last = run[run.length - 1]!;
      const position = (last.position + last.length) % ring.length;
      const next = entryAt(position);
      if (!next || next.sequenceNumber !== last.sequenceNumber + 1n || covered + next.length > ring.length) break;
      run.push(next);
      covered += next.length;
    }
    // On a tie the longer run wins: scanning from 0 also meets the tail end of a sequence that wrapped.
    const head = run[run.length - 1]!.sequenceNumber;
    const bestHead = best?.[best.length - 1]!.sequenceNumber ?? -1n;
    if (head > bestHead || (head === bestHead && run.length > best!.length)) best = run;
  }
  if (!best) return null;
  const head = best[best.length - 1]!;
  const tailIndex = best.findIndex((entry) => entry.position === head.tail);
  return tailIndex > 0 ? best.slice(tailIndex) : best;
}
