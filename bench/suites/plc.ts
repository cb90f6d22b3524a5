/**
 * Concealment quality: speech (speech-{a,b,c}) through PCMU at 8 kHz and Opus at 48 kHz, 20 ms
 * packets, under random and bursty loss. Each lost frame is filled by silence, by repeating the
 * last received frame, by spandsp's G.711 PLC (C harness bench/anchors/spandsp-plc.c, built at run
 * time; 'peer missing' without libspandsp-dev), and by the Playout's concealment (pitch-based, and
 * for Opus the codec's own). Scored against the loss-free decode with STOI and log-spectral
 * distance from /work/shared/tools/quality/metrics.py. `npx tsx bench/run.ts plc`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { createOpusCodec } from '../../src/codec/opus.js';
import type { AudioCodec } from '../../src/codec/types.js';
import {
  createPlayout,
  type DecisionInput,
  decide,
  Merge,
  type PlayoutConcealment,
  type PlayoutOperation,
} from '../../src/jitter/index.js';
import { RedEncoder } from '../../src/transport/red/index.js';
import { prng } from '../../tests/helpers/random.js';
import { pcm16Samples, readWav } from '../../tests/helpers/wav-lite.js';
import { type BenchTable, fixed } from '../lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const MEDIA = join(here, '..', '..', '..', 'shared', 'media');
const METRICS_DIR = join(here, '..', '..', '..', 'shared', 'tools', 'quality');
const ANCHOR = join(here, '..', 'anchors', 'spandsp-plc.c');
const SPEECH = ['a', 'b', 'c'];

/** A loss pattern: Bernoulli, or Gilbert-Elliott with a mean loss and a mean burst length (packets). */
export interface LossSpec {
  name: string;
  rate: number;
  burst?: number;
}

/** The loss patterns of the table. */
export const LOSSES: LossSpec[] = [
  { name: '5 % random', rate: 0.05 },
  { name: '10 % random', rate: 0.1 },
  { name: '20 % random', rate: 0.2 },
  { name: '10 % bursty (GE, burst 3)', rate: 0.1, burst: 3 },
];

/** 1 = lost. The first 5 packets always arrive (the playout starts on them). */
export function lossMask(frames: number, spec: LossSpec, seed: number): Uint8Array {
  const rnd = prng(seed);
  const mask = new Uint8Array(frames);
  if (spec.burst === undefined) {
    for (let i = 5; i < frames; i++) mask[i] = rnd() < spec.rate ? 1 : 0;
    return mask;
  }
  const r = 1 / spec.burst;
  const p = (spec.rate * r) / (1 - spec.rate);
  let bad = false;
  for (let i = 5; i < frames; i++) {
    bad = bad ? rnd() >= r : rnd() < p;
    mask[i] = bad ? 1 : 0;
  }
  return mask;
}

/** RED payload type of the RED-on rows (sender: RedEncoder, distance 1; receiver: Playout redPayloadType). */
const RED_PT = 63;

/**
 * Frames the receiver still lacks with RED (distance 1): a lost packet whose successor arrived is
 * rebuilt from the successor's redundancy (same encoding), so only the last of a run stays lost.
 */
export function redResidualMask(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++)
    out[i] = mask[i] === 1 && (i + 1 >= mask.length || mask[i + 1] === 1) ? 1 : 0;
  return out;
}

/** Encoded 20 ms frames of `pcm`. */
export function encodeAll(codec: AudioCodec, pcm: Int16Array, frame: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at + frame <= pcm.length; at += frame)
    out.push(codec.encode(pcm.subarray(at, at + frame)).slice());
  return out;
}

/** Decodes the received packets in order; lost frames are silence or a repeat of the last frame. */
export function baseline(
  codec: AudioCodec,
  payloads: Uint8Array[],
  mask: Uint8Array | undefined,
  frame: number,
  repeat: boolean,
): Int16Array {
  const out = new Int16Array(payloads.length * frame);
  let last = new Int16Array(frame);
  for (let i = 0; i < payloads.length; i++) {
    if (mask !== undefined && mask[i] === 1) {
      if (repeat) out.set(last, i * frame);
      continue;
    }
    last = codec.decode(payloads[i]).slice(0, frame);
    out.set(last, i * frame);
  }
  return out;
}

// Keeps the output on the sender's timeline so the metrics compare like with like: no time-stretch,
// no jumping a long gap after 100 ms of concealment, and merges cross-fade without shifting (these
// only move audio in time to steer the delay; they do not conceal).
function noStretch(s: DecisionInput): PlayoutOperation {
  const op = decide({ ...s, maxWaitSamples: Number.POSITIVE_INFINITY });
  return op === 'accelerate' || op === 'preemptive-expand' ? 'normal' : op;
}

/**
 * Runs the packets through a Playout at a steady arrival rate; returns its output from packet 0 on.
 * With `red`, the sender wraps every frame with a RedEncoder (distance 1) and the Playout unpacks it.
 */
export function throughPlayout(
  codec: AudioCodec,
  payloads: Uint8Array[],
  mask: Uint8Array,
  concealment: PlayoutConcealment,
  red = false,
): Int16Array {
  const rate = codec.info.sampleRateHz;
  const tsPerPacket = codec.info.clockRateHz / 50;
  const playout = createPlayout(
    { codec, minDelayMs: 40, maxDelayMs: 40, concealment, redPayloadType: red ? RED_PT : -1 },
    { decide: noStretch, merge: new Merge(rate, { maxShiftMs: 0 }) },
  );
  const encoder = red ? new RedEncoder({ distance: 1 }) : undefined;
  const pt = codec.info.payloadType;
  const frame = rate / 100;
  const total = payloads.length * 2 * frame;
  const out = new Int16Array(total);
  let written = -1;
  let next = 0;
  for (let k = 0; written < total && k < payloads.length * 2 + 100; k++) {
    const now = k * 10;
    for (; next < payloads.length && next * 20 <= now; next++) {
      const timestamp = (next * tsPerPacket) >>> 0;
      // The sender encodes every frame, sent or lost, so redundancy follows the sender's history.
      const payload = encoder ? encoder.encode(payloads[next], timestamp, pt).slice() : payloads[next];
      if (mask[next] === 1) continue;
      playout.insert(
        {
          sequenceNumber: next & 0xffff,
          timestamp,
          ssrc: 1,
          payloadType: encoder ? RED_PT : pt,
          payload,
        },
        next * 20,
      );
    }
    const { pcm, operation } = playout.pull();
    if (written < 0 && operation === 'silence') continue;
    if (written < 0) written = 0;
    out.set(pcm.subarray(0, Math.min(frame, total - written)), written);
    written += frame;
  }
  return out.subarray(0, payloads.length * (rate / 50));
}

let spandspBinary: string | null | undefined;

/** Builds the spandsp harness once into os.tmpdir(); null when gcc or libspandsp is missing. */
export function spandsp(): string | null {
  if (spandspBinary !== undefined) return spandspBinary;
  const bin = join(tmpdir(), `voxwire-spandsp-plc-${process.pid}`);
  try {
    execFileSync('gcc', ['-O2', '-o', bin, ANCHOR, '-lspandsp'], { stdio: 'ignore' });
    spandspBinary = bin;
  } catch {
    spandspBinary = null;
  }
  return spandspBinary;
}

/** spandsp's PLC over `ref` with the frames of `mask` lost. */
export function runSpandsp(
  bin: string,
  dir: string,
  ref: Int16Array,
  mask: Uint8Array,
  frame: number,
): Int16Array {
  const inPath = join(dir, 'sp-in.raw');
  const outPath = join(dir, 'sp-out.raw');
  const maskPath = join(dir, 'sp-mask.txt');
  writeFileSync(inPath, new Uint8Array(ref.buffer, ref.byteOffset, ref.byteLength));
  writeFileSync(maskPath, Array.from(mask, (m) => (m === 1 ? '1' : '0')).join(''));
  execFileSync(bin, [inPath, maskPath, outPath, String(frame)]);
  const b = readFileSync(outPath);
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Writes 16-bit mono WAV. */
export function writeWav(path: string, pcm: Int16Array, rate: number): void {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + pcm.byteLength, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(pcm.byteLength, 40);
  writeFileSync(path, Buffer.concat([h, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength)]));
}

const SCORER = `
import sys, json
sys.path.insert(0, sys.argv[1])
import metrics as m
res = []
for j in json.load(open(sys.argv[2])):
    rr, ref = m.read(j['ref'])
    rd, deg = m.read(j['deg'])
    n = min(len(ref), len(deg))
    ref, deg = ref[:n], deg[:n]
    lag = m.align(ref, deg, rr, max_ms=20)[2]
    res.append({'stoi': m.stoi(ref, deg, rr), 'lsd': m.lsd(ref, deg, rr), 'lag': lag})
print(json.dumps(res))
`;

/** One scoring job: reference and degraded WAV paths. */
export interface Job {
  ref: string;
  deg: string;
  key: string;
}

/** Scores every job in one python process (STOI, LSD, and the residual lag as a sanity check). */
export function score(dir: string, jobs: Job[]): { stoi: number; lsd: number; lag: number }[] {
  const list = join(dir, 'jobs.json');
  writeFileSync(list, JSON.stringify(jobs));
  const out = execFileSync('python3', ['-c', SCORER, METRICS_DIR, list], { maxBuffer: 1 << 24 });
  return JSON.parse(out.toString());
}

interface CodecCase {
  title: string;
  rate: number;
  make: () => AudioCodec;
  methods: string[];
}

const CASES: CodecCase[] = [
  {
    title: 'PCMU 8 kHz',
    rate: 8000,
    make: () => createPcmuCodec(),
    methods: ['silence', 'repeat', 'spandsp', 'pitch'],
  },
  {
    title: 'Opus 48 kHz (32 kbit/s)',
    rate: 48000,
    make: () => createOpusCodec({ sampleRateHz: 48000, channels: 1 }),
    methods: ['silence', 'repeat', 'pitch', 'codec'],
  },
];

/** Degraded audio of one method, or undefined when its peer is missing. */
function degrade(
  c: CodecCase,
  method: string,
  payloads: Uint8Array[],
  ref: Int16Array,
  mask: Uint8Array,
  dir: string,
  red: boolean,
): Int16Array | undefined {
  const frame = c.rate / 50;
  // Baselines get what RED gives any receiver: the frames rebuilt from a successor's redundancy.
  const residual = red ? redResidualMask(mask) : mask;
  switch (method) {
    case 'silence':
    case 'repeat':
      return baseline(c.make(), payloads, residual, frame, method === 'repeat');
    case 'spandsp': {
      const bin = spandsp();
      return bin === null ? undefined : runSpandsp(bin, dir, ref, residual, frame);
    }
    default:
      return throughPlayout(c.make(), payloads, mask, method as PlayoutConcealment, red);
  }
}

/** Runs every codec, loss pattern and method; returns one table per codec. */
export async function run(): Promise<BenchTable[]> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-plc-'));
  const tables: BenchTable[] = [];
  try {
    for (const c of CASES) {
      const jobs: Job[] = [];
      for (const s of SPEECH) {
        const src = pcm16Samples(readWav(join(MEDIA, `speech-${s}-${c.rate / 1000}k.wav`)));
        const payloads = encodeAll(c.make(), src, c.rate / 50);
        const ref = baseline(c.make(), payloads, undefined, c.rate / 50, false);
        const refPath = join(dir, `${s}-${c.rate}-ref.wav`);
        writeWav(refPath, ref, c.rate);
        LOSSES.forEach((loss, li) => {
          const mask = lossMask(payloads.length, loss, 1000 + li * 17 + s.charCodeAt(0));
          for (const red of [false, true]) {
            for (const method of c.methods) {
              const deg = degrade(c, method, payloads, ref, mask, dir, red);
              if (deg === undefined) continue;
              const degPath = join(dir, `${s}-${c.rate}-${li}-${red}-${method}.wav`);
              writeWav(degPath, deg.subarray(0, ref.length), c.rate);
              jobs.push({ ref: refPath, deg: degPath, key: `${li}|${red}|${method}` });
            }
          }
        });
      }
      const scores = score(dir, jobs);
      const sums = new Map<string, { stoi: number; lsd: number; n: number; lag: number }>();
      jobs.forEach((j, i) => {
        const a = sums.get(j.key) ?? { stoi: 0, lsd: 0, n: 0, lag: 0 };
        a.stoi += scores[i].stoi;
        a.lsd += scores[i].lsd;
        a.lag = Math.max(a.lag, Math.abs(scores[i].lag));
        a.n++;
        sums.set(j.key, a);
      });
      let maxLag = 0;
      const rows = LOSSES.flatMap((loss, li) =>
        [false, true].map((red) => [
          loss.name,
          red ? 'on' : 'off',
          ...c.methods.flatMap((m) => {
            const a = sums.get(`${li}|${red}|${m}`);
            if (a === undefined) return ['peer missing', 'peer missing'];
            maxLag = Math.max(maxLag, a.lag);
            return [fixed(a.stoi / a.n, 3), fixed(a.lsd / a.n, 2)];
          }),
        ]),
      );
      tables.push({
        title: `Concealment quality, ${c.title}, 20 ms packets (mean of speech-a/b/c)`,
        columns: ['loss', 'RED', ...c.methods.flatMap((m) => [`${m} STOI`, `${m} LSD dB`])],
        rows,
        notes: [
          'Against the loss-free decode; STOI higher is better, log-spectral distance lower is better.',
          'silence: lost frames zero; repeat: last received frame again; spandsp: plc_fillin/plc_rx (G.711 only);',
          "pitch: the Playout's Expand/Merge; codec: the Playout with concealment 'codec' (libopus PLC).",
          'RED on: the sender wraps each frame with RedEncoder (distance 1) and the Playout unpacks it',
          '(redPayloadType 63); the baselines get the frames any RED receiver rebuilds (lost, successor received).',
          'Playout runs at a steady arrival rate with time-stretch, gap jumps and merge shift off (one timeline).',
          `Largest residual lag found by metrics.align within ±20 ms: ${fixed(maxLag, 2)} ms (0 = aligned).`,
        ],
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (spandspBinary && existsSync(spandspBinary)) rmSync(spandspBinary, { force: true });
  }
  return tables;
}
