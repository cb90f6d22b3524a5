/**
 * CPU of each capture stage (EchoCanceller, DelayEstimator, NoiseSuppressor, Vad) and of the whole
 * AudioProcessor chain at 16 and 48 kHz, per second of audio, beside speexdsp (echo canceller +
 * preprocessor) and WebRTC APM 0.3 on the same files in the same run (C harnesses in bench/anchors,
 * built here; "peer missing" when a library is absent). Anchor figures are process CPU minus a run
 * with every stage off (start-up and file reading). Material: tests/aec/material.ts, far end
 * speech a+c through a 300 ms room with 40 ms device delay, near-end speech b from 4 s, −50 dBFS
 * noise. Also: 48 kHz sessions processed at 48 kHz vs decimated to 16 kHz (src/audio Resampler) and
 * interpolated back, with ERLE and near-end segmental SNR.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DelayEstimator, EchoCanceller, NoiseSuppressor, Vad } from '../../src/aec/index.js';
import { AudioProcessor } from '../../src/aec/processor.js';
import { RateAdapter } from '../../src/aec/rate-adapter.js';
import type { ResamplerFilterConfig } from '../../src/audio/index.js';
import { type EchoScenario, echoScenario, erle, segSnrDb, speechAt } from '../../tests/aec/material.js';
import { type BenchTable, compileAnchor, fixed } from '../lib.js';

function material(rate: 16000 | 48000): EchoScenario {
  const far = new Float32Array([...speechAt('a', rate), ...speechAt('c', rate)]);
  return echoScenario({
    far,
    room: { sampleRateHz: rate, rt60Ms: 300, seed: 7 },
    near: speechAt('b', rate),
    nearStartS: 4,
    noiseDbfs: -50,
    deviceDelayMs: 40,
    seed: 5,
  });
}

/** Least CPU seconds of three runs of `fn` over the material (after one warm-up run). */
function cpuSeconds(fn: () => void): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return best;
}

function frames(sc: EchoScenario, each: (far: Int16Array, mic: Int16Array) => void): void {
  const n = sc.sampleRateHz / 100;
  for (let i = 0; i + n <= sc.mic.length; i += n) each(sc.far.subarray(i, i + n), sc.mic.subarray(i, i + n));
}

/** The 48 kHz chain's rate conversion alone: far and mic down to 16 kHz, the mic back up. */
function adapterRun(sc: EchoScenario, filter?: ResamplerFilterConfig): void {
  const adapter = filter ? new RateAdapter(48000, 16000, filter, filter) : new RateAdapter(48000, 16000);
  const inner = new Int16Array(160);
  const out = new Int16Array(480);
  frames(sc, (far, mic) => {
    adapter.downReference(far, inner);
    adapter.downCapture(mic, inner);
    adapter.up(inner, out);
  });
}

/** Our stages: a fresh object per run so each run starts from the same state. */
function ourStages(sc: EchoScenario): [string, number][] {
  const rate = sc.sampleRateHz;
  const out = new Int16Array(rate / 100);
  return [
    [
      'echo canceller',
      cpuSeconds(() => {
        const ec = new EchoCanceller({ sampleRateHz: rate });
        ec.setDelayMs(40);
        frames(sc, (far, mic) => {
          ec.pushReference(far);
          ec.process(mic, out);
        });
      }),
    ],
    [
      'delay estimator',
      cpuSeconds(() => {
        const de = new DelayEstimator({ sampleRateHz: rate });
        frames(sc, (far, mic) => de.process(far, mic));
      }),
    ],
    [
      'noise suppressor',
      cpuSeconds(() => {
        const ns = new NoiseSuppressor({ sampleRateHz: rate });
        frames(sc, (_, mic) => ns.process(mic, out));
      }),
    ],
    [
      'vad',
      cpuSeconds(() => {
        const vad = new Vad({ sampleRateHz: rate, frameMs: 10 });
        frames(sc, (_, mic) => vad.process(mic));
      }),
    ],
    ...(rate === 48000
      ? ([
          ['rate adapter 48<->16 kHz (2 decimators + interpolator)', cpuSeconds(() => adapterRun(sc))],
          ['rate adapter with the Resampler default filter (before)', cpuSeconds(() => adapterRun(sc, {}))],
          [
            'whole chain, full band (processingRateHz 48000)',
            cpuSeconds(() => {
              const ap = new AudioProcessor({ sampleRateHz: rate, processingRateHz: 48000 });
              frames(sc, (far, mic) => {
                ap.processReference(far);
                ap.processCapture(mic, out);
              });
            }),
          ],
        ] as [string, number][])
      : []),
    [
      rate === 48000 ? 'whole chain (AudioProcessor, default: at 16 kHz)' : 'whole chain (AudioProcessor)',
      cpuSeconds(() => {
        const ap = new AudioProcessor({ sampleRateHz: rate, aec: true, ns: true, vad: true });
        frames(sc, (far, mic) => {
          ap.processReference(far);
          ap.processCapture(mic, out);
        });
      }),
    ],
  ];
}

/** Anchor CPU seconds for `stages` minus its run with no stage (least of three each), or null. */
function anchorSeconds(exe: string | null, rate: number, stages: string, dir: string): number | null {
  if (!exe) return null;
  const once = (s: string): number | null => {
    let best: number | null = null;
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(exe, [String(rate), s, join(dir, 'far.raw'), join(dir, 'mic.raw')], {
        encoding: 'utf8',
      });
      const m = /cpu_seconds ([\d.]+)/.exec(r.stderr ?? '');
      if (r.status !== 0 || !m) return null;
      best = best === null ? Number(m[1]) : Math.min(best, Number(m[1]));
    }
    return best;
  };
  const base = once('none');
  const total = once(stages);
  return base === null || total === null ? null : Math.max(0, total - base);
}

function cpuTable(dir: string): BenchTable {
  const speex = compileAnchor(dir, 'speexdsp-chain.c', 'gcc', 'speexdsp');
  const apm = compileAnchor(dir, 'webrtc-apm-chain.cc', 'g++', 'webrtc-audio-processing');
  const rows: (string | number)[][] = [];
  const peerStages: Record<string, string> = {
    'echo canceller': 'aec',
    'noise suppressor': 'ns',
    vad: 'vad',
    'whole chain (AudioProcessor)': 'aec,ns,vad',
    'whole chain, full band (processingRateHz 48000)': 'aec,ns,vad',
    'whole chain (AudioProcessor, default: at 16 kHz)': 'aec,ns,vad',
  };
  for (const rate of [16000, 48000] as const) {
    const sc = material(rate);
    const seconds = sc.mic.length / rate;
    writeFileSync(join(dir, 'far.raw'), new Uint8Array(sc.far.buffer, sc.far.byteOffset, sc.far.byteLength));
    writeFileSync(join(dir, 'mic.raw'), new Uint8Array(sc.mic.buffer, sc.mic.byteOffset, sc.mic.byteLength));
    const share = (cpu: number | null): string =>
      cpu === null ? 'peer missing' : `${fixed((100 * cpu) / seconds, 2)} %`;
    for (const [stage, cpu] of ourStages(sc)) {
      const peer = peerStages[stage];
      rows.push([
        `${rate / 1000} kHz`,
        stage,
        fixed((1000 * cpu) / seconds, 2),
        share(cpu),
        peer ? share(anchorSeconds(speex, rate, peer, dir)) : 'n/a',
        peer ? share(anchorSeconds(apm, rate, peer, dir)) : 'n/a',
      ]);
    }
  }
  return {
    title: 'Capture chain CPU per stage (one core; % = CPU time / audio time)',
    columns: ['rate', 'stage', 'voxwire ms/s', 'voxwire', 'speexdsp', 'WebRTC APM 0.3'],
    rows,
    notes: [
      'voxwire: least process.cpuUsage of 3 runs over 10.7 s of material, after a warm-up run.',
      'anchors: process CPU with the stage(s) on minus with all off, least of 3; speexdsp "ns"/"vad" =',
      'its preprocessor with denoise/VAD on, "aec" = echo canceller (rate/4 tail) + its residual',
      'suppressor; APM has no separate delay estimator (it is inside its AEC).',
    ],
  };
}

/** 48 kHz chain at 48 kHz vs through 16 kHz (decimate, process, interpolate): CPU, ERLE, near-end SNR. */
function bandTable(): BenchTable {
  const sc = material(48000);
  const seconds = sc.mic.length / 48000;
  const rows: (string | number)[][] = [];
  for (const mode of ['full band 48 kHz', 'decimated to 16 kHz'] as const) {
    let out = new Int16Array(sc.mic.length);
    let lag = 0;
    const run = (): void => {
      out = new Int16Array(sc.mic.length);
      const ap = new AudioProcessor({
        sampleRateHz: 48000,
        processingRateHz: mode === 'full band 48 kHz' ? 48000 : 16000,
        aec: true,
        ns: false,
        vad: false,
      });
      let at = 0;
      frames(sc, (far, mic) => {
        ap.processReference(far);
        ap.processCapture(mic, out.subarray(at, at + 480));
        at += 480;
      });
      lag = ap.resamplingDelaySamples + ((ap.ec?.latencySamples ?? 0) * 48000) / ap.processingRateHz;
    };
    const cpu = cpuSeconds(run);
    const aligned = new Int16Array(out.length);
    aligned.set(out.subarray(lag));
    const e = erle(sc.mic, aligned, sc.far, 48000, sc.nearClean, 0, 4);
    const nearOnly = Float32Array.from(sc.nearClean);
    rows.push([
      mode,
      `${fixed((100 * cpu) / seconds, 2)} %`,
      fixed(e.erleDbSteady, 1),
      e.secondsTo20Db === null ? 'never' : fixed(e.secondsTo20Db, 1),
      fixed(segSnrDb(nearOnly, aligned, 48000, 4), 1),
    ]);
  }
  return {
    title: '48 kHz session: full band vs processing at 16 kHz (AEC only, same material)',
    columns: ['mode', 'CPU (one core)', 'ERLE steady dB (0-4 s)', 's to 20 dB', 'near seg. SNR dB (4 s on)'],
    rows,
    notes: [
      'AudioProcessor processingRateHz 48000 vs 16000 (src/audio Resampler 48->16 kHz on far and mic, 16->48 kHz);',
      'the band above 8 kHz is dropped (speech carries little there; echo there is removed with it).',
    ],
  };
}

/** DelayEstimator on material.ts diffuse rooms: 10 seeds × 5 delays per rate, error after 4 s. */
function delayTable(): BenchTable {
  const rows: (string | number)[][] = [];
  for (const rate of [8000, 16000, 48000] as const) {
    const far = new Float32Array([...speechAt('a', rate), ...speechAt('c', rate)]);
    const near = speechAt('b', rate);
    let within = 0;
    let cases = 0;
    const errors: number[] = [];
    let cpu = 0;
    let count = 0;
    for (let seed = 1; seed <= 10; seed++) {
      for (const deviceDelayMs of [0, 40, 120, 250, 498]) {
        const sc = echoScenario({
          far,
          room: { sampleRateHz: rate, rt60Ms: 300, directDelayMs: 2, seed: seed * 7 },
          near,
          nearStartS: 4,
          clipDrive: seed % 2 ? 2 : undefined,
          noiseDbfs: -60,
          deviceDelayMs,
          seed: seed * 13,
        });
        const onsetMs =
          ((Math.round((deviceDelayMs * rate) / 1000) + Math.round((2 * rate) / 1000)) * 1000) / rate;
        const de = new DelayEstimator({ sampleRateHz: rate });
        let worst = 0;
        const start = process.cpuUsage();
        let i = 0;
        frames(sc, (f, m) => {
          de.process(f, m);
          if (i++ >= 400)
            worst = Math.max(worst, de.delayMs === undefined ? 999 : Math.abs(de.delayMs - onsetMs));
        });
        const used = process.cpuUsage(start);
        cpu += used.user + used.system;
        count += i;
        cases++;
        if (worst <= 2) within++;
        errors.push(worst);
      }
    }
    errors.sort((x, y) => x - y);
    rows.push([
      `${rate / 1000} kHz`,
      `${within} / ${cases}`,
      fixed(errors[Math.floor(errors.length / 2)], 2),
      errors[errors.length - 1] >= 999 ? 'none published' : fixed(errors[errors.length - 1], 2),
      fixed(cpu / count, 1),
    ]);
  }
  return {
    title: 'DelayEstimator onset accuracy (diffuse rooms, RT60 300 ms, double talk from 4 s)',
    columns: [
      'rate',
      'runs within 2 ms after 4 s',
      'median worst |err| ms',
      'max worst |err| ms',
      'µs CPU per frame',
    ],
    rows,
    notes: ['device delay 0/40/120/250/498 ms + 2 ms direct path, seeds 1-10, soft clip on odd seeds.'],
  };
}

/** Runs the suite. */
/**
 * The rate adapter's filter against the Resampler default it replaced: AEC-only 48 kHz chain via
 * 16 kHz over rooms 7–14 (same material as above otherwise), mean ERLE and near-end segmental SNR.
 */
function adapterQualityTable(): BenchTable {
  const far = new Float32Array([...speechAt('a', 48000), ...speechAt('c', 48000)]);
  const rows: (string | number)[][] = [];
  const results: Record<string, { erle: number[]; snr: number[] }> = {
    now: { erle: [], snr: [] },
    before: { erle: [], snr: [] },
  };
  for (let seed = 7; seed <= 14; seed++) {
    const sc = echoScenario({
      far,
      room: { sampleRateHz: 48000, rt60Ms: 300, seed },
      near: speechAt('b', 48000),
      nearStartS: 4,
      noiseDbfs: -50,
      deviceDelayMs: 40,
      seed: seed - 2,
    });
    for (const which of ['now', 'before'] as const) {
      const ap = new AudioProcessor({ sampleRateHz: 48000, aec: true, ns: false, vad: false });
      if (which === 'before') {
        // Bench-only swap of the private adapter for one with the Resampler's default filter.
        const inner = ap as unknown as { adapter: RateAdapter; resamplingDelaySamples: number };
        inner.adapter = new RateAdapter(48000, 16000, {}, {});
        inner.resamplingDelaySamples = inner.adapter.delaySamples;
      }
      const out = new Int16Array(sc.mic.length);
      let at = 0;
      frames(sc, (f, mic) => {
        ap.processReference(f);
        ap.processCapture(mic, out.subarray(at, at + 480));
        at += 480;
      });
      const lag = ap.resamplingDelaySamples + 3 * (ap.ec?.latencySamples ?? 0);
      const aligned = new Int16Array(out.length);
      aligned.set(out.subarray(lag));
      results[which].erle.push(erle(sc.mic, aligned, sc.far, 48000, sc.nearClean, 0, 4).erleDbSteady);
      results[which].snr.push(segSnrDb(Float32Array.from(sc.nearClean), aligned, 48000, 4));
    }
  }
  const stats = (v: number[]): string => {
    const mean = v.reduce((a, x) => a + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1));
    return `${fixed(mean, 2)} ± ${fixed(sd, 2)}`;
  };
  for (const which of ['now', 'before'] as const) {
    const delay = which === 'now' ? new RateAdapter(48000, 16000) : new RateAdapter(48000, 16000, {}, {});
    rows.push([
      which === 'now' ? 'rate adapter filter (90/80 dB, 0.9-1.1)' : 'Resampler default (100 dB, 0.9-1.0)',
      delay.delaySamples,
      stats(results[which].erle),
      stats(results[which].snr),
    ]);
  }
  return {
    title: '48 kHz via 16 kHz: rate adapter filter vs the Resampler default (AEC only, rooms 7-14)',
    columns: [
      'filter',
      'delay (48 kHz samples)',
      'ERLE steady dB (mean ± sd)',
      'near seg. SNR dB (mean ± sd)',
    ],
    rows,
    notes: [
      'sd is the spread between rooms; the mean moves with the resampling delay more than with the filter.',
    ],
  };
}

export async function run(): Promise<BenchTable[]> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-bench-processor-'));
  try {
    return [delayTable(), cpuTable(dir), bandTable(), adapterQualityTable()];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
