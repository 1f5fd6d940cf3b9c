/** The three lists a translation hands back; each message once, in the order found. */
export class TranslationLog {
  readonly decisions: string[] = [];
  readonly dropped: string[] = [];
  readonly warnings: string[] = [];

  decide(message: string): void {
    if (!this.decisions.includes(message)) this.decisions.push(message);
  }

  drop(message: string): void {
    if (!this.dropped.includes(message)) this.dropped.push(message);
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }
}
