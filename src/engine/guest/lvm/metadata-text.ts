import { VmferryError } from '../../errors';

/**
 * LVM2's metadata text format (lvm2 `lib/format_text/`, RHEL LVM guide appendix "LVM Volume Group Metadata"):
 *
 *   vgname {                     # a section: a name, then items in braces
 *     id = "Uhb1xG-..."          # a value: a string in double quotes (backslash escapes \" and \\),
 *     seqno = 3                  #   an integer, a real number,
 *     status = ["READ", "WRITE"] #   or an array of those
 *     physical_volumes { pv0 { ... } }
 *   }
 *   contents = "Text Format Volume Group"
 *
 * `#` starts a comment to the end of the line. The stored copy ends with a NUL, which ends the text.
 * Sections keep their order in a Map (also so that a key named `__proto__` is just a key).
 */
export type MetadataValue = string | number | MetadataValue[] | MetadataSection;
export type MetadataSection = Map<string, MetadataValue>;

/** Deeper than any real metadata (VG > logical_volumes > lv > segment is 4); deeper is an attack or garbage. */
const MAX_DEPTH = 16;

export function parseMetadataText(text: string, source: string): MetadataSection {
  return new MetadataParser(text, source).parseFile();
}

class MetadataParser {
  private at = 0;
  private readonly end: number;

  constructor(
    private readonly text: string,
    private readonly source: string,
  ) {
    const nul = text.indexOf('\0');
    this.end = nul < 0 ? text.length : nul;
  }

  parseFile(): MetadataSection {
    const section = this.parseItems(0);
    if (this.peek() !== '') this.fail(`unexpected "${this.peek()}"`);
    return section;
  }

  private parseItems(depth: number): MetadataSection {
    if (depth > MAX_DEPTH) this.fail(`sections nested more than ${MAX_DEPTH} deep`);
    const section: MetadataSection = new Map();
    for (;;) {
      const next = this.peek();
      if (next === '' || next === '}') return section;
      const key = this.identifier();
      const after = this.peek();
      if (after === '{') {
        this.at++;
        section.set(key, this.parseItems(depth + 1));
        this.expect('}');
      } else if (after === '=') {
        this.at++;
        section.set(key, this.value(depth));
      } else {
        this.fail(`expected "=" or "{" after "${key}"`);
      }
    }
  }

  private value(depth: number): MetadataValue {
    const next = this.peek();
    if (next === '"') return this.string();
    if (next === '[') {
      if (depth > MAX_DEPTH) this.fail(`arrays nested more than ${MAX_DEPTH} deep`);
      this.at++;
      const items: MetadataValue[] = [];
      if (this.peek() === ']') {
        this.at++;
        return items;
      }
      for (;;) {
        items.push(this.value(depth + 1));
        const separator = this.peek();
        this.at++;
        if (separator === ']') return items;
        if (separator !== ',') this.fail('expected "," or "]" in an array');
      }
    }
    return this.number();
  }

  private string(): string {
    const opening = this.at++;
    let out = '';
    while (this.at < this.end) {
      const c = this.text[this.at++]!;
      if (c === '"') return out;
      if (c === '\\' && this.at < this.end) out += this.text[this.at++]!;
      else out += c;
    }
    this.at = opening;
    return this.fail('a string is not closed');
  }

  private number(): number {
    const match = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.text.slice(this.at, Math.min(this.end, this.at + 64)));
    if (!match) this.fail('expected a value (a string, a number or an array)');
    this.at += match![0].length;
    const value = Number(match![0]);
    if (!match![1] && !match![2] && !Number.isSafeInteger(value)) this.fail(`the number ${match![0]} is too large`);
    return value;
  }

  private identifier(): string {
    const match = /^[A-Za-z0-9_.+\-]+/.exec(this.text.slice(this.at, Math.min(this.end, this.at + 256)));
    if (!match) this.fail(`expected a name, found "${this.text[this.at]}"`);
    this.at += match![0].length;
    return match![0];
  }

  private expect(token: string): void {
    if (this.peek() !== token) this.fail(`expected "${token}"`);
    this.at++;
  }

  /** Skips blanks and comments; returns the next character ('' at the end) without consuming it. */
  private peek(): string {
    while (this.at < this.end) {
      const c = this.text[this.at]!;
      if (c === '#') {
        const newline = this.text.indexOf('\n', this.at);
        this.at = newline < 0 || newline > this.end ? this.end : newline + 1;
      } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.at++;
      } else {
        return c;
      }
    }
    return '';
  }

  private fail(what: string): never {
    const line = this.text.slice(0, this.at).split('\n').length;
    throw new VmferryError('corrupt', `LVM metadata text, line ${line}: ${what}`, { file: this.source });
  }
}

/** Typed accessors: metadata is untrusted, so every field is checked where it is used. */
export function sectionOf(parent: MetadataSection, key: string): MetadataSection | null {
  const value = parent.get(key);
  return value instanceof Map ? value : null;
}

export function numberOf(parent: MetadataSection, key: string): number | null {
  const value = parent.get(key);
  return typeof value === 'number' ? value : null;
}

export function stringOf(parent: MetadataSection, key: string): string | null {
  const value = parent.get(key);
  return typeof value === 'string' ? value : null;
}

export function stringsOf(parent: MetadataSection, key: string): string[] {
  const value = parent.get(key);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
