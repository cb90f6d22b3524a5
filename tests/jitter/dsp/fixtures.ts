/** Test helpers for the dsp tests: speech from the shared media, hole scenarios and spectral distance. */
import { readFileSync } from 'node:fs';
import { readWav } from '../../../src/audio/index.js';
import { mediaPath } from '../../helpers/peers.js';

/** Reads a mono WAV from ../shared/media as Float32 (full scale ±1). */
export function readSpeech(name: string): { samples: Float32Array; sampleRateHz: number } {
  const { samples, sampleRateHz } = readWav(readFileSync(mediaPath(name)));
  return { samples, sampleRateHz };
}

/** Mean square of x[start .. end). */
export function meanSquare(x: ArrayLike<number>, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i] * x[i];
  return end > start ? sum / (end - start) : 0;
}

/** In-place radix-2 FFT of (re, im); length a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/**
 * Log-spectral distance (dB) of `deg` against `ref`, as metrics.py computes it (32 ms Hann frames,
 * 50% hop, frames within 40 dB of the loudest), restricted to frames that overlap one of `regions`
 * ([start, end) sample pairs) so unaffected audio does not dilute the figure.
 */
export function logSpectralDistanceDb(
  ref: Float32Array,
  deg: Float32Array,
  sampleRateHz: number,
  regions: [number, number][],
): number {
  const frame = sampleRateHz === 8000 ? 256 : sampleRateHz === 16000 ? 512 : 1536;
  const size = 2 ** Math.ceil(Math.log2(frame));
  const hop = frame / 2;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const spectra: { r: Float64Array; d: Float64Array; total: number }[] = [];
  const power = (x: Float32Array, start: number): Float64Array => {
    re.fill(0);
    im.fill(0);
    for (let n = 0; n < frame; n++) re[n] = x[start + n] * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / frame));
    fft(re, im);
    const p = new Float64Array(size / 2 + 1);
    for (let k = 0; k <= size / 2; k++) p[k] = re[k] * re[k] + im[k] * im[k] + 1e-10;
    return p;
  };
  let loudest = 0;
  for (let start = 0; start + frame <= ref.length; start += hop) {
    if (!regions.some(([a, b]) => start < b && start + frame > a)) continue;
    const r = power(ref, start);
    const total = r.reduce((x, y) => x + y, 0);
    loudest = Math.max(loudest, total);
    spectra.push({ r, d: power(deg, start), total });
  }
  let sum = 0;
  let count = 0;
  for (const { r, d, total } of spectra) {
    if (total < loudest * 1e-4) continue;
    let acc = 0;
    for (let k = 0; k < r.length; k++) acc += (10 * Math.log10(r[k] / d[k])) ** 2;
    sum += Math.sqrt(acc / r.length);
    count++;
  }
  return count > 0 ? sum / count : 0;
}

/**
 * Voicing of x just before `end` measured independently of the code under test: the highest
 * normalised correlation of the last 20 ms with itself 2.5–16 ms earlier, exhaustively at full rate.
 */
export function voicingBefore(x: Float32Array, end: number, sampleRateHz: number): number {
  const window = Math.round(sampleRateHz / 50);
  let best = 0;
  for (let lag = Math.round(sampleRateHz / 400); lag <= Math.round(sampleRateHz * 0.016); lag++) {
    let dot = 0;
    let ea = 0;
    let eb = 0;
    for (let i = end - window; i < end; i++) {
      dot += x[i] * x[i - lag];
      ea += x[i] * x[i];
      eb += x[i - lag] * x[i - lag];
    }
    const c = ea > 0 && eb > 0 ? dot / Math.sqrt(ea * eb) : 0;
    if (c > best) best = c;
  }
  return best;
}

/**
 * Where holes go: inside voiced speech (per {@link voicingBefore} ≥ 0.8 both before the hole and
 * 20 ms after its end) and loud (≥ −30 dBFS), at least `gapMs` apart.
 */
export function voicedHoles(x: Float32Array, sampleRateHz: number, holeMs: number, gapMs = 250): number[] {
  const hole = (holeMs * sampleRateHz) / 1000;
  const history = Math.round(0.06 * sampleRateHz);
  const starts: number[] = [];
  const step = sampleRateHz / 100;
  for (let pos = history; pos + hole + step < x.length; pos += step) {
    if (starts.length > 0 && pos - starts[starts.length - 1] < (gapMs * sampleRateHz) / 1000) continue;
    if (meanSquare(x, pos - step, pos + hole) < 1e-3) continue;
    if (pos + hole + 2 * step > x.length) break;
    if (voicingBefore(x, pos, sampleRateHz) < 0.8) continue;
    if (voicingBefore(x, pos + hole + 2 * step, sampleRateHz) < 0.8) continue;
    starts.push(pos);
  }
  return starts;
}
