import { describe, expect, test } from 'vitest';
import { parseXml, type XmlElement } from '../../../src/engine/ovf/xml';
import { childElements } from '../../../src/engine/ovf/xml-query';
import { serialiseElement } from '../../../src/engine/ovf/xml-serialise';
import { decodeXmlBytes } from '../../../src/engine/ovf/xml-text';
import { caught, fixtureBytes, fixtureNames, readText, shapeOf } from './support';

function parse(xml: string): XmlElement {
  return parseXml(xml, 'test.ovf').root;
}

describe('refusing DTDs and entities', () => {
  test('a DOCTYPE is refused before any parsing, naming the file and line', () => {
    const error = caught(() => parseXml('<?xml version="1.0"?>\n<!DOCTYPE Envelope>\n<Envelope/>', 'dtd.ovf'), 'xml');
    expect(error.message).toContain('dtd.ovf');
    expect(error.message).toContain('DOCTYPE');
    expect(error.message).toContain('line 2');
  });

  test('the billion-laughs shape is refused, not expanded', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`;
    expect(caught(() => parseXml(lol, 'lol.ovf'), 'xml').message).toContain('DOCTYPE');
  });

  test('an entity declaration outside a DOCTYPE is refused too', () => {
    const error = caught(() => parseXml('<a><!ENTITY x "y"></a>', 'x.ovf'), 'xml');
    expect(error.message).toContain('ENTITY');
  });

  test('the words inside comments and CDATA are only text', () => {
    const root = parse('<a><!-- <!DOCTYPE not really> --><![CDATA[<!ENTITY neither>]]></a>');
    expect(root.children).toEqual([
      { type: 'comment', text: ' <!DOCTYPE not really> ' },
      { type: 'cdata', text: '<!ENTITY neither>' },
    ]);
  });

  test('undeclared entity references are refused; predefined and numeric ones decoded', () => {
    const error = caught(() => parse('<a>&nbsp;</a>'), 'xml');
    expect(error.message).toContain('&nbsp;');
    const root = parse(`<a t="&quot;&apos;&#65;&#x1F600;">&lt;&gt;&amp;&#x42;&#67;</a>`);
    expect(root.attributes[0]?.value).toBe(`"'A😀`);
    expect(root.children).toEqual([{ type: 'text', text: '<>&BC' }]);
    caught(() => parse('<a>&#0;</a>'), 'xml');
  });
});

describe('malformed XML', () => {
  test('names the file and the line', () => {
    const error = caught(() => parseXml('<Envelope>\n  <References>\n</Envelope>', 'broken.ovf'), 'xml');
    expect(error.message).toMatch(/^broken\.ovf: Malformed XML at line 3, column \d+: /);
  });

  test('two roots, no root, excessive nesting, reserved JavaScript names', () => {
    caught(() => parse('<a/><b/>'), 'xml');
    caught(() => parse('<!-- nothing -->'), 'xml');
    caught(() => parse('<a>'.repeat(5000) + '</a>'.repeat(5000)), 'xml');
    caught(() => parse('<a><__proto__/></a>'), 'xml');
  });

  test('element names that shadow Object methods read as themselves', () => {
    const root = parse('<a toString="1"><valueOf/></a>');
    expect(root.attributes.map((a) => a.name)).toEqual(['toString']);
    expect(childElements(root).map((e) => e.name)).toEqual(['valueOf']);
  });
});

describe('namespaces', () => {
  test('prefixes, default namespace, unprefixed attributes and xmlns="" are resolved', () => {
    const root = parse('<p:a xmlns:p="urn:p" xmlns="urn:d" x="1" p:y="2"><b/><c xmlns=""><d/></c></p:a>');
    expect([root.prefix, root.local, root.namespace]).toEqual(['p', 'a', 'urn:p']);
    expect(root.attributes.map((a) => [a.name, a.namespace])).toEqual([
      ['xmlns:p', 'http://www.w3.org/2000/xmlns/'],
      ['xmlns', 'http://www.w3.org/2000/xmlns/'],
      ['x', null],
      ['p:y', 'urn:p'],
    ]);
    const [b, c] = childElements(root);
    expect(b?.namespace).toBe('urn:d');
    expect(c?.namespace).toBeNull();
    expect(childElements(c!)[0]?.namespace).toBeNull();
  });

  test('an undeclared prefix is a problem, not a failure', () => {
    const { root, problems } = parseXml('<a><q:b/></a>', 'x');
    expect(childElements(root)[0]?.namespace).toBeNull();
    expect(problems).toEqual(["The prefix 'q' of element q:b is not declared"]);
  });

  test('CR LF becomes LF; literal newlines in attributes become spaces, references survive', () => {
    const root = parse('<a x="1\r\n2" y="3&#10;4">l1\r\nl2\rl3</a>');
    expect(root.attributes.map((a) => a.value)).toEqual(['1 2', '3\n4']);
    expect(root.children).toEqual([{ type: 'text', text: 'l1\nl2\nl3' }]);
  });
});

describe('serialising kept elements', () => {
  test('a nested element carries the namespaces in scope and re-parses to the same structure', () => {
    const root = parse('<r xmlns="urn:d" xmlns:v="urn:v" xmlns:o="urn:o"><v:M o:req="false" n="a&amp;b&#10;c"><X>t &lt; u</X><!--c--><![CDATA[]]>]]></v:M></r>');
    const kept = childElements(root)[0]!;
    const xml = serialiseElement(kept);
    expect(xml.startsWith('<v:M o:req="false" n="a&amp;b&#10;c" xmlns="urn:d" xmlns:v="urn:v" xmlns:o="urn:o">')).toBe(true);
    expect(shapeOf(parse(xml))).toEqual(shapeOf(kept));
  });

  test.each(fixtureNames())('%s: the whole document survives a serialise/parse round trip', (name) => {
    const text = decodeXmlBytes(fixtureBytes(name), name).text;
    const root = parseXml(text, name).root;
    expect(shapeOf(parseXml(serialiseElement(root), name).root)).toEqual(shapeOf(root));
  });
});

test('readOvf refuses a DOCTYPE in a descriptor with an xml error', () => {
  const error = caught(() => readText('<!DOCTYPE Envelope SYSTEM "file:///etc/passwd"><Envelope/>', 'evil.ovf'), 'xml');
  expect(error.message).toContain('evil.ovf');
});
