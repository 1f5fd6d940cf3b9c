export { openFatFs } from './fat-fs';
