/**
 * Echo cancellation (src/aec EchoCanceller) on material made by tests/aec/material.ts at 16 kHz,
 * scored by ../shared/tools/quality/metrics.py `erle` (steady ERLE, seconds to 20 dB) and segmental
 * SNR of the near end in double talk, beside speexdsp's echo canceller (alone and with its
 * preprocessor's residual suppression) and WebRTC APM 0.3, run on the same files in the same run
 * through the C harnesses in bench/anchors (compiled here; "peer missing" when a library is absent).
 * CPU is printed as percent of one core per second of audio (anchors: whole process time).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EchoCanceller } from '../../src/aec/echo-canceller.js';
import { encodeWav } from '../../src/audio/index.js';
import { type EchoScenario, echoScenario, segSnrDb, speech16k, speechAt } from '../../tests/aec/material.js';
import { type BenchTable, compileAnchor, fixed } from '../lib.js';

const RATE = 16000;
const METRICS = join(process.cwd(), '..', 'shared', 'tools', 'quality', 'metrics.py');

type Runner = (sc: EchoScenario, dir: string) => { out: Int16Array; seconds: number } | null;

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function ours(residualSuppression: boolean): Runner {
  return (sc) => {
    const ec = new EchoCanceller({ sampleRateHz: RATE, residualSuppression });
    const out = new Int16Array(sc.mic.length);
    const start = performance.now();
    for (let i = 0; i + 160 <= sc.mic.length; i += 160) {
      ec.pushReference(sc.far.subarray(i, i + 160));
      ec.process(sc.mic.subarray(i, i + 160), out.subarray(i, i + 160));
    }
    const seconds = (performance.now() - start) / 1000;
    const aligned = new Int16Array(out.length);
    aligned.set(out.subarray(ec.latencySamples));
    return { out: aligned, seconds };
  };
}

function anchor(exe: string | null, args: (sc: EchoScenario, dir: string) => string[]): Runner {
  return (sc, dir) => {
    if (!exe) return null;
    writeFileSync(join(dir, 'far.raw'), new Uint8Array(sc.far.buffer, sc.far.byteOffset, sc.far.byteLength));
    writeFileSync(join(dir, 'mic.raw'), new Uint8Array(sc.mic.buffer, sc.mic.byteOffset, sc.mic.byteLength));
    const start = performance.now();
    const r = spawnSync(exe, args(sc, dir));
    const seconds = (performance.now() - start) / 1000;
    if (r.status !== 0) return null;
    const bytes = readFileSync(join(dir, 'out.raw'));
    const out = new Int16Array(sc.mic.length);
    out.set(new Int16Array(bytes.buffer, bytes.byteOffset, Math.min(out.length, bytes.byteLength >> 1)));
    return { out, seconds };
  };
}

function erleMetrics(
  dir: string,
  sc: EchoScenario,
  out: Int16Array,
  near: boolean,
): Record<string, number | null> {
  const wav = (name: string, samples: Int16Array | Float32Array) => {
    const s = samples instanceof Int16Array ? samples : Int16Array.from(samples, (v) => Math.round(v));
    writeFileSync(
      join(dir, name),
      encodeWav({ sampleRateHz: RATE, channels: 1, samples: s, encoding: 'pcm16' }),
    );
    return join(dir, name);
  };
  const args = [
    METRICS,
    'erle',
    wav('mic.wav', sc.mic),
    wav('out.wav', out),
    '--far',
    wav('far.wav', sc.far),
  ];
  if (near) args.push('--near', wav('near.wav', sc.nearClean));
  const r = spawnSync('python3', args, { encoding: 'utf8' });
  if (r.status !== 0) return {};
  return JSON.parse(r.stdout);
}

/** CPU seconds our canceller spends on `sc` (best of three runs, after one warm-up run). */
function ourCpuSeconds(sc: EchoScenario, residualSuppression: boolean): number {
  const rate = sc.sampleRateHz;
  const f = rate / 100;
  const ec = new EchoCanceller({ sampleRateHz: rate, residualSuppression });
  const out = new Int16Array(f);
  const once = (): number => {
    ec.reset();
    const start = process.cpuUsage();
    for (let i = 0; i + f <= sc.mic.length; i += f) {
      ec.pushReference(sc.far.subarray(i, i + f));
      ec.process(sc.mic.subarray(i, i + f), out);
    }
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  once();
  return Math.min(once(), once(), once());
}

/** CPU seconds an anchor reports on stderr (`cpu_seconds N`, whole process), or null. */
function anchorCpuSeconds(exe: string | null, args: string[]): number | null {
  if (!exe) return null;
  const r = spawnSync(exe, args, { encoding: 'utf8' });
  const m = /cpu_seconds ([\d.]+)/.exec(r.stderr ?? '');
  return r.status === 0 && m ? Number(m[1]) : null;
}

/** ms of CPU per second of audio at 16 and 48 kHz, ours beside speexdsp and APM in the same run. */
function cpuTable(dir: string, speex: string | null, apm: string | null): BenchTable {
  const rows: (string | number)[][] = [];
  for (const rate of [16000, 48000] as const) {
    const far = concat((['a', 'b', 'c'] as const).map((l) => speechAt(l, rate)));
    const sc = echoScenario({ far, room: { sampleRateHz: rate, rt60Ms: 250, seed: 1 }, seed: 1 });
    const seconds = sc.mic.length / rate;
    writeFileSync(join(dir, 'far.raw'), new Uint8Array(sc.far.buffer, sc.far.byteOffset, sc.far.byteLength));
    writeFileSync(join(dir, 'mic.raw'), new Uint8Array(sc.mic.buffer, sc.mic.byteOffset, sc.mic.byteLength));
    const tail = String(rate / 4);
    const entries: [string, number | null][] = [
      ['voxwire linear', ourCpuSeconds(sc, false)],
      ['voxwire +suppression', ourCpuSeconds(sc, true)],
      ['speexdsp linear', anchorCpuSeconds(speex, [String(rate), tail, '0', ...files(dir)])],
      ['speexdsp +preprocess', anchorCpuSeconds(speex, [String(rate), tail, '1', ...files(dir)])],
      ['WebRTC APM 0.3', anchorCpuSeconds(apm, [String(rate), ...files(dir)])],
    ];
    for (const [who, cpu] of entries) {
      if (cpu === null) rows.push([`${rate / 1000} kHz`, who, 'peer missing', '']);
      else
        rows.push([
          `${rate / 1000} kHz`,
          who,
          fixed((1000 * cpu) / seconds, 1),
          fixed((100 * cpu) / seconds, 2),
        ]);
    }
  }
  return {
    title: 'Echo canceller CPU (250 ms tail, speech a+b+c through a room, one core)',
    columns: ['rate', 'canceller', 'ms CPU per s of audio', '% of a core'],
    rows,
    notes: [
      'Ours: process.cpuUsage around the frame loop, best of 3 runs. Anchors: clock() of the whole',
      'process (setup and file I/O included), so their figures are upper bounds.',
    ],
  };
}

export async function run(): Promise<BenchTable[]> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-aec-'));
  const rows: (string | number)[][] = [];
  let cpu: BenchTable;
  try {
    const speex = compileAnchor(dir, 'speexdsp-aec.c', 'gcc', 'speexdsp');
    const apm = compileAnchor(dir, 'webrtc-apm.cc', 'g++', 'webrtc-audio-processing');
    cpu = cpuTable(dir, speex, apm);
    const runners: [string, Runner][] = [
      ['voxwire linear', ours(false)],
      ['voxwire +suppression', ours(true)],
      ['speexdsp linear', anchor(speex, (_, d) => ['16000', '4000', '0', ...files(d)])],
      ['speexdsp +preprocess', anchor(speex, (_, d) => ['16000', '4000', '1', ...files(d)])],
      ['WebRTC APM 0.3', anchor(apm, (_, d) => ['16000', ...files(d)])],
    ];
    const far = concat((['a', 'b', 'c', 'a', 'b'] as const).map((l) => speech16k(l)));
    const cases: [string, EchoScenario][] = [];
    for (const seed of [1, 2]) {
      cases.push([
        `linear RT60 ${200 + 50 * seed} ms s${seed}`,
        echoScenario({ far, room: { sampleRateHz: RATE, rt60Ms: 200 + 50 * seed, seed }, seed }),
      ]);
    }
    cases.push([
      'soft-clip speaker',
      echoScenario({ far, room: { sampleRateHz: RATE, rt60Ms: 250, seed: 3 }, clipDrive: 2.5, seed: 3 }),
    ]);
    cases.push([
      'path change at 12 s',
      echoScenario({
        far,
        room: { sampleRateHz: RATE, rt60Ms: 250, seed: 4 },
        changedRoom: { sampleRateHz: RATE, rt60Ms: 300, seed: 104 },
        pathChangeAtS: 12,
        seed: 4,
      }),
    ]);
    cases.push([
      'double talk from 15 s',
      echoScenario({
        far,
        near: speech16k('c'),
        nearStartS: 15,
        room: { sampleRateHz: RATE, rt60Ms: 250, seed: 5 },
        seed: 5,
      }),
    ]);
    for (const [name, sc] of cases) {
      const seconds = sc.mic.length / RATE;
      for (const [who, runner] of runners) {
        const result = runner(sc, dir);
        if (!result) {
          rows.push([name, who, 'peer missing', '', '', '']);
          continue;
        }
        const doubleTalk = name.startsWith('double');
        const m = erleMetrics(dir, sc, result.out, doubleTalk);
        let extra = '';
        if (doubleTalk) extra = `near segSNR ${fixed(segSnrDb(sc.nearClean, result.out, RATE, 15), 1)} dB`;
        if (name.startsWith('path')) {
          const start = 12 * RATE;
          const tail = erleMetrics(
            dir,
            { ...sc, mic: sc.mic.subarray(start), far: sc.far.subarray(start) },
            result.out.subarray(start),
            false,
          );
          extra = `after change: ${fixed(Number(tail.erle_db_steady), 1)} dB, 20 dB in ${tail.seconds_to_20db ?? 'never'} s`;
        }
        rows.push([
          name,
          who,
          fixed(Number(m.erle_db_steady), 1),
          m.seconds_to_20db === null || m.seconds_to_20db === undefined
            ? 'never'
            : fixed(Number(m.seconds_to_20db), 1),
          fixed((100 * result.seconds) / seconds, 2),
          extra,
        ]);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return [
    cpu,
    {
      title: 'Echo cancellation at 16 kHz (27 s far end, metrics.py erle)',
      columns: ['material', 'canceller', 'steady ERLE dB', 's to 20 dB', 'wall % of a core', 'notes'],
      rows,
      notes: [
        'Material: tests/aec/material.ts (synthetic RIR, noise −85 dBFS); tail 250 ms for all.',
        'Wall-clock time (load-sensitive; anchors include process start and file I/O): see the CPU table.',
      ],
    },
  ];
}

function files(dir: string): string[] {
  return [join(dir, 'far.raw'), join(dir, 'mic.raw'), join(dir, 'out.raw')];
}
