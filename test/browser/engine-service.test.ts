/**
 * The engine worker's functions called directly, without a worker (they are plain functions over plain data):
 * open an OVA made by real tools, check its manifest with throttled progress, close, and the errors.
 */
import { openAsBlob } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Progress } from '../../src/engine/appliance/engine-api';
import { errorCodeOf } from '../../src/engine/errors';
import { createEngineService } from '../../workers/engine-service';
import { describeWithTools } from '../support/tools';
import { makeFixtures, type Fixtures } from './support/fixtures';

describeWithTools(['qemu-img', 'tar', 'sha256sum'], 'engine worker service', () => {
  let fixtures: Fixtures;
  beforeAll(() => {
    fixtures = makeFixtures();
  });
  afterAll(() => fixtures?.cleanup());

  it('opens an OVA, checks its manifest with progress ending at the total, and forgets it on close', async () => {
    const service = createEngineService();
    expect(await service.ping()).toBe('pong');
    const { handle, report } = await service.open([{ blob: await openAsBlob(fixtures.ova), path: 'vm.ova' }]);
    expect(report.kind).toBe('ova');
    expect(report.virtualSystems.map((system) => system.cpus)).toEqual([2]);

    const progress: Progress[] = [];
    const manifest = await service.checkManifest(handle, (p) => progress.push(p));
    expect(manifest?.ok).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    const last = progress.at(-1)!;
    expect(last.done).toBe(last.total);

    await service.close(handle);
    const error = await service.checkManifest(handle).catch((e: unknown) => e);
    expect(errorCodeOf(error)).toBe('usage');
  });

  it('rejects what is not an appliance with an error that names the file', async () => {
    const service = createEngineService();
    const error = await service.open([{ blob: await openAsBlob(fixtures.textFile), path: 'notes.txt' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('notes.txt');
    expect(errorCodeOf(error)).toBeDefined();
  });
});
