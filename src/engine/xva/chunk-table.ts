import { VmferryError } from '../errors';
import type { ByteSource } from '../io/byte-source';

/** XVA disks are cut into 1 MiB chunks (xapi stream_vdi.ml, `chunk_size`). */
export const XVA_CHUNK_SIZE = 1024 * 1024;

export type ChecksumKind = 'sha1' | 'xxhash';

export interface XvaChunk {
  /** The tar member's name, `Ref:5/00000012`. */
  name: string;
  index: number;
  /** Where the chunk's bytes go in the virtual disk. */
  offset: number;
  length: number;
  data: ByteSource;
  checksum: { kind: ChecksumKind; source: ByteSource } | null;
}

export interface ChunkTable {
  /** The tar directory of the disk (`Ref:5`), which is the VDI's export id. */
  prefix: string;
  /** Chunks holding data, by offset; a gap between two reads as zeros. */
  chunks: XvaChunk[];
  /** Bytes from 0 to the end of the last chunk. */
  covered: number;
}

export interface ChunkMember {
  name: string;
  size: number;
  source: ByteSource;
}

const CHUNK_NAME = /^(Ref:[^/]+)\/(\d+)(\.checksum|\.xxhash)?$/;

/**
 * Groups the chunk members of an XVA by disk and places each chunk in its disk. The placement follows what
 * XenServer's import does (xapi stream_vdi.ml, `recv_all_vdi`), not the chunk number alone:
 * - chunk names must increase; a jump from number `a` to `b` stands for `b - a - 1` chunks of zeros, each the
 *   length of the disk's first chunk;
 * - a 0-byte chunk (the exporter's keep-alive when it has skipped zeros for a while) uses up its number but
 *   holds no bytes, so the chunks after it sit one number further than their offset suggests;
 * - each data chunk is followed by its `.checksum` (SHA-1 hex) or `.xxhash` (XXH64 hex) member.
 */
export function buildChunkTables(members: readonly ChunkMember[], archiveName: string): Map<string, ChunkTable> {
  const tables = new Map<string, ChunkTable & { last: number; firstLength: number }>();
  // The last chunk member, so that its checksum member can be attached (a 0-byte chunk has one too).
  let previous: { name: string; chunk: XvaChunk | null } | null = null;
  for (const member of members) {
    const match = CHUNK_NAME.exec(member.name);
    if (!match) continue;
    const [, prefix, digits, extension] = match as unknown as [string, string, string, string | undefined];
    if (extension) {
      if (previous?.name !== `${prefix}/${digits}`) {
        throw new VmferryError('corrupt', `The checksum ${member.name} does not follow the chunk it checks`, { file: archiveName });
      }
      if (previous.chunk) previous.chunk.checksum = { kind: extension === '.xxhash' ? 'xxhash' : 'sha1', source: member.source };
      previous = null;
      continue;
    }
    let table = tables.get(prefix);
    if (!table) {
      table = { prefix, chunks: [], covered: 0, last: -1, firstLength: 0 };
      tables.set(prefix, table);
    }
    const index = Number(digits);
    if (index <= table.last) {
      throw new VmferryError('corrupt', `Chunk ${member.name} comes after chunk ${table.last} of the same disk; XVA chunks must be in increasing order`, {
        file: archiveName,
        hint: 'XenServer refuses such a file too ("Invalid XVA file"); export the VM again.',
      });
    }
    if (table.chunks.length === 0 && table.last < 0) table.firstLength = member.size > 0 ? member.size : XVA_CHUNK_SIZE;
    const offset = table.covered + (index - table.last - 1) * table.firstLength;
    table.last = index;
    table.covered = offset + member.size;
    if (member.size === 0) {
      previous = { name: member.name, chunk: null };
      continue;
    }
    const chunk: XvaChunk = { name: member.name, index, offset, length: member.size, data: member.source, checksum: null };
    table.chunks.push(chunk);
    previous = { name: member.name, chunk };
  }
  return new Map([...tables].map(([prefix, { chunks, covered }]) => [prefix, { prefix, chunks, covered }]));
}
