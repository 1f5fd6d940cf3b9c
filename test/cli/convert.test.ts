import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../support/tools';
import { ensureCliBuilt, vmferry, VMFERRY } from '../support/cli';
import { gnuTar, tempDir, vsphereDescriptorFor, writeManifest } from '../support/packages';
import { makeMixedRaw, MiB, qemuCheck, qemuCompare, qemuImg } from '../support/disks';

beforeAll(() => ensureCliBuilt());

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describeWithTools(['qemu-img', 'tar', 'truncate'], 'vmferry convert', () => {
  let dir: string;
  let qcow2: string;
  beforeAll(() => {
    dir = tempDir('cli-convert');
    makeMixedRaw(join(dir, 'src.img'), 32 * MiB);
    qcow2 = join(dir, 'src.qcow2');
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'qcow2', join(dir, 'src.img'), qcow2);
  });

  it('converts by output extension and says what it wrote; qemu-img agrees', () => {
    for (const [name, qemuFormat] of [['out.vhd', 'vpc'], ['out.vmdk', 'vmdk'], ['out.vhdx', 'vhdx'], ['out.vdi', 'vdi'], ['out.img', 'raw']] as const) {
      const result = vmferry('convert', qcow2, join(dir, name));
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`${name}: \\S+, virtual size 32\\.0 MiB, \\d+ bytes written`));
      expect(qemuCompare(qcow2, 'qcow2', join(dir, name), qemuFormat).status).toBe(0);
    }
    // .vmdk means streamOptimized (what ESXi and OVAs need).
    expect(qemuImg('info', join(dir, 'out.vmdk'))).toMatch(/create type: streamOptimized/);
  });

  it('--format overrides the extension; --compress makes a smaller, valid compressed qcow2', () => {
    execFileSync('sh', ['-c', `yes "VM Ferry compressible text" | head -c ${8 * MiB} | dd of=${join(dir, 'text.img')} conv=notrunc status=none`]);
    execFileSync('truncate', ['-s', String(16 * MiB), join(dir, 'text.img')]);
    expect(vmferry('convert', join(dir, 'text.img'), join(dir, 'plain.disk'), '--format', 'qcow2').status).toBe(0);
    expect(vmferry('convert', join(dir, 'text.img'), join(dir, 'small.qcow2'), '--compress').status).toBe(0);
    expect(qemuCheck(join(dir, 'small.qcow2'), 'qcow2').status).toBe(0);
    expect(qemuCompare(join(dir, 'text.img'), 'raw', join(dir, 'small.qcow2'), 'qcow2').status).toBe(0);
    expect(statSync(join(dir, 'small.qcow2')).size * 10).toBeLessThan(statSync(join(dir, 'plain.disk')).size);
  });

  it('--dry-run prints the plan, with the exact output size, and writes nothing', () => {
    const out = join(dir, 'dry.vhd');
    const dry = vmferry('convert', qcow2, out, '--dry-run');
    expect(dry.status).toBe(0);
    expect(existsSync(out)).toBe(false);
    const planned = Number(/output size\s+(\d+) bytes/.exec(dry.stdout)?.[1]);
    expect(vmferry('convert', qcow2, out).status).toBe(0);
    expect(statSync(out).size).toBe(planned);
  });

  it('converts the disk inside a one-disk OVA', () => {
    const pkg = tempDir('cli-convert-ova');
    qemuImg('convert', '-q', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', join(dir, 'src.img'), join(pkg, 'input.vmdk'));
    writeFileSync(join(pkg, 'vmw.ovf'), vsphereDescriptorFor(join(pkg, 'input.vmdk')));
    writeManifest(pkg, 'vmw.mf', ['vmw.ovf', 'input.vmdk']);
    const ova = gnuTar(pkg, 'vmw.ova', ['vmw.ovf', 'vmw.mf', 'input.vmdk']);
    const result = vmferry('convert', ova, join(pkg, 'disk.qcow2'));
    expect(result.status, result.stderr).toBe(0);
    expect(qemuCompare(join(dir, 'src.img'), 'raw', join(pkg, 'disk.qcow2'), 'qcow2').status).toBe(0);
  });

  it('refuses to write over its input, which stays untouched', () => {
    const before = sha256(qcow2);
    const result = vmferry('convert', qcow2, qcow2, '--format', 'qcow2');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is the input; VM Ferry never modifies its input/);
    expect(sha256(qcow2)).toBe(before);
  });

  it('an unknown output extension is a usage error; a bare disk can become an OVA with a generic VM around it', () => {
    const unknown = vmferry('convert', qcow2, join(dir, 'out.xyz'));
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/cannot tell the disk format from .*out\.xyz.*--format/);
    const ova = vmferry('convert', qcow2, join(dir, 'out.ova'));
    expect(ova.status, ova.stderr).toBe(0);
    const members = execFileSync('tar', ['-tf', join(dir, 'out.ova')], { encoding: 'utf8' }).trim().split('\n');
    expect(members[0]).toBe('out.ovf');
    expect(members.some((m) => m.endsWith('.vmdk'))).toBe(true);
  });

  it('a damaged input fails with the file and structure named, and leaves no output', () => {
    const broken = join(dir, 'broken.qcow2');
    const bytes = readFileSync(qcow2);
    writeFileSync(broken, bytes.subarray(0, 200 * 1024));
    const result = vmferry('convert', broken, join(dir, 'broken-out.vhd'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/broken\.qcow2/);
    expect(readdirSync(dir).filter((n) => n.startsWith('broken-out') || n.includes('partial'))).toEqual([]);
  });

  it('Ctrl-C cancels: exit 130, no output file, no partial file', async () => {
    // 256 MiB of text compressed into a streamOptimized VMDK: seconds of work, so there is time to interrupt it.
    const big = join(dir, 'big.img');
    execFileSync('sh', ['-c', `yes "VM Ferry cancels cleanly" | head -c ${256 * MiB} > ${big}`]);
    const out = join(dir, 'cancelled.vmdk');
    const child = spawn('node', [VMFERRY, 'convert', big, out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // Wait until the conversion has really started (its first progress line), then interrupt.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/Scanning|Writing/.test(stderr)) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
    child.kill('SIGINT');
    const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    expect(status).toBe(130);
    expect(stderr).toMatch(/cancelling/);
    expect(readdirSync(dir).filter((n) => n.includes('cancelled') || n.includes('partial'))).toEqual([]);
  });
});
