import { VmferryError } from '../errors';
import type { ApplianceReport } from './report';

/**
 * The error for "nothing to convert", saying why: each disk image that cannot be read, and each disk file that
 * is missing (with what the opener found, such as a missing part of a chunked file).
 */
export function noReadableDiskError(report: ApplianceReport): VmferryError {
  const problems = report.diskImages.map((image) => image.problem).filter((problem): problem is string => problem !== null);
  for (const file of report.files) {
    if (file.role !== 'disk' || file.present) continue;
    const said = report.warnings.filter((warning) => warning.includes(file.name));
    problems.push(...(said.length > 0 ? said : [`${file.name} is missing`]));
  }
  return new VmferryError('missing-file', `No readable disk to convert${problems.length ? `: ${problems.join('; ')}` : ''}`, { file: report.input });
}
