import { VmferryError } from '../errors';
import { escapeText } from '../ovf/xml-serialise';
import type { XmlElement } from '../ovf/xml';
import { childElements, textOf } from '../ovf/xml-query';

/**
 * XML-RPC values (the XML-RPC specification, "Data types"), the encoding of XenServer's `ova.xml`: every XAPI
 * object is a `<struct>` of `<member><name>field</name><value>…</value></member>`.
 *
 * XAPI writes most scalars without a type element (`<value>268435456</value>`, `<value>Halted</value>`), so an
 * untyped value stays a string and the record readers convert it; typed ints become numbers, `<double>` a
 * tagged number (so that writing it again keeps the element), `<dateTime.iso8601>` a tagged string.
 */
export type RpcValue = string | number | boolean | RpcValue[] | RpcStruct | RpcDouble | RpcDateTime;
export type RpcStruct = Map<string, RpcValue>;
export interface RpcDouble {
  double: number;
}
export interface RpcDateTime {
  dateTime: string;
}

export function isStruct(value: RpcValue | undefined): value is RpcStruct {
  return value instanceof Map;
}

/** Reads one `<value>` element. `where` names the file for errors. */
export function parseRpcValue(value: XmlElement, where: string): RpcValue {
  const [typed, ...extra] = childElements(value);
  if (!typed) return textOf(value);
  if (extra.length > 0) throw malformed(where, `a <value> holds ${extra.length + 1} elements`);
  switch (typed.local) {
    case 'string':
      return textOf(typed);
    case 'int':
    case 'i4':
    case 'i8': {
      const text = textOf(typed).trim();
      const number = Number(text);
      return /^[-+]?\d+$/.test(text) && Number.isSafeInteger(number) ? number : text;
    }
    case 'boolean':
      return textOf(typed).trim() === '1';
    case 'double':
      return { double: Number(textOf(typed).trim()) };
    case 'dateTime.iso8601':
      return { dateTime: textOf(typed).trim() };
    case 'base64':
      return textOf(typed).trim();
    case 'nil':
      return '';
    case 'array': {
      const data = childElements(typed).find((child) => child.local === 'data');
      return data ? childElements(data).filter((child) => child.local === 'value').map((child) => parseRpcValue(child, where)) : [];
    }
    case 'struct': {
      const struct: RpcStruct = new Map();
      for (const member of childElements(typed)) {
        if (member.local !== 'member') continue;
        const parts = childElements(member);
        const name = parts.find((part) => part.local === 'name');
        const inner = parts.find((part) => part.local === 'value');
        if (!name || !inner) throw malformed(where, 'a <member> lacks its <name> or <value>');
        struct.set(textOf(name), parseRpcValue(inner, where));
      }
      return struct;
    }
    default:
      throw malformed(where, `unknown XML-RPC type <${typed.name}>`);
  }
}

/** Writes a value the way XAPI's exporter does (ints untyped, booleans as 0/1), with no whitespace between tags. */
export function serialiseRpcValue(value: RpcValue): string {
  if (typeof value === 'string') return `<value>${escapeText(value)}</value>`;
  if (typeof value === 'number') return `<value>${Number.isInteger(value) ? value : value.toString()}</value>`;
  if (typeof value === 'boolean') return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (Array.isArray(value)) return `<value><array><data>${value.map(serialiseRpcValue).join('')}</data></array></value>`;
  if (value instanceof Map) {
    let members = '';
    for (const [name, inner] of value) members += `<member><name>${escapeText(name)}</name>${serialiseRpcValue(inner)}</member>`;
    return `<value><struct>${members}</struct></value>`;
  }
  if ('double' in value) return `<value><double>${value.double}</double></value>`;
  return `<value><dateTime.iso8601>${escapeText(value.dateTime)}</dateTime.iso8601></value>`;
}

/** A struct from plain entries, for building records. */
export function struct(entries: Record<string, RpcValue>): RpcStruct {
  return new Map(Object.entries(entries));
}

function malformed(where: string, what: string): VmferryError {
  return new VmferryError('corrupt', `ova.xml is not the XML-RPC XenServer writes: ${what}`, { file: where });
}
