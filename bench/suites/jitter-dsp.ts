/**
 * Playout DSP (src/jitter/dsp): concealment quality of Expand against silence insertion and plain
 * packet repetition measured in the same run (SNR and log-spectral distance over holes cut at voiced
 * spots of the shared speech; STOI and LSD of metrics.py over the whole file when python3 with numpy
 * and scipy is present), and the speed of each operation as multiples of real time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../../src/audio/index.js';
import {
  BackgroundNoiseEstimator,
  ComfortNoiseGenerator,
  Expand,
  TimeStretch,
} from '../../src/jitter/dsp/index.js';
import { snrDb } from '../../tests/helpers/signal.js';
import { logSpectralDistanceDb, readSpeech, voicedHoles } from '../../tests/jitter/dsp/fixtures.js';
import { type BenchTable, fixed, measureRate } from '../lib.js';

const METRICS = join(process.cwd(), '..', 'shared', 'tools', 'quality', 'metrics.py');

function wav(samples: Float32Array, rate: number): Uint8Array {
  return encodeWav({ sampleRateHz: rate, channels: 1, samples, encoding: 'pcm16' });
}

function metric(command: string, ref: string, deg: string, key: string): number {
  const r = spawnSync('python3', [METRICS, command, '--no-align', ref, deg], { encoding: 'utf8' });
  if (r.status !== 0) return Number.NaN;
  try {
    return Number(JSON.parse(r.stdout)[key]);
  } catch {
    return Number.NaN;
  }
}

function quality(): BenchTable {
  const rows: (string | number)[][] = [];
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-dsp-'));
  try {
    for (const name of ['speech-a-8k.wav', 'speech-a-16k.wav', 'speech-b-16k.wav']) {
      const { samples, sampleRateHz: rate } = readSpeech(name);
      const tenMs = rate / 100;
      const refPath = join(dir, 'ref.wav');
      writeFileSync(refPath, wav(samples, rate));
      for (const holeMs of [20, 40, 60]) {
        const hole = (holeMs * rate) / 1000;
        const starts = voicedHoles(samples, rate, holeMs);
        const ways: Record<string, Float32Array> = {
          expand: samples.slice(),
          silence: samples.slice(),
          repetition: samples.slice(),
        };
        const expand = new Expand(rate);
        for (const pos of starts) {
          expand.start(samples, pos - 6 * tenMs, pos);
          for (let o = 0; o < hole; o += tenMs) expand.conceal(ways.expand, pos + o, tenMs);
          for (let i = 0; i < hole; i++) {
            ways.silence[pos + i] = 0;
            ways.repetition[pos + i] = samples[pos - 2 * tenMs + (i % (2 * tenMs))];
          }
        }
        const regions = starts.map((s): [number, number] => [s, s + hole]);
        const pick = (x: Float32Array) => regions.flatMap(([a, b]) => Array.from(x.subarray(a, b)));
        for (const [way, x] of Object.entries(ways)) {
          const degPath = join(dir, `${way}.wav`);
          writeFileSync(degPath, wav(x, rate));
          rows.push([
            name,
            `${holeMs} ms × ${starts.length}`,
            way,
            fixed(snrDb(pick(samples), pick(x))),
            fixed(logSpectralDistanceDb(samples, x, rate, regions)),
            fixed(metric('stoi', refPath, degPath, 'stoi'), 3),
          ]);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    title: 'Expand (PLC) vs silence insertion vs 20 ms packet repetition, same holes',
    columns: ['file', 'holes', 'way', 'SNR in holes (dB)', 'LSD in holes (dB)', 'STOI (whole file)'],
    rows,
    notes: [
      'Holes at voiced, loud spots ≥250 ms apart. SNR/LSD in holes: higher/lower is better.',
      'STOI from ../shared/tools/quality/metrics.py (NaN when python3/numpy/scipy are missing).',
    ],
  };
}

function speed(): BenchTable {
  const rows: (string | number)[][] = [];
  for (const rate of [8000, 16000, 48000]) {
    const { samples } = readSpeech(`speech-a-${rate / 1000}k.wav`);
    const tenMs = rate / 100;
    const frame = new Float32Array(tenMs);
    const expand = new Expand(rate);
    const history = samples.subarray(rate, rate + 6 * tenMs);
    let n = 0;
    const concealRate = measureRate(() => {
      if (n++ % 10 === 0) expand.start(history);
      expand.conceal(frame);
    }, 1);
    const silenceRate = measureRate(() => frame.fill(0), 1);
    const stretch = new TimeStretch(rate);
    const input = samples.subarray(rate, rate + 3 * tenMs);
    const out = new Float32Array(5 * tenMs);
    const accelerateRate = measureRate(() => stretch.accelerate(input, out), 1);
    const noise = new BackgroundNoiseEstimator(rate);
    let offset = 0;
    const estimateRate = measureRate(() => {
      noise.update(samples, offset, tenMs);
      offset = (offset + tenMs) % (samples.length - tenMs);
    }, 1);
    const cng = new ComfortNoiseGenerator(rate);
    cng.setParameters(-50, [-0.5, 0.2, 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0], 12);
    const cngRate = measureRate(() => cng.generate(frame), 1);
    const realtime = (framesPerSecond: number, msPerFrame = 10) =>
      fixed((framesPerSecond * msPerFrame) / 1000, 0);
    rows.push([
      rate,
      realtime(concealRate),
      realtime(accelerateRate, 30),
      realtime(estimateRate),
      realtime(cngRate),
      realtime(silenceRate),
    ]);
  }
  return {
    title: 'Playout DSP speed, × real time (one core)',
    columns: [
      'rate (Hz)',
      'expand 10 ms',
      'accelerate 30 ms',
      'noise estimate 10 ms',
      'CNG 10 ms',
      'peer: fill(0) 10 ms',
    ],
    rows,
    notes: ['Expand includes a start() (pitch + LPC analysis) every 10th frame, as after each 100 ms loss.'],
  };
}

export async function run(): Promise<BenchTable[]> {
  return [quality(), speed()];
}
