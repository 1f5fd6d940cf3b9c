import type { KeptXml, Msg } from './model';
import { ovfAttribute } from './ovf-names';
import type { XmlElement } from './xml';
import { textOf } from './xml-query';
import { serialiseElement } from './xml-serialise';

/**
 * What every reader function shares: the file name for messages, and the two lists handed back to the user.
 * `notes` say what was kept verbatim without being understood; `warnings` say what looks wrong.
 */
export class ReadContext {
  readonly notes: string[] = [];
  readonly warnings: string[] = [];

  constructor(readonly fileName: string) {}

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** Keeps an element the model does not understand and says so: nothing is ever dropped silently. */
  keep(element: XmlElement, where: string, what: 'section' | 'element' = 'element', label = element.name): KeptXml {
    this.notes.push(`Kept unrecognised ${what} ${label} in ${where} verbatim`);
    return keepSilently(element);
  }
}

/** Keeps an element without a note (for vendor data the model reads in full but a writer re-emits as is). */
export function keepSilently(element: XmlElement): KeptXml {
  return { name: element.name, namespace: element.namespace, xml: serialiseElement(element), element };
}

/** DSP8023 `Msg_Type`: the text as written (the report trims it) plus `ovf:msgid`. Null for a missing element. */
export function readMsg(element: XmlElement | undefined): Msg | null {
  if (element === undefined) return null;
  return { text: textOf(element), msgid: ovfAttribute(element, 'msgid') };
}

/** A decimal integer attribute or text (`ovf:size`, `ovf:order`); null when absent or not a safe integer. */
export function parseInteger(value: string | null): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return null;
  const number = Number(trimmed);
  return Number.isSafeInteger(number) ? number : null;
}
