/**
 * Unified diffs of guest files, in the format of GNU `diff -u` (GNU diffutils manual, "Unified Format"):
 * `--- a/path` / `+++ b/path`, hunks `@@ -l,s +l,s @@` with 3 lines of context, a count of 1 written without
 * `,1`, an empty range numbered by the line before it, and `\ No newline at end of file` after a last line that
 * has none. Changes closer than twice the context share a hunk. The edit script is a shortest one (Myers 1986,
 * "An O(ND) Difference Algorithm"), deletions before insertions within a change.
 */
const CONTEXT = 3;

interface Line {
  text: string;
  /** False only for a last line without a newline; such a line differs from the same text with one. */
  newline: boolean;
}

type Op = { kind: ' ' | '-' | '+'; line: Line };

export function unifiedDiff(before: string, after: string, path: string): string {
  if (before === after) return '';
  const a = toLines(before);
  const b = toLines(after);
  const ops = editScript(a, b);
  const name = path.replace(/^\/+/, '');
  let out = `--- a/${name}\n+++ b/${name}\n`;
  for (const hunk of hunks(ops)) out += hunk;
  return out;
}

function toLines(text: string): Line[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.pop()!;
  const lines: Line[] = parts.map((part) => ({ text: part, newline: true }));
  if (last !== '') lines.push({ text: last, newline: false });
  return lines;
}

const same = (x: Line, y: Line) => x.text === y.text && x.newline === y.newline;

/** Myers' greedy forward search with a trace of the furthest-reaching paths, then a backtrack. */
function editScript(a: Line[], b: Line[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && same(a[x]!, b[y]!)) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Backtrack from (n, m): trace[d] holds the furthest x on each diagonal after d - 1 edits.
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    const snakeStart = down ? prevX : prevX + 1;
    while (x > snakeStart) {
      ops.push({ kind: ' ', line: a[--x]! });
      y--;
    }
    ops.push(down ? { kind: '+', line: b[prevY]! } : { kind: '-', line: a[prevX]! });
    x = prevX;
    y = prevY;
  }
  while (x > 0) {
    ops.push({ kind: ' ', line: a[--x]! });
    y--;
  }
  ops.reverse();
  return groupChanges(ops, a, b);
}

/**
 * Places each run of changed lines where GNU diff puts it (its `shift_boundaries`): a run whose lines repeat
 * around it can slide; it goes as far down as it can, merging with runs it meets, then back up to the lowest
 * place where it sits against a change in the other file. So `w w w` → `w r w` reads `-w +r`, not a `+r` here
 * and a `-w` three lines later. Then each gap prints its deletions before its insertions.
 */
function groupChanges(ops: Op[], a: Line[], b: Line[]): Op[] {
  const changedA = new Array<boolean>(a.length).fill(false);
  const changedB = new Array<boolean>(b.length).fill(false);
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op.kind === '-') changedA[i++] = true;
    else if (op.kind === '+') changedB[j++] = true;
    else {
      i++;
      j++;
    }
  }
  shiftBoundaries(a, changedA, changedB);
  shiftBoundaries(b, changedB, changedA);
  const out: Op[] = [];
  for (i = 0, j = 0; i < a.length || j < b.length; ) {
    if (i < a.length && changedA[i]) out.push({ kind: '-', line: a[i++]! });
    else if (j < b.length && changedB[j]) out.push({ kind: '+', line: b[j++]! });
    else {
      out.push({ kind: ' ', line: a[i]! });
      i++;
      j++;
    }
  }
  return out;
}

function shiftBoundaries(lines: Line[], changed: boolean[], other: boolean[]): void {
  // otherGap[k]: the other file has changed lines just before its k-th unchanged line (k = count at its end).
  const otherGap: boolean[] = [];
  let pending = false;
  for (const flag of other) {
    if (flag) pending = true;
    else {
      otherGap.push(pending);
      pending = false;
    }
  }
  otherGap.push(pending);
  const unchangedBefore = (end: number) => {
    let count = 0;
    for (let k = 0; k < end; k++) if (!changed[k]) count++;
    return count;
  };
  const n = lines.length;
  for (let start = 0; start < n; ) {
    if (!changed[start]) {
      start++;
      continue;
    }
    let end = start;
    while (end < n && changed[end]) end++;
    let corresponding = n + 1;
    let length: number;
    do {
      length = end - start;
      while (start > 0 && same(lines[start - 1]!, lines[end - 1]!)) {
        changed[--start] = true;
        changed[--end] = false;
        while (start > 0 && changed[start - 1]) start--;
      }
      corresponding = otherGap[unchangedBefore(end)] ? end : n + 1;
      while (end < n && same(lines[start]!, lines[end]!)) {
        changed[start++] = false;
        changed[end++] = true;
        while (end < n && changed[end]) end++;
        if (otherGap[unchangedBefore(end)]) corresponding = end;
      }
    } while (length !== end - start);
    while (corresponding < end) {
      changed[--start] = true;
      changed[--end] = false;
    }
    start = end;
  }
}

function hunks(ops: Op[]): string[] {
  const changes: number[] = [];
  ops.forEach((op, index) => op.kind !== ' ' && changes.push(index));
  const result: string[] = [];
  let i = 0;
  while (i < changes.length) {
    // Extend the hunk while the next change is within 2 × context unchanged lines.
    let last = changes[i]!;
    let j = i + 1;
    while (j < changes.length && changes[j]! - last - 1 <= 2 * CONTEXT) last = changes[j++]!;
    const start = Math.max(0, changes[i]! - CONTEXT);
    const end = Math.min(ops.length, last + CONTEXT + 1);
    let oldLine = 1;
    let newLine = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k]!.kind !== '+') oldLine++;
      if (ops[k]!.kind !== '-') newLine++;
    }
    let oldCount = 0;
    let newCount = 0;
    let body = '';
    for (let k = start; k < end; k++) {
      const op = ops[k]!;
      if (op.kind !== '+') oldCount++;
      if (op.kind !== '-') newCount++;
      body += `${op.kind}${op.line.text}\n`;
      if (!op.line.newline) body += '\\ No newline at end of file\n';
    }
    result.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@\n${body}`);
    i = j;
  }
  return result;
}

/** `l,s`; `l` alone when s is 1; for an empty range, the line before it (`0,0` at the top). */
function range(line: number, count: number): string {
  if (count === 0) return `${line - 1},0`;
  return count === 1 ? `${line}` : `${line},${count}`;
}
