/**
 * VAD test material and reference labels, made from the shared clean speech.
 *
 * Labels: a 10 ms frame of the clean speech is speech when its level is within LABEL_RANGE_DB of the
 * file's active speech level (the mean level of its loudest 50 % of frames) and above −60 dBFS; gaps
 * of up to LABEL_BRIDGE_MS between speech frames are filled, as a human labeller marks a phrase and
 * not each syllable. Noisy material: 1 s of noise alone, then the speech, then 0.5 s of noise, with
 * the noise scaled so that active speech power / noise power = the SNR asked for.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Resampler, readWav } from '../../src/audio/index.js';
import { pinkFromWhite } from '../helpers/noise.js';
import { mediaPath } from '../helpers/peers.js';
import { prng } from '../helpers/random.js';

/** Frames whose level is this far below the active speech level are not speech. */
export const LABEL_RANGE_DB = 30;
/** Gaps between speech frames up to this long are labelled speech. */
export const LABEL_BRIDGE_MS = 100;
/** Noise alone before the speech, ms. */
export const LEAD_MS = 1000;
/** Noise alone after the speech, ms. */
export const TAIL_MS = 500;

/** Noise kinds the material offers. */
export type NoiseKind = 'white' | 'pink' | 'babble';

/** Gaussian noise, unit variance (Box–Muller on {@link prng}). */
export function gaussian(samples: number, seed: number): Float32Array {
  const rand = prng(seed);
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const phi = 2 * Math.PI * rand();
    out[i] = r * Math.cos(phi);
    if (i + 1 < samples) out[i + 1] = r * Math.sin(phi);
  }
  return out;
}

/**
 * Noise of a kind: white (Gaussian), pink (Kellet's filter on white, −3 dB/octave) or babble-like
 * (six overlapping talkers from the other shared files, summed with random offsets and looped: its
 * long-term spectrum is speech's but it keeps some modulation).
 */
export function noise(kind: NoiseKind, samples: number, sampleRateHz: number, seed: number): Float32Array {
  if (kind === 'white') return gaussian(samples, seed);
  if (kind === 'pink') return pinkFromWhite(gaussian(samples, seed));
  const rand = prng(seed);
  const out = new Float32Array(samples);
  const talkers = ['a', 'b', 'c', 'a', 'b', 'c'];
  for (const t of talkers) {
    const s = cleanSpeech(t, sampleRateHz);
    const offset = Math.floor(rand() * s.length);
    const gain = 0.7 + 0.6 * rand();
    for (let i = 0; i < samples; i++) out[i] += gain * s[(i + offset) % s.length];
  }
  return out;
}

const cache = new Map<string, Float32Array>();

/** The clean shared speech `speech-<talker>-<rate>.wav` as Float32 (full scale 1.0). */
export function cleanSpeech(talker: string, sampleRateHz: number): Float32Array {
  const key = `${talker}-${sampleRateHz}`;
  let s = cache.get(key);
  if (s === undefined) {
    // No 32 kHz files are shared: 32 kHz material is the 16 kHz file resampled (band-limited to 8 kHz).
    const fileRate = sampleRateHz === 32000 ? 16000 : sampleRateHz;
    s = readWav(readFileSync(mediaPath(`speech-${talker}-${fileRate / 1000}k.wav`))).samples;
    if (fileRate !== sampleRateHz) s = resample(s, fileRate, sampleRateHz);
    cache.set(key, s);
  }
  return s;
}

function resample(x: Float32Array, inputRateHz: number, outputRateHz: number): Float32Array {
  const r = new Resampler({ inputRateHz, outputRateHz });
  const head = r.process(x);
  const tail = r.flush();
  const all = new Float32Array(head.length + tail.length);
  all.set(head);
  all.set(tail, head.length);
  return all.slice(r.delaySamples, r.delaySamples + (x.length * outputRateHz) / inputRateHz);
}

/** Speech labels per 10 ms frame of `clean` (see the file comment for the rule). */
export function labels(clean: Float32Array, sampleRateHz: number): boolean[] {
  const block = sampleRateHz / 100;
  const frames = Math.floor(clean.length / block);
  const db: number[] = [];
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let i = f * block; i < (f + 1) * block; i++) sum += clean[i] * clean[i];
    db.push(10 * Math.log10(sum / block + 1e-20));
  }
  const sorted = [...db].sort((a, b) => b - a);
  const loud = sorted.slice(0, Math.max(1, Math.floor(frames / 2)));
  const active = 10 * Math.log10(loud.reduce((s, v) => s + 10 ** (v / 10), 0) / loud.length);
  const threshold = Math.max(-60, active - LABEL_RANGE_DB);
  const out = db.map((v) => v > threshold);
  const bridge = LABEL_BRIDGE_MS / 10;
  let last = -1;
  for (let f = 0; f < frames; f++) {
    if (!out[f]) continue;
    if (last >= 0 && f - last - 1 <= bridge) for (let g = last + 1; g < f; g++) out[g] = true;
    last = f;
  }
  return out;
}

/** Power of `x` over the frames labelled speech. */
function activePower(x: Float32Array, speech: boolean[], block: number): number {
  let sum = 0;
  let n = 0;
  speech.forEach((on, f) => {
    if (!on) return;
    for (let i = f * block; i < (f + 1) * block; i++) sum += x[i] * x[i];
    n += block;
  });
  return sum / Math.max(1, n);
}

/** Noisy material with its labels per 10 ms frame. */
export interface VadMaterial {
  /** Speech plus noise, Int16 mono. */
  samples: Int16Array;
  /** One label per 10 ms frame of `samples`. */
  labels: boolean[];
  sampleRateHz: number;
}

/**
 * Speech of `talker` with `kind` noise at `snrDb` (active speech power over noise power; Infinity =
 * no noise), with LEAD_MS of noise before and TAIL_MS after.
 */
export function vadMaterial(
  talker: string,
  sampleRateHz: number,
  kind: NoiseKind,
  snrDb: number,
  seed = 1,
): VadMaterial {
  const clean = cleanSpeech(talker, sampleRateHz);
  const block = sampleRateHz / 100;
  const lead = (LEAD_MS / 10) * block;
  const total = lead + Math.floor(clean.length / block) * block + (TAIL_MS / 10) * block;
  const speechLabels = labels(clean, sampleRateHz);
  const all = [
    ...new Array<boolean>(LEAD_MS / 10).fill(false),
    ...speechLabels,
    ...new Array<boolean>(TAIL_MS / 10).fill(false),
  ];
  const n = noise(kind, total, sampleRateHz, seed);
  let noisePower = 0;
  for (let i = 0; i < total; i++) noisePower += n[i] * n[i];
  noisePower /= total;
  const gain = Number.isFinite(snrDb)
    ? Math.sqrt(activePower(clean, speechLabels, block) / 10 ** (snrDb / 10) / noisePower)
    : 0;
  const samples = new Int16Array(total);
  for (let i = 0; i < total; i++) {
    const s = i >= lead && i - lead < clean.length ? clean[i - lead] : 0;
    const v = Math.round((s + gain * n[i]) * 32768);
    samples[i] = Math.max(-32768, Math.min(32767, v));
  }
  return { samples, labels: all, sampleRateHz };
}

/** Decisions per 10 ms: a frame of `frameMs` gives its decision to each of its 10 ms slots. */
export function runVad(
  process: (frame: Int16Array) => boolean,
  material: VadMaterial,
  frameMs: number,
): boolean[] {
  const frameSamples = (material.sampleRateHz / 1000) * frameMs;
  const out: boolean[] = [];
  for (let o = 0; o + frameSamples <= material.samples.length; o += frameSamples) {
    const d = process(material.samples.subarray(o, o + frameSamples));
    for (let k = 0; k < frameMs / 10; k++) out.push(d);
  }
  return out;
}

/** Accuracy, false-alarm and miss rates, as metrics.py `vad` computes them. */
export function score(
  truth: boolean[],
  decisions: boolean[],
): { accuracy: number; falseAlarmRate: number; missRate: number } {
  const n = Math.min(truth.length, decisions.length);
  let agree = 0;
  let fa = 0;
  let miss = 0;
  let speech = 0;
  for (let i = 0; i < n; i++) {
    if (truth[i] === decisions[i]) agree++;
    if (truth[i]) speech++;
    if (decisions[i] && !truth[i]) fa++;
    if (truth[i] && !decisions[i]) miss++;
  }
  return {
    accuracy: agree / n,
    falseAlarmRate: fa / Math.max(1, n - speech),
    missRate: miss / Math.max(1, speech),
  };
}

/** Writes per-10 ms booleans as metrics.py `start_ms,end_ms,is_speech` rows. */
export function writeLabelsCsv(path: string, values: boolean[]): void {
  const rows = ['start_ms,end_ms,is_speech'];
  for (let i = 0; i < values.length; i++) rows.push(`${i * 10},${(i + 1) * 10},${values[i] ? 1 : 0}`);
  writeFileSync(path, `${rows.join('\n')}\n`);
}
