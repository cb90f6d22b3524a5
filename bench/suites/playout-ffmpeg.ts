/**
 * Playout on a real sender's arrival pattern: ffmpeg's RTP muxer sending speech-a (PCMU, 20 ms) with
 * `-re` to 127.0.0.1, which it does in bursts of about 13 packets every 256 ms. The arrivals are
 * captured once, then replayed into the playout on a virtual pull clock at ten pull phases
 * (deterministic from there), beside the oracles of `playout.ts` on the same trace.
 * `npx tsx bench/run.ts playout-ffmpeg`; prints "peer missing" without ffmpeg.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { createPcmuCodec } from '../../src/codec/g711-codec.js';
import { createPlayout, type PlayoutPacket } from '../../src/jitter/index.js';
import { parseRtpPacket } from '../../src/transport/index.js';
import { mediaPath } from '../../tests/helpers/peers.js';
import { FIRST_PULL_MS, oracleDelayMs, type PacketRecord } from '../../tests/jitter/harness.js';
import { type BenchTable, fixed } from '../lib.js';
import { oracleWaitMs, pullGridOracleWaitMs } from './playout.js';

interface Arrival {
  atMs: number;
  packet: PlayoutPacket;
}

/** ffmpeg's packets as they arrived (ms from the first), or null when ffmpeg cannot run. */
function capture(): Promise<Arrival[] | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const arrivals: Arrival[] = [];
    let t0 = Number.NaN;
    socket.on('message', (data) => {
      const now = performance.now();
      if (Number.isNaN(t0)) t0 = now;
      try {
        arrivals.push({ atMs: now - t0, packet: parseRtpPacket(data) });
      } catch {
        // not RTP: ignored
      }
    });
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      const ffmpeg = spawn(
        'ffmpeg',
        [
          ...['-hide_banner', '-loglevel', 'error', '-re', '-i', mediaPath('speech-a-8k.wav')],
          ...['-c:a', 'pcm_mulaw', '-ar', '8000', '-ac', '1', '-packetsize', '172'],
          ...['-f', 'rtp', `rtp://127.0.0.1:${port}`],
        ],
        { stdio: 'ignore' },
      );
      const finish = (ok: boolean) =>
        setTimeout(() => {
          socket.close();
          resolve(ok && arrivals.length > 0 ? arrivals : null);
        }, 200);
      ffmpeg.on('error', () => finish(false));
      ffmpeg.on('exit', (code) => finish(code === 0));
    });
  });
}

/** The playout pulled every 10 ms from `phaseMs` before the first arrival; its delay and late loss. */
function replay(
  arrivals: Arrival[],
  phaseMs: number,
): { meanDelayMs: number; late: number; packets: PacketRecord[] } {
  const playout = createPlayout({ codec: createPcmuCodec() });
  // Pulls at FIRST_PULL_MS + 10 k on the trace's clock, so the pull-grid oracle sees the same grid.
  const shift = FIRST_PULL_MS + phaseMs;
  const ts0 = arrivals[0].packet.timestamp;
  const packets = arrivals.map((a, index) => ({
    index,
    sentMs: (((a.packet.timestamp - ts0) >>> 0) / 8000) * 1000,
    arrivalMs: a.atMs + shift,
  }));
  const endMs = packets[packets.length - 1].arrivalMs + 1000;
  let next = 0;
  for (let nowMs = FIRST_PULL_MS; nowMs < endMs; nowMs += 10) {
    while (next < arrivals.length && packets[next].arrivalMs <= nowMs) {
      playout.insert(arrivals[next].packet, packets[next].arrivalMs);
      next++;
    }
    playout.pull(undefined, nowMs);
  }
  const s = playout.getStats();
  return {
    meanDelayMs: (s.jitterBufferDelay / Math.max(1, s.jitterBufferEmittedCount)) * 1000,
    late: s.packetsLateConcealed + s.packetsDiscarded,
    packets,
  };
}

/** Captures one ffmpeg stream and returns the replay table. */
export async function run(): Promise<BenchTable[]> {
  const title = 'Playout on ffmpeg -re arrivals (PCMU 20 ms, captured on 127.0.0.1, replayed)';
  const columns = [
    'pull phase ms',
    'mean delay ms',
    'late loss %',
    'oracle @1% ms',
    'ratio @1%',
    'pull-grid oracle @1% ms',
    'ratio @1% grid',
  ];
  const arrivals = await capture();
  if (arrivals === null)
    return [{ title, columns, rows: [['peer missing (ffmpeg)', '', '', '', '', '', '']] }];
  const rows: (string | number)[][] = [];
  for (let phaseMs = 0; phaseMs < 10; phaseMs++) {
    const r = replay(arrivals, phaseMs);
    const oracle = oracleWaitMs(r.packets, oracleDelayMs(r.packets, 0.01));
    const grid = pullGridOracleWaitMs(r.packets, 0.01);
    rows.push([
      phaseMs,
      fixed(r.meanDelayMs, 1),
      fixed((100 * r.late) / arrivals.length, 2),
      fixed(oracle, 1),
      fixed(r.meanDelayMs / Math.max(1, oracle), 2),
      fixed(grid, 1),
      fixed(r.meanDelayMs / Math.max(1, grid), 2),
    ]);
  }
  return [
    {
      title,
      columns,
      rows,
      notes: [
        `${arrivals.length} packets; ffmpeg sends about 13 at once every 256 ms (its WAV reads), so relative delay is a 240 ms sawtooth.`,
        'pull phase: where the 10 ms pulls fall against the arrivals. Oracles as in the playout table.',
      ],
    },
  ];
}
