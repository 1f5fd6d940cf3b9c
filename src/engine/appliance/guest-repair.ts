import { OverlayDisk } from '../disk/overlay';
import type { VirtualDisk } from '../disk/virtual-disk';
import { VmferryError } from '../errors';
import { applyGuestEdits } from '../guest/fixups/apply-edits';
import { planGuestFixups } from '../guest/fixups/plan-fixups';
import type { GuestReport } from '../guest/inspect/guest-report';
import { openGuest } from '../guest/open-guest';
import type { Appliance } from './appliance';
import type { GuestEdit, Plan } from './plan-types';

/**
 * Guest repair inside a conversion (`--fix`): the plan proposes the edits for the target (with the reasons, the
 * diffs, and what inspection warns about), and the run writes the enabled ones through a copy-on-write overlay
 * over each source disk, which the disk writers then copy. The source images are never written.
 *
 * The guest sees its disks in the plan's order (the first is sda/hda/xvda/vda), as virt-v2v assumes.
 */
export async function proposeGuestEdits(appliance: Appliance, plan: Plan): Promise<GuestEdit[]> {
  const { request } = plan;
  if (!request.fix) return [];
  const guest = await openGuest(sourceDisks(appliance, plan).map((disk) => new OverlayDisk(disk)));
  const fixups = await planGuestFixups(guest, {
    target: request.target,
    ...(request.names ? { names: request.names } : {}),
    ...(request.pv ? { pv: true } : {}),
  });
  plan.warnings.push(...guest.report.warnings, ...fixups.warnings);
  plan.decisions.push(...fixups.decisions);
  if (fixups.edits.length === 0) plan.decisions.push('Guest repair: nothing in the guest needs changing for this target');
  return fixups.edits;
}

/**
 * Looks inside the appliance's disks (in order) for the Linux guest and records what it finds in the report.
 * A disk that cannot be read, or no Linux at all, is a report with warnings, not a failure.
 */
export async function inspectGuestOf(appliance: Appliance): Promise<GuestReport | null> {
  const disks = [...appliance.disks.values()];
  if (disks.length === 0) return null;
  const guest = await openGuest(disks.map((disk) => new OverlayDisk(disk)));
  appliance.report.guest = guest.report;
  return guest.report;
}

/** Writes the enabled edits into the overlays, which are given in the plan's disk order. */
export async function applyGuestRepair(overlays: ReadonlyMap<string, OverlayDisk>, edits: readonly GuestEdit[]): Promise<void> {
  const guest = await openGuest([...overlays.values()]);
  await applyGuestEdits(guest, edits);
}

function sourceDisks(appliance: Appliance, plan: Plan): VirtualDisk[] {
  return plan.disks.map((planned) => {
    const disk = appliance.disks.get(planned.source);
    if (!disk) throw new VmferryError('usage', `The plan names a disk ${planned.source} the appliance does not have`, { file: appliance.input.name });
    return disk;
  });
}
