import type { ApplianceReport } from '../../engine/appliance/report';
import { applySettings, type LinkSettings } from '../share/settings-link';
import { containersFor, DEFAULT_TARGET, defaultChoices, formatsFor, profileOf, type Choices } from './choices';

/** The first choices for an appliance: the link's recipe where it has one, the target's defaults for the rest. */
export function initialChoices(report: ApplianceReport, link: LinkSettings): Choices {
  const target = link.target ?? DEFAULT_TARGET;
  return applySettings(defaultChoices(target, report), link, { containers: containersFor(target, report), formats: formatsFor(target) });
}

/** What the Choose screen says about a link's recipe. */
export function linkNotesFor(link: LinkSettings, ignored: string[]): string[] {
  const notes: string[] = [];
  if (link.target) notes.push(`Settings from the link you opened: ${profileOf(link.target).label}. Change anything below.`);
  if (ignored.length > 0) notes.push(`Ignored in the link (not understood): ${ignored.join(', ')}.`);
  return notes;
}
