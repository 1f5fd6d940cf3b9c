import { expect, test } from 'vitest';
import { diskFormatName } from '../../../src/engine/ovf/disk-format';

test.each([
  ['http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized', 'vmdk-streamOptimized'],
  ['http://www.vmware.com/interfaces/specifications/vmdk.html#sparse', 'vmdk-sparse'],
  ['http://www.vmware.com/specifications/vmdk.html#sparse', 'vmdk-sparse'],
  ['http://www.vmware.com/interfaces/specifications/vmdk.html#monolithicSparse', 'vmdk-monolithicSparse'],
  ['http://www.vmware.com/technical-resources/interfaces/vmdk_access.html#monolithic_sparse', 'vmdk-monolithicSparse'],
  ['http://www.vmware.com/interfaces/specifications/vmdk.html', 'vmdk'],
  ['http://www.microsoft.com/technet/virtualserver/downloads/vhdspec.mspx', 'vhd'],
  ['http://technet.microsoft.com/en-us/virtualserver/bb676673.aspx#monolithic_sparse', 'vhd'],
  ['http://technet.microsoft.com/en-us/library/hh831446.aspx', 'vhdx'],
  ['http://www.gnome.org/~markmc/qcow-image-format.html', 'qcow2'],
  ['http://en.wikipedia.org/wiki/Byte', 'raw'],
  ['http://example.com/some-other-format', null],
  [null, null],
])('%s → %s', (uri, name) => {
  expect(diskFormatName(uri)).toBe(name);
});
