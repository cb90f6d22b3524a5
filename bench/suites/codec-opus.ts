/**
 * Opus real-time factor: seconds of 48 kHz mono speech encoded (and decoded) per CPU second, 20 ms
 * frames at 32 kbit/s, complexity 5 and 10, beside ffmpeg's native libopus encoding the same file
 * with the same settings in the same run (when ffmpeg has libopus).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readWav, wavToInt16 } from '../../src/audio/index.js';
import { createOpusCodec } from '../../src/codec/opus.js';
import { type BenchTable, fixed } from '../lib.js';

const SPEECH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'shared',
  'media',
  'speech-a-48k.wav',
);
const RATE = 48000;
const FRAME = 960;
const MIN_CPU_S = 1;

/** The samples of a mono WAV file as 16-bit PCM. */
function readPcm16(path: string): Int16Array {
  return wavToInt16(readWav(readFileSync(path)));
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Runs `pass` (one pass over the speech) until MIN_CPU_S of CPU; returns audio s per CPU s. */
function realTimeFactor(pass: () => void, audioSeconds: number): number {
  pass(); // warm-up
  let passes = 0;
  const start = cpuSeconds();
  let used = 0;
  do {
    pass();
    passes++;
    used = cpuSeconds() - start;
  } while (used < MIN_CPU_S);
  return (passes * audioSeconds) / used;
}

function measure(pcm: Int16Array, complexity: number): { encode: number; decode: number; kbps: number } {
  const frames = Math.floor(pcm.length / FRAME);
  const seconds = (frames * FRAME) / RATE;
  const codec = createOpusCodec({ bitrateBps: 32000, complexity, frameDurationMs: 20, application: 'voip' });
  const packets: Uint8Array[] = [];
  let bytes = 0;
  for (let i = 0; i < frames; i++) {
    const packet = Uint8Array.from(codec.encode(pcm.subarray(i * FRAME, (i + 1) * FRAME)));
    packets.push(packet);
    bytes += packet.length;
  }
  const encode = realTimeFactor(() => {
    for (let i = 0; i < frames; i++) codec.encode(pcm.subarray(i * FRAME, (i + 1) * FRAME));
  }, seconds);
  const out = new Int16Array(FRAME);
  const decode = realTimeFactor(() => {
    for (const packet of packets) codec.decode(packet, out);
  }, seconds);
  codec.close();
  return { encode, decode, kbps: (bytes * 8) / seconds / 1000 };
}

/** ffmpeg's libopus encode speed on the same file (utime+stime from -benchmark), or undefined. */
function ffmpegEncode(complexity: number, audioSeconds: number): number | undefined {
  const probe = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  if (probe.error !== undefined || !probe.stdout.includes('libopus')) return undefined;
  const loops = 9;
  const result = spawnSync(
    'ffmpeg',
    // biome-ignore format: one flag per pair reads best
    ['-hide_banner', '-nostats', '-benchmark', '-stream_loop', String(loops), '-i', SPEECH,
     '-c:a', 'libopus', '-b:a', '32k', '-vbr', 'on', '-application', 'voip', '-frame_duration', '20',
     '-compression_level', String(complexity), '-ac', '1', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  const match = /utime=([\d.]+)s stime=([\d.]+)s/.exec(result.stderr ?? '');
  if (match === null) return undefined;
  return ((loops + 1) * audioSeconds) / (Number(match[1]) + Number(match[2]));
}

/** Runs the suite. */
export async function run(): Promise<BenchTable[]> {
  if (!existsSync(SPEECH)) throw new Error(`speech material not found at ${SPEECH}`);
  const pcm = readPcm16(SPEECH);
  const seconds = pcm.length / RATE;
  const rows: (string | number)[][] = [];
  for (const complexity of [5, 10]) {
    const ours = measure(pcm, complexity);
    const peer = ffmpegEncode(complexity, seconds);
    rows.push([
      complexity,
      fixed(ours.kbps, 1),
      fixed(ours.encode, 0),
      fixed(ours.decode, 0),
      peer === undefined ? 'n/a' : fixed(peer, 0),
      peer === undefined ? 'n/a' : fixed(ours.encode / peer, 2),
    ]);
  }
  return [
    {
      title: 'Opus (opusscript WASM) real-time factor, 48 kHz mono speech, 20 ms, 32 kbit/s',
      columns: [
        'complexity',
        'kbit/s',
        'encode ×RT',
        'decode ×RT',
        'ffmpeg libopus encode ×RT',
        'encode ratio',
      ],
      rows,
      notes: [
        `×RT = seconds of audio per CPU second (process.cpuUsage; ffmpeg: -benchmark utime+stime), ${fixed(seconds, 1)} s of speech-a-48k.wav`,
        'ffmpeg runs native libopus with the same bitrate, application, frame size and complexity (-compression_level)',
      ],
    },
  ];
}
