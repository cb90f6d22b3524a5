/**
 * G.711 encode and decode throughput on speech (speech-a-8k.wav), voxwire beside alawmulaw (the
 * test oracle named in the architecture) measured in the same run. Two ways of calling:
 * whole clip per call (51 k samples) and one 20 ms frame (160 samples) per call, walking the clip.
 * voxwire is measured both returning a new array (as alawmulaw does) and writing into `out`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as alawmulawModule from 'alawmulaw';
import {
  decodeALaw,
  decodeMuLaw,
  encodeALaw,
  encodeMuLaw,
  readWav,
  wavToInt16,
} from '../../src/audio/index.js';
import { type BenchTable, fixed } from '../lib.js';

const FRAME_SAMPLES = 160; // 20 ms at 8 kHz

// Node resolves alawmulaw to its UMD build (CommonJS: everything under `default`); bundlers to ESM.
const { alaw, mulaw } = (alawmulawModule as { default?: typeof alawmulawModule }).default ?? alawmulawModule;

/** The shared speech material as 16-bit samples. */
function readSpeech(): Int16Array {
  const here = dirname(fileURLToPath(import.meta.url));
  return wavToInt16(
    readWav(readFileSync(join(here, '..', '..', '..', 'shared', 'media', 'speech-a-8k.wav'))),
  );
}

interface Law {
  name: string;
  encode: (pcm: Int16Array, out?: Uint8Array) => Uint8Array;
  decode: (codes: Uint8Array, out?: Int16Array) => Int16Array;
  peerEncode: (pcm: Int16Array) => Uint8Array;
  peerDecode: (codes: Uint8Array) => Int16Array;
}

const LAWS: Law[] = [
  {
    name: 'μ-law',
    encode: encodeMuLaw,
    decode: decodeMuLaw,
    peerEncode: (pcm) => mulaw.encode(pcm),
    peerDecode: (codes) => mulaw.decode(codes),
  },
  {
    name: 'A-law',
    encode: encodeALaw,
    decode: decodeALaw,
    peerEncode: (pcm) => alaw.encode(pcm),
    peerDecode: (codes) => alaw.decode(codes),
  },
];

/** CPU time of this process so far, ms (all threads: the GC's helpers count too). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Operations per CPU second of `fn` (one call = `opsPerCall` operations), after a warm-up. CPU
 * time, not wall time: on a shared machine the time this process waits for a core is not counted.
 */
function measureCpuRate(fn: () => void, opsPerCall: number, minCpuMs: number): number {
  const warmupEnd = cpuMs() + minCpuMs / 4;
  while (cpuMs() < warmupEnd) fn();
  let calls = 0;
  const start = cpuMs();
  let elapsed = 0;
  do {
    for (let i = 0; i < 4; i++) fn();
    calls += 4;
    elapsed = cpuMs() - start;
  } while (elapsed < minCpuMs);
  return (calls * opsPerCall) / (elapsed / 1000);
}

/**
 * Msamples per CPU second of `fn` applied to every block of `blocks` (one measured call walks all
 * blocks, so the harness's own call costs nothing per block).
 */
function rate<T extends ArrayLike<number>>(blocks: T[], fn: (block: T) => ArrayLike<number>): () => number {
  let samples = 0;
  for (const block of blocks) samples += block.length;
  let sink = 0;
  const walk = (): void => {
    for (let b = 0; b < blocks.length; b++) sink += fn(blocks[b]).length; // keep results alive
  };
  return () => {
    const perSecond = measureCpuRate(walk, samples, 150);
    if (sink < 0) console.log(sink);
    return perSecond / 1e6;
  };
}

function frames<T extends Int16Array | Uint8Array>(whole: T, size: number): T[] {
  const out: T[] = [];
  for (let start = 0; start + size <= whole.length; start += size)
    out.push(whole.subarray(start, start + size) as T);
  return out;
}

/**
 * Rounds per row. Each round measures the three variants back to back; rates are the best round's
 * (the least disturbed on a shared machine) and ratios the median of the per-round ratios, which
 * load that comes and goes affects least.
 */
const ROUNDS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

export async function run(): Promise<BenchTable[]> {
  const speech = readSpeech();
  const tables: BenchTable[] = [];
  for (const direction of ['encode', 'decode'] as const) {
    const rows: (string | number)[][] = [];
    for (const law of LAWS) {
      const codes = law.encode(speech);
      for (const [call, size] of [
        ['whole clip', speech.length],
        ['20 ms frame', FRAME_SAMPLES],
      ] as const) {
        const pcmBlocks = frames(speech, size);
        const codeBlocks = frames(codes, size);
        const outCodes = new Uint8Array(size);
        const outPcm = new Int16Array(size);
        const variants =
          direction === 'encode'
            ? [
                rate(pcmBlocks, (b) => law.encode(b)),
                rate(pcmBlocks, (b) => law.encode(b, outCodes)),
                rate(pcmBlocks, (b) => law.peerEncode(b)),
              ]
            : [
                rate(codeBlocks, (b) => law.decode(b)),
                rate(codeBlocks, (b) => law.decode(b, outPcm)),
                rate(codeBlocks, (b) => law.peerDecode(b)),
              ];
        const rounds: number[][] = [];
        for (let round = 0; round < ROUNDS; round++) rounds.push(variants.map((measure) => measure()));
        const [ours, oursOut, peer] = [0, 1, 2].map((v) => Math.max(...rounds.map((r) => r[v])));
        rows.push([
          law.name,
          call,
          fixed(ours, 0),
          fixed(oursOut, 0),
          fixed(peer, 0),
          `${fixed(median(rounds.map((r) => r[0] / r[2])), 1)}×`,
          `${fixed(median(rounds.map((r) => r[1] / r[2])), 1)}×`,
        ]);
      }
    }
    tables.push({
      title: `G.711 ${direction} on speech (Msamples per CPU second, higher is better; voxwire vs alawmulaw, same run)`,
      columns: ['law', 'per call', 'voxwire', 'voxwire (out)', 'alawmulaw', 'ratio', 'ratio (out)'],
      rows,
      notes: [
        `speech-a-8k.wav (${speech.length} samples), walked whole or in 160-sample frames; ${ROUNDS} rounds.`,
        'Rates: best round. Ratios: median over rounds of same-round ratios.',
        'ratio: both return a new array per call (like for like). ratio (out): voxwire writes into a',
        "caller's buffer, its hot-path use; alawmulaw has no such API and always allocates.",
      ],
    });
  }
  return tables;
}
