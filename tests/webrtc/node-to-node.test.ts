import { afterEach, describe, expect, it } from 'vitest';
import { readWavFile, wavToInt16 } from '../../src/audio/wav/index.js';
import { RealClock } from '../../src/clock/index.js';
import { createPcmuCodec } from '../../src/codec/index.js';
import { isVoxwireError } from '../../src/errors.js';
import { RtpReceiver, RtpSender } from '../../src/transport/rtp/index.js';
import { createMemorySignalingPair, WebRtcTransport } from '../../src/transport/webrtc/index.js';
import { mediaPath } from '../helpers/peers.js';
import { alignedCorrelation } from '../helpers/signal.js';

const clock = new RealClock();
const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
const open: WebRtcTransport[] = [];

function pair(options: { codecs?: ('opus' | 'pcmu' | 'pcma')[] } = {}): [WebRtcTransport, WebRtcTransport] {
  const [sa, sb] = createMemorySignalingPair();
  const common = { hostAddresses: ['127.0.0.1'], clock, ...options };
  const a = new WebRtcTransport({ signaling: sa, role: 'offerer', ...common });
  const b = new WebRtcTransport({ signaling: sb, role: 'answerer', ...common });
  open.push(a, b);
  return [a, b];
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
});

/** Sends `pcm` as 20 ms PCMU packets through `from`, paced, and returns the payloads `to` received by seq. */
async function sendSpeech(from: WebRtcTransport, to: WebRtcTransport, pcm: Int16Array) {
  const codec = createPcmuCodec();
  const sender = new RtpSender({ transport: from, clock, payloadType: 0, clockRateHz: 8000, rtcp: false });
  const receiver = new RtpReceiver({ transport: to, clockRateHz: 8000 });
  const got = new Map<number, { seq: number; ts: number; payload: Uint8Array }>();
  let order = 0;
  receiver.on('packet', ({ packet }) => {
    got.set(order++, {
      seq: packet.sequenceNumber,
      ts: packet.timestamp,
      payload: new Uint8Array(packet.payload),
    });
  });
  const sent: Uint8Array[] = [];
  for (let i = 0; i + 160 <= pcm.length; i += 160) {
    const payload = codec.encode(pcm.subarray(i, i + 160)).slice();
    sent.push(payload);
    sender.send(payload, { samples: 160 });
    if (sent.length % 5 === 0) await wait(10);
  }
  await wait(300);
  sender.close();
  receiver.close();
  return { sent, received: [...got.values()], codec };
}

describe('WebRtcTransport between two werift peers on 127.0.0.1', () => {
  it('connects with host candidates, negotiates PCMU and carries speech intact both ways', async () => {
    const [a, b] = pair({ codecs: ['pcmu'] });
    const [na, nb] = await Promise.all([a.connect(), b.connect()]);
    expect(na).toMatchObject({ codec: 'pcmu', payloadType: 0, clockRateHz: 8000, red: false });
    expect(nb.codec).toBe('pcmu');
    expect(na.audioLevelExtensionId).toBeGreaterThanOrEqual(1);

    const wav = await readWavFile(mediaPath('speech-a-8k.wav'));
    const pcm = wavToInt16(wav).subarray(0, 8000 * 3);
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const { sent, received, codec } = await sendSpeech(from, to, pcm);
      expect(received.length).toBe(sent.length);
      // werift rewrites SSRC and sequence base but keeps the spacing of sequence numbers and timestamps.
      for (let i = 1; i < received.length; i++) {
        expect((received[i].seq - received[0].seq) & 0xffff).toBe(i);
        expect((received[i].ts - received[0].ts) >>> 0).toBe(160 * i);
      }
      for (let i = 0; i < sent.length; i++) expect(received[i].payload).toEqual(sent[i]);
      const heard = new Int16Array(received.length * 160);
      for (let i = 0; i < received.length; i++) heard.set(codec.decode(received[i].payload), i * 160);
      expect(alignedCorrelation(pcm, heard, 10).correlation).toBeGreaterThan(0.99);
    }
    const stats = await b.getStats();
    expect(stats.state).toBe('connected');
    expect(stats.inbound?.packetsReceived).toBe(150);
    expect(stats.inbound?.packetsLost).toBe(0);
    expect(stats.candidatePair).toMatchObject({ localCandidateType: 'host', protocol: 'udp' });
    expect(stats.candidatePair?.localAddress.startsWith('127.0.0.1:')).toBe(true);
  }, 30_000);

  it('negotiates Opus with RED by default and counts RTCP and pre-connection packets as dropped', async () => {
    const [a, b] = pair();
    const rtp = new Uint8Array([0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xf8]);
    a.send(rtp);
    a.send(rtp, 'rtcp');
    a.send(new Uint8Array([0x80, 200, 0, 6]));
    const [na] = await Promise.all([a.connect(), b.connect()]);
    expect(na).toMatchObject({ codec: 'opus', payloadType: 111, clockRateHz: 48000, red: true });
    a.send(new Uint8Array([1, 2, 3]));
    expect((await a.getStats()).datagramsDropped).toEqual({ rtcp: 2, notConnected: 1, malformed: 1 });
    await a.close();
    expect(() => a.send(rtp)).toThrow(/closed/);
    await a.close();
  }, 30_000);

  it('refuses bad options by name and fails connect() on timeout with ERR_WEBRTC', async () => {
    const [s] = createMemorySignalingPair();
    expect(() => new WebRtcTransport({ signaling: s, codecs: [] })).toThrow(/codecs/);
    expect(() => new WebRtcTransport({ signaling: s, iceTransportPolicy: 'relay' })).toThrow(
      /iceTransportPolicy/,
    );
    expect(() => new WebRtcTransport({ signaling: {} as never })).toThrow(/signaling/);
    const lonely = new WebRtcTransport({ signaling: s, hostAddresses: ['127.0.0.1'], connectTimeoutMs: 300 });
    open.push(lonely);
    const error = await lonely.connect().catch((e: unknown) => e);
    expect(isVoxwireError(error, 'ERR_WEBRTC')).toBe(true);
  }, 30_000);
});
