import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isVmferryError, type ErrorCode } from '../../../src/engine/errors';
import { readOvf, type OvfReadResult } from '../../../src/engine/ovf/read-ovf';
import type { XmlElement, XmlNode } from '../../../src/engine/ovf/xml';

/** The real vendor descriptors (shared/fixtures/ovf, next to this checkout; see SOURCES.md there). */
export const FIXTURE_DIR = path.resolve(__dirname, '../../../../shared/fixtures/ovf');

export function fixtureNames(): string[] {
  if (!existsSync(FIXTURE_DIR)) throw new Error(`OVF fixtures not found at ${FIXTURE_DIR}`);
  return readdirSync(FIXTURE_DIR).filter((name) => name.endsWith('.ovf')).sort();
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(FIXTURE_DIR, name)));
}

export function readFixture(name: string): OvfReadResult {
  return readOvf(fixtureBytes(name), name);
}

export function readText(xml: string, fileName = 'test.ovf'): OvfReadResult {
  return readOvf(new TextEncoder().encode(xml), fileName);
}

/** Runs `fn` and returns the VmferryError it throws (failing when it throws nothing or something else). */
export function caught(fn: () => unknown, code: ErrorCode): Error {
  try {
    fn();
  } catch (error) {
    if (isVmferryError(error, code)) return error;
    throw new Error(`expected a VmferryError '${code}', got ${String(error)}`);
  }
  throw new Error(`expected a VmferryError '${code}', but nothing was thrown`);
}

/**
 * A comparable projection of an XML tree: resolved names, attributes (namespace declarations left out, since a
 * standalone serialisation adds the inherited ones) and children with their text.
 */
export interface Shape {
  el: string;
  attrs: string[];
  children: (Shape | string)[];
}

export function shapeOf(element: XmlElement): Shape {
  return {
    el: `{${element.namespace ?? ''}}${element.local}`,
    attrs: element.attributes
      .filter((a) => a.name !== 'xmlns' && a.prefix !== 'xmlns')
      .map((a) => `{${a.namespace ?? ''}}${a.local}=${a.value}`),
    children: element.children.map(shapeOfNode),
  };
}

function shapeOfNode(node: XmlNode): Shape | string {
  return node.type === 'element' ? shapeOf(node) : `${node.type}:${node.text}`;
}

/** A minimal OVF 1.0 envelope around `body` (the inside of the Envelope). */
export function envelope(body: string, extraNamespaces = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf" ${extraNamespaces}>
${body}
</Envelope>`;
}

/** A CPU + memory pair, so synthetic systems do not warn about missing basics. */
export const BASIC_ITEMS = `
<Item><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
<Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>512</rasd:VirtualQuantity></Item>`;

/** One VirtualSystem with the given hardware items (after BASIC_ITEMS) and extra sections. */
export function system(items: string, sections = '', id = 'vm1'): string {
  return `<VirtualSystem ovf:id="${id}"><Info>A virtual machine</Info>
<VirtualHardwareSection><Info>hw</Info>
<System><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemType>vmx-10</vssd:VirtualSystemType></System>
${BASIC_ITEMS}
${items}
</VirtualHardwareSection>
${sections}
</VirtualSystem>`;
}
