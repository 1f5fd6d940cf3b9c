import { NIC_DRIVERS } from '../guest/initrd/network-drivers';
import type { Appliance } from './appliance';
import { inspectGuestOf } from './guest-repair';
import { knownOutputSize } from './plan-defaults';
import { prepareConversion, type PrepareOptions } from './plan-prepare';
import type { ConvertRequest, GuestEdit, Plan, PlannedFile } from './plan-types';

export interface PlanOptions extends PrepareOptions {
  /**
   * Guest repair (a later step) proposes its edits here: called with the plan as computed, its result becomes
   * `plan.guestEdits`, and `runPlan` applies the enabled ones through an overlay over each source disk.
   */
  proposeGuestEdits?: (appliance: Appliance, plan: Plan) => Promise<GuestEdit[]>;
}

/**
 * Plans a conversion: which files the output holds, in the order they are written, with their sizes where
 * they are known before writing; the format of each disk; what the translation decided, dropped and warns
 * about; the network mapping; the manifest. Plain data: `--dry-run` prints it, the app shows it, `runPlan`
 * executes it. Nothing is read but the descriptor, and the guest's files where the plan depends on them: its
 * NIC drivers for an import script (Hyper-V, libvirt), the files to repair with `fix`.
 */
export async function planConversion(appliance: Appliance, request: ConvertRequest, options: PlanOptions = {}): Promise<Plan> {
  if (request.container === 'ovf' && NIC_DRIVERS[request.target] && options.guestLacksSyntheticNic === undefined && !appliance.report.guest) {
    await inspectGuestOf(appliance);
  }
  const prepared = await prepareConversion(appliance, request, options);
  const files: PlannedFile[] = [];
  const base = prepared.baseName;
  const diskFiles: PlannedFile[] = prepared.disks.map((d) => ({ name: d.output, role: 'disk', size: knownOutputSize(d.format, d.disk.virtualSize) }));
  const manifest: PlannedFile[] = prepared.manifest ? [{ name: `${base}.mf`, role: 'manifest', size: null }] : [];
  const helper = helperName(request, prepared.basics.helper);
  const helperFile: PlannedFile[] = helper ? [{ name: helper, role: 'script', size: null }] : [];
  switch (request.container) {
    case 'ova':
      files.push({ name: `${base}.ovf`, role: 'descriptor', size: null }, ...manifest, ...diskFiles);
      break;
    case 'ovf':
      files.push(...diskFiles, { name: `${base}.ovf`, role: 'descriptor', size: null }, ...helperFile, ...manifest);
      break;
    case 'xva':
      files.push({ name: request.outputName, role: 'other', size: null });
      break;
    case 'disk':
      files.push({ name: request.outputName, role: 'disk', size: diskFiles[0]?.size ?? null });
      break;
  }
  const decisions = [...prepared.decisions];
  if (prepared.basics.helper !== 'none' && !helper) decisions.push(`No import script: a single-file output has no folder to put it in (write an .ovf folder to get one)`);
  if (prepared.manifest) decisions.push(`Manifest ${prepared.manifest.toUpperCase()} (${base}.mf)${request.container === 'ova' ? ', right after the descriptor in the OVA (each disk is measured and hashed before it is written)' : ''}`);
  const plan: Plan = {
    input: appliance.report.input,
    request,
    files,
    disks: prepared.disks.map((d) => ({ source: d.source, output: d.output, format: d.format, options: d.options, virtualSize: d.disk.virtualSize })),
    guestEdits: [],
    networks: prepared.networks,
    decisions,
    dropped: prepared.dropped,
    warnings: [...appliance.report.warnings, ...prepared.warnings],
  };
  if (options.proposeGuestEdits) plan.guestEdits = await options.proposeGuestEdits(appliance, plan);
  return plan;
}

/** The import script's file name for a folder output, or null. */
export function helperName(request: ConvertRequest, helper: string): string | null {
  if (request.container !== 'ovf') return null;
  switch (helper) {
    case 'hyperv-powershell':
      return 'import-hyperv.ps1';
    case 'xe':
      return 'import-xenserver.sh';
    case 'libvirt-xml':
      return 'domain.xml';
    default:
      return null;
  }
}
