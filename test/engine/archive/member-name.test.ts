import { describe, expect, it } from 'vitest';
import { isMacMetadata, normaliseMemberName, unsafeNameReason } from '../../../src/engine/archive/member-name';

describe('member names', () => {
  it('normalises the ways tars spell the same name', () => {
    expect(normaliseMemberName('./disk.vmdk')).toBe('disk.vmdk');
    expect(normaliseMemberName('././disk.vmdk')).toBe('disk.vmdk');
    expect(normaliseMemberName('a//b/./c/')).toBe('a/b/c');
    expect(normaliseMemberName('./')).toBe('.');
    expect(normaliseMemberName('/etc/passwd')).toBe('/etc/passwd');
    expect(normaliseMemberName('../x')).toBe('../x');
  });

  it('finds names that would escape the output folder', () => {
    expect(unsafeNameReason('/etc/passwd')).toMatch(/absolute/);
    expect(unsafeNameReason('../x')).toMatch(/\.\./);
    expect(unsafeNameReason('a/../../x')).toMatch(/\.\./);
    expect(unsafeNameReason('a\\..\\x')).toMatch(/\.\./);
    expect(unsafeNameReason('C:/Windows')).toMatch(/drive/);
    expect(unsafeNameReason('disk..vmdk')).toBeUndefined();
    expect(unsafeNameReason('a/..b/c')).toBeUndefined();
    expect(unsafeNameReason('appliance/disk.vmdk')).toBeUndefined();
  });

  it('recognises macOS metadata and nothing else', () => {
    expect(isMacMetadata('._disk.vmdk')).toBe(true);
    expect(isMacMetadata('dir/._disk.vmdk')).toBe(true);
    expect(isMacMetadata('__MACOSX/dir/x')).toBe(true);
    expect(isMacMetadata('disk._vmdk')).toBe(false);
    expect(isMacMetadata('.hidden')).toBe(false);
  });
});
