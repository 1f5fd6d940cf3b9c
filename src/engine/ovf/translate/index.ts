export { buildEnvelope, type SystemSpec } from './build-envelope';
export { setFileSizes, translateEnvelope } from './translate-envelope';
export type * from './translate-types';
