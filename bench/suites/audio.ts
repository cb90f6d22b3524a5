/**
 * Audio primitives: resampler throughput and quality, beside SoX (`rate` default = high quality,
 * and `rate -v`) measured in the same run on the same signals.
 *
 * Throughput: voxwire runs 10 ms mono frames (the pipeline's shape) through one `Resampler` with a
 * reused output buffer; SoX converts VOXWIRE_BENCH_AUDIO_S seconds (default 300) of raw Float32 noise
 * file to file, best of three runs, timed around the whole process (start-up and file I/O included,
 * which the long file makes small). Figures are input samples per second.
 * Quality: a 1 kHz sine (amplitude 0.5, 1 s) through 48k → 16k → 48k, SNR against the input after
 * removing the total delay (voxwire: its exact `delaySamples`; SoX compensates its own delay; both are
 * also checked by correlation), 100 ms edges ignored; and a 7 kHz sine 48k → 8k, attenuation = input
 * power / output power.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resampler, type ResamplerFilterConfig } from '../../src/audio/index.js';
import { alignedCorrelation, sine, snrDb } from '../../tests/helpers/signal.js';
import { type BenchTable, fixed, measureRate } from '../lib.js';

type Converter = (input: Float32Array, inputRateHz: number, outputRateHz: number) => Float32Array;

const CONVERSIONS: [number, number][] = [
  [48000, 16000],
  [16000, 48000],
  [44100, 48000],
  [48000, 8000],
];

/** A lighter filter a latency- or CPU-bound user may pick: shown to price the default. */
const LIGHT_FILTER: ResamplerFilterConfig = { stopbandEdge: 1.1, stopbandAttenuationDb: 80 };

function voxwireConverter(filter?: ResamplerFilterConfig): Converter {
  return (input, inputRateHz, outputRateHz) => voxwireConvert(input, inputRateHz, outputRateHz, filter);
}

function voxwireConvert(
  input: Float32Array,
  inputRateHz: number,
  outputRateHz: number,
  filter?: ResamplerFilterConfig,
): Float32Array {
  const r = new Resampler({ inputRateHz, outputRateHz, filter });
  const head = r.process(input);
  const tail = r.flush();
  const all = new Float32Array(head.length + tail.length);
  all.set(head);
  all.set(tail, head.length);
  return all.subarray(
    r.delaySamples,
    r.delaySamples + Math.ceil((input.length * outputRateHz) / inputRateHz),
  );
}

function soxAvailable(): boolean {
  return spawnSync('sox', ['--version'], { stdio: 'ignore' }).error === undefined;
}

function soxArgs(
  inPath: string,
  outPath: string,
  inRate: number,
  outRate: number,
  extra: string[],
): string[] {
  const raw = (rate: number): string[] => [
    '-t',
    'raw',
    '-e',
    'floating-point',
    '-b',
    '32',
    '-r',
    String(rate),
    '-c',
    '1',
  ];
  return [...raw(inRate), inPath, ...raw(outRate), outPath, 'rate', ...extra];
}

function soxConverter(dir: string, extra: string[]): Converter {
  return (input, inputRateHz, outputRateHz) => {
    const inPath = join(dir, 'q-in.raw');
    const outPath = join(dir, 'q-out.raw');
    writeFileSync(inPath, new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
    const result = spawnSync('sox', soxArgs(inPath, outPath, inputRateHz, outputRateHz, extra));
    if (result.status !== 0) throw new Error(`sox failed: ${result.stderr}`);
    const bytes = readFileSync(outPath);
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
  };
}

/** SNR of 48k → 16k → 48k on a 1 kHz sine and the residual lag found by correlation. */
function roundTrip(convert: Converter, delay48k: number): { snrDb: number; lag: number } {
  const input = sine(1000, 48000, 48000, 0.5);
  const output = convert(convert(input, 48000, 16000), 16000, 48000);
  const edge = 4800;
  const ref = input.subarray(edge, input.length - edge);
  const deg = output.subarray(edge + delay48k, input.length - edge + delay48k);
  // A 1 kHz sine repeats every 48 samples: search ±20 around the expected alignment (0 = exact).
  const { lag } = alignedCorrelation(ref, deg, 20);
  return { snrDb: snrDb(ref, deg), lag };
}

function power(x: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i] * x[i];
  return sum / (to - from);
}

function aliasAttenuationDb(convert: Converter): number {
  const input = sine(7000, 48000, 48000, 0.5);
  const output = convert(input, 48000, 8000);
  return 10 * Math.log10(power(input, 0, input.length) / power(output, 800, output.length - 800));
}

function voxwireRate(inputRateHz: number, outputRateHz: number, filter?: ResamplerFilterConfig): number {
  const r = new Resampler({ inputRateHz, outputRateHz, filter });
  const frame = new Float32Array(inputRateHz / 100);
  frame.set(sine(440, inputRateHz, frame.length, 0.5));
  const out = new Float32Array(r.maxOutputLengthFor(frame.length));
  // Best of three, like the SoX figure: on a shared machine the best run is the least disturbed.
  let best = 0;
  for (let run = 0; run < 3; run++)
    best = Math.max(
      best,
      measureRate(() => r.process(frame, out), frame.length, 400),
    );
  return best;
}

function soxRate(dir: string, seconds: number, inRate: number, outRate: number, extra: string[]): number {
  const inPath = join(dir, `t-${inRate}.raw`);
  const outPath = join(dir, 't-out.raw');
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const result = spawnSync('sox', soxArgs(inPath, outPath, inRate, outRate, extra));
    const elapsedMs = performance.now() - start;
    if (result.status !== 0) throw new Error(`sox failed: ${result.stderr}`);
    best = Math.min(best, elapsedMs);
  }
  return (seconds * inRate) / (best / 1000);
}

function writeNoise(path: string, samples: number): void {
  let seed = 12345;
  const data = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    data[i] = (seed / 4294967296 - 0.5) * 0.5;
  }
  writeFileSync(path, new Uint8Array(data.buffer));
}

/** SoX computes in 32-bit integers: its output can be exactly 0, i.e. below about −187 dBFS. */
function formatAttenuation(db: number): string {
  return Number.isFinite(db) ? fixed(db, 1) : '> 180 (output all 0)';
}

const mhz = (rate: number): string => `${fixed(rate / 1e6)}`;

export async function run(): Promise<BenchTable[]> {
  const seconds = Number(process.env.VOXWIRE_BENCH_AUDIO_S ?? 300);
  const haveSox = soxAvailable();
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-bench-audio-'));
  try {
    if (haveSox)
      for (const rate of new Set(CONVERSIONS.map(([from]) => from)))
        writeNoise(join(dir, `t-${rate}.raw`), seconds * rate);
    const speedRows = CONVERSIONS.map(([from, to]) => {
      const ours = voxwireRate(from, to);
      const light = voxwireRate(from, to, LIGHT_FILTER);
      const soxHq = haveSox ? soxRate(dir, seconds, from, to, []) : Number.NaN;
      const soxVhq = haveSox ? soxRate(dir, seconds, from, to, ['-v']) : Number.NaN;
      const ratio = (value: number): string => (haveSox ? fixed(value) : 'n/a');
      return [
        `${from / 1000}k → ${to / 1000}k`,
        mhz(ours),
        fixed(ours / from, 0),
        mhz(light),
        haveSox ? mhz(soxHq) : 'n/a',
        haveSox ? mhz(soxVhq) : 'n/a',
        ratio(ours / soxHq),
        ratio(ours / soxVhq),
      ];
    });

    const converters: [string, Converter][] = [
      ['voxwire', voxwireConverter()],
      ['voxwire light', voxwireConverter(LIGHT_FILTER)],
    ];
    if (haveSox) {
      converters.push(['sox rate', soxConverter(dir, [])], ['sox rate -v', soxConverter(dir, ['-v'])]);
    }
    const trips = converters.map(([, c]) => roundTrip(c, 0));
    const alias = converters.map(([, c]) => aliasAttenuationDb(c));
    const roundTripDelayMs = (filter?: ResamplerFilterConfig): string => {
      const down = new Resampler({ inputRateHz: 48000, outputRateHz: 16000, filter });
      const up = new Resampler({ inputRateHz: 16000, outputRateHz: 48000, filter });
      return fixed((down.delaySamples * 3 + up.delaySamples) / 48);
    };
    return [
      {
        title: 'Resampler throughput, mono Float32 (input Msamples/s; voxwire beside SoX, same run)',
        columns: [
          'conversion',
          'voxwire',
          '× realtime',
          'voxwire light',
          'sox rate',
          'sox rate -v',
          'vs sox',
          'vs sox -v',
        ],
        rows: speedRows,
        notes: [
          'voxwire: 10 ms frames through one Resampler into a reused buffer (no allocation per call), best of 3.',
          `voxwire light: filter ${JSON.stringify(LIGHT_FILTER)} (transition band straddles Nyquist).`,
          `sox: ${seconds} s raw f32 file to file, best of 3, process start-up and I/O included.`,
          'Set VOXWIRE_BENCH_AUDIO_S to change the SoX file length.',
        ],
      },
      {
        title: 'Resampler quality (voxwire beside SoX, same signals)',
        columns: ['measure', ...converters.map(([name]) => name)],
        rows: [
          ['48k→16k→48k 1 kHz sine SNR (dB)', ...trips.map((t) => fixed(t.snrDb, 1))],
          ['  residual lag after delay removal (samples)', ...trips.map((t) => t.lag)],
          ['7 kHz tone 48k→8k attenuation (dB)', ...alias.map(formatAttenuation)],
          [
            '48k→16k→48k streaming delay (ms)',
            roundTripDelayMs(),
            roundTripDelayMs(LIGHT_FILTER),
            ...converters.slice(2).map(() => 'offline'),
          ],
        ],
        notes: [
          'Targets: round-trip SNR ≥ 60 dB, alias attenuation ≥ 60 dB.',
          'voxwire default filter: passband to 0.9 of the lower Nyquist, 100 dB stopband starting at that Nyquist.',
          'SoX removes its own filter delay offline; a streaming resampler cannot, so voxwire reports delaySamples.',
        ],
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
