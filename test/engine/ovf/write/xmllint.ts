import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Schema validation with libxml2's xmllint against the DMTF OVF schemas in shared/fixtures/schema (offline, through
 * its catalog): DSP8023 1.0.0 for OVF 1.x, 2.0.1 for OVF 2.x. Descriptors are validated in batches, one xmllint run
 * per schema, since compiling the schema costs more than validating.
 */
export const SCHEMA_DIR = resolve(__dirname, '../../../../../shared/fixtures/schema');

export interface Validation {
  valid: boolean;
  /** xmllint's error lines for this file (parser warnings about repeated imports left out). */
  errors: string[];
}

export function schemaFor(text: string): string {
  return text.includes('http://schemas.dmtf.org/ovf/envelope/2') ? 'dsp8023_2.0.1.xsd' : 'dsp8023_1.0.0.xsd';
}

/** Validates every descriptor (name → text); names must be usable as file names. */
export function validateDescriptors(descriptors: ReadonlyMap<string, string>): Map<string, Validation> {
  const dir = mkdtempSync(join(tmpdir(), 'vmferry-xmllint-'));
  try {
    const bySchema = new Map<string, string[]>();
    for (const [name, text] of descriptors) {
      const path = join(dir, name);
      writeFileSync(path, text);
      const schema = schemaFor(text);
      bySchema.set(schema, [...(bySchema.get(schema) ?? []), path]);
    }
    const results = new Map<string, Validation>();
    for (const [schema, paths] of bySchema) {
      const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', join(SCHEMA_DIR, schema), ...paths], {
        env: { ...process.env, XML_CATALOG_FILES: join(SCHEMA_DIR, 'catalog.xml') },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const lines = `${run.stdout}\n${run.stderr}`.split('\n');
      for (const path of paths) {
        const name = path.slice(dir.length + 1);
        const mine = lines.filter((l) => l.startsWith(`${path}:`) || l.startsWith(`${path} `));
        results.set(name, {
          valid: mine.includes(`${path} validates`),
          errors: mine.filter((l) => l.startsWith(`${path}:`) && !l.includes('parser warning')).map((l) => l.slice(dir.length + 1)),
        });
      }
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function validateDescriptor(text: string, name = 'descriptor.ovf'): Validation {
  return validateDescriptors(new Map([[name, text]])).get(name)!;
}
