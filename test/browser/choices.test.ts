/**
 * The Choose screen's logic without a browser: defaults from each target profile for a real appliance (the
 * sample OVA, built by the engine), what switching target keeps, the request the worker receives, the recipe
 * link's encoding, and the rates and times the Run screen shows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TARGET_IDS } from '../../src/engine/appliance/plan-types';
import type { ApplianceReport } from '../../src/engine/appliance/report';
import { TARGET_PROFILES } from '../../src/engine/ovf/profiles';
import { buildSampleOva, SAMPLE_OVA_PATH } from '../../src/engine/sample';
import { containersFor, defaultChoices, formatsFor, outputFileName, retarget, safeName, toRequest } from '../../src/app/convert/choices';
import { initialChoices, linkNotesFor } from '../../src/app/convert/link-choices';
import { formatDuration, formatRate, secondsLeft } from '../../src/app/run/rates';
import { decodeSettings, encodeSettings } from '../../src/app/share/settings-link';
import { SAMPLE_OVA_PATH as APP_SAMPLE_PATH } from '../../src/platform/sample-path';
import { createEngineService } from '../../workers/engine-service';

let report: ApplianceReport;

beforeAll(async () => {
  const ova = await buildSampleOva();
  const opened = await createEngineService().open([{ blob: new Blob([ova.bytes as Uint8Array<ArrayBuffer>]), path: 'centos5-sample.ova' }]);
  report = opened.report;
});

describe('choices', () => {
  it('start from each profile: its default package, disk format and manifest; repair on; networks kept', () => {
    for (const target of TARGET_IDS) {
      const profile = TARGET_PROFILES[target];
      const choices = defaultChoices(target, report);
      expect(choices).toMatchObject({ target, container: profile.container, format: profile.disk.format, manifest: profile.manifest, fix: true, names: 'auto' });
      expect(choices.networks).toEqual({ 'VM Network': 'VM Network' });
      expect(choices.pv).toBe(target === 'xenserver-pv');
      expect(containersFor(target, report)).toEqual([...profile.containers, 'disk']);
      expect(formatsFor(target)[0]).toBe(profile.disk.format);
    }
  });

  it('switching target resets the format and package but keeps the name, networks and repair choice', () => {
    const chosen = { ...defaultChoices('vmware', report), fix: false, networks: { 'VM Network': 'xenbr0' }, format: 'vmdk' as const };
    const next = retarget(chosen, 'kvm', report);
    expect(next).toMatchObject({ target: 'kvm', container: 'ovf', format: 'qcow2', fix: false, networks: { 'VM Network': 'xenbr0' }, outputName: 'centos5-sample-kvm' });
  });

  it('become the request the worker plans: the format only when not the profile’s, names only when not automatic', () => {
    const kvm = defaultChoices('kvm', report);
    expect(toRequest(kvm)).toEqual({
      target: 'kvm',
      container: 'ovf',
      outputName: 'centos5-sample-kvm.ovf',
      manifest: 'sha256',
      networkMap: { 'VM Network': 'VM Network' },
      fix: true,
      pv: false,
    });
    const raw = toRequest({ ...kvm, format: 'raw', names: 'uuid', container: 'disk' });
    expect(raw).toMatchObject({ format: 'raw', names: 'uuid', outputName: 'centos5-sample-kvm.img' });
    expect(outputFileName(defaultChoices('xenserver-pv', report))).toBe('centos5-sample-xenserver-pv.xva');
    expect(outputFileName(kvm)).toBe('centos5-sample-kvm');
  });

  it('make names safe for any file system', () => {
    expect(safeName('../a:b*c?"d<e>f|g\\h')).toBe('_a_b_c__d_e_f_g_h');
    expect(safeName('   ')).toBe('appliance');
  });

  it('the app fetches the sample where the build puts it', () => {
    expect(APP_SAMPLE_PATH).toBe(SAMPLE_OVA_PATH);
  });
});

describe('settings link', () => {
  it('round-trips every setting, networks included, and leaves the output name out', () => {
    const choices = { ...defaultChoices('xenserver', report), container: 'ova' as const, format: 'vhd-fixed' as const, names: 'uuid' as const, manifest: 'sha1' as const, fix: false, networks: { 'VM Network': 'xenbr0 & more' } };
    const fragment = encodeSettings(choices);
    expect(fragment).not.toContain('centos5');
    const { settings, ignored } = decodeSettings(`#${fragment}`);
    expect(ignored).toEqual([]);
    expect(initialChoices(report, settings)).toEqual({ ...choices, outputName: 'centos5-sample-xenserver' });
    expect(linkNotesFor(settings, ignored)).toEqual(['Settings from the link you opened: XenServer / XCP-ng (HVM). Change anything below.']);
  });

  it('names what it cannot use, and takes only what the target offers', () => {
    const { settings, ignored } = decodeSettings('target=kvm&format=vhdx&container=xva&pv=maybe&net.Other=x&utm_source=mail');
    expect(ignored).toEqual(['pv=maybe', 'utm_source']);
    const choices = initialChoices(report, settings);
    // vhdx and XVA are not KVM's; a network the appliance does not have is not added.
    expect(choices).toMatchObject({ target: 'kvm', format: 'qcow2', container: 'ovf', networks: { 'VM Network': 'VM Network' } });
  });
});

describe('rates and times', () => {
  it('say what a person reads', () => {
    expect(formatRate(48 * 1024 * 1024)).toBe('48 MiB/s');
    expect(formatRate(0)).toBe('—');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(249)).toBe('4 min 09 s');
    expect(formatDuration(7500)).toBe('2 h 05 min');
    expect(secondsLeft({ phase: 'write', file: 'd', done: 25, total: 100, rate: 5 })).toBe(15);
    expect(secondsLeft({ phase: 'write', file: 'd', done: 0, total: 100, rate: 0 })).toBeNull();
    expect(secondsLeft({ phase: 'write', file: 'd', done: 100, total: 100, rate: 0 })).toBe(0);
  });
});
