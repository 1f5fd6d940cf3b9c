/**
 * What the user can open, by extension. The engine detects by content; these only steer pickers and the
 * operating system's "Open with" (web manifest `file_handlers`).
 */
export const APPLIANCE_EXTENSIONS = ['.ova', '.ovf', '.xva'] as const;
export const DISK_EXTENSIONS = ['.vmdk', '.vhd', '.avhd', '.vhdx', '.qcow2', '.vdi', '.img', '.raw'] as const;
/** Files that travel beside an OVF descriptor and must be selectable with it. */
export const COMPANION_EXTENSIONS = ['.mf', '.cert', '.iso', '.nvram'] as const;
