import { concatBytes } from '../io/bytes';
import { VmferryError } from '../errors';

/**
 * pax extended header records (IEEE 1003.1 `pax`, "pax Extended Header"): a sequence of
 * `"<length> <keyword>=<value>\n"`, where length counts the whole record in bytes, its own digits included.
 * Keywords and values are UTF-8.
 */

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** Parses the data of an `x` or `g` header. Later records for the same keyword win, as the standard says. */
export function parsePaxRecords(data: Uint8Array, archive: string, offset: number): Map<string, string> {
  const records = new Map<string, string>();
  const fail = (why: string): never => {
    throw new VmferryError('corrupt', `A pax extended header is malformed: ${why}`, { file: archive, offset });
  };
  let at = 0;
  while (at < data.length) {
    // Some writers pad the record area with NULs; nothing can follow them.
    if (data[at] === 0) break;
    let length = 0;
    let cursor = at;
    while (cursor < data.length && data[cursor]! >= 0x30 && data[cursor]! <= 0x39) {
      length = length * 10 + (data[cursor]! - 0x30);
      cursor++;
    }
    if (cursor === at || data[cursor] !== 0x20) fail(`no record length at byte ${at}`);
    const end = at + length;
    if (end > data.length || data[end - 1] !== 0x0a) fail(`the record at byte ${at} does not end where its length says`);
    const body = data.subarray(cursor + 1, end - 1);
    const equals = body.indexOf(0x3d);
    if (equals <= 0) fail(`the record at byte ${at} has no keyword`);
    records.set(decoder.decode(body.subarray(0, equals)), decoder.decode(body.subarray(equals + 1)));
    at = end;
  }
  return records;
}

/** Encodes records for an `x` header; each length prefix counts its own digits. */
export function formatPaxRecords(records: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const parts = records.map(([keyword, value]) => {
    const body = encoder.encode(` ${keyword}=${value}\n`);
    let length = body.length + String(body.length).length;
    // Adding the digits can add a digit (e.g. 98 + 2 = 100): settle on the fixed point.
    if (String(length).length !== String(body.length).length) length = body.length + String(length).length;
    const prefix = encoder.encode(String(length));
    const record = new Uint8Array(length);
    record.set(prefix, 0);
    record.set(body, prefix.length);
    return record;
  });
  return concatBytes(parts);
}
