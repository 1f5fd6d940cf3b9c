import { VmferryError } from '../errors';
import { parseXml } from '../ovf/xml';
import { decodeXmlBytes } from '../ovf/xml-text';
import { isStruct, parseRpcValue, type RpcStruct, type RpcValue } from './xmlrpc';

/**
 * `ova.xml`, the first member of an XVA: one XML-RPC struct `{version, objects}` (xapi importexport.ml, type
 * `header`). `version` says which XAPI exported it (`export_vsn` > 0 means every chunk is followed by a checksum
 * file); each object is `{class, id, snapshot}`: a database record (`VM`, `VBD`, `VDI`, `VIF`, `network`, `SR`,
 * ...) whose references to other objects use the export's own ids (`Ref:12`).
 */
export interface XvaObject {
  cls: string;
  id: string;
  snapshot: RpcStruct;
}

export interface OvaXml {
  version: RpcStruct;
  objects: XvaObject[];
}

/** ova.xml is metadata: a VM with many disks is tens of KB. */
export const MAX_OVA_XML_BYTES = 16 * 1024 * 1024;

export function readOvaXml(bytes: Uint8Array, fileName: string): OvaXml {
  if (bytes.length > MAX_OVA_XML_BYTES) {
    throw new VmferryError('unsupported', `ova.xml is ${bytes.length} bytes; XenServer's VM metadata is far smaller`, { file: fileName });
  }
  const { text } = decodeXmlBytes(bytes, fileName);
  const document = parseXml(text, fileName);
  if (document.root.local !== 'value') {
    throw new VmferryError('corrupt', `ova.xml should hold one XML-RPC <value>, not <${document.root.name}>`, { file: fileName });
  }
  const header = parseRpcValue(document.root, fileName);
  if (!isStruct(header)) throw new VmferryError('corrupt', 'ova.xml should hold a struct with "version" and "objects"', { file: fileName });
  const version = header.get('version');
  const objects = header.get('objects');
  return {
    version: isStruct(version) ? version : new Map(),
    objects: Array.isArray(objects) ? objects.flatMap((object, index) => readObject(object, index, fileName)) : [],
  };
}

function readObject(value: RpcValue, index: number, fileName: string): XvaObject[] {
  if (!isStruct(value)) throw new VmferryError('corrupt', `object ${index + 1} in ova.xml is not a struct`, { file: fileName });
  const cls = value.get('class');
  const id = value.get('id');
  const snapshot = value.get('snapshot');
  if (typeof cls !== 'string' || typeof id !== 'string' || !isStruct(snapshot)) {
    throw new VmferryError('corrupt', `object ${index + 1} in ova.xml lacks its class, id or snapshot`, { file: fileName });
  }
  return [{ cls, id, snapshot }];
}

/** Field readers: XAPI writes scalars as untyped strings, so each converts (and a missing field gives the fallback). */
export function stringField(record: RpcStruct, name: string, fallback = ''): string {
  const value = record.get(name);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fallback;
}

export function integerField(record: RpcStruct, name: string): number | null {
  const value = record.get(name);
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(number) ? number : null;
}

export function booleanField(record: RpcStruct, name: string): boolean | null {
  const value = record.get(name);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : null;
  return null;
}

/** A `(string → string) map` field such as `platform` or `other_config`. */
export function mapField(record: RpcStruct, name: string): Record<string, string> {
  const value = record.get(name);
  const out: Record<string, string> = {};
  if (isStruct(value)) for (const [key, inner] of value) out[key] = typeof inner === 'string' ? inner : String(inner);
  return out;
}

/** A `ref set` field such as `VBDs`: the export ids it lists. */
export function refListField(record: RpcStruct, name: string): string[] {
  const value = record.get(name);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
