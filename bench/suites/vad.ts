/**
 * Voice activity detection: accuracy, false-alarm and miss rates of voxwire's `Vad` per mode and SNR,
 * beside WebRTC APM 0.3 VoiceDetection (webrtcvad; likelihood high/moderate/low/very-low = modes 0–3)
 * and the speexdsp preprocessor's VAD (one setting), all on the same material in the same run: the
 * three shared talkers with white, pink and babble-like noise at 20/10/5 dB SNR, 1 s of noise before
 * and 0.5 s after, labels from the clean speech (tests/aec/vad-labels.ts), 10 ms frames, scored per
 * 10 ms as metrics.py `vad` does. Also CPU per 10 ms frame of the VAD and of the DelayEstimator
 * (whose analysis runs every 24th frame: the figure is the average). The anchor is a C++ harness
 * (bench/anchors/webrtc-vad.cc) built with g++ at run time; without the Debian -dev packages its
 * columns read "peer missing".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DelayEstimator } from '../../src/aec/delay-estimator.js';
import { Vad, type VadMode } from '../../src/aec/vad.js';
import { type NoiseKind, runVad, score, type VadMaterial, vadMaterial } from '../../tests/aec/vad-labels.js';
import { type BenchTable, fixed, measureRate } from '../lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const MODES: VadMode[] = [0, 1, 2, 3];
const TALKERS = ['a', 'b', 'c'];

/** Builds the anchor; returns its path or undefined when a library or g++ is missing. */
function buildAnchor(): string | undefined {
  const flags = spawnSync('pkg-config', ['--cflags', '--libs', 'webrtc-audio-processing', 'speexdsp']);
  if (flags.status !== 0) return undefined;
  const exe = join(mkdtempSync(join(tmpdir(), 'voxwire-vad-')), 'webrtc-vad');
  const args = ['-O2', '-o', exe, join(here, '..', 'anchors', 'webrtc-vad.cc')];
  const built = spawnSync('g++', [...args, ...flags.stdout.toString().trim().split(/\s+/)]);
  return built.status === 0 ? exe : undefined;
}

/** Per-10 ms decisions of the anchor: [APM mode 0..3, speexdsp]. */
function anchorDecisions(exe: string, m: VadMaterial): boolean[][] | undefined {
  const input = Buffer.from(m.samples.buffer, m.samples.byteOffset, m.samples.byteLength);
  const run = spawnSync(exe, [String(m.sampleRateHz)], { input, maxBuffer: 1 << 26 });
  if (run.status !== 0) return undefined;
  const lines = run.stdout.toString().trim().split('\n');
  return [0, 1, 2, 3, 4].map((c) => lines.map((line) => line[c] === '1'));
}

type Score = ReturnType<typeof score>;
const mean = (xs: Score[]): Score => ({
  accuracy: xs.reduce((s, x) => s + x.accuracy, 0) / xs.length,
  falseAlarmRate: xs.reduce((s, x) => s + x.falseAlarmRate, 0) / xs.length,
  missRate: xs.reduce((s, x) => s + x.missRate, 0) / xs.length,
});
const cell = (s: Score | undefined): string =>
  s === undefined
    ? 'peer missing'
    : `${fixed(100 * s.accuracy, 1)} / ${fixed(100 * s.falseAlarmRate, 1)} / ${fixed(100 * s.missRate, 1)}`;

function accuracyTable(rate: number, exe: string | undefined): BenchTable {
  const rows: (string | number)[][] = [];
  for (const kind of ['white', 'pink', 'babble'] as NoiseKind[]) {
    for (const snr of [20, 10, 5]) {
      const ours: Score[][] = MODES.map(() => []);
      const apm: Score[][] = MODES.map(() => []);
      const speex: Score[] = [];
      let peer = exe !== undefined;
      for (const t of TALKERS) {
        const m = vadMaterial(t, rate, kind, snr);
        for (const mode of MODES) {
          const vad = new Vad({ mode, sampleRateHz: rate });
          ours[mode].push(
            score(
              m.labels,
              runVad((f) => vad.process(f), m, 10),
            ),
          );
        }
        const anchor = exe === undefined ? undefined : anchorDecisions(exe, m);
        if (anchor === undefined) peer = false;
        else {
          for (const mode of MODES) apm[mode].push(score(m.labels, anchor[mode]));
          speex.push(score(m.labels, anchor[4]));
        }
      }
      for (const mode of MODES) {
        rows.push([
          kind,
          snr,
          mode,
          cell(mean(ours[mode])),
          cell(peer ? mean(apm[mode]) : undefined),
          mode === 0 ? cell(peer ? mean(speex) : undefined) : '',
        ]);
      }
    }
  }
  return {
    title: `VAD accuracy / false alarms / misses, % (${rate / 1000} kHz, 10 ms frames, mean of 3 talkers)`,
    columns: ['noise', 'SNR dB', 'mode', 'voxwire', 'WebRTC APM 0.3', 'speexdsp (one setting)'],
    rows,
    notes: [
      'Labels: clean-speech 10 ms frames within 30 dB of the active level, gaps ≤ 100 ms bridged.',
      'APM likelihood high/moderate/low/very-low = webrtcvad modes 0/1/2/3.',
    ],
  };
}

function cpuTable(): BenchTable {
  const rows: (string | number)[][] = [];
  for (const rate of [16000, 48000]) {
    const m = vadMaterial('a', rate, 'pink', 10);
    const vad = new Vad({ sampleRateHz: rate });
    const n = rate / 100;
    const frames = Math.floor(m.samples.length / n);
    let f = 0;
    const perSecond = measureRate(() => {
      vad.process(m.samples.subarray(f * n, (f + 1) * n));
      f = (f + 1) % frames;
    }, 1);
    // perSecond frames of 10 ms processed per wall second → CPU share of one core for real time.
    rows.push(['Vad mode 2', rate, fixed(1e6 / perSecond, 2), fixed((100 * 100) / perSecond, 3)]);
    const est = new DelayEstimator({ sampleRateHz: rate });
    const near = m.samples.slice().reverse();
    const estPerSecond = measureRate(() => {
      est.process(m.samples.subarray(f * n, (f + 1) * n), near.subarray(f * n, (f + 1) * n));
      f = (f + 1) % frames;
    }, 1);
    rows.push(['DelayEstimator', rate, fixed(1e6 / estPerSecond, 2), fixed((100 * 100) / estPerSecond, 3)]);
  }
  return {
    title: 'CPU of the VAD and the bulk delay estimator (voxwire)',
    columns: ['stage', 'rate Hz', 'µs per 10 ms frame', '% of one core in real time'],
    rows,
  };
}

/** Runs the suite. */
export async function run(): Promise<BenchTable[]> {
  const exe = buildAnchor();
  return [accuracyTable(16000, exe), accuracyTable(48000, exe), cpuTable()];
}
