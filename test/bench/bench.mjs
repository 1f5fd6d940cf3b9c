#!/usr/bin/env node
// `npm run bench`: converts one test image between the main format pairs with vmferry and with
// `qemu-img convert`, on the same files in the same run, and prints each pair's time ratio and vmferry's peak
// memory. Speed and memory are measured here, never asserted in timed tests.
//
// The image is VIRTUAL_GIB of virtual disk with a mix of random and compressible data, explicitly written zeros
// and holes.
// Override with BENCH_GIB=8 (virtual size), BENCH_DATA_MIB=1024 (data), BENCH_REPEAT=5 (runs per side) and
// BENCH_PAIRS=qcow2-raw,raw-vhd (only those pairs).
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomFillSync } from 'node:crypto';

const ROOT = resolve(import.meta.dirname, '../..');
const VMFERRY = join(ROOT, 'dist-cli/vmferry.mjs');
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const VIRTUAL = Number(process.env.BENCH_GIB ?? 4) * GiB;
const DATA = Number(process.env.BENCH_DATA_MIB ?? 512) * MiB;
const ZEROS = DATA / 2;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

function spread(runs) {
  const seconds = runs.map((run) => run.seconds);
  return `${Math.min(...seconds).toFixed(2)}-${Math.max(...seconds).toFixed(2)}`;
}

function median(runs) {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
}

const QEMU = {
  raw: ['raw', []],
  qcow2: ['qcow2', []],
  vmdk: ['vmdk', ['-o', 'subformat=streamOptimized']],
  'vmdk-sparse': ['vmdk', []],
  vhd: ['vpc', ['-o', 'force_size=on']],
  vhdx: ['vhdx', []],
  vdi: ['vdi', []],
};
const EXTENSION = { raw: 'img', qcow2: 'qcow2', vmdk: 'vmdk', 'vmdk-sparse': 'vmdk', vhd: 'vhd', vhdx: 'vhdx', vdi: 'vdi' };

const ALL_PAIRS = [
  ['raw', 'qcow2'],
  ['raw', 'vmdk'],
  ['raw', 'vhd'],
  ['raw', 'vhdx'],
  ['qcow2', 'vmdk'],
  ['vmdk', 'vhd'],
  ['vhd', 'vhdx'],
  ['vhdx', 'qcow2'],
  ['vmdk-sparse', 'vdi'],
  ['qcow2', 'raw'],
];
// BENCH_PAIRS=qcow2-raw,raw-vhd runs only those pairs.
const PAIRS = process.env.BENCH_PAIRS ? ALL_PAIRS.filter(([from, to]) => process.env.BENCH_PAIRS.split(',').includes(`${from}-${to}`)) : ALL_PAIRS;

function makeImage(path) {
  execFileSync('truncate', ['-s', String(VIRTUAL), path]);
  const fd = openSync(path, 'r+');
  const chunk = Buffer.alloc(8 * MiB);
  // Random data in 8 MiB runs spread across the disk, zeros written in between, holes elsewhere.
  const runs = DATA / chunk.length;
  const stride = Math.floor(VIRTUAL / runs / MiB) * MiB;
  // Half the runs random (incompressible), half text-like (16 letters, about 4 bits per byte: compressible).
  const letters = Buffer.from('etaoinshrdlucmfw');
  for (let i = 0; i < runs; i++) {
    randomFillSync(chunk);
    if (i % 4 >= 2) for (let b = 0; b < chunk.length; b++) chunk[b] = letters[chunk[b] & 15];
    writeSync(fd, chunk, 0, chunk.length, i * stride);
    if (i % 2 === 0) writeSync(fd, Buffer.alloc(chunk.length), 0, chunk.length, i * stride + chunk.length);
  }
  closeSync(fd);
}

/**
 * Making the sources writes several GiB; the first conversions after that ran up to 2x slower for both tools here
 * (the storage still busy with it). Waits until the kernel holds little dirty or in-flight data, then a little more.
 */
function settle() {
  execFileSync('sync');
  const pending = () => {
    const info = readFileSync('/proc/meminfo', 'utf8');
    return ['Dirty', 'Writeback'].reduce((sum, key) => sum + Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0) * 1024, 0);
  };
  for (let waited = 0; waited < 30 && pending() > 16 * MiB; waited++) execFileSync('sleep', ['1']);
  execFileSync('sleep', ['5']);
}

function timed(command, args, env = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * MiB });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return { seconds, stderr: result.stderr };
}

function qemuConvert(from, to, input, output) {
  const [inFormat] = QEMU[from];
  const [outFormat, outOptions] = QEMU[to];
  // `-t writeback` makes qemu-img flush its output at the end, as vmferry does (qemu-img's default cache mode,
  // "unsafe", never flushes): both sides then pay for putting the output on disk.
  return timed('qemu-img', ['convert', '-t', 'writeback', '-f', inFormat, '-O', outFormat, ...outOptions, input, output]);
}

function vmferryConvert(input, output, to) {
  const run = timed('node', [VMFERRY, 'convert', input, output, '--format', to], { VMFERRY_REPORT_PEAK_RSS: '1' });
  const rss = Number(/peak-rss-bytes (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  return { ...run, rss };
}

function compare(from, to, a, b) {
  const result = spawnSync('qemu-img', ['compare', '-f', QEMU[from][0], '-F', QEMU[to][0], a, b], { encoding: 'utf8' });
  return result.status === 0 ? 'identical' : `DIFFERENT: ${result.stdout.trim()}`;
}

const dir = mkdtempSync(join(tmpdir(), 'vmferry-bench-'));
try {
  console.log(`vmferry bench: ${VIRTUAL / GiB} GiB virtual, ${DATA / MiB} MiB data (half random, half compressible), ${ZEROS / MiB} MiB written zeros, the rest holes`);
  console.log(`work dir ${dir}\n`);
  const sources = { raw: join(dir, 'source.img') };
  makeImage(sources.raw);
  for (const format of new Set(PAIRS.map(([from]) => from))) {
    if (format === 'raw') continue;
    sources[format] = join(dir, `source-${format}.${EXTENSION[format]}`);
    qemuConvert('raw', format, sources.raw, sources[format]);
  }
  settle();
  const rows = [];
  for (const [from, to] of PAIRS) {
    const qemuOut = join(dir, `qemu-${from}-to-${to}.${EXTENSION[to]}`);
    const oursOut = join(dir, `vmferry-${from}-to-${to}.${EXTENSION[to]}`);
    // Each side runs REPEAT times, alternating, after `sync` so that neither pays for the other's dirty pages;
    // the median counts.
    const qemuRuns = [];
    const ourRuns = [];
    // One untimed run per side first: the first run after the sources were written is slow for both sides
    // (by up to 3x here, as the file system settles), and would otherwise weigh on the median.
    for (let i = -1; i < REPEAT; i++) {
      // Each run writes a new file: replacing the last run's output would add the cost of freeing it.
      rmSync(qemuOut, { force: true });
      execFileSync('sync');
      const qemuRun = qemuConvert(from, to, sources[from], qemuOut);
      rmSync(oursOut, { force: true });
      execFileSync('sync');
      const ourRun = vmferryConvert(sources[from], oursOut, to);
      if (i < 0) continue;
      qemuRuns.push(qemuRun);
      ourRuns.push(ourRun);
    }
    const qemu = median(qemuRuns);
    const ours = { ...median(ourRuns), rss: Math.max(...ourRuns.map((run) => run.rss)) };
    rows.push({
      pair: `${from} → ${to}`,
      qemu: qemu.seconds,
      vmferry: ours.seconds,
      spread: `${spread(qemuRuns)} / ${spread(ourRuns)}`,
      ratio: ours.seconds / qemu.seconds,
      rss: ours.rss,
      qemuSize: statSync(qemuOut).size,
      oursSize: statSync(oursOut).size,
      check: compare(from, to, sources[from], oursOut),
    });
    rmSync(qemuOut);
    rmSync(oursOut);
  }
  const pad = (text, width) => String(text).padEnd(width);
  console.log(`${pad('pair', 22)}${pad('qemu-img s', 12)}${pad('vmferry s', 11)}${pad('ratio', 8)}${pad('peak RSS', 11)}${pad('qemu out', 12)}${pad('vmferry out', 13)}${pad('content', 11)}runs min-max s (qemu-img / vmferry)`);
  for (const row of rows) {
    console.log(
      `${pad(row.pair, 22)}${pad(row.qemu.toFixed(2), 12)}${pad(row.vmferry.toFixed(2), 11)}${pad(`${row.ratio.toFixed(2)}x`, 8)}` +
        `${pad(`${Math.round(row.rss / MiB)} MiB`, 11)}${pad(`${Math.round(row.qemuSize / MiB)} MiB`, 12)}${pad(`${Math.round(row.oursSize / MiB)} MiB`, 13)}${pad(row.check, 11)}${row.spread}`,
    );
  }
  const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const peak = Math.max(...rows.map((r) => r.rss));
  console.log(`\nslowest pair relative to qemu-img: ${worst.pair} at ${worst.ratio.toFixed(2)}x; highest peak RSS ${Math.round(peak / MiB)} MiB`);
  if (rows.some((row) => row.check !== 'identical')) process.exitCode = 1;
} finally {
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
}
