import type { ManifestOptions } from 'vite-plugin-pwa';
import { ICON_COLOURS } from './icon';

/** Icon files the build emits (icons-plugin.ts) and the manifest lists. */
export const ICON_FILES = [
  { fileName: 'icons/icon.svg', size: 0, maskable: false },
  { fileName: 'icons/icon-192.png', size: 192, maskable: false },
  { fileName: 'icons/icon-512.png', size: 512, maskable: false },
  { fileName: 'icons/icon-maskable-512.png', size: 512, maskable: true },
] as const;

/**
 * The web app manifest, written by vite-plugin-pwa as manifest.webmanifest and precached with the app.
 * `file_handlers` makes the installed app an "Open with" target for appliances and disk images (Chromium
 * desktop); the MIME types are the shared-mime-info names, with application/octet-stream where none exists.
 * Launched files arrive through `launchQueue` (src/platform/launch-queue.ts) in the already open window.
 */
export const webManifest: Partial<ManifestOptions> = {
  name: 'VM Ferry',
  short_name: 'VM Ferry',
  description:
    'Inspect and move virtual appliances (OVA, OVF, XVA) and disk images between hypervisors, offline, in the browser.',
  id: '/',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  theme_color: ICON_COLOURS.background,
  background_color: '#f6f8fa',
  icons: ICON_FILES.map(({ fileName, size, maskable }) => ({
    src: `/${fileName}`,
    sizes: size === 0 ? 'any' : `${size}x${size}`,
    type: size === 0 ? 'image/svg+xml' : 'image/png',
    purpose: maskable ? 'maskable' : 'any',
  })),
  file_handlers: [
    {
      action: '/',
      accept: {
        'application/ovf': ['.ova'],
        'application/x-virtualbox-ova': ['.ova'],
        'application/x-virtualbox-ovf': ['.ovf'],
        'application/octet-stream': ['.xva'],
      },
    },
    {
      action: '/',
      accept: {
        'application/x-vmdk-disk': ['.vmdk'],
        'application/x-virtualbox-vmdk': ['.vmdk'],
        'application/x-vhd-disk': ['.vhd'],
        'application/x-virtualbox-vhd': ['.vhd'],
        'application/x-vhdx-disk': ['.vhdx'],
        'application/x-virtualbox-vhdx': ['.vhdx'],
        'application/x-qemu-disk': ['.qcow2'],
        'application/x-vdi-disk': ['.vdi'],
        'application/x-virtualbox-vdi': ['.vdi'],
      },
    },
  ],
  launch_handler: { client_mode: 'focus-existing' },
};
