import { TarWriter } from '../archive/tar-writer';
import { copyDisk } from '../disk/copy';
import { RawDisk } from '../disk/raw/raw-disk';
import { isAllZero } from '../disk/zero';
import { MemorySink } from '../io/byte-sink';
import { createHash } from '../io/hash';
import { MemorySource } from '../io/memory-source';
import { formatManifest } from '../ovf/manifest';
import { buildSampleDisk, DISK_BYTES } from './disk/sample-disk';
import { seededIdentity } from '../disk/identity';
import { SAMPLE_TIME } from './guest/centos5-release';

/** When the sample's disk identifiers say it was made. */
export const SAMPLE_DATE = new Date(SAMPLE_TIME * 1000);
import { sampleDescriptor } from './sample-descriptor';
import { sampleSeed } from './seed';

/** What the built app serves (under its base URL) and the "Try the sample appliance" button opens. */
export const SAMPLE_OVA_PATH = 'sample/centos5-sample.ova';
export const SAMPLE_SEED = 'vmferry-sample-1';

const NAME = 'centos5-sample';
const DESCRIPTOR_FILE = `${NAME}.ovf`;
const DISK_FILE = `${NAME}-disk1.vmdk`;
const MANIFEST_FILE = `${NAME}.mf`;
/** The unit the descriptor's populatedSize counts in: the VMDK grain. */
const GRAIN = 64 * 1024;

export interface SampleMember {
  name: string;
  size: number;
  sha256: string;
}

export interface SampleOva {
  /** The whole OVA. */
  bytes: Uint8Array;
  /** Its members in archive order: descriptor, manifest, disk. */
  members: SampleMember[];
}

/**
 * The sample appliance as an OVA, made from nothing but the seed: a CentOS 5 era disk (MBR; ext2 /boot with GRUB
 * legacy; ext3 root; swap) written as a streamOptimized VMDK by the project's own writer, an OVF 1.0 descriptor
 * and a SHA-256 manifest, in the order the package writer uses (descriptor, manifest, disks; see
 * package/ova-writer.ts). The same seed gives the same bytes: fixed identifiers, timestamps and tar mtimes,
 * and the VMDK writer's identity (its CID) seeded too.
 */
export async function buildSampleOva(seed = SAMPLE_SEED): Promise<SampleOva> {
  const ids = sampleSeed(seed);
  const raw = await buildSampleDisk(ids);
  const vmdkSink = new MemorySink(DISK_FILE);
  await copyDisk(new RawDisk(new MemorySource(raw, DISK_FILE)), 'vmdk', vmdkSink, {
    vmdkAdapterType: 'lsilogic',
    vmdkHardwareVersion: 7,
    identity: seededIdentity(seed, SAMPLE_DATE),
  });
  const vmdk = vmdkSink.bytes();

  const descriptor = new TextEncoder().encode(
    sampleDescriptor({
      name: NAME,
      diskFile: DISK_FILE,
      diskFileSize: vmdk.length,
      diskCapacityBytes: DISK_BYTES,
      populatedBytes: populatedBytes(raw),
      network: 'VM Network',
      productVersion: '1.0',
    }),
  );
  const members: SampleMember[] = [
    { name: DESCRIPTOR_FILE, size: descriptor.length, sha256: sha256Hex(descriptor) },
    { name: DISK_FILE, size: vmdk.length, sha256: sha256Hex(vmdk) },
  ];
  const manifest = new TextEncoder().encode(formatManifest(members.map((member) => ({ algorithm: 'sha256', file: member.name, digest: member.sha256 }))));
  members.splice(1, 0, { name: MANIFEST_FILE, size: manifest.length, sha256: sha256Hex(manifest) });

  const ova = new MemorySink(SAMPLE_OVA_PATH);
  const tar = new TarWriter(ova);
  for (const [member, bytes] of [
    [members[0]!, descriptor],
    [members[1]!, manifest],
    [members[2]!, vmdk],
  ] as const) {
    await tar.addFile(member.name, bytes.length, [bytes], { mtime: SAMPLE_TIME });
  }
  await tar.finish();
  return { bytes: ova.bytes(), members };
}

/** The raw disk image alone (for tests and for looking inside without the VMDK step). */
export async function buildSampleRawDisk(seed = SAMPLE_SEED): Promise<Uint8Array> {
  return buildSampleDisk(sampleSeed(seed));
}

function populatedBytes(raw: Uint8Array): number {
  let bytes = 0;
  for (let at = 0; at < raw.length; at += GRAIN) if (!isAllZero(raw.subarray(at, at + GRAIN))) bytes += GRAIN;
  return bytes;
}

function sha256Hex(bytes: Uint8Array): string {
  const hash = createHash('sha256');
  hash.update(bytes);
  return hash.digestHex();
}
