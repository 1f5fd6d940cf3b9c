import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { checkManifestSignature } from '../../../src/engine/ovf/signature/manifest-signature';
import { ensureCliBuilt, vmferry } from '../../support/cli';
import { makeStreamOptimizedVmdk, tempDir, vsphereDescriptorFor, writeManifest } from '../../support/packages';
import { describeWithTools } from '../../support/tools';

/**
 * Signed packages the way DSP0243 §5.2 and ovftool's documentation make them with openssl: `openssl dgst -sign`
 * over the manifest, the hex signature on a `SHA256(vm.mf)= ...` line, then the PEM certificate. openssl is the
 * oracle: it must agree with every verdict.
 */
describeWithTools(['openssl', 'qemu-img'], 'manifest signatures (.cert)', () => {
  let dir: string;
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

  beforeAll(() => {
    ensureCliBuilt();
    dir = tempDir('signature');
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-out', 'rsa.pem', '-days', '30', '-subj', '/CN=Example Appliances/O=Example Inc./C=US');
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec.key');
    run('req', '-x509', '-new', '-key', 'ec.key', '-out', 'ec.pem', '-days', '30', '-subj', '/CN=EC Signer');
    writeFileSync(join(dir, 'vm.mf'), 'SHA256(vm.ovf)= 0000000000000000000000000000000000000000000000000000000000000000\n');
  });

  /** The .cert text for `manifest` signed with `key`, as ovftool's documentation builds it. */
  function certFor(key: string, pem: string, digest: 'sha1' | 'sha256' | 'sha512', manifest = 'vm.mf'): string {
    run('dgst', `-${digest}`, '-sign', key, '-out', 'sig.bin', manifest);
    const hex = readFileSync(join(dir, 'sig.bin')).toString('hex');
    return `${digest.toUpperCase()}(${manifest})= ${hex}\n${readFileSync(join(dir, pem), 'utf8')}`;
  }

  /** openssl's own verdict on the signature in `cert` over `manifest`. */
  function opensslAgrees(key: string, digest: string, cert: string, manifest: Buffer): boolean {
    writeFileSync(join(dir, 'check.mf'), manifest);
    writeFileSync(join(dir, 'check.sig'), Buffer.from(/=\s*([0-9a-f]+)/.exec(cert)![1]!, 'hex'));
    run('pkey', '-in', key, '-pubout', '-out', 'check.pub');
    return spawnSync('openssl', ['dgst', `-${digest}`, '-verify', 'check.pub', '-signature', 'check.sig', 'check.mf'], { cwd: dir }).status === 0;
  }

  for (const [key, pem, digest] of [
    ['rsa.key', 'rsa.pem', 'sha256'],
    ['rsa.key', 'rsa.pem', 'sha1'],
    ['rsa.key', 'rsa.pem', 'sha512'],
    ['ec.key', 'ec.pem', 'sha256'],
  ] as const) {
    it(`${key} ${digest}: valid for the signed manifest, invalid for a changed one — as openssl says`, async () => {
      const cert = certFor(key, pem, digest);
      const manifest = readFileSync(join(dir, 'vm.mf'));
      const good = await checkManifestSignature(cert, 'vm.mf', manifest);
      expect(opensslAgrees(key, digest, cert, manifest)).toBe(true);
      expect(good).toMatchObject({ valid: true, algorithm: digest, problem: null, selfSigned: true });
      expect(good.signer).toBe(key === 'rsa.key' ? 'CN=Example Appliances, O=Example Inc., C=US' : 'CN=EC Signer');
      expect(good.notBefore! < good.notAfter!).toBe(true);
      const changed = Buffer.from(manifest.toString().replace('0000', '1111'));
      expect(opensslAgrees(key, digest, cert, changed)).toBe(false);
      const bad = await checkManifestSignature(cert, 'vm.mf', changed);
      expect(bad.valid).toBe(false);
      expect(bad.problem).toMatch(/does not match vm\.mf/);
    });
  }

  it('what cannot be checked is said, never a crash: wrong file, no certificate, damaged certificate, odd key', async () => {
    const manifest = readFileSync(join(dir, 'vm.mf'));
    const cert = certFor('rsa.key', 'rsa.pem', 'sha256');
    expect((await checkManifestSignature(cert.replace('(vm.mf)', '(other.mf)'), 'vm.mf', manifest)).problem).toMatch(/signs other\.mf/);
    expect((await checkManifestSignature(cert.split('-----BEGIN')[0]!, 'vm.mf', manifest)).problem).toBe('no PEM certificate');
    expect((await checkManifestSignature('hello', 'vm.mf', manifest)).problem).toMatch(/no "SHA256/);
    const lines = cert.split('\n');
    const damaged = [...lines.slice(0, 4), ...lines.slice(8)].join('\n'); // base64 lines missing from the PEM
    const result = await checkManifestSignature(damaged, 'vm.mf', manifest);
    expect(result.valid).toBeNull();
    expect(result.problem).toMatch(/certificate cannot be read|signature cannot be checked/);
  });

  it('vmferry inspect and verify: a signed OVF folder checks out; a signature that does not match fails verify', () => {
    const folder = join(dir, 'package');
    mkdirSync(folder);
    makeStreamOptimizedVmdk(join(folder, 'input.vmdk'), '4M');
    writeFileSync(join(folder, 'vm.ovf'), vsphereDescriptorFor(join(folder, 'input.vmdk')));
    writeManifest(folder, 'vm.mf', ['vm.ovf', 'input.vmdk']);
    execFileSync('openssl', ['dgst', '-sha256', '-sign', join(dir, 'rsa.key'), '-out', join(dir, 'pkg.sig'), join(folder, 'vm.mf')]);
    const signature = readFileSync(join(dir, 'pkg.sig')).toString('hex');
    writeFileSync(join(folder, 'vm.cert'), `SHA256(vm.mf)= ${signature}\n${readFileSync(join(dir, 'rsa.pem'), 'utf8')}`);
    const inspect = vmferry('inspect', join(folder, 'vm.ovf'));
    expect(inspect.status, inspect.stderr).toBe(0);
    expect(inspect.stdout).toContain('signature valid (vm.cert: CN=Example Appliances, O=Example Inc., C=US, self-signed');
    const verify = vmferry('verify', join(folder, 'vm.ovf'));
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/^ok {4}vm\.cert: signature valid/m);
    // Converting makes a new manifest the original signer never signed: the certificate stays behind, said so.
    const dry = vmferry('convert', join(folder, 'vm.ovf'), join(dir, 'out.ova'), '--dry-run');
    expect(dry.stdout).toContain('vm.cert is not carried over: the output has a new manifest, which only the original signer could sign');
    // Another signature (of other bytes) on the line: verify fails naming the certificate file.
    const forged = signature.replace(/^../, signature.startsWith('00') ? '01' : '00');
    writeFileSync(join(folder, 'vm.cert'), `SHA256(vm.mf)= ${forged}\n${readFileSync(join(dir, 'rsa.pem'), 'utf8')}`);
    const failed = vmferry('verify', join(folder, 'vm.ovf'));
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/^FAIL {2}vm\.cert: the signature does not match vm\.mf/m);
  });
});
