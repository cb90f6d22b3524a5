/**
 * Real FFT speed: src/aec/fft.ts RealFft against fft.js (realTransform, the half spectrum it fills)
 * measured in the same run, transforms per second for the sizes the audio stages use.
 */
import { createRequire } from 'node:module';
import { RealFft } from '../../src/aec/fft.js';
import { type BenchTable, fixed, measureRate } from '../lib.js';

/** The part of fft.js (untyped CommonJS) used here. */
interface FftJs {
  createComplexArray(): number[];
  realTransform(out: number[], input: ArrayLike<number>): void;
  completeSpectrum(spectrum: number[]): void;
  inverseTransform(out: number[], input: number[]): void;
}
const FFT = createRequire(import.meta.url)('fft.js') as new (size: number) => FftJs;

export async function run(): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  for (const size of [64, 128, 256, 512, 1024]) {
    const input = new Float32Array(size).map((_, i) => Math.sin(i * 0.37) + 0.1 * Math.cos(i * 1.7));
    const ours = new RealFft(size);
    const re = new Float32Array(size / 2 + 1);
    const im = new Float32Array(size / 2 + 1);
    const back = new Float32Array(size);
    const peer = new FFT(size);
    const peerOut = peer.createComplexArray();
    const peerIn = Array.from(input);
    const peerBack = peer.createComplexArray();
    const oursForward = measureRate(() => ours.forward(input, re, im), 1);
    const peerForward = measureRate(() => peer.realTransform(peerOut, peerIn), 1);
    const oursRound = measureRate(() => {
      ours.forward(input, re, im);
      ours.inverse(re, im, back);
    }, 1);
    const peerRound = measureRate(() => {
      peer.realTransform(peerOut, peerIn);
      peer.completeSpectrum(peerOut);
      peer.inverseTransform(peerBack, peerOut);
    }, 1);
    rows.push([
      size,
      fixed(oursForward / 1e6, 3),
      fixed(peerForward / 1e6, 3),
      fixed(oursForward / peerForward, 2),
      fixed(oursRound / 1e6, 3),
      fixed(peerRound / 1e6, 3),
    ]);
  }
  return [
    {
      title: 'Real FFT: voxwire RealFft vs fft.js (millions of transforms per second)',
      columns: ['size', 'ours fwd', 'fft.js fwd', 'ours/fft.js', 'ours fwd+inv', 'fft.js fwd+complete+inv'],
      rows,
      notes: ['fft.js inverse has no real-input form: it needs completeSpectrum and a complex inverse.'],
    },
  ];
}
