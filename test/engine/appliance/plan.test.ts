import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openAppliance } from '../../../src/engine/appliance/open';
import { planConversion } from '../../../src/engine/appliance/plan';
import { runPlan } from '../../../src/engine/appliance/run';
import { isVmferryError } from '../../../src/engine/errors';
import { MemorySink } from '../../../src/engine/io/byte-sink';
import { nodeFileSet } from '../../../src/cli/node-file-set';
import { MiB } from '../../support/disks';
import { tempDir } from '../../support/packages';
import { describeWithTools } from '../../support/tools';
import { buildXva } from '../xva/xva-fixture';

describeWithTools(['tar'], 'planConversion', () => {
  it('plans an XVA from an XVA: one file, the disk as chunks, networks mapped, guest edits from the hook; a plan with edits needs a repair to run', async () => {
    const dir = tempDir('plan');
    buildXva(dir, join(dir, 'in.xva'), {
      name: 'vm',
      vcpus: 1,
      memory: 256 * MiB,
      hvm: true,
      disks: [{ ref: 'Ref:1', virtualSize: 2 * MiB, chunks: new Map([[0, Buffer.alloc(MiB, 1)], [1, Buffer.alloc(MiB, 2)]]) }],
      nics: [{ mac: '', network: 'eth0 net' }],
    });
    const { files, close } = await nodeFileSet(join(dir, 'in.xva'));
    try {
      const appliance = await openAppliance(files);
      const plan = await planConversion(
        appliance,
        { target: 'xenserver', container: 'xva', outputName: 'out.xva', networkMap: { 'eth0 net': 'Prod' } },
        {
          proposeGuestEdits: async () => [
            { id: 'fstab', filesystem: 'disk 1', path: '/etc/fstab', before: 'a', after: 'b', reasons: ['why'], diff: '', enabled: true },
          ],
        },
      );
      expect(plan.files).toEqual([{ name: 'out.xva', role: 'other', size: null }]);
      expect(plan.disks).toEqual([expect.objectContaining({ source: 'Ref:1/', format: 'raw', virtualSize: 2 * MiB })]);
      expect(plan.networks).toEqual([{ source: 'eth0 net', target: 'Prod' }]);
      expect(plan.guestEdits).toHaveLength(1);
      expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
      const sink = new MemorySink('out.xva');
      const error = await runPlan(appliance, plan, { kind: 'file', sink }).catch((e: unknown) => e);
      expect(isVmferryError(error, 'usage')).toBe(true);
      expect(sink.closed).toBe(false);
      plan.guestEdits[0]!.enabled = false;
      const result = await runPlan(appliance, plan, { kind: 'file', sink: new MemorySink('out.xva') });
      expect(result.files[0]!.size).toBeGreaterThan(2 * MiB);
    } finally {
      await close();
    }
  });
});
