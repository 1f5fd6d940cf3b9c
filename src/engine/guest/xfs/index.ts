export { openXfsFs } from './xfs-fs';
