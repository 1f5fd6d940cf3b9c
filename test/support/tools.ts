import { execFileSync } from 'node:child_process';
import { describe } from 'vitest';

/**
 * Suites that check our output against real tools (qemu-img, e2fsprogs, xmllint, GNU tar, Chromium) need those
 * tools installed. On a developer's machine a missing tool skips the suite with a printed reason; under CI=true
 * (where .ci/run installs them) a missing tool fails the run, so a green CI always means the oracles ran.
 */
const found = new Map<string, boolean>();

export function hasTool(command: string): boolean {
  let ok = found.get(command);
  if (ok === undefined) {
    try {
      execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
      ok = true;
    } catch {
      ok = false;
    }
    found.set(command, ok);
  }
  return ok;
}

export const isCI = process.env.CI === 'true' || process.env.CI === '1';

/** `describe` that runs only when every tool is present; skips with a printed reason, or fails under CI. */
export function describeWithTools(tools: string[], name: string, body: () => void): void {
  const missing = tools.filter((tool) => !hasTool(tool));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const reason = `needs ${missing.join(', ')} (not installed; .ci/run installs it)`;
  if (isCI) {
    describe(name, () => {
      throw new Error(`CI=true but ${reason}`);
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${reason}`);
  describe.skip(`${name} [skipped: ${reason}]`, body);
}
