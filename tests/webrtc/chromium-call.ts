/**
 * One call between headless Chromium (its own RTCPeerConnection, fake microphone playing speech A)
 * and a Node WebRtcTransport (sending speech B with RtpSender + Opus, playing out what it hears with
 * RtpReceiver + Playout). Signaling goes through playwright: exposeFunction one way, evaluate the other.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readWavFile } from '../../src/audio/wav/index.js';
import { RealClock, startTicker } from '../../src/clock/index.js';
import { createOpusCodec } from '../../src/codec/index.js';
import { createPlayout, type Playout, type PlayoutPacket } from '../../src/jitter/index.js';
import { RtpReceiver, RtpSender } from '../../src/transport/rtp/index.js';
import {
  type WebRtcIceServer,
  type WebRtcNegotiatedAudio,
  type WebRtcSignal,
  WebRtcTransport,
  type WebRtcTransportStats,
} from '../../src/transport/webrtc/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { mediaPath, repoRoot } from '../helpers/peers.js';

/** What a call produced. */
export interface ChromiumCallResult {
  negotiated: WebRtcNegotiatedAudio;
  /** What Node heard, 48 kHz mono Float32. */
  nodeHeard: Float32Array;
  /** Node's received packets decoded in sequence order without a jitter buffer (what the browser sent). */
  nodeDecodedInOrder: Float32Array;
  /** What the page recorded, 48 kHz mono Float32. */
  pageHeard: Float32Array;
  /** Speech the browser's fake microphone played (looped), 48 kHz. */
  browserSpeech: Float32Array;
  /** Speech Node sent, 48 kHz. */
  nodeSpeech: Float32Array;
  nodeStats: WebRtcTransportStats;
  /** Chromium's inbound-rtp statistics of the track Node sent (W3C names), null if it had none. */
  pageInbound: PageInboundAudio | null;
  /** The page's selected candidate pair types. */
  pagePair: { local: string; remote: string } | null;
  pageLog: string[];
}

/** The subset of Chromium's `inbound-rtp` audio statistics the tests read. */
export interface PageInboundAudio {
  packetsReceived: number;
  packetsLost: number;
  /** Seconds. */
  jitter: number;
  totalSamplesReceived: number;
  concealedSamples: number;
  silentConcealedSamples: number;
  insertedSamplesForDeceleration: number;
  removedSamplesForAcceleration: number;
  /** Seconds, summed over emitted samples. */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
}

/** Options of {@link runChromiumCall}. */
export interface ChromiumCallOptions {
  /** Who sends the offer; default the browser. */
  browserOffers?: boolean;
  /** Call length, ms; default 5000. */
  durationMs?: number;
  iceServers?: WebRtcIceServer[];
  iceTransportPolicy?: 'all' | 'relay';
  /** Accept RED (default true). */
  red?: boolean;
  /** Called with every RTP packet Node receives (sequence number, timestamp, payload type, size). */
  onPacket?: (seq: number, timestamp: number, payloadType: number, bytes: number) => void;
}

const clock = new RealClock();
const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

function servePage(): Promise<Server> {
  const fixtures = join(repoRoot, 'tests', 'webrtc', 'fixtures');
  const html = readFileSync(join(fixtures, 'call-page.html'));
  const worklet = readFileSync(join(fixtures, 'recorder-worklet.js'));
  const server = createServer((req, res) => {
    const js = req.url === '/recorder-worklet.js';
    res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    res.end(js ? worklet : html);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs one call; see the file comment. */
export async function runChromiumCall(options: ChromiumCallOptions = {}): Promise<ChromiumCallResult> {
  const browserOffers = options.browserOffers ?? true;
  const durationMs = options.durationMs ?? 5000;
  const browserWav = mediaPath('speech-a-48k.wav');
  const browserSpeech = (await readWavFile(browserWav)).samples;
  const nodeSpeech = (await readWavFile(mediaPath('speech-b-48k.wav'))).samples;
  const server = await servePage();
  const chromium = await launchChromium(browserWav);
  const listeners = new Set<(m: WebRtcSignal) => void>();
  let transport: WebRtcTransport | undefined;
  try {
    const page = await chromium.context.newPage();
    await page.exposeFunction('toNode', (m: WebRtcSignal) => {
      for (const listener of listeners) listener(m);
    });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const relay = options.iceTransportPolicy === 'relay';
    await page.evaluate(
      ({ config, loopbackOnly }) => {
        Object.assign(globalThis, { pcConfig: config, loopbackOnly });
      },
      {
        config: {
          iceServers: options.iceServers ?? [],
          iceTransportPolicy: options.iceTransportPolicy ?? 'all',
        },
        loopbackOnly: !relay,
      },
    );
    transport = new WebRtcTransport({
      signaling: {
        send: (m) => {
          page
            .evaluate((msg) => (globalThis as unknown as { fromNode(x: unknown): void }).fromNode(msg), m)
            .catch(() => {});
        },
        onMessage: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      role: browserOffers ? 'answerer' : 'offerer',
      hostAddresses: relay ? undefined : ['127.0.0.1'],
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy,
      red: options.red,
      clock,
    });
    // The page's peer connection exists before Node offers: an offer that arrived first would be lost.
    await page.evaluate(
      (offerer) => (globalThis as unknown as { startCall(o: boolean): Promise<void> }).startCall(offerer),
      browserOffers,
    );
    const negotiated = await transport.connect();

    const opus = createOpusCodec({ sampleRateHz: 48000 });
    const decoder = createOpusCodec({ sampleRateHz: 48000 });
    const sender = new RtpSender({
      transport,
      clock,
      payloadType: negotiated.payloadType,
      clockRateHz: 48000,
      audioLevelExtensionId: negotiated.audioLevelExtensionId,
      rtcp: false,
    });
    const receiver = new RtpReceiver({ transport, clockRateHz: 48000 });
    // Packets are kept with their real arrival times and played out afterwards on a 10 ms schedule
    // from those times: what a real-time pull hears, without the test machine's timer stalls.
    const arrivals: { packet: PlayoutPacket; arrivalMs: number }[] = [];
    receiver.on('packet', ({ packet, arrivalMs }) => {
      options.onPacket?.(packet.sequenceNumber, packet.timestamp, packet.payloadType, packet.payload.length);
      const { sequenceNumber, timestamp, ssrc, payloadType, marker } = packet;
      arrivals.push({
        packet: { sequenceNumber, timestamp, ssrc, payloadType, marker, payload: packet.payload.slice() },
        arrivalMs,
      });
    });
    const frame = new Int16Array(960);
    let sent = 0;
    const sendTicker = startTicker(clock, 20, () => {
      if (sent + 960 > nodeSpeech.length) sent = 0;
      for (let i = 0; i < 960; i++) frame[i] = Math.round(nodeSpeech[sent + i] * 32767);
      sender.send(opus.encode(frame), { samples: 960 });
      sent += 960;
    });
    await wait(durationMs);
    sendTicker.stop();
    const nodeStats = await transport.getStats();
    const pagePair = await page.evaluate(() =>
      (
        globalThis as unknown as { selectedPair(): Promise<{ local: string; remote: string } | null> }
      ).selectedPair(),
    );
    const pageInbound = await page.evaluate(() =>
      (globalThis as unknown as { inboundAudio(): Promise<PageInboundAudio | null> }).inboundAudio(),
    );
    const recorded = await page.evaluate(() =>
      (globalThis as unknown as { takeRecording(): string }).takeRecording(),
    );
    const pageLog = await page.evaluate(() => (globalThis as unknown as { pageLog: string[] }).pageLog);
    sender.close();
    receiver.close();
    const nodeHeard = playOut(
      arrivals,
      createPlayout({ codec: decoder, redPayloadType: negotiated.redPayloadType }),
    );
    const nodeDecodedInOrder = decodeInOrder(arrivals, negotiated.redPayloadType);
    const bytes = Buffer.from(recorded, 'base64');
    const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
    const pageHeard = Float32Array.from(pcm, (v) => v / 32768);
    return {
      negotiated,
      nodeHeard,
      nodeDecodedInOrder,
      pageHeard,
      browserSpeech,
      nodeSpeech,
      nodeStats,
      pageInbound,
      pagePair,
      pageLog,
    };
  } finally {
    await transport?.close();
    await chromium.close();
    server.close();
  }
}

function playOut(arrivals: { packet: PlayoutPacket; arrivalMs: number }[], playout: Playout): Float32Array {
  if (arrivals.length === 0) return new Float32Array(0);
  const startMs = arrivals[0].arrivalMs;
  const endMs = arrivals[arrivals.length - 1].arrivalMs + 200;
  const out = new Float32Array(Math.ceil((endMs - startMs) / 10) * 480);
  let next = 0;
  for (let tick = 0; startMs + tick * 10 < endMs; tick++) {
    const nowMs = startMs + tick * 10;
    while (next < arrivals.length && arrivals[next].arrivalMs <= nowMs) {
      playout.insert(arrivals[next].packet, arrivals[next].arrivalMs);
      next++;
    }
    const { pcm } = playout.pull();
    for (let j = 0; j < pcm.length; j++) out[tick * 480 + j] = pcm[j] / 32768;
  }
  return out;
}

function decodeInOrder(
  arrivals: { packet: PlayoutPacket }[],
  redPayloadType: number | undefined,
): Float32Array {
  const decoder = createOpusCodec({ sampleRateHz: 48000 });
  const packets = arrivals
    .map((a) => a.packet)
    .sort((x, y) => ((x.sequenceNumber - y.sequenceNumber) << 16) >> 16);
  const out = new Float32Array(packets.length * 960);
  packets.forEach((p, i) => {
    let payload = p.payload;
    if (p.payloadType === redPayloadType) {
      // The primary block is the last one: skip the 4-byte headers of redundant blocks and their data.
      let offset = 0;
      let redundant = 0;
      while (payload[offset] & 0x80) {
        redundant += ((payload[offset + 2] & 0x03) << 8) | payload[offset + 3];
        offset += 4;
      }
      payload = payload.subarray(offset + 1 + redundant);
    }
    const pcm = decoder.decode(payload);
    for (let j = 0; j < pcm.length && j < 960; j++) out[i * 960 + j] = pcm[j] / 32768;
  });
  return out;
}

/** The part of `x` from 0.5 s after its first non-silent sample (the call's start) to 0.2 s before its end. */
export function activePart(x: Float32Array, rateHz = 48000): Float32Array {
  let first = 0;
  while (first < x.length && Math.abs(x[first]) < 1e-3) first++;
  return x.subarray(Math.min(x.length, first + rateHz / 2), Math.max(first, x.length - rateHz / 5));
}
