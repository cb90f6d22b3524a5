/**
 * SFU capacity and join latency.
 *
 * 1. Forwarding core (`SfuRouter`, no network): CPU time per forwarded packet in a room of P
 *    participants with 3 slots (every participant sends 50 packets/s with an RFC 6464 level, 3 loud),
 *    and the audio streams one core could forward at that cost (streams = packets/s ÷ 50). Peer in
 *    the same run: the same fan-out done the werift way (`RtpPacket.deSerialize`, header edit,
 *    `serialize` per receiver), which is what a forwarder built on werift's packet objects costs.
 * 2. On loopback, through the real server, werift peer connections (DTLS-SRTP) and Node participants
 *    (`WebRtcTransport`) in the same process: rooms ramped from 3 up to 50 participants, 3 s of PCMU
 *    each, until the added loss exceeds 0.1 % (or the time budget runs out);
 *    forwarded packets, added loss (packets the SFU sent that participants did not receive), and
 *    process CPU per forwarded packet (server AND clients: an upper bound of the SFU's cost).
 * 3. Join latency: from `connect()` with a token to the first forwarded audio packet, one speaker
 *    already talking in the room; median of 5 joins.
 */
import { RtpPacket as WeriftPacket } from 'werift';
import { RealClock } from '../../src/clock/index.js';
import { createPcmuCodec } from '../../src/codec/index.js';
import { createRoomToken, SignalingClient } from '../../src/signaling/index.js';
import { SfuRouter, sfuSignalingChannel, startSfuServer } from '../../src/signaling/sfu/index.js';
import { RtpSender, serializeRtpPacket } from '../../src/transport/rtp/index.js';
import { WebRtcTransport } from '../../src/transport/webrtc/index.js';
import { type BenchTable, fixed, measureRate } from '../lib.js';

const real = new RealClock();
const wait = (ms: number) => new Promise<void>((resolve) => real.setTimeout(resolve, ms));
const SECRET = 'bench-secret-0123456789abcdef';
const PPS = 50;
/** Room sizes of the loopback ramp (each participant sends; 3 are loud). */
const RAMP_SIZES = [3, 6, 12, 18, 24, 32, 40, 50];
/** Wall time after which the ramp stops adding rooms, ms. */
const RAMP_BUDGET_MS = 150_000;

function packets(participants: number, frames: number): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let p = 0; p < participants; p++) {
    const list: Uint8Array[] = [];
    for (let f = 0; f < frames; f++) {
      const level = p < 3 ? 25 : 90;
      list.push(
        serializeRtpPacket(
          {
            marker: f === 0,
            payloadType: 111,
            sequenceNumber: f & 0xffff,
            timestamp: f * 960,
            ssrc: 1000 + p,
            csrcs: [],
            extensions: [{ id: 1, data: new Uint8Array([0x80 | level]) }],
          },
          new Uint8Array(80).fill(p),
        ),
      );
    }
    out.push(list);
  }
  return out;
}

function coreTable(): BenchTable {
  const rows: (string | number)[][] = [];
  for (const participants of [10, 50, 200]) {
    const frames = 500;
    const data = packets(participants, frames);
    let sink = 0;
    let frame = 0;
    let clockMs = 0;
    const router = new SfuRouter({ slots: 3, audioLevelExtensionId: 1 });
    for (let p = 0; p < participants; p++)
      router.add(`p${p}`, {
        send: (_s, pkt) => {
          sink += pkt[2];
          return true;
        },
      });
    // Warm: let the selection settle.
    for (let i = 0; i < 100; i++, frame++, clockMs += 20)
      for (let p = 0; p < participants; p++) router.receive(`p${p}`, data[p][frame % frames], clockMs);
    const forwardedPerRound = 3 * (participants - 1); // 3 speakers, each to everyone else
    const rate = measureRate(() => {
      for (let p = 0; p < participants; p++) router.receive(`p${p}`, data[p][frame % frames], clockMs);
      frame++;
      clockMs += 20;
    }, forwardedPerRound);
    // werift-style fan-out of the same forwarded packets.
    const receivers = participants - 1;
    const speakers = [data[0], data[1], data[2]];
    let wf = 0;
    const weriftRate = measureRate(() => {
      for (const s of speakers) {
        const raw = Buffer.from(s[wf % frames]);
        for (let r = 0; r < receivers; r++) {
          const pkt = WeriftPacket.deSerialize(raw);
          pkt.header.ssrc = 7 + r;
          pkt.header.sequenceNumber = (pkt.header.sequenceNumber + r) & 0xffff;
          sink += pkt.serialize()[2];
        }
      }
      wf++;
    }, 3 * receivers);
    rows.push([
      participants,
      fixed(1e9 / rate, 0),
      fixed(rate / PPS, 0),
      fixed(1e9 / weriftRate, 0),
      fixed(weriftRate / PPS, 0),
      fixed(rate / weriftRate, 2),
    ]);
    if (sink === -1) console.log(sink);
  }
  return {
    title: 'SFU forwarding core: CPU per forwarded packet (3 slots, 3 loud speakers)',
    columns: [
      'participants',
      'ns/packet',
      'streams/core',
      'werift-style ns/packet',
      'werift streams/core',
      'ratio',
    ],
    rows,
    notes: [
      'ns/packet includes parsing, level smoothing, selection and per-slot rewriting of every received packet',
      'streams/core = forwarded packets per second on one core / 50 (20 ms packets)',
    ],
  };
}

interface Client {
  client: SignalingClient;
  transport: WebRtcTransport;
  sender: RtpSender;
  received: number;
  firstAudioMs: number | undefined;
}

async function joinRoom(url: string, room: string, name: string, t0 = real.now()): Promise<Client> {
  const client = new SignalingClient({
    url,
    room,
    token: createRoomToken(SECRET, { room, name }, real),
    clock: real,
    reconnect: false,
  });
  const channel = sfuSignalingChannel(client);
  await client.connect();
  const transport = new WebRtcTransport({
    signaling: channel,
    role: 'answerer',
    hostAddresses: ['127.0.0.1'],
    codecs: ['pcmu'],
    red: false,
    clock: real,
  });
  const c: Client = { client, transport, sender: undefined as never, received: 0, firstAudioMs: undefined };
  transport.on('datagram', () => {
    c.received++;
    if (c.firstAudioMs === undefined) c.firstAudioMs = real.now() - t0;
  });
  const n = await transport.connect();
  c.sender = new RtpSender({
    transport,
    clock: real,
    payloadType: n.payloadType,
    clockRateHz: 8000,
    audioLevelExtensionId: n.audioLevelExtensionId,
    rtcp: false,
  });
  return c;
}

async function leaveAll(clients: Client[]): Promise<void> {
  for (const c of clients) {
    await c.transport.close();
    await c.client.close();
  }
}

async function loopbackTables(): Promise<BenchTable[]> {
  const server = await startSfuServer({
    signaling: { secret: SECRET, clock: real, messagesPerSecond: 1000, messageBurst: 1000 },
    sfu: { slots: 3, codec: 'pcmu', clock: real },
  });
  const codec = createPcmuCodec();
  const payload = codec.encode(new Int16Array(160).map((_, i) => Math.round(8000 * Math.sin(i / 3))));
  const rows: (string | number)[][] = [];
  // Ramp until the added loss passes 0.1 % (that room is the first one past capacity), the sizes
  // run out, or the ramp has taken RAMP_BUDGET_MS (joins are sequential and slow under load).
  let lastGood: number | undefined;
  let firstBad: number | undefined;
  const rampStart = real.now();
  try {
    for (const size of RAMP_SIZES) {
      if (real.now() - rampStart > RAMP_BUDGET_MS) break;
      const room = `ramp${size}`;
      const clients: Client[] = [];
      for (let i = 0; i < size; i++) clients.push(await joinRoom(server.signalingUrl, room, `p${i}`));
      for (const c of clients) c.received = 0;
      const cpu0 = process.cpuUsage();
      const wall0 = real.now();
      const frames = 150;
      for (let f = 0; f < frames; f++) {
        clients.forEach((c, i) => {
          c.sender.send(payload, {
            samples: 160,
            audioLevel: { voiceActivity: i < 3, levelDbov: i < 3 ? 20 : 90 },
          });
        });
        await wait(Math.max(1, wall0 + (f + 1) * 20 - real.now()));
      }
      await wait(300);
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const wallMs = real.now() - wall0;
      const stats = server.sfu.stats(room);
      const sent = stats.reduce((a, s) => a + s.packetsSent, 0);
      const received = clients.reduce((a, c) => a + c.received, 0);
      const lossPct = sent > 0 ? (100 * Math.max(0, sent - received)) / sent : 0;
      const usPerPacket = (cpuMs * 1000) / Math.max(1, sent);
      rows.push([
        size,
        sent,
        received,
        fixed(lossPct, 3),
        fixed(usPerPacket, 1),
        fixed((100 * cpuMs) / wallMs, 0),
        fixed(1e6 / usPerPacket / PPS, 0),
      ]);
      await leaveAll(clients);
      if (lossPct > 0.1) {
        firstBad = size;
        break;
      }
      lastGood = size;
    }
    const largest = rows.length > 0 ? rows[rows.length - 1][0] : 0;
    const capacityNote =
      firstBad !== undefined
        ? `added loss first exceeded 0.1 % at ${firstBad} participants (last room under it: ${lastGood ?? 'none'})`
        : `added loss stayed ≤ 0.1 % up to the largest room tried, ${largest} participants`;
    // Join latency: one speaker talking, 5 newcomers one after another.
    const speaker = await joinRoom(server.signalingUrl, 'join', 'speaker');
    let talking = true;
    const talk = (async () => {
      const start = real.now();
      for (let f = 0; talking; f++) {
        speaker.sender.send(payload, { samples: 160, audioLevel: { voiceActivity: true, levelDbov: 20 } });
        await wait(Math.max(1, start + (f + 1) * 20 - real.now()));
      }
    })();
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = real.now();
      const c = await joinRoom(server.signalingUrl, 'join', `n${i}`, t0);
      while (c.firstAudioMs === undefined && real.now() - t0 < 5000) await wait(5);
      latencies.push(c.firstAudioMs ?? Number.NaN);
      await leaveAll([c]);
    }
    talking = false;
    await talk;
    await leaveAll([speaker]);
    latencies.sort((a, b) => a - b);
    return [
      {
        title: 'SFU on loopback: werift peers through the signaling server, PCMU, 3 slots, 3 loud speakers',
        columns: [
          'participants',
          'pkts sent by SFU',
          'pkts received',
          'added loss %',
          'CPU µs/fwd pkt',
          'CPU % (1 core)',
          'streams/core',
        ],
        rows,
        notes: [
          capacityNote,
          'CPU is the whole process: SFU and all Node participants (DTLS-SRTP both ends), so streams/core is a floor',
          'added loss: packets the SFU handed to werift that the participants did not receive',
        ],
      },
      {
        title: 'SFU join latency: token to first forwarded audio packet (one speaker talking)',
        columns: ['joins', 'median ms', 'min ms', 'max ms'],
        rows: [[latencies.length, fixed(latencies[2], 0), fixed(latencies[0], 0), fixed(latencies[4], 0)]],
        notes: [
          'includes WebSocket join, server offer, werift answer, ICE on 127.0.0.1, DTLS, and selection',
        ],
      },
    ];
  } finally {
    await server.close();
  }
}

/** The SFU suite: forwarding core beside a werift-style fan-out, loopback ramp, join latency. */
export async function run(): Promise<BenchTable[]> {
  return [coreTable(), ...(await loopbackTables())];
}
