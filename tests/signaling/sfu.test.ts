/**
 * The SFU through the real signaling server on 127.0.0.1: Node participants (SignalingClient +
 * WebRtcTransport + RtpSender), PCMU so that forwarded payloads can be checked byte for byte.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { audioLevel } from '../../src/audio/index.js';
import { readWavFile, wavToInt16 } from '../../src/audio/wav/index.js';
import { RealClock } from '../../src/clock/index.js';
import { createPcmuCodec } from '../../src/codec/index.js';
import { SignalingClient } from '../../src/signaling/index.js';
import { Sfu, sfuSignalingChannel } from '../../src/signaling/sfu/index.js';
import { RtpSender, tryParseRtpPacket } from '../../src/transport/rtp/index.js';
import { WebRtcTransport } from '../../src/transport/webrtc/index.js';
import { mediaPath } from '../helpers/peers.js';
import { alignedCorrelation } from '../helpers/signal.js';
import { type Fixture, RawClient, startServer, until } from './harness.js';

const real = new RealClock();
const wait = (ms: number) => new Promise<void>((resolve) => real.setTimeout(resolve, ms));
const FRAME = 160; // 20 ms at 8 kHz
const codec = createPcmuCodec();
const cleanup: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

interface Member {
  name: string;
  id: string;
  client: SignalingClient;
  transport: WebRtcTransport;
  sender: RtpSender;
  /** Received packets per SSRC, in arrival order. */
  streams: Map<number, { seq: number; payload: Uint8Array; marker: boolean }[]>;
  /** Payloads this member sent, by hex, to its frame index. */
  sent: Map<string, number>;
  /** Payloads sent more than once (silence): useless for alignment. */
  repeated: Set<string>;
  pcm: Int16Array;
}

async function speech(name: string, gainDb = 0): Promise<Int16Array> {
  const pcm = wavToInt16(await readWavFile(mediaPath(`speech-${name}-8k.wav`)));
  const g = 10 ** (gainDb / 20);
  return Int16Array.from(pcm, (x) => Math.round(x * g));
}

async function startSfu(slots: number): Promise<{ fx: Fixture; sfu: Sfu; errors: unknown[] }> {
  const sfu = new Sfu({ slots, codec: 'pcmu', clock: real, hostAddresses: ['127.0.0.1'] });
  const errors: unknown[] = [];
  sfu.on('error', (e) => errors.push(e));
  const fx = await startServer({
    createRoomHook: sfu.createRoomHook,
    messagesPerSecond: 1000,
    messageBurst: 1000,
  });
  cleanup.push(
    () => fx.close(),
    () => sfu.close(),
  );
  return { fx, sfu, errors };
}

async function join(fx: Fixture, name: string, pcm: Int16Array): Promise<Member> {
  const client = new SignalingClient({
    url: fx.url,
    room: 'r1',
    token: fx.token({ name }),
    clock: real,
    reconnect: false,
  });
  const channel = sfuSignalingChannel(client);
  const self = await client.connect();
  const transport = new WebRtcTransport({
    signaling: channel,
    role: 'answerer',
    hostAddresses: ['127.0.0.1'],
    codecs: ['pcmu'],
    red: false,
    clock: real,
  });
  cleanup.push(
    () => transport.close(),
    () => client.close(),
  );
  const negotiated = await transport.connect();
  expect(negotiated).toMatchObject({ codec: 'pcmu', audioLevelExtensionId: 1 });
  const sender = new RtpSender({
    transport,
    clock: real,
    payloadType: negotiated.payloadType,
    clockRateHz: 8000,
    audioLevelExtensionId: negotiated.audioLevelExtensionId,
    rtcp: false,
  });
  const member: Member = {
    name,
    id: self.id,
    client,
    transport,
    sender,
    streams: new Map(),
    sent: new Map(),
    repeated: new Set(),
    pcm,
  };
  transport.on('datagram', (d) => {
    const p = tryParseRtpPacket(d.data);
    if (p === undefined || p.payloadType !== 0) return;
    const list = member.streams.get(p.ssrc) ?? [];
    member.streams.set(p.ssrc, list);
    list.push({ seq: p.sequenceNumber, payload: p.payload.slice(), marker: p.marker });
  });
  return member;
}

/** Everyone in `speakers` sends frames [from, to) of its speech, one 20 ms packet each per 20 ms. */
async function talk(speakers: Member[], from: number, to: number): Promise<void> {
  const start = real.now();
  for (let f = from; f < to; f++) {
    for (const m of speakers) {
      const frame = m.pcm.subarray(f * FRAME, (f + 1) * FRAME);
      if (frame.length < FRAME) continue;
      const payload = codec.encode(frame).slice();
      const hex = Buffer.from(payload).toString('hex');
      if (m.sent.has(hex)) m.repeated.add(hex);
      m.sent.set(hex, f);
      const level = audioLevel(frame);
      m.sender.send(payload, { samples: FRAME, audioLevel: { voiceActivity: level < 50, levelDbov: level } });
    }
    const due = start + (f - from + 1) * 20;
    await wait(Math.max(1, due - real.now()));
  }
  await wait(200);
}

/** Who `listener` heard: per speaker, the received packets matched to it byte for byte. */
function heardFrom(listener: Member, speakers: Member[]): Map<string, { ssrc: number; frames: number[] }> {
  const out = new Map<string, { ssrc: number; frames: number[] }>();
  for (const [ssrc, packets] of listener.streams) {
    for (const p of packets) {
      const hex = Buffer.from(p.payload).toString('hex');
      for (const s of speakers) {
        const f = s.sent.get(hex);
        if (f === undefined) continue;
        const entry = out.get(s.name) ?? { ssrc, frames: [] };
        out.set(s.name, entry);
        entry.frames.push(f);
      }
    }
  }
  return out;
}

/** Decodes the stream `ssrc` at `listener` in sequence order and correlates it with `speaker`'s speech. */
function correlation(listener: Member, ssrc: number, speaker: Member): number {
  const packets = listener.streams.get(ssrc)!;
  const base = packets[0].seq;
  // Align on the first payload the speaker sent only once: its frame index less its place in the stream.
  const anchor = packets.find((p) => !speaker.repeated.has(Buffer.from(p.payload).toString('hex')))!;
  const firstFrame =
    speaker.sent.get(Buffer.from(anchor.payload).toString('hex'))! - ((anchor.seq - base) & 0xffff);
  const span = Math.max(...packets.map((p) => (p.seq - base) & 0xffff)) + 1;
  const heard = new Float32Array(span * FRAME);
  for (const p of packets) {
    const index = (p.seq - base) & 0xffff;
    heard.set(codec.decode(p.payload), index * FRAME);
  }
  // The reference is what the speaker sent, G.711 round trip included: forwarding adds nothing to it.
  const ref = new Float32Array(heard.length);
  for (let i = 0; i * FRAME < ref.length; i++) {
    const frame = speaker.pcm.subarray((firstFrame + i) * FRAME, (firstFrame + i + 1) * FRAME);
    if (frame.length === FRAME) ref.set(codec.decode(codec.encode(frame)), i * FRAME);
  }
  return alignedCorrelation(ref, heard, FRAME).correlation;
}

describe('SFU through the signaling server on 127.0.0.1', () => {
  it('forwards each of 3 participants to the others, unharmed by a misbehaving fourth', async () => {
    const { fx, sfu, errors } = await startSfu(2);
    const [a, b, c] = await Promise.all([
      join(fx, 'a', await speech('a')),
      join(fx, 'b', await speech('b')),
      join(fx, 'c', await speech('c')),
    ]);
    const members = [a, b, c];
    // A fourth participant that answers with garbage and sends malformed frames.
    const raw = await new RawClient(fx.url).opened();
    raw.send({ type: 'join', room: 'r1', token: fx.token({ name: 'bad' }) });
    await raw.nextOf('offer');
    raw.send({ type: 'answer', to: 'server', sdp: 'v=0\r\nnonsense' });
    raw.send({ type: 'candidate', to: 'server', candidate: { candidate: 'candidate:1 1 udp x y z' } });
    raw.send({ type: 'offer', to: 'server', sdp: 'v=0' });
    raw.send('{not json');
    raw.send({ type: 'candidate', to: 'server', candidate: null });
    await raw.sync();

    await talk(members, 0, 150);
    for (const listener of members) {
      const others = members.filter((m) => m !== listener);
      const heard = heardFrom(listener, members);
      expect(heard.has(listener.name)).toBe(false); // never one's own voice
      expect(new Set(others.map((o) => heard.get(o.name)?.ssrc)).size).toBe(2); // two slots
      for (const o of others) {
        const h = heard.get(o.name)!;
        expect(h.frames.length).toBeGreaterThan(120); // all but the selection's first packets
        const r = correlation(listener, h.ssrc, o);
        expect(r).toBeGreaterThan(0.999);
      }
    }
    expect(errors.length).toBeGreaterThan(0); // the garbage answer was reported, nothing else broke
    const stats = sfu.stats('r1');
    expect(stats).toHaveLength(4);
    for (const m of members) {
      const s = stats.find((x) => x.participantId === m.id)!;
      expect(s.packetsReceived).toBe(150);
      expect(s.packetsLost).toBe(0);
      expect(s.speaking || s.audioLevelDbov > -127).toBe(true);
      expect(s.packetsSent).toBeGreaterThan(240);
    }
    raw.ws.close();
  }, 60_000);

  it('with 2 slots and 4 participants forwards the 2 loud ones, and a leaver frees its slot', async () => {
    const { fx, sfu } = await startSfu(2);
    const [a, b, c, d] = [
      await join(fx, 'a', await speech('a')),
      await join(fx, 'b', await speech('b')),
      await join(fx, 'c', await speech('c', -45)),
      await join(fx, 'd', await speech('a', -45)),
    ];
    const all = [a, b, c, d];
    await talk(all, 0, 100);
    const loud = (m: Member) => sfu.stats('r1').find((s) => s.participantId === m.id)!;
    expect(loud(a).forwarded && loud(b).forwarded).toBe(true);
    expect(loud(c).forwarded || loud(d).forwarded).toBe(false);
    for (const listener of [c, d]) {
      const heard = heardFrom(listener, all);
      expect([...heard.keys()].sort()).toEqual(['a', 'b']);
    }
    expect([...heardFrom(a, all).keys()]).toEqual(['b']);
    expect(loud(c).slots.sort()).toEqual([a.id, b.id].sort());

    // a leaves: its slot is freed at once; then c speaks up and takes it at d, on the same stream.
    const aSsrcAtD = heardFrom(d, all).get('a')!.ssrc;
    await a.client.close();
    await until(() => !loud(d).slots.includes(a.id), 'slot freed');
    expect(loud(d).slots).toContain(undefined);
    c.pcm = await speech('c');
    for (const m of [b, c, d]) m.sent.clear();
    await talk([b, c, d], 100, 200);
    const later = heardFrom(d, [b, c, d]);
    expect(later.get('c')?.ssrc).toBe(aSsrcAtD);
    expect(later.get('c')!.frames.length).toBeGreaterThan(60);
    expect(loud(d).slots.sort()).toEqual([b.id, c.id].sort());
  }, 60_000);
});
