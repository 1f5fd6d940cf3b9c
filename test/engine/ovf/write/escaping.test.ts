import { describe, expect, test } from 'vitest';
import { isVmferryError } from '../../../../src/engine/errors';
import type { AnnotationSection, ProductSection } from '../../../../src/engine/ovf/model';
import { sectionsOfKind } from '../../../../src/engine/ovf/model-walk';
import { readOvf } from '../../../../src/engine/ovf/read-ovf';
import { writeOvfText } from '../../../../src/engine/ovf/write/write-ovf';
import { describeWithTools } from '../../../support/tools';
import { envelope, readText } from '../support';
import { shape } from './equivalence';
import { validateDescriptor } from './xmllint';

/** Text, attributes and kept XML that need escaping or namespace care, written and read back. */
const VALID_SYSTEM = (sections: string): string => `<VirtualSystem ovf:id="vm1"><Info>A virtual machine</Info>
<VirtualHardwareSection><Info>hw</Info>
<System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID></System>
<Item><rasd:ElementName>CPU</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>1</rasd:VirtualQuantity></Item>
<Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>Memory</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>512</rasd:VirtualQuantity></Item>
</VirtualHardwareSection>${sections}</VirtualSystem>`;

const TRICKY = envelope(
  `<References/>
${VALID_SYSTEM(
  `<AnnotationSection><Info>Notes</Info><Annotation>a &amp; b &lt; c &gt; d ]]&gt; e&#13;
second line "double" 'single' é 漢字 🚀</Annotation>
<rasd:Extra xmlns:rasd="urn:example:not-cim">taken prefix</rasd:Extra>
<v:Data xmlns:v="urn:example:vendor" v:k="1"><plain xmlns="">no namespace <b>bold</b> tail</plain><!-- a comment --><![CDATA[<raw> & ]]></v:Data>
</AnnotationSection>
<ProductSection><Info>p</Info><Property ovf:key="k" ovf:type="string" ovf:value="x&amp;y&lt;z&quot;q&#9;tab&#10;newline&#13;cr"/></ProductSection>`,
)}`,
);

function annotation(xml: string): AnnotationSection {
  const content = readText(xml).envelope.content!;
  return sectionsOfKind(content.sections, 'AnnotationSection')[0]!;
}

describe('escaping and namespaces in what the writer emits', () => {
  const source = readText(TRICKY).envelope;
  const written = writeOvfText(source);
  const back = readOvf(new TextEncoder().encode(written), 'back.ovf');

  test('text keeps &, <, >, "]]>", a carriage return, quotes and non-ASCII characters', () => {
    expect(annotation(written).annotation!.text).toBe(`a & b < c > d ]]> e\r\nsecond line "double" 'single' é 漢字 🚀`);
    expect(written).toContain('a &amp; b &lt; c &gt; d ]]&gt; e&#13;\nsecond line');
    expect(back.warnings).toEqual([]);
  });

  test('attribute values keep tabs, line breaks and carriage returns as character references', () => {
    const product = sectionsOfKind(back.envelope.content!.sections, 'ProductSection')[0] as ProductSection;
    const property = product.entries.find((e) => e.kind === 'property');
    expect(property && property.kind === 'property' ? property.value : null).toBe('x&y<z"q\ttab\nnewline\rcr');
    expect(written).toContain('ovf:value="x&amp;y&lt;z&quot;q&#9;tab&#10;newline&#13;cr"');
  });

  test('a vendor prefix that collides with a conventional one is renamed, its namespace kept', () => {
    const [extra, data] = annotation(written).unknown;
    expect(extra!.namespace).toBe('urn:example:not-cim');
    expect(extra!.name).not.toMatch(/^rasd:/);
    expect(data!.namespace).toBe('urn:example:vendor');
    expect(shape(data!.element)).toEqual(shape(annotation(TRICKY).unknown[1]!.element));
  });

  test('an element in no namespace inside kept XML undeclares the default namespace', () => {
    expect(written).toContain('<plain xmlns="">no namespace <b>bold</b> tail</plain>');
    const data = annotation(written).unknown[1]!.element;
    const plain = data.children.find((c) => c.type === 'element' && c.local === 'plain');
    expect(plain && plain.type === 'element' ? plain.namespace : 'missing').toBeNull();
  });

  test('mixed content, comments and CDATA in kept XML are written as they stood', () => {
    expect(written).toContain('<!-- a comment --><![CDATA[<raw> & ]]></v:Data>');
  });

  test('characters XML cannot hold are refused with a usage error, not written', () => {
    const bad = structuredClone(source);
    const section = sectionsOfKind(bad.content!.sections, 'AnnotationSection')[0]!;
    section.annotation = { text: 'bell \u0007 here', msgid: null };
    let error: unknown;
    try {
      writeOvfText(bad);
    } catch (caught) {
      error = caught;
    }
    expect(isVmferryError(error, 'usage')).toBe(true);
    expect(String(error)).toContain('U+0007');
  });

  test('comments that would end early are defused', () => {
    const commented = { ...structuredClone(source), comments: ['made -- by --> a test-'] };
    const text = writeOvfText(commented);
    expect(text).toContain('<!--made - - by - -> a test- -->');
    expect(readOvf(new TextEncoder().encode(text), 'c.ovf').envelope.comments).toEqual(['made - - by - -> a test- ']);
  });
});

describeWithTools(['xmllint'], 'escaped output is well-formed for libxml2 and valid where the source was', () => {
  test('xmllint reads the tricky descriptor; only the vendor elements in AnnotationSection are in question', () => {
    const written = writeOvfText(readText(TRICKY).envelope);
    const result = validateDescriptor(written, 'tricky.ovf');
    // AnnotationSection has an xs:any ##other slot, so vendor content there is valid.
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
