import { findDeviceTokens } from '../inspect/cmdline';
import { splitLines } from '../inspect/fstab';
import { renameDevice, type NameContext, type RenameContext } from './rename-device';

/**
 * A rewrite of one guest text file: its lines (the final newline remembered), the reasons for each change and
 * the warnings about names left alone. Every rule edits lines in place, so a reason's line number is the line
 * in the original file.
 */
export class FileRewrite {
  readonly lines: string[];
  readonly reasons: string[] = [];
  readonly warnings: string[] = [];
  private readonly finalNewline: boolean;
  /** Structural edits (Xen PV, boot entries), applied when the text is assembled so line indexes stay put. */
  private readonly deleted = new Set<number>();
  private readonly inserted = new Map<number, string[]>();

  constructor(
    readonly path: string,
    readonly before: string,
  ) {
    this.lines = splitLines(before);
    this.finalNewline = before.endsWith('\n') || before === '';
  }

  get after(): string {
    const out: string[] = [...(this.inserted.get(-1) ?? [])];
    this.lines.forEach((line, index) => {
      if (!this.deleted.has(index)) out.push(line);
      out.push(...(this.inserted.get(index) ?? []));
    });
    if (out.length === 0) return '';
    return out.join('\n') + (this.finalNewline || this.inserted.has(this.lines.length - 1) ? '\n' : '');
  }

  /** The current lines with in-place edits only (what the structural rules parse). */
  get current(): string {
    return this.lines.join('\n') + '\n';
  }

  deleteLine(lineIndex: number, reason: string): void {
    this.deleted.add(lineIndex);
    this.note(lineIndex, reason);
  }

  /** Inserts lines after `lineIndex` (-1: at the top). */
  insertAfter(lineIndex: number, lines: string[], reason: string): void {
    this.inserted.set(lineIndex, [...(this.inserted.get(lineIndex) ?? []), ...lines]);
    this.reasons.push(lineIndex < 0 ? `top: ${reason}` : `after line ${lineIndex + 1}: ${reason}`);
  }

  replaceLine(lineIndex: number, text: string, reason: string): void {
    if (this.lines[lineIndex] === text) return;
    this.lines[lineIndex] = text;
    this.note(lineIndex, reason);
  }

  get changed(): boolean {
    return this.after !== this.before;
  }

  /**
   * Renames the device in `line` at [start, start + value.length). Returns true when the line changed. `what`
   * says where in the line it is, for the reason ("root=", "fstab spec").
   */
  renameAt(lineIndex: number, start: number, value: string, ctx: RenameContext, where: NameContext, what: string): boolean {
    const result = renameDevice(value, ctx, where);
    if (result.kind === 'warn') {
      this.warnings.push(`${this.path} line ${lineIndex + 1}: ${result.warning}`);
      return false;
    }
    if (result.kind === 'keep') return false;
    const line = this.lines[lineIndex]!;
    this.lines[lineIndex] = line.slice(0, start) + result.to + line.slice(start + value.length);
    this.reasons.push(`line ${lineIndex + 1}: ${what}${value} → ${result.to} (${result.reason})`);
    return true;
  }

  /** Renames every `root=`/`resume=` value in `line` from offset `from` on. */
  renameTokens(lineIndex: number, ctx: RenameContext, from = 0): void {
    // Offsets shift as values change length: rewrite from the last token back, then put the notes in line order.
    const reasons = this.reasons.length;
    const warnings = this.warnings.length;
    const text = this.lines[lineIndex]!.slice(from);
    for (const token of findDeviceTokens(text).reverse()) {
      this.renameAt(lineIndex, from + token.start, token.value, ctx, 'cmdline', `${token.key}=`);
    }
    this.reasons.push(...this.reasons.splice(reasons).reverse());
    this.warnings.push(...this.warnings.splice(warnings).reverse());
  }

  /** The reasons in line order (rules run one after another, each in its own order). */
  get orderedReasons(): string[] {
    const position = (reason: string) => {
      const match = /^(?:after )?line (\d+)/.exec(reason);
      return match ? Number(match[1]) + (reason.startsWith('after') ? 0.5 : 0) : reason.startsWith('top') ? 0 : Infinity;
    };
    return this.reasons
      .map((reason, index) => ({ reason, index }))
      .sort((a, b) => position(a.reason) - position(b.reason) || a.index - b.index)
      .map((item) => item.reason);
  }

  note(lineIndex: number, reason: string): void {
    this.reasons.push(`line ${lineIndex + 1}: ${reason}`);
  }
}
