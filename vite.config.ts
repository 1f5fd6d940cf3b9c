import { readFileSync } from 'node:fs';
import { defineConfig, type UserConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { devCspPlugin } from './src/app/pwa/dev-csp-plugin';
import { iconsPlugin } from './src/app/pwa/icons-plugin';
import { samplePlugin } from './src/app/pwa/sample-plugin';
import { webManifest } from './src/app/pwa/web-manifest';

/**
 * One config, three builds:
 * - default: the PWA (index.html, the engine worker, the service worker from workers/sw.ts);
 * - `--mode cli`: the `vmferry` Node command, one self-contained ES module in dist-cli/;
 * - vitest reads the `test` block.
 */
const jsx = { runtime: 'automatic', importSource: 'preact' } as const;

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

const cliBuild: UserConfig = {
  oxc: { jsx },
  define: { __VMFERRY_VERSION__: JSON.stringify(version) },
  build: {
    ssr: 'src/cli/vmferry.ts',
    outDir: 'dist-cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      output: { entryFileNames: 'vmferry.mjs', banner: '#!/usr/bin/env node' },
    },
  },
  // Bundle every dependency, so dist-cli/vmferry.mjs runs with nothing but Node.
  ssr: { noExternal: true, target: 'node' },
};

export default defineConfig(({ mode }) => {
  if (mode === 'cli') return cliBuild;
  return {
    oxc: { jsx },
    worker: {
      // Workers import lazily (deflate pool, per-format readers): code splitting inside workers needs ES output
      // (vitejs/vite#18585).
      format: 'es',
    },
    build: { target: 'es2022', sourcemap: true },
    preview: { port: 4173, strictPort: true },
    plugins: [
      iconsPlugin(),
      samplePlugin(),
      devCspPlugin(),
      VitePWA({
        strategies: 'injectManifest',
        srcDir: 'workers',
        filename: 'sw.ts',
        injectRegister: false,
        registerType: 'prompt',
        injectManifest: {
          // manifest.webmanifest is added by the plugin itself (listing it here too precached it twice).
          globPatterns: ['**/*.{js,css,html,svg,png,ico,wasm,ova}'],
          // The sample appliance and the engine chunk must be precached whole, or the app is not offline.
          maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
        },
        // Written as manifest.webmanifest, linked from index.html and precached by the plugin.
        manifest: webManifest,
        // The icons are emitted by iconsPlugin, not copied from public/; globPatterns already precache them.
        includeManifestIcons: false,
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      globalSetup: ['test/support/global-setup.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
    },
  } as UserConfig;
});
