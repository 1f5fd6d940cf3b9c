import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs the real lvm2 tools on loop devices over test images. Device-mapper is not available here, so nothing is
 * ever activated: pvcreate/vgcreate write labels and metadata, and vgcfgrestore writes the logical volumes we
 * describe in a metadata file, which is exactly the on-disk state a guest's disks are in.
 *
 * LVM_SYSTEM_DIR points at a private lvm.conf whose filter admits only our loop devices, so the host's own
 * volumes are never seen or touched, and no backup or archive copies are written under /etc/lvm.
 */
export class LvmSandbox {
  private readonly env: NodeJS.ProcessEnv;
  readonly loops: string[] = [];

  constructor(private readonly dir: string) {
    this.env = { ...process.env, LVM_SYSTEM_DIR: join(dir, 'lvm'), LVM_SUPPRESS_FD_WARNINGS: '1' };
  }

  /** A loop device over `image` (optionally a byte range of it, for a partition). */
  attach(image: string, offset = 0, size?: number): string {
    const args = ['-f', '--show', '-o', String(offset)];
    if (size !== undefined) args.push('--sizelimit', String(size));
    const loop = execFileSync('losetup', [...args, image], { encoding: 'utf8' }).trim();
    this.loops.push(loop);
    this.writeConfig();
    return loop;
  }

  detachAll(): void {
    for (const loop of this.loops.splice(0)) {
      try {
        execFileSync('losetup', ['-d', loop]);
      } catch {
        // already gone
      }
    }
  }

  run(command: string, ...args: string[]): string {
    return execFileSync(command, args, { env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** An lvm report (`lvs`, `pvs`, `vgs`) as JSON rows. */
  report(command: 'lvs' | 'pvs' | 'vgs', fields: string, ...args: string[]): Record<string, string>[] {
    const out = this.run(command, '--reportformat', 'json', '--units', 'b', '--nosuffix', '-o', fields, ...args);
    const parsed = JSON.parse(out) as { report: Record<string, Record<string, string>[]>[] };
    return Object.values(parsed.report[0]!)[0]!;
  }

  private writeConfig(): void {
    mkdirSync(join(this.dir, 'lvm'), { recursive: true });
    const accept = this.loops.map((loop) => `"a|^${loop}$|"`).join(', ');
    writeFileSync(
      join(this.dir, 'lvm', 'lvm.conf'),
      `devices { filter = [ ${accept}, "r|.*|" ] obtain_device_list_from_udev = 0 use_devicesfile = 0 hints = "none" }\n` +
        'backup { backup = 0 archive = 0 }\nactivation { udev_sync = 0 udev_rules = 0 monitoring = 0 }\n',
    );
  }
}

/** A segment line for a metadata file: linear (one PV) or anything else with its own fields. */
export interface SegmentSpec {
  start: number;
  count: number;
  type: string;
  fields: string;
}

export function linear(start: number, count: number, pv: string, pe: number): SegmentSpec {
  return { start, count, type: 'striped', fields: `stripe_count = 1\nstripes = ["${pv}", ${pe}]` };
}

let lvSerial = 0;

/** An LV section in LVM's text format (UUIDs are 32 characters from [A-Za-z0-9], with dashes). */
export function lvSection(name: string, segments: SegmentSpec[], status = '"READ", "WRITE", "VISIBLE"'): string {
  lvSerial++;
  const body = segments
    .map(
      (s, i) =>
        `segment${i + 1} {\nstart_extent = ${s.start}\nextent_count = ${s.count}\ntype = "${s.type}"\n${s.fields}\n}\n`,
    )
    .join('');
  return `${name} {\nid = "abcdef-0000-0000-0000-0000-0000-lv${String(lvSerial).padStart(4, '0')}"\nstatus = [${status}]\nflags = []\nsegment_count = ${segments.length}\n${body}}\n`;
}

/** Puts a `logical_volumes { ... }` section into a `vgcfgbackup` file, just before the VG section closes. */
export function withLogicalVolumes(backup: string, vgName: string, sections: string[]): string {
  const open = backup.indexOf(`${vgName} {`);
  let depth = 0;
  for (let i = open; i < backup.length; i++) {
    if (backup[i] === '{') depth++;
    else if (backup[i] === '}' && --depth === 0) {
      return `${backup.slice(0, i)}logical_volumes {\n${sections.join('')}}\n${backup.slice(i)}`;
    }
  }
  throw new Error('VG section not closed');
}
