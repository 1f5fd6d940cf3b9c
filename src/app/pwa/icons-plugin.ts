import type { Plugin } from 'vite';
import { iconPng, iconSvg } from './icon';
import { ICON_FILES } from './web-manifest';

/**
 * Emits the app icons into the build (before vite-plugin-pwa builds the precache list from dist/), and serves
 * them in dev, so that no binary icon has to live in git.
 */
export function iconsPlugin(): Plugin {
  const render = (icon: (typeof ICON_FILES)[number]): Promise<string | Uint8Array> =>
    icon.size === 0 ? Promise.resolve(iconSvg(icon.maskable)) : iconPng(icon.size, icon.maskable);

  return {
    name: 'vmferry:icons',
    async generateBundle() {
      for (const icon of ICON_FILES) this.emitFile({ type: 'asset', fileName: icon.fileName, source: await render(icon) });
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const icon = ICON_FILES.find((candidate) => request.url === `/${candidate.fileName}`);
        if (!icon) return next();
        void render(icon).then((body) => {
          response.setHeader('Content-Type', icon.size === 0 ? 'image/svg+xml' : 'image/png');
          response.end(body);
        }, next);
      });
    },
  };
}
