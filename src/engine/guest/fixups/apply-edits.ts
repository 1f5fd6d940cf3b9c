import type { GuestEdit } from '../../appliance/plan-types';
import { errorCodeOf, VmferryError } from '../../errors';
import { decodeGuestText, encodeGuestText, textEncodingOf } from '../inspect/guest-text';
import type { Inspection } from '../inspect/inspect-guest';
import type { ResolvedPath } from '../inspect/guest-tree';

/**
 * Writes the enabled edits of a plan through each filesystem's in-place writer (so the writes land in the disk
 * overlays, never in the source image). Everything is checked before anything is written: each file must still
 * hold the plan's `before` text, and each filesystem must accept writes; a refusal names the filesystem and why.
 * Each file is read back after writing. Returns the paths written.
 */
export async function applyGuestEdits(guest: Pick<Inspection, 'tree'>, edits: readonly GuestEdit[]): Promise<string[]> {
  const enabled = edits.filter((edit) => edit.enabled);
  if (enabled.length === 0) return [];
  const tree = guest.tree;
  if (!tree) throw new VmferryError('usage', 'There is no guest to apply edits to');
  const checked: { edit: GuestEdit; where: ResolvedPath; bytes: Uint8Array }[] = [];
  for (const edit of enabled) {
    const where = tree.locate(edit.path);
    if (!where || `${where.mount.volume.id}:${edit.path}` !== edit.id) {
      throw new VmferryError('usage', `The edit of ${edit.path} (${edit.filesystem}) does not belong to this guest`);
    }
    const fs = where.mount.volume.fs;
    if (fs.writeRefusal) {
      throw new VmferryError('unsupported', `Cannot change ${edit.path}: ${edit.filesystem} is not safe to write (${fs.writeRefusal})`, {
        file: where.mount.volume.id,
        hint: 'Boot the guest once on its old hypervisor and shut it down cleanly, or switch this edit off',
      });
    }
    const bytes = await fs.readFile(where.inner);
    if (!bytes || decodeGuestText(bytes) !== edit.before) {
      throw new VmferryError('usage', `${edit.path} on ${edit.filesystem} is not what the plan was made from: make the plan again`);
    }
    checked.push({ edit, where, bytes });
  }
  const written: string[] = [];
  for (const { edit, where, bytes } of checked) {
    const fs = where.mount.volume.fs;
    const contents = encodeGuestText(edit.after, textEncodingOf(bytes));
    try {
      await fs.writeFile(where.inner, contents);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new VmferryError(errorCodeOf(error) ?? 'io', `Cannot write ${edit.path} on ${edit.filesystem}: ${reason}`, { file: where.mount.volume.id });
    }
    const back = await fs.readFile(where.inner);
    if (!back || decodeGuestText(back) !== edit.after) {
      throw new VmferryError('io', `${edit.path} on ${edit.filesystem} does not read back as written`, { file: where.mount.volume.id });
    }
    written.push(edit.path);
  }
  return written;
}
