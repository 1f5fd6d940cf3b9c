import type { ByteSource } from '../io/byte-source';
import { ConcatSource } from '../io/concat-source';
import type { DeclaredFile } from '../ovf/report';
import type { FileReport } from './report';

export interface ResolvedFile {
  declared: DeclaredFile;
  /** The file's bytes as stored (still compressed if `compression` is gzip), or null when absent. */
  source: ByteSource | null;
  report: FileReport;
  warnings: string[];
}

/** Finds a file of the package by href: a tar member, a file in the same folder or selection. */
export type FindFile = (href: string) => Promise<ByteSource | null>;

/**
 * Resolves each declared file to its bytes. A chunked file (`ovf:chunkSize`, DSP0243 §5.3) is stored as parts
 * `href.000000000`, `href.000000001`, ... and read as their concatenation; a missing part makes the whole file
 * missing, since its bytes after the gap cannot be placed.
 */
export async function resolveReferences(declared: readonly DeclaredFile[], find: FindFile): Promise<ResolvedFile[]> {
  const resolved: ResolvedFile[] = [];
  for (const file of declared) {
    resolved.push(file.chunkSize ? await resolveChunked(file, find) : await resolveWhole(file, find));
  }
  return resolved;
}

async function resolveWhole(file: DeclaredFile, find: FindFile): Promise<ResolvedFile> {
  const source = await find(file.href);
  const warnings: string[] = [];
  if (!source) warnings.push(`Missing file ${file.href}: the descriptor references it (id ${file.id}) but it is not in the package`);
  else if (file.size !== null && file.size !== source.size) {
    warnings.push(`Size of ${file.href} is ${source.size} bytes but the descriptor declares ${file.size}`);
  }
  return { declared: file, source, report: fileReport(file, source, 0), warnings };
}

async function resolveChunked(file: DeclaredFile, find: FindFile): Promise<ResolvedFile> {
  const chunkSize = file.chunkSize!;
  const expectedParts = file.size !== null ? Math.max(1, Math.ceil(file.size / chunkSize)) : null;
  const parts: ByteSource[] = [];
  const warnings: string[] = [];
  let missingPart: string | null = null;
  for (let index = 0; expectedParts === null || index < expectedParts; index++) {
    const partName = `${file.href}.${String(index).padStart(9, '0')}`;
    const part = await find(partName);
    if (!part) {
      if (expectedParts !== null || index === 0) missingPart = partName;
      break;
    }
    parts.push(part);
  }
  if (missingPart) {
    warnings.push(`Missing part ${missingPart} of chunked file ${file.href} (${expectedParts ?? '?'} parts of ${chunkSize} bytes expected)`);
    return { declared: file, source: null, report: fileReport(file, null, parts.length), warnings };
  }
  const source = new ConcatSource(parts, file.href);
  parts.slice(0, -1).forEach((part) => {
    if (part.size !== chunkSize) warnings.push(`Part ${part.name} of ${file.href} has ${part.size} bytes; every part but the last must have ovf:chunkSize ${chunkSize}`);
  });
  if (file.size !== null && file.size !== source.size) {
    warnings.push(`Size of ${file.href} (${parts.length} parts) is ${source.size} bytes but the descriptor declares ${file.size}`);
  }
  return { declared: file, source, report: fileReport(file, source, parts.length), warnings };
}

function fileReport(file: DeclaredFile, source: ByteSource | null, chunks: number): FileReport {
  return {
    name: file.href,
    size: source?.size ?? null,
    declaredSize: file.size,
    role: file.role,
    present: source !== null,
    compression: file.compression,
    chunks,
  };
}
