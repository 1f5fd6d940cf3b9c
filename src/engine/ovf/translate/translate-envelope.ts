import { VmferryError } from '../../errors';
import type { Envelope } from '../model';
import type { TargetProfile } from '../profiles/profile-types';
import type { FileSize, TranslateOptions, Translation } from './translate-types';

/**
 * Translates a descriptor for a target: a new Envelope (the input is never modified) plus what was decided,
 * dropped and worth a warning.
 */
export function translateEnvelope(envelope: Envelope, profile: TargetProfile, options: TranslateOptions): Translation {
  void envelope;
  void profile;
  void options;
  throw new VmferryError('unsupported', 'translateEnvelope is not implemented yet');
}

/** A copy of `envelope` with the sizes of written files filled in (References `ovf:size`, Disk `ovf:populatedSize`). */
export function setFileSizes(envelope: Envelope, sizes: readonly FileSize[]): Envelope {
  void envelope;
  void sizes;
  throw new VmferryError('unsupported', 'setFileSizes is not implemented yet');
}
