import type { Plugin } from 'vite';

/**
 * In `vite` dev only, CSS arrives as injected <style> elements, which index.html's CSP (`style-src 'self'`)
 * forbids; allow inline styles there. The production build keeps the strict policy (it links CSS files).
 */
export function devCspPlugin(): Plugin {
  return {
    name: 'vmferry:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    },
  };
}
