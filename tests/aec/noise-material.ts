/**
 * Noisy-speech material for the noise suppressor's tests and benchmark: shared speech plus seeded
 * white, pink or level-changing pink noise mixed at a chosen SNR, and the scoring helpers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWavFile, writeWavFile } from '../../src/audio/index.js';
import { pinkFromWhite } from '../helpers/noise.js';
import { mediaPath, repoRoot } from '../helpers/peers.js';
import { prng } from '../helpers/random.js';

/** Kinds of noise the material is made with. */
export type NoiseKind = 'white' | 'pink' | 'nonstationary';

/** Noise-only lead-in before the speech, in seconds (the estimator's first look at the noise). */
export const LEAD_IN_S = 1;

/** One mixed clip: clean speech, noise and their sum, Float32 full scale 1. */
export interface NoisyClip {
  sampleRateHz: number;
  clean: Float32Array;
  noise: Float32Array;
  noisy: Float32Array;
}

/** Shared speech (clips a then b, 13.5 s) at `sampleRateHz` (8000, 16000 or 48000) with a silent lead-in. */
export async function loadSpeech(sampleRateHz: number): Promise<Float32Array> {
  const tag = `${sampleRateHz / 1000}k`;
  const a = (await readWavFile(mediaPath(`speech-a-${tag}.wav`))).samples;
  const b = (await readWavFile(mediaPath(`speech-b-${tag}.wav`))).samples;
  const lead = Math.round(LEAD_IN_S * sampleRateHz);
  const out = new Float32Array(lead + a.length + b.length);
  out.set(a, lead);
  out.set(b, lead + a.length);
  return out;
}

function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** Seeded noise of `kind`, unit-ish power (scaled later). */
export function makeNoise(kind: NoiseKind, length: number, sampleRateHz: number, seed = 1): Float32Array {
  const g = gaussian(prng(seed));
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = g();
  if (kind === 'white') return out;
  pinkFromWhite(out, out);
  if (kind === 'nonstationary') {
    // The level steps between −6 and +6 dB every 2 s (50 ms ramps), a crowd or a passing vehicle.
    const step = 2 * sampleRateHz;
    const ramp = 0.05 * sampleRateHz;
    for (let i = 0; i < length; i++) {
      const seg = Math.floor(i / step);
      const target = seg % 2 === 0 ? -6 : 6;
      const previous = seg % 2 === 0 ? 6 : -6;
      const t = Math.min(1, (i - seg * step) / ramp);
      const db = seg === 0 ? target : previous + (target - previous) * t;
      out[i] *= 10 ** (db / 20);
    }
  }
  return out;
}

function power(x: Float32Array, from = 0): number {
  let s = 0;
  for (let i = from; i < x.length; i++) s += x[i] * x[i];
  return s / Math.max(1, x.length - from);
}

/** Mixes speech and noise at `snrDb` (speech power over the speech part, noise over the same span). */
export function mix(
  clean: Float32Array,
  kind: NoiseKind,
  snrDb: number,
  sampleRateHz: number,
  seed = 1,
): NoisyClip {
  const raw = makeNoise(kind, clean.length, sampleRateHz, seed);
  const lead = Math.round(LEAD_IN_S * sampleRateHz);
  const scale = Math.sqrt(power(clean, lead) / power(raw, lead) / 10 ** (snrDb / 10));
  const noise = new Float32Array(clean.length);
  const noisy = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) {
    noise[i] = raw[i] * scale;
    noisy[i] = Math.max(-1, Math.min(32767 / 32768, clean[i] + noise[i]));
  }
  return { sampleRateHz, clean, noise, noisy };
}

/** Float32 → Int16 (rounded, saturated). */
export function toInt16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768)));
  return out;
}

/** Runs `processFrame` over `input` in 10 ms frames and returns the output advanced by `delaySamples`. */
export function runFrames(
  input: Int16Array,
  sampleRateHz: number,
  delaySamples: number,
  processFrame: (frame: Int16Array, out: Int16Array) => void,
): Float32Array {
  const n = sampleRateHz / 100;
  const frames = Math.ceil((input.length + delaySamples) / n);
  const padded = new Int16Array(frames * n);
  padded.set(input);
  const out = new Int16Array(frames * n);
  for (let f = 0; f < frames; f++) {
    processFrame(padded.subarray(f * n, (f + 1) * n), out.subarray(f * n, (f + 1) * n));
  }
  const aligned = new Float32Array(input.length);
  for (let i = 0; i < input.length; i++) aligned[i] = out[i + delaySamples] / 32768;
  return aligned;
}

/** SNR in dB of `estimate` against `clean` after the lead-in (error = estimate − clean). */
export function snrAfterLeadIn(clean: Float32Array, estimate: Float32Array, sampleRateHz: number): number {
  const lead = Math.round(LEAD_IN_S * sampleRateHz);
  let signal = 0;
  let error = 0;
  for (let i = lead; i < clean.length; i++) {
    signal += clean[i] * clean[i];
    const e = estimate[i] - clean[i];
    error += e * e;
  }
  return 10 * Math.log10(signal / Math.max(error, 1e-20));
}

/** Path of the shared quality metrics script. */
export const METRICS_PY = join(repoRoot, '..', 'shared', 'tools', 'quality', 'metrics.py');

/** STOI of `degraded` against `clean` (both after the lead-in) through metrics.py; NaN when it fails. */
export async function stoi(
  clean: Float32Array,
  degraded: Float32Array,
  sampleRateHz: number,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-ns-'));
  try {
    const lead = Math.round(LEAD_IN_S * sampleRateHz);
    const ref = join(dir, 'ref.wav');
    const deg = join(dir, 'deg.wav');
    await writeWavFile(ref, {
      sampleRateHz,
      channels: 1,
      encoding: 'float32',
      samples: clean.subarray(lead),
    });
    await writeWavFile(deg, {
      sampleRateHz,
      channels: 1,
      encoding: 'float32',
      samples: degraded.subarray(lead),
    });
    const run = spawnSync('python3', [METRICS_PY, 'stoi', ref, deg, '--no-align'], { encoding: 'utf8' });
    const parsed = JSON.parse(run.stdout || '{}') as Record<string, number>;
    return typeof parsed.stoi === 'number' ? parsed.stoi : Number.NaN;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
