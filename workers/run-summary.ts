import type { RunSummary } from '../src/engine/appliance/engine-api';
import type { OutputTarget } from '../src/engine/appliance/output-target';
import type { Plan } from '../src/engine/appliance/plan-types';
import type { HashAlgorithm } from '../src/engine/io/hash';
import { formatManifest } from '../src/engine/ovf/manifest';
import type { WrittenFile } from '../src/engine/package/package-content';

/** Import helpers are a few kilobytes; anything larger is not kept for display. */
const HELPER_LIMIT = 1024 * 1024;

/**
 * The manifest as the package writers wrote it: one line per written file with a digest, in write order (the
 * manifest itself has none). The algorithm follows from the digest length.
 */
export function manifestOf(plan: Plan, files: readonly WrittenFile[]): RunSummary['manifest'] {
  const manifest = plan.files.find((file) => file.role === 'manifest');
  const digested = files.filter((file): file is WrittenFile & { digest: string } => file.digest !== null);
  if (!manifest || digested.length === 0) return null;
  const algorithm: HashAlgorithm = digested[0]!.digest.length === 40 ? 'sha1' : digested[0]!.digest.length === 128 ? 'sha512' : 'sha256';
  return { name: manifest.name, text: formatManifest(digested.map((file) => ({ algorithm, file: file.name, digest: file.digest }))) };
}

/**
 * Wraps a folder target so that the import helper (the plan's `script` file) is also kept as text, for the Done
 * screen's copy button. Single-file targets pass through: they carry no helper.
 */
export function capturingHelper(target: OutputTarget, plan: Plan): { target: OutputTarget; helper(): RunSummary['helper'] } {
  const script = plan.files.find((file) => file.role === 'script')?.name;
  if (target.kind !== 'folder' || !script) return { target, helper: () => null };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  const wrapped: OutputTarget = {
    kind: 'folder',
    discard: () => target.discard(),
    async create(name) {
      const sink = await target.create(name);
      if (name !== script) return sink;
      return {
        name: sink.name,
        async write(chunk) {
          size += chunk.length;
          if (size <= HELPER_LIMIT) chunks.push(chunk.slice());
          await sink.write(chunk);
        },
        async close() {
          await sink.close();
          complete = size <= HELPER_LIMIT;
        },
        abort: (reason) => sink.abort(reason),
      };
    },
  };
  return {
    target: wrapped,
    helper: () => {
      if (!complete) return null;
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, at);
        at += chunk.length;
      }
      return { name: script, text: new TextDecoder().decode(bytes) };
    },
  };
}
