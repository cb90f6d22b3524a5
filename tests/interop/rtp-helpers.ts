/**
 * Shared pieces of the RTP interop tests against ffmpeg: the codec cases, free UDP ports, waiting
 * for ffmpeg to bind, running ffmpeg with its stderr kept, and reassembling received RTP by timestamp.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { RealClock } from '../../src/clock/index.js';
import type { AudioCodec } from '../../src/codec/index.js';
import { createCodec } from '../../src/codec/index.js';
import type { SdpCodec } from '../../src/transport/sdp/index.js';
import { mediaPath } from '../helpers/peers.js';
import { pcm16Samples, readWav } from '../helpers/wav-lite.js';

/** One codec as both sides see it. */
export interface RtpCodecCase {
  /** voxwire registry name. */
  name: 'pcmu' | 'pcma' | 'opus';
  /** ffmpeg output options: the encoder, the rate G.711 needs, 20 ms packets (12-byte header + 160 bytes). */
  ffmpegEncoder: string[];
  /** Speech file in ../shared/media, at the codec's PCM rate. */
  media: string;
  /** PCM rate, Hz. */
  sampleRateHz: number;
  /** RTP clock rate, Hz. */
  clockRateHz: number;
  /** Samples per 20 ms packet at the PCM rate. */
  frameSamples: number;
  /** How voxwire announces it in SDP. */
  sdp: SdpCodec;
  /** Required aligned correlation with the source. */
  minCorrelation: number;
  /** Search range of the alignment, samples. */
  maxLag: number;
}

/** PCMU, PCMA and Opus, 20 ms packets. */
export const RTP_CODEC_CASES: RtpCodecCase[] = [
  {
    name: 'pcmu',
    ffmpegEncoder: ['-ar', '8000', '-ac', '1', '-c:a', 'pcm_mulaw', '-packetsize', '172'],
    media: 'speech-a-8k.wav',
    sampleRateHz: 8000,
    clockRateHz: 8000,
    frameSamples: 160,
    sdp: { encodingName: 'PCMU', clockRateHz: 8000, payloadType: 0 },
    minCorrelation: 0.9,
    maxLag: 400,
  },
  {
    name: 'pcma',
    ffmpegEncoder: ['-ar', '8000', '-ac', '1', '-c:a', 'pcm_alaw', '-packetsize', '172'],
    media: 'speech-a-8k.wav',
    sampleRateHz: 8000,
    clockRateHz: 8000,
    frameSamples: 160,
    sdp: { encodingName: 'PCMA', clockRateHz: 8000, payloadType: 8 },
    minCorrelation: 0.9,
    maxLag: 400,
  },
  {
    name: 'opus',
    ffmpegEncoder: ['-ar', '48000', '-ac', '1', '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20'],
    media: 'speech-a-48k.wav',
    sampleRateHz: 48000,
    clockRateHz: 48000,
    frameSamples: 960,
    sdp: { encodingName: 'opus', clockRateHz: 48000, channels: 2, payloadType: 111 },
    minCorrelation: 0.8,
    maxLag: 1200,
  },
];

/** The source speech of a case, mono Int16. */
export function sourceSpeech(c: RtpCodecCase): Int16Array {
  const wav = readWav(mediaPath(c.media));
  if (wav.sampleRateHz !== c.sampleRateHz || wav.channels !== 1) {
    throw new Error(`${c.media}: expected mono ${c.sampleRateHz} Hz`);
  }
  return pcm16Samples(wav);
}

/** A mono decoder (or encoder) for the case at its PCM rate. */
export function codecFor(c: RtpCodecCase): AudioCodec {
  return c.name === 'opus'
    ? createCodec({ name: 'opus', sampleRateHz: 48000, channels: 1, bitrateBps: 32000 })
    : createCodec(c.name);
}

/** Wall time for test plumbing (polling, guards); keeps the process alive while waiting. */
export const clock = new RealClock({ keepAlive: true });

/** Resolves after `ms` on {@link clock}. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

async function tryBind(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  const ok = await new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => resolve(true));
  });
  await new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
  return ok;
}

/** An even UDP port p on 127.0.0.1 with p and p + 1 both free right now (RTP and RTCP). */
export async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 20000);
    if ((await tryBind(port)) && (await tryBind(port + 1))) return port;
  }
  throw new Error('no free UDP port pair on 127.0.0.1');
}

/**
 * Resolves once something holds UDP `port` on 127.0.0.1 (our own bind fails), i.e. ffmpeg listens.
 * The polling is test plumbing, not a timed assertion.
 */
export async function waitUntilBound(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = clock.now() + timeoutMs;
  while (clock.now() < deadline) {
    if (!(await tryBind(port))) return;
    await sleep(20);
  }
  throw new Error(`nothing bound UDP port ${port} within ${timeoutMs} ms`);
}

/** A running ffmpeg: its exit code, its stderr so far, and a kill switch. */
export interface FfmpegRun {
  process: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

/** Starts ffmpeg with `args` (after `-hide_banner -nostdin`); killed after `guardMs` if still running. */
export function startFfmpeg(args: string[], guardMs = 60_000): FfmpegRun {
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const guard = clock.setTimeout(() => child.kill('SIGKILL'), guardMs);
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      guard.cancel();
      resolve(code);
    });
  });
  return { process: child, exited, stderr: () => stderr };
}

/** One received RTP packet, copied out of the receiver's reused view. */
export interface CapturedPacket {
  sequenceNumber: number;
  timestamp: number;
  payloadType: number;
  payload: Uint8Array;
}

/**
 * Decodes `packets` in sequence order (16-bit wrap handled) and places each at its RTP timestamp
 * relative to the first, so a lost packet leaves silence and a reordered one lands where it belongs.
 * @returns Mono PCM at the decoder's rate.
 */
export function decodeByTimestamp(
  packets: readonly CapturedPacket[],
  decoder: AudioCodec,
  clockRateHz: number,
): Int16Array {
  if (packets.length === 0) return new Int16Array(0);
  const first = packets[0];
  const ordered = packets
    .map((p) => ({ p, ext: ((p.sequenceNumber - first.sequenceNumber + 0x18000) & 0xffff) - 0x8000 }))
    .sort((a, b) => a.ext - b.ext)
    .map((x) => x.p);
  const base = ordered[0].timestamp;
  const ratio = decoder.info.sampleRateHz / clockRateHz;
  const pieces: { at: number; pcm: Int16Array }[] = [];
  let end = 0;
  for (const p of ordered) {
    const pcm = decoder.decode(p.payload).slice();
    const at = Math.round((((p.timestamp - base) >>> 0) | 0) * ratio);
    if (at < 0) continue;
    pieces.push({ at, pcm });
    end = Math.max(end, at + pcm.length);
  }
  const out = new Int16Array(end);
  for (const { at, pcm } of pieces) out.set(pcm, at);
  return out;
}
