import type { TargetId } from '../../appliance/plan-types';
import type { TargetProfile } from './profile-types';

export type { TargetProfile } from './profile-types';

/** Every target profile by id (filled in by the per-target modules). */
export const TARGET_PROFILES: Readonly<Record<TargetId, TargetProfile>> = {} as Record<TargetId, TargetProfile>;

export function targetProfile(id: TargetId): TargetProfile {
  return TARGET_PROFILES[id];
}
