/**
 * Noise suppression: SNR gain and STOI (../shared/tools/quality/metrics.py) of speech (clips a+b,
 * 13.5 s, after a 1 s noise lead-in) in white, pink and level-changing pink noise at 0/5/10 dB SNR,
 * for the noisy input, voxwire's NoiseSuppressor ('moderate') and speexdsp's preprocessor denoiser
 * (anchor, bench/anchors/speexdsp-ns.c, built with gcc at run time) on the same material in the same
 * run; plus CPU per second of audio. SNR gain = SNR(out vs clean) − SNR(in vs clean) after alignment,
 * so speech distortion counts against it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoiseSuppressor } from '../../src/aec/index.js';
import {
  LEAD_IN_S,
  loadSpeech,
  mix,
  type NoiseKind,
  runFrames,
  snrAfterLeadIn,
  stoi,
  toInt16,
} from '../../tests/aec/noise-material.js';
import { repoRoot } from '../../tests/helpers/peers.js';
import { alignedCorrelation } from '../../tests/helpers/signal.js';
import { type BenchTable, fixed, measureRate } from '../lib.js';

function buildSpeex(): string | undefined {
  const bin = join(mkdtempSync(join(tmpdir(), 'voxwire-bench-ns-')), 'speexdsp-ns');
  const src = join(repoRoot, 'bench', 'anchors', 'speexdsp-ns.c');
  const r = spawnSync('gcc', ['-O2', '-o', bin, src, '-lspeexdsp'], { stdio: 'ignore' });
  return r.status === 0 ? bin : undefined;
}

function speex(bin: string, input: Int16Array, rate: number): Float32Array {
  const r = spawnSync(bin, [String(rate)], {
    input: Buffer.from(input.buffer, input.byteOffset, input.byteLength),
  });
  const raw = new Int16Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength >> 1);
  const out = new Float32Array(input.length);
  for (let i = 0; i < raw.length && i < out.length; i++) out[i] = raw[i] / 32768;
  return out;
}

/** Removes a processing delay found by correlation against the clean speech (speexdsp's is not published). */
function align(clean: Float32Array, out: Float32Array, rate: number): Float32Array {
  const from = LEAD_IN_S * rate;
  const { lag } = alignedCorrelation(
    clean.subarray(from, from + 2 * rate),
    out.subarray(from, from + 2 * rate),
    rate / 50,
  );
  const shifted = new Float32Array(out.length);
  for (let i = 0; i < out.length; i++) shifted[i] = out[i + lag] ?? 0;
  return shifted;
}

/** Runs the suite. */
export async function run(): Promise<BenchTable[]> {
  const rate = 16000;
  const clean = await loadSpeech(rate);
  const bin = buildSpeex();
  const rows: (string | number)[][] = [];
  for (const kind of ['white', 'pink', 'nonstationary'] as NoiseKind[]) {
    for (const snr of [0, 5, 10]) {
      const clip = mix(clean, kind, snr, rate);
      const input = toInt16(clip.noisy);
      const ns = new NoiseSuppressor({ sampleRateHz: rate });
      const ours = runFrames(input, rate, ns.delaySamples, (f, o) => ns.process(f, o));
      const theirs = bin ? align(clean, speex(bin, input, rate), rate) : undefined;
      const snrIn = snrAfterLeadIn(clean, clip.noisy, rate);
      const [stoiIn, stoiOurs, stoiTheirs] = await Promise.all([
        stoi(clean, clip.noisy, rate),
        stoi(clean, ours, rate),
        theirs ? stoi(clean, theirs, rate) : Promise.resolve(Number.NaN),
      ]);
      rows.push([
        kind,
        snr,
        fixed(snrAfterLeadIn(clean, ours, rate) - snrIn, 1),
        theirs ? fixed(snrAfterLeadIn(clean, theirs, rate) - snrIn, 1) : 'peer missing',
        fixed(stoiIn, 3),
        fixed(stoiOurs, 3),
        theirs ? fixed(stoiTheirs, 3) : 'peer missing',
      ]);
    }
  }
  const cpu: (string | number)[][] = [];
  for (const r of [16000, 48000]) {
    const n = r / 100;
    const ns = new NoiseSuppressor({ sampleRateHz: r });
    const frame = toInt16((await loadSpeech(r)).subarray(r, r + n));
    const out = new Int16Array(n);
    const framesPerS = measureRate(() => ns.process(frame, out), 1);
    cpu.push([r, fixed((100 / framesPerS) * 100, 3)]);
  }
  return [
    {
      title: 'Noise suppression (16 kHz): SNR gain (dB) and STOI, voxwire beside speexdsp',
      columns: [
        'noise',
        'SNR in',
        'gain voxwire',
        'gain speexdsp',
        'STOI in',
        'STOI voxwire',
        'STOI speexdsp',
      ],
      rows,
      notes: ['voxwire level moderate (12 dB floor); speexdsp preprocess denoise, default −15 dB'],
    },
    {
      title: 'Noise suppressor CPU',
      columns: ['rate Hz', '% of one core'],
      rows: cpu,
      notes: ['100 frames of 10 ms per second of audio; one core, under whatever load the machine has'],
    },
  ];
}
