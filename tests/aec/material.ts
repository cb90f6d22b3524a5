/**
 * Echo-cancellation test material made from the shared speech: far-end speech through synthetic room
 * impulse responses (exponentially decaying seeded noise for a chosen RT60), an optional soft-clip
 * loudspeaker non-linearity, near-end speech for double talk and white noise. Reusable by the delay
 * estimator, VAD and noise-suppressor tests and by the benchmarks.
 */
import { readFileSync } from 'node:fs';
import { RealFft } from '../../src/aec/fft.js';
import { readWav } from '../../src/audio/index.js';
import { mediaPath } from '../helpers/peers.js';
import { prng } from '../helpers/random.js';

/** Speech file at 16 kHz from ../shared/media, as Float32 in int16 scale (±32768). */
export function speech16k(letter: 'a' | 'b' | 'c'): Float32Array {
  const wav = readWav(readFileSync(mediaPath(`speech-${letter}-16k.wav`)));
  const out = new Float32Array(wav.samples.length / wav.channels);
  for (let i = 0; i < out.length; i++) out[i] = wav.samples[i * wav.channels] * 32768;
  return out;
}

/** Speech file at 8, 16 or 48 kHz from ../shared/media, as Float32 in int16 scale (±32768). */
export function speechAt(letter: 'a' | 'b' | 'c', sampleRateHz: 8000 | 16000 | 48000): Float32Array {
  const wav = readWav(readFileSync(mediaPath(`speech-${letter}-${sampleRateHz / 1000}k.wav`)));
  const out = new Float32Array(wav.samples.length / wav.channels);
  for (let i = 0; i < out.length; i++) out[i] = wav.samples[i * wav.channels] * 32768;
  return out;
}

/** Options of {@link roomImpulseResponse}. */
export interface RoomOptions {
  sampleRateHz: number;
  /** Reverberation time (60 dB decay) in ms. */
  rt60Ms: number;
  /** Length of the response in ms (default min(rt60Ms, 240)). */
  lengthMs?: number;
  /** Delay of the direct path in ms (default 2). */
  directDelayMs?: number;
  /** Echo path gain: energy of the response (default 0.25, echo 6 dB below the far end). */
  gain?: number;
  seed: number;
}

/** A synthetic room impulse response: a direct tap followed by exponentially decaying noise. */
export function roomImpulseResponse(o: RoomOptions): Float32Array {
  const rate = o.sampleRateHz;
  const length = Math.round(((o.lengthMs ?? Math.min(o.rt60Ms, 240)) * rate) / 1000);
  const direct = Math.round(((o.directDelayMs ?? 2) * rate) / 1000);
  const random = prng(o.seed);
  const h = new Float32Array(length);
  const decayPerSample = Math.log(1000) / ((o.rt60Ms * rate) / 1000);
  for (let i = direct; i < length; i++) {
    const gauss = Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    h[i] = gauss * Math.exp(-decayPerSample * (i - direct));
  }
  h[direct] += 3;
  let energy = 0;
  for (const v of h) energy += v * v;
  const scale = Math.sqrt((o.gain ?? 0.25) / energy);
  for (let i = 0; i < length; i++) h[i] *= scale;
  return h;
}

/** Convolution of `x` with `h` (FFT overlap-add), same length as `x`. */
export function convolve(x: Float32Array, h: Float32Array): Float32Array {
  let size = 1024;
  while (size < 2 * h.length) size *= 2;
  const step = size - h.length + 1;
  const fft = new RealFft(size);
  const bins = size / 2 + 1;
  const hRe = new Float32Array(bins);
  const hIm = new Float32Array(bins);
  const frame = new Float32Array(size);
  frame.set(h);
  fft.forward(frame, hRe, hIm);
  const re = new Float32Array(bins);
  const im = new Float32Array(bins);
  const y = new Float32Array(x.length + size);
  for (let at = 0; at < x.length; at += step) {
    frame.fill(0);
    frame.set(x.subarray(at, Math.min(x.length, at + step)));
    fft.forward(frame, re, im);
    for (let f = 0; f < bins; f++) {
      const r = re[f] * hRe[f] - im[f] * hIm[f];
      im[f] = re[f] * hIm[f] + im[f] * hRe[f];
      re[f] = r;
    }
    fft.inverse(re, im, frame);
    for (let i = 0; i < size; i++) y[at + i] += frame[i];
  }
  return y.slice(0, x.length);
}

/** Soft clip of a loudspeaker driven near full scale: tanh with the given drive (int16 scale in/out). */
export function softClip(x: Float32Array, drive = 2): Float32Array {
  const y = new Float32Array(x.length);
  const k = drive / 32768;
  for (let i = 0; i < x.length; i++) y[i] = (Math.tanh(k * x[i]) / k) * 0.9;
  return y;
}

/** Options of {@link echoScenario}. */
export interface EchoScenarioOptions {
  far: Float32Array;
  room: RoomOptions;
  /** Second room used from `pathChangeAtS` on (echo-path change). */
  changedRoom?: RoomOptions;
  pathChangeAtS?: number;
  /** Near-end speech added from `nearStartS` (double talk). */
  near?: Float32Array;
  nearStartS?: number;
  /** Loudspeaker soft-clip drive (non-linearity); absent = linear. */
  clipDrive?: number;
  /** White noise level at the microphone in dBFS (default −85). */
  noiseDbfs?: number;
  /** Delay from played far end to the microphone in ms, added to the room's direct path (default 0). */
  deviceDelayMs?: number;
  seed: number;
}

/** Material for one run: int16 signals plus the clean parts for scoring. */
export interface EchoScenario {
  sampleRateHz: number;
  far: Int16Array;
  mic: Int16Array;
  echo: Float32Array;
  nearClean: Float32Array;
}

/** Builds far, mic = echo + near + noise, at the room's sample rate. */
export function echoScenario(o: EchoScenarioOptions): EchoScenario {
  const rate = o.room.sampleRateHz;
  const n = o.far.length;
  const played = o.clipDrive !== undefined ? softClip(o.far, o.clipDrive) : o.far;
  const delay = Math.round(((o.deviceDelayMs ?? 0) * rate) / 1000);
  const delayed = new Float32Array(n);
  delayed.set(played.subarray(0, n - delay), delay);
  let echo = convolve(delayed, roomImpulseResponse(o.room));
  if (o.changedRoom && o.pathChangeAtS !== undefined) {
    const second = convolve(delayed, roomImpulseResponse(o.changedRoom));
    const at = Math.round(o.pathChangeAtS * rate);
    echo = echo.slice();
    echo.set(second.subarray(at), at);
  }
  const nearClean = new Float32Array(n);
  if (o.near) {
    const start = Math.round((o.nearStartS ?? 0) * rate);
    nearClean.set(o.near.subarray(0, Math.max(0, n - start)), start);
  }
  const random = prng(o.seed ^ 0x5eed);
  const noiseRms = 32768 * 10 ** ((o.noiseDbfs ?? -85) / 20);
  const mic = new Int16Array(n);
  const far = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const noise = noiseRms * Math.sqrt(3) * (2 * random() - 1);
    mic[i] = clamp16(echo[i] + nearClean[i] + noise);
    far[i] = clamp16(o.far[i]);
  }
  return { sampleRateHz: rate, far, mic, echo, nearClean };
}

function clamp16(v: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(v)));
}

/** Result of {@link erle}: the same figures as metrics.py `erle`. */
export interface ErleResult {
  erleDbSteady: number;
  erleDbOverall: number;
  /** Seconds from the first far-active frame to the first frame ≥ 20 dB (null if never). */
  secondsTo20Db: number | null;
  /** Per 100 ms frame: ERLE in dB, or NaN when the frame is not usable (far silent or near active). */
  curve: number[];
}

/**
 * ERLE as metrics.py computes it (100 ms frames, far active above max·1e−3, near silent below
 * max·1e−3), over frames `[fromS, toS)`; steady = mean of the second half of the usable frames.
 */
export function erle(
  mic: ArrayLike<number>,
  out: ArrayLike<number>,
  far: ArrayLike<number>,
  rate: number,
  near?: ArrayLike<number>,
  fromS = 0,
  toS = Number.POSITIVE_INFINITY,
): ErleResult {
  const hop = rate / 10;
  const frames = Math.floor(Math.min(mic.length, out.length) / hop);
  const level = (s: ArrayLike<number>, f: number): number => {
    let sum = 0;
    for (let i = f * hop; i < (f + 1) * hop; i++) sum += s[i] * s[i];
    return sum / hop + 1e-12 * 32768 * 32768;
  };
  let farMax = 0;
  let nearMax = 0;
  for (let f = 0; f < frames; f++) {
    farMax = Math.max(farMax, level(far, f));
    if (near) nearMax = Math.max(nearMax, level(near, f));
  }
  const curve: number[] = [];
  let firstFar = -1;
  let t20: number | null = null;
  for (let f = 0; f < frames; f++) {
    const inRange = f * 0.1 >= fromS - 1e-9 && f * 0.1 < toS - 1e-9;
    const usable = inRange && level(far, f) > farMax * 1e-3 && (!near || level(near, f) <= nearMax * 1e-3);
    const value = 10 * Math.log10(level(mic, f) / level(out, f));
    curve.push(usable ? value : Number.NaN);
    if (usable && firstFar < 0) firstFar = f;
    if (usable && t20 === null && value >= 20) t20 = (f - firstFar) * 0.1;
  }
  const usable = curve.filter((v) => !Number.isNaN(v));
  const steady = usable.slice(Math.floor(usable.length / 2));
  const mean = (a: number[]): number => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : Number.NaN);
  return { erleDbSteady: mean(steady), erleDbOverall: mean(usable), secondsTo20Db: t20, curve };
}

/** Segmental SNR in dB of `out` against `ref` over 20 ms frames where `ref` is active, clamped to [−10, 35]. */
export function segSnrDb(ref: ArrayLike<number>, out: ArrayLike<number>, rate: number, fromS = 0): number {
  const hop = rate / 50;
  const values: number[] = [];
  let max = 0;
  const n = Math.min(ref.length, out.length);
  for (let s = 0; s + hop <= n; s += hop) {
    let e = 0;
    for (let i = s; i < s + hop; i++) e += ref[i] * ref[i];
    max = Math.max(max, e);
  }
  for (let s = Math.round(fromS * rate); s + hop <= n; s += hop) {
    let sig = 0;
    let err = 0;
    for (let i = s; i < s + hop; i++) {
      sig += ref[i] * ref[i];
      err += (ref[i] - out[i]) ** 2;
    }
    if (sig < max * 1e-3) continue;
    values.push(Math.max(-10, Math.min(35, 10 * Math.log10(sig / (err + 1e-9)))));
  }
  return values.reduce((a, v) => a + v, 0) / Math.max(1, values.length);
}
