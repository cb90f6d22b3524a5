/**
 * RTP packet parse and serialize, packets/s on one core, beside werift's `RtpPacket` in the same run.
 *
 * Method: 64 distinct packets per shape (sequence numbers and timestamps differ) are parsed or
 * written round-robin; a checksum of fields read keeps the work observable. Shapes: a 20 ms Opus
 * packet (100 B payload, PT 111) and a 20 ms PCMU packet (160 B, PT 0), each with one RFC 6464
 * audio-level element in the one-byte extension form. "voxwire (target)" reuses one result object
 * (`parseRtpPacket(data, target)`); "voxwire (out)" writes into one preallocated buffer.
 */
import { RtpHeader as WeriftHeader, RtpPacket as WeriftPacket } from 'werift';
import {
  createRtpPacket,
  parseRtpPacket,
  type RtpHeader,
  serializeRtpPacket,
  writeAudioLevel,
} from '../../src/transport/rtp/index.js';
import { type BenchTable, fixed, measureRate } from '../lib.js';

const BATCH = 64;
const ROUNDS = Number(process.env.VOXWIRE_BENCH_RTP_ROUNDS ?? 5);

interface Shape {
  name: string;
  payloadType: number;
  payloadBytes: number;
  samplesPerPacket: number;
}

const SHAPES: Shape[] = [
  { name: 'Opus 20 ms (100 B)', payloadType: 111, payloadBytes: 100, samplesPerPacket: 960 },
  { name: 'PCMU 20 ms (160 B)', payloadType: 0, payloadBytes: 160, samplesPerPacket: 160 },
];

let sink = 0;

function headers(shape: Shape): RtpHeader[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    marker: i === 0,
    payloadType: shape.payloadType,
    sequenceNumber: (40000 + i) & 0xffff,
    timestamp: (123456 + i * shape.samplesPerPacket) >>> 0,
    ssrc: 0x1234abcd,
    csrcs: [],
    extensions: [{ id: 1, data: writeAudioLevel({ voiceActivity: true, levelDbov: 20 + (i % 40) }) }],
  }));
}

function measureShape(shape: Shape): (string | number)[][] {
  const hs = headers(shape);
  const payload = new Uint8Array(shape.payloadBytes).map((_, i) => i * 7);
  const wire = hs.map((h) => serializeRtpPacket(h, payload));
  const wireBuffers = wire.map((w) => Buffer.from(w));
  const weriftPackets = wireBuffers.map((b) => WeriftPacket.deSerialize(b));
  // werift serializes from its own objects, built once like ours.
  const weriftBuilt = hs.map(
    (h) =>
      new WeriftPacket(
        new WeriftHeader({
          marker: h.marker,
          payloadType: h.payloadType,
          sequenceNumber: h.sequenceNumber,
          timestamp: h.timestamp,
          ssrc: h.ssrc,
          extension: true,
          extensionProfile: 0xbede,
          extensions: h.extensions!.map((e) => ({ id: e.id, payload: Buffer.from(e.data) })),
        }),
        Buffer.from(payload),
      ),
  );
  if (weriftPackets.length !== BATCH || Buffer.compare(weriftBuilt[1].serialize(), wireBuffers[1]) !== 0) {
    throw new Error('werift and voxwire disagree on the packet bytes; the comparison would be unfair');
  }

  const target = createRtpPacket();
  const out = new Uint8Array(1500);
  const cases: Record<string, () => void> = {
    parseNew: () => {
      for (let i = 0; i < BATCH; i++) {
        const p = parseRtpPacket(wire[i]);
        sink += p.sequenceNumber + p.payload.length + p.extensions[0].data[0];
      }
    },
    parseTarget: () => {
      for (let i = 0; i < BATCH; i++) {
        const p = parseRtpPacket(wire[i], target);
        sink += p.sequenceNumber + p.payload.length + p.extensions[0].data[0];
      }
    },
    parseWerift: () => {
      for (let i = 0; i < BATCH; i++) {
        const p = WeriftPacket.deSerialize(wireBuffers[i]);
        sink += p.header.sequenceNumber + p.payload.length + p.header.extensions[0].payload[0];
      }
    },
    serializeNew: () => {
      for (let i = 0; i < BATCH; i++) sink += serializeRtpPacket(hs[i], payload)[3];
    },
    serializeOut: () => {
      for (let i = 0; i < BATCH; i++) sink += serializeRtpPacket(hs[i], payload, out)[3];
    },
    serializeWerift: () => {
      for (let i = 0; i < BATCH; i++) sink += weriftBuilt[i].serialize()[3];
    },
  };
  // The machine is shared: rounds interleave the cases and each keeps its best round.
  const best: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of Object.entries(cases)) {
      best[name] = Math.max(best[name] ?? 0, measureRate(fn, BATCH, 200));
    }
  }
  const { parseNew, parseTarget, parseWerift, serializeNew, serializeOut, serializeWerift } = best;

  const k = (rate: number): string => fixed(rate / 1e6, 2);
  const ratio = (rate: number, peer: number): string => `${fixed(rate / peer, 1)}×`;
  return [
    [shape.name, 'parse', 'voxwire', k(parseNew), ratio(parseNew, parseWerift)],
    [shape.name, 'parse', 'voxwire (target)', k(parseTarget), ratio(parseTarget, parseWerift)],
    [shape.name, 'parse', 'werift RtpPacket.deSerialize', k(parseWerift), '1.0×'],
    [shape.name, 'serialize', 'voxwire', k(serializeNew), ratio(serializeNew, serializeWerift)],
    [shape.name, 'serialize', 'voxwire (out)', k(serializeOut), ratio(serializeOut, serializeWerift)],
    [shape.name, 'serialize', 'werift RtpPacket.serialize', k(serializeWerift), '1.0×'],
  ];
}

export async function run(): Promise<BenchTable[]> {
  const rows = SHAPES.flatMap(measureShape);
  return [
    {
      title: 'RTP packets: parse and serialize (voxwire vs werift, same run)',
      columns: ['packet (+1 audio-level ext)', 'operation', 'implementation', 'M packets/s', 'vs werift'],
      rows,
      notes: [
        'One core; 64 distinct packets round-robin; results read so the work is not optimized away.',
        `Best of ${ROUNDS} interleaved rounds of 200 ms per case (VOXWIRE_BENCH_RTP_ROUNDS).`,
        `Target: ≥ 20× werift for parse. (checksum ${sink & 0xffff})`,
      ],
    },
  ];
}
