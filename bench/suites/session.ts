/**
 * Cost of a full-duplex call: CPU ms per second of call of one VoiceSession (capture read, encode,
 * RTP, receive, playout, sink), PCMU and Opus, measured by running 60 s calls through simulateCall
 * (two sessions and the emulated network; the session figure is half the total). Beside it, in the
 * same run, ffmpeg encoding and decoding the same speech with the same codec (one stream each way,
 * what a session's codec work is), and the wall time of the 60 s simulation.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeWav, readWavFile, wavToInt16 } from '../../src/audio/index.js';
import { type SessionCodec, simulateCall } from '../../src/session/index.js';
import { type BenchTable, fixed } from '../lib.js';

const MEDIA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'media');
const CALL_S = 60;

/** 60 s of mono speech at `rateHz`: the three speech files, repeated. */
async function speech(rateHz: number, order: string[]): Promise<Int16Array> {
  const parts = await Promise.all(
    order.map(async (name) =>
      wavToInt16(await readWavFile(join(MEDIA, `speech-${name}-${rateHz / 1000}k.wav`))),
    ),
  );
  const out = new Int16Array(rateHz * CALL_S);
  for (let at = 0, i = 0; at < out.length; i++) {
    const part = parts[i % parts.length];
    out.set(part.subarray(0, Math.min(part.length, out.length - at)), at);
    at += part.length;
  }
  return out;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface CallCost {
  cpuS: number;
  cpuMsPerCallSecond: number;
  wallS: number;
  mos: number;
}

async function callCost(codec: SessionCodec, rateHz: number): Promise<CallCost> {
  const a = await speech(rateHz, ['a', 'b', 'c']);
  const b = await speech(rateHz, ['c', 'a', 'b']);
  const startCpu = cpuMs();
  const startWall = performance.now();
  const call = await simulateCall({
    a,
    b,
    speechRateHz: rateHz,
    codec,
    lossRate: 0.05,
    jitterMs: 30,
    durationMs: CALL_S * 1000,
  });
  const wallS = (performance.now() - startWall) / 1000;
  const cpu = cpuMs() - startCpu;
  return { cpuS: cpu / 1000, cpuMsPerCallSecond: cpu / 2 / CALL_S, wallS, mos: call.b.finalStats.mos.mos };
}

/** CPU ms per second of audio for ffmpeg to encode and decode `pcm` with `args`, or undefined. */
function ffmpegCost(pcm: Int16Array, rateHz: number, encodeArgs: string[], ext: string): number | undefined {
  const probe = spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-bench-'));
  try {
    const wav = join(dir, 'in.wav');
    const coded = join(dir, `coded.${ext}`);
    writeFileSync(wav, encodeWav({ sampleRateHz: rateHz, channels: 1, samples: pcm, encoding: 'pcm16' }));
    const script =
      `TIMEFORMAT='%U %S'; { time ffmpeg -v error -y -i ${wav} ${encodeArgs.join(' ')} ${coded} && ` +
      `ffmpeg -v error -y -i ${coded} -f s16le -ar ${rateHz} ${join(dir, 'out.raw')} ; } 2>&1 | tail -1`;
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    const [user, system] = run.stdout.trim().split(/\s+/).map(Number);
    if (!Number.isFinite(user) || !Number.isFinite(system)) return undefined;
    return ((user + system) * 1000) / (pcm.length / rateHz);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the suite. */
export async function run(): Promise<BenchTable[]> {
  const rows: (string | number)[][] = [];
  const cases: { label: string; codec: SessionCodec; rateHz: number; ffmpeg: string[]; ext: string }[] = [
    {
      label: 'PCMU 20 ms',
      codec: 'pcmu',
      rateHz: 8000,
      ffmpeg: ['-c:a', 'pcm_mulaw', '-f', 'wav'],
      ext: 'wav',
    },
    {
      label: 'Opus 32 kbit/s 20 ms',
      codec: { name: 'opus', bitrate: 32000, ptime: 20 },
      rateHz: 48000,
      ffmpeg: ['-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', '-application', 'voip'],
      ext: 'ogg',
    },
  ];
  for (const c of cases) {
    const cost = await callCost(c.codec, c.rateHz);
    const peer = ffmpegCost(await speech(c.rateHz, ['a', 'b', 'c']), c.rateHz, c.ffmpeg, c.ext);
    rows.push([
      c.label,
      fixed(cost.cpuMsPerCallSecond, 1),
      fixed(cost.cpuMsPerCallSecond / 10, 2),
      peer === undefined ? 'peer missing' : fixed(peer, 1),
      peer === undefined ? '-' : fixed(cost.cpuMsPerCallSecond / peer, 1),
      fixed(cost.wallS, 2),
      fixed(cost.cpuS, 2),
      fixed(cost.mos, 2),
    ]);
  }
  return [
    {
      title: `VoiceSession: CPU of one full-duplex session (60 s simulated call, 5 % loss, 30 ms jitter)`,
      columns: [
        'codec',
        'session CPU ms / call s',
        '% of a core',
        'ffmpeg enc+dec CPU ms / audio s',
        'ratio',
        'simulateCall 60 s wall s',
        'its CPU s',
        'MOS',
      ],
      rows,
      notes: [
        'session = (CPU of simulateCall) / 2; it includes the emulated network and the virtual clock.',
        'ffmpeg = encoding the same speech to the codec and decoding it back (process start-up included).',
        'Opus sessions run at 48 kHz; PCMU at 8 kHz. The machine is shared: compare columns of one run only.',
      ],
    },
  ];
}
