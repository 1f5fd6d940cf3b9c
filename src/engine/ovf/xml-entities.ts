import { VmferryError } from '../errors';

/**
 * The two places where XML could make the reader do unbounded or surprising work: a document type declaration
 * (internal entities expand exponentially, external ones fetch files) and entity references. OVF descriptors
 * never need either (DSP0243 defines no DTD), so a DOCTYPE or any markup declaration is refused outright, and
 * only the five predefined entities and numeric character references are decoded (XML 1.0 §4.1, §4.6).
 */
const DECLARATION_KEYWORDS = new Set(['DOCTYPE', 'ENTITY', 'ELEMENT', 'ATTLIST', 'NOTATION']);

export function refuseDeclarations(text: string, fileName: string): void {
  let at = text.indexOf('<!');
  while (at !== -1) {
    let resumeFrom = at + 2;
    if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end === -1) return; // unterminated comment: the well-formedness check reports it
      resumeFrom = end + 3;
    } else if (text.startsWith('<![CDATA[', at)) {
      const end = text.indexOf(']]>', at + 9);
      if (end === -1) return;
      resumeFrom = end + 3;
    } else {
      const keyword = /^<!([A-Za-z]+)/.exec(text.slice(at, at + 16))?.[1] ?? '';
      if (DECLARATION_KEYWORDS.has(keyword.toUpperCase())) {
        const what = keyword.toUpperCase() === 'DOCTYPE' ? 'a DOCTYPE' : `an <!${keyword}> declaration`;
        const why = 'VM Ferry refuses DTDs and entity declarations in OVF descriptors';
        throw new VmferryError('xml', `The descriptor contains ${what} at line ${lineOf(text, at)}; ${why}`, {
          file: fileName,
          hint: 'OVF descriptors need no DTD: remove the declaration and any entity references that use it',
        });
      }
    }
    at = text.indexOf('<!', resumeFrom);
  }
}

const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['apos', "'"],
  ['quot', '"'],
]);

/** Decodes `&lt;` and friends and `&#...;` references; any other reference is an error (nothing is declared). */
export function decodeReferences(raw: string, where: string, fileName: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&<]{0,40});?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) {
      throw new VmferryError('xml', `A bare '&' in ${where} (write &amp;amp; for a literal ampersand)`, { file: fileName });
    }
    const predefined = PREDEFINED.get(body);
    if (predefined !== undefined) return predefined;
    const numeric = /^#(?:x([0-9A-Fa-f]{1,8})|([0-9]{1,10}))$/.exec(body);
    if (numeric) {
      const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2]!, 10);
      if (isXmlChar(codePoint)) return String.fromCodePoint(codePoint);
      throw new VmferryError('xml', `The character reference ${whole} in ${where} names a character XML does not allow`, {
        file: fileName,
      });
    }
    const why = "is not one of XML's five predefined entities; VM Ferry expands no other entities";
    throw new VmferryError('xml', `The entity reference ${whole} in ${where} ${why}`, {
      file: fileName,
    });
  });
}

/** XML 1.0 §2.2 `Char`. */
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** XML 1.0 §3.3.3: literal whitespace characters in an attribute value become spaces (references do not). */
export function normaliseAttributeWhitespace(raw: string): string {
  return raw.replace(/[\t\n\r]/g, ' ');
}

export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
