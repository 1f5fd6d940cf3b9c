import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Plugin, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePlugin } from '../../../src/app/pwa/sample-plugin';
import { buildSampleOva, SAMPLE_OVA_PATH } from '../../../src/engine/sample';
import { tempDir } from '../../support/packages';

/** The Vite plugin that puts the generated sample into the built app (and serves it in dev). */
let expected: Uint8Array;
beforeAll(async () => {
  expected = (await buildSampleOva()).bytes;
});

type Middleware = (request: { url?: string }, response: FakeResponse, next: (error?: unknown) => void) => void;

class FakeResponse {
  headers = new Map<string, string>();
  body: Uint8Array | null = null;
  private finish: () => void = () => undefined;
  readonly ended = new Promise<void>((resolve) => (this.finish = resolve));
  setHeader(name: string, value: string) {
    this.headers.set(name.toLowerCase(), value);
  }
  end(body: Uint8Array) {
    this.body = body;
    this.finish();
  }
}

function devMiddleware(plugin: Plugin, base = '/'): Middleware {
  let middleware: Middleware | null = null;
  const server = { config: { base }, middlewares: { use: (handler: Middleware) => (middleware = handler) } } as unknown as ViteDevServer;
  (plugin.configureServer as (server: ViteDevServer) => void)(server);
  return middleware!;
}

describe('samplePlugin', () => {
  it('emits the sample OVA as an asset at sample/centos5-sample.ova', async () => {
    const emitted: { type: string; fileName: string; source: Uint8Array }[] = [];
    const plugin = samplePlugin();
    await (plugin.generateBundle as (this: unknown) => Promise<void>).call({ emitFile: (file: (typeof emitted)[number]) => emitted.push(file) });
    expect(emitted.map((file) => [file.type, file.fileName])).toEqual([['asset', 'sample/centos5-sample.ova']]);
    expect(Buffer.compare(Buffer.from(emitted[0]!.source), Buffer.from(expected))).toBe(0);
  });

  it('serves the same bytes in dev under the base path, and passes every other request on', async () => {
    const middleware = devMiddleware(samplePlugin(), '/app/');
    const response = new FakeResponse();
    middleware({ url: `/app/${SAMPLE_OVA_PATH}?v=1` }, response, (error) => {
      throw error ?? new Error('passed on');
    });
    await response.ended;
    expect(response.headers.get('content-length')).toBe(String(expected.length));
    expect(Buffer.compare(Buffer.from(response.body!), Buffer.from(expected))).toBe(0);
    let passed = 0;
    middleware({ url: '/app/index.html' }, new FakeResponse(), () => passed++);
    middleware({ url: `/${SAMPLE_OVA_PATH}` }, new FakeResponse(), () => passed++);
    expect(passed).toBe(2);
  });

  describe('in a real vite build', () => {
    let dir: string;
    beforeAll(() => {
      dir = tempDir('sample-plugin');
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>sample plugin test</title><script type="module">document.title += "!"</script>\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes dist/sample/centos5-sample.ova, byte-identical to the generator run here', async () => {
      await build({ root: dir, configFile: false, logLevel: 'silent', plugins: [samplePlugin()], build: { outDir: join(dir, 'dist') } });
      const built = readFileSync(join(dir, 'dist', SAMPLE_OVA_PATH));
      expect(Buffer.compare(built, Buffer.from(expected))).toBe(0);
    });
  });
});
