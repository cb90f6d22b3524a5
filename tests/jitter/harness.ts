/**
 * A simulated one-way call for playout tests and the playout bench: a sender packetises a test
 * signal into RTP every `ptimeMs` (its clock optionally off by `driftPpm`), the packets cross a
 * NetworkEmulator on a VirtualClock, and the receiver feeds a Playout and pulls it every 10 ms.
 */
import { VirtualClock } from '../../src/clock/index.js';
import type { AudioCodec } from '../../src/codec/types.js';
import type { PlayoutDeps, PlayoutOptions, PlayoutPacket } from '../../src/jitter/index.js';
import { createPlayout, type Playout, type PlayoutOperation } from '../../src/jitter/index.js';
import type { NetworkConditions } from '../../src/transport/index.js';
import { NetworkEmulator, parseRtpPacket, serializeRtpPacket } from '../../src/transport/index.js';

/** A voiced-speech-like test signal: harmonics of a gliding 120–180 Hz pitch with a syllable envelope. */
export function testSignal(sampleRateHz: number, samples: number, amplitude = 0.3): Int16Array {
  const out = new Int16Array(samples);
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRateHz;
    const f0 = 150 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / sampleRateHz;
    let x = 0;
    for (let h = 1; h <= 6; h++) x += Math.sin(h * phase) / h;
    const env = 0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t);
    out[i] = Math.round(x * env * amplitude * 16384);
  }
  return out;
}

/** What the sender does for packet `index`: `'send'`, `'skip'` (DTX: silent, not sent). */
export type SendPlan = (index: number, sentMs: number) => 'send' | 'skip';

/** Options of {@link simulateCall}. */
export interface SimulationOptions {
  codec: AudioCodec;
  durationMs: number;
  conditions?: NetworkConditions;
  /** Changes of conditions at given times. */
  schedule?: { atMs: number; conditions: NetworkConditions }[];
  seed?: number;
  ptimeMs?: number;
  /** Sender clock error: +200 means the sender's 20 ms take 20·(1−200e−6) ms of receiver time. */
  driftPpm?: number;
  playout?: Omit<PlayoutOptions, 'codec'>;
  /** Parts of the playout to swap (tracing, tuning). */
  deps?: PlayoutDeps;
  /** Rewrites each packet before sending (wrap, SSRC change, timestamp jump tests). */
  rewrite?: (packet: PlayoutPacket, index: number) => PlayoutPacket;
  plan?: SendPlan;
  /** Keep every output frame (for signal checks). Default false. */
  keepAudio?: boolean;
  /** Called after every pull. */
  onPull?: (timeMs: number, playout: Playout, operation: PlayoutOperation) => void;
}

/** Time of the first pull, ms; pulls follow every 10 ms (the oracle on the pull grid uses it). */
export const FIRST_PULL_MS = 5;

/** One packet's journey, for oracle computations. */
export interface PacketRecord {
  index: number;
  sentMs: number;
  arrivalMs: number | undefined;
}

/** Result of {@link simulateCall}. */
export interface SimulationResult {
  playout: Playout;
  operations: Record<string, number>;
  packets: PacketRecord[];
  audio: Int16Array;
  source: Int16Array;
  targetTraceMs: number[];
  levelTraceMs: number[];
}

/** Runs one call; deterministic for equal options. */
export function simulateCall(o: SimulationOptions): SimulationResult {
  const clock = new VirtualClock();
  const [a, b] = NetworkEmulator.link(clock, o.conditions ?? {}, {}, { seed: o.seed ?? 1 });
  const playout = createPlayout({ codec: o.codec, ...o.playout }, o.deps);
  const rate = o.codec.info.sampleRateHz;
  const ptimeMs = o.ptimeMs ?? 20;
  const frame = (rate * ptimeMs) / 1000;
  const packetCount = Math.floor(o.durationMs / ptimeMs);
  const periodMs = ptimeMs * (1 - (o.driftPpm ?? 0) * 1e-6);
  const sourceLength = Math.min(packetCount * frame, rate * 60);
  const source = testSignal(rate, sourceLength);
  const packets: PacketRecord[] = [];
  const operations: Record<string, number> = {};
  // Pull for as long as the sender sends (its clock may be fast or slow).
  const pulls = Math.floor((packetCount * periodMs) / 10);
  const audio = new Int16Array(o.keepAudio ? pulls * (rate / 100) : 0);
  const targetTraceMs: number[] = [];
  const levelTraceMs: number[] = [];
  const ssrc = 0x1234abcd;
  let seq = 1000;
  const indexBySeq = new Int32Array(65536).fill(-1);
  b.on('datagram', (d) => {
    const p = parseRtpPacket(d.data);
    const rec = packets[indexBySeq[p.sequenceNumber]];
    if (rec !== undefined && rec.arrivalMs === undefined) rec.arrivalMs = d.arrivalMs;
    playout.insert(p, d.arrivalMs);
  });
  let sent = 0;
  let marker = true;
  const sendNext = (): void => {
    const index = sent++;
    const sentMs = clock.now();
    const decision = o.plan?.(index, sentMs) ?? 'send';
    if (decision === 'send') {
      const start = (index * frame) % (sourceLength - frame + 1);
      const payload = o.codec.encode(source.subarray(start, start + frame)).slice();
      let packet: PlayoutPacket = {
        sequenceNumber: seq & 0xffff,
        timestamp: (index * frame * (o.codec.info.clockRateHz / rate)) >>> 0,
        ssrc,
        payloadType: o.codec.info.payloadType,
        payload,
        marker,
      };
      if (o.rewrite) packet = o.rewrite(packet, index);
      indexBySeq[packet.sequenceNumber] = index;
      seq++;
      marker = false;
      packets[index] = { index, sentMs, arrivalMs: undefined };
      for (const s of o.schedule ?? [])
        if (s.atMs <= sentMs && s.atMs > sentMs - periodMs) a.setConditions({ outgoing: s.conditions });
      a.send(serializeRtpPacket({ csrcs: [], marker: false, ...packet }, packet.payload).slice());
    } else {
      marker = true;
    }
    if (sent < packetCount) clock.setTimeout(sendNext, periodMs);
  };
  let pulled = 0;
  const pullNext = (): void => {
    const { pcm, operation } = playout.pull();
    operations[operation] = (operations[operation] ?? 0) + 1;
    if (o.keepAudio) audio.set(pcm, pulled * (rate / 100));
    if (pulled % 10 === 0) {
      targetTraceMs.push(playout.targetDelayMs);
      levelTraceMs.push(playout.bufferLevelMs);
    }
    o.onPull?.(clock.now(), playout, operation);
    pulled++;
    if (pulled < pulls) clock.setTimeout(pullNext, 10);
  };
  clock.setTimeout(sendNext, 0);
  clock.setTimeout(pullNext, FIRST_PULL_MS);
  clock.runAll(o.durationMs + 60_000);
  return {
    playout,
    operations,
    packets: packets.filter((p) => p !== undefined),
    audio,
    source,
    targetTraceMs,
    levelTraceMs,
  };
}

/**
 * The oracle: the smallest fixed delay beyond the fastest packet (ms) at which at most
 * `maxLateFraction` of the packets that arrived would have been late.
 */
export function oracleDelayMs(packets: PacketRecord[], maxLateFraction: number): number {
  const transit: number[] = [];
  for (const p of packets) if (p.arrivalMs !== undefined) transit.push(p.arrivalMs - p.sentMs);
  if (transit.length === 0) return 0;
  transit.sort((x, y) => x - y);
  const allowed = Math.floor(maxLateFraction * transit.length);
  return transit[transit.length - 1 - allowed] - transit[0];
}
