import { describe, expect, it } from 'vitest';
import { isVmferryError } from '../../../../src/engine/errors';
import { applyGuestEdits } from '../../../../src/engine/guest/fixups/apply-edits';
import { planGuestFixups } from '../../../../src/engine/guest/fixups/plan-fixups';
import { inspectGuest } from '../../../../src/engine/guest/inspect/inspect-guest';
import { centos5, debianEtch } from '../inspect/guest-fixtures';
import type { MemoryGuestFs } from '../inspect/memory-guest-fs';

describe('applyGuestEdits', () => {
  it('writes the enabled edits in place (same inode) and returns their paths; disabled edits are skipped', async () => {
    const volumes = debianEtch();
    const fs = volumes[0]!.fs as MemoryGuestFs;
    const inode = (await fs.stat('/etc/fstab'))!.inode;
    const guest = await inspectGuest(volumes, { diskCount: 1 });
    const { edits } = await planGuestFixups(guest, { target: 'vmware' });
    edits.find((e) => e.path === '/boot/grub/device.map')!.enabled = false;
    const written = await applyGuestEdits(guest, edits);
    expect(written).toEqual(['/etc/fstab', '/boot/grub/menu.lst']);
    expect(fs.text('/etc/fstab')).toBe(edits[0]!.after);
    expect((await fs.stat('/etc/fstab'))!.inode).toBe(inode);
    expect(fs.text('/boot/grub/device.map')).toBe('(hd0)\t/dev/hda\n');
  });

  it('writes through menu.lst -> grub.conf on a separate /boot', async () => {
    const volumes = centos5();
    const boot = volumes[0]!.fs as MemoryGuestFs;
    const guest = await inspectGuest(volumes, { diskCount: 1 });
    const { edits } = await planGuestFixups(guest, { target: 'xenserver-pv', pv: true });
    await applyGuestEdits(guest, edits);
    expect(boot.writes).toEqual(['/grub/grub.conf', '/grub/device.map']);
    expect(boot.text('/grub/menu.lst')).not.toContain('xen.gz');
  });

  it('refuses before writing anything when a filesystem is not safe to write, naming it and the reason', async () => {
    const volumes = debianEtch();
    const fs = volumes[0]!.fs as MemoryGuestFs;
    const guest = await inspectGuest(volumes, { diskCount: 1 });
    const { edits } = await planGuestFixups(guest, { target: 'vmware' });
    fs.writeRefusal = 'the journal needs recovery';
    const error = await applyGuestEdits(guest, edits).catch((e: unknown) => e);
    expect(isVmferryError(error, 'unsupported')).toBe(true);
    expect((error as Error).message).toBe(
      'etch.vmdk partition 1: Cannot change /etc/fstab: etch.vmdk partition 1 (ext3, /) is not safe to write (the journal needs recovery). Boot the guest once on its old hypervisor and shut it down cleanly, or switch this edit off',
    );
    expect(fs.writes).toEqual([]);
  });

  it('refuses when a file changed since the plan was made', async () => {
    const volumes = debianEtch();
    const fs = volumes[0]!.fs as MemoryGuestFs;
    const guest = await inspectGuest(volumes, { diskCount: 1 });
    const { edits } = await planGuestFixups(guest, { target: 'vmware' });
    await fs.writeFile('/boot/grub/menu.lst', new TextEncoder().encode('changed\n'));
    fs.writes = [];
    await expect(applyGuestEdits(guest, edits)).rejects.toThrow('/boot/grub/menu.lst on etch.vmdk partition 1 (ext3, /) is not what the plan was made from');
    expect(fs.writes).toEqual([]);
  });

  it('a write failure names the file and filesystem', async () => {
    const volumes = debianEtch();
    const fs = volumes[0]!.fs as MemoryGuestFs;
    const guest = await inspectGuest(volumes, { diskCount: 1 });
    const { edits } = await planGuestFixups(guest, { target: 'vmware' });
    fs.writeFile = async () => {
      throw new Error('no free block in any initialised group');
    };
    await expect(applyGuestEdits(guest, edits)).rejects.toThrow('Cannot write /etc/fstab on etch.vmdk partition 1 (ext3, /): no free block in any initialised group');
  });

  it('keeps bytes that are not UTF-8 (a Latin-1 comment) exactly', async () => {
    const volumes = debianEtch();
    const fs = volumes[0]!.fs as MemoryGuestFs;
    const latin1 = new Uint8Array([...new TextEncoder().encode('# Caf'), 0xe9, 0x0a, ...new TextEncoder().encode('/dev/hda1 / ext3 defaults 0 1\n')]);
    await fs.writeFile('/etc/fstab', latin1);
    const guest = await inspectGuest(volumes, { diskCount: 1 });
    const { edits } = await planGuestFixups(guest, { target: 'vmware' });
    await applyGuestEdits(guest, edits);
    const bytes = (await fs.readFile('/etc/fstab'))!;
    expect([...bytes.subarray(0, 7)]).toEqual([0x23, 0x20, 0x43, 0x61, 0x66, 0xe9, 0x0a]);
    expect(new TextDecoder('latin1').decode(bytes.subarray(7))).toBe('/dev/sda1 / ext3 defaults 0 1\n');
  });
});
