import { describe, expect, it } from 'vitest';
import { InboundCounter } from '../../src/signaling/sfu/participant-stats.js';
import { SfuRouter } from '../../src/signaling/sfu/router.js';
import { SlotRewriter } from '../../src/signaling/sfu/slot-rewriter.js';
import { SpeakerSelector } from '../../src/signaling/sfu/speaker-selector.js';
import { parseRtpPacket, serializeRtpPacket } from '../../src/transport/rtp/index.js';
import { prng } from '../helpers/random.js';

const LEVEL_ID = 1;

/** An Opus-like RTP packet (20 ms at 48 kHz) whose payload names its source and sequence. */
function packet(ssrc: number, seq: number, levelDbov: number | undefined, tag = 0): Uint8Array {
  const payload = new Uint8Array([tag, seq & 0xff, 1, 2, 3]);
  return serializeRtpPacket(
    {
      marker: false,
      payloadType: 111,
      sequenceNumber: seq & 0xffff,
      timestamp: (seq * 960) >>> 0,
      ssrc,
      csrcs: [],
      extensions: levelDbov === undefined ? [] : [{ id: LEVEL_ID, data: new Uint8Array([0x80 | levelDbov]) }],
    },
    payload,
  );
}

interface Sent {
  slot: number;
  seq: number;
  ts: number;
  ssrc: number;
  marker: boolean;
  tag: number;
}

function recorder(): { sent: Sent[]; sink: { send(slot: number, data: Uint8Array): boolean } } {
  const sent: Sent[] = [];
  return {
    sent,
    sink: {
      send(slot, data) {
        const p = parseRtpPacket(data.slice());
        sent.push({
          slot,
          seq: p.sequenceNumber,
          ts: p.timestamp,
          ssrc: p.ssrc,
          marker: p.marker,
          tag: p.payload[0],
        });
        return true;
      },
    },
  };
}

describe('SpeakerSelector', () => {
  it('admits active sources, ignores quiet ones, and switches only past the margin after the hold', () => {
    const s = new SpeakerSelector({ maxSpeakers: 1, minHoldMs: 1000, switchMarginDb: 6 });
    for (let t = 0; t < 500; t += 20) {
      s.update('a', 30, t);
      s.update('q', 90, t); // -90 dBov: background, never a candidate
    }
    expect(s.evaluate(500)).toBe(true);
    expect(s.members).toEqual(['a']);
    expect(s.speaking('a', 500)).toBe(true);
    expect(s.speaking('q', 500)).toBe(false);
    // b is 3 dB louder than a: not enough.
    for (let t = 500; t < 2000; t += 20) {
      s.update('a', 30, t);
      s.update('b', 27, t);
    }
    expect(s.evaluate(2000)).toBe(false);
    expect(s.members).toEqual(['a']);
    // b 20 dB louder than a, but a entered at 500 and holds until 1500: at 1400 no switch, later yes.
    const t0 = new SpeakerSelector({ maxSpeakers: 1, minHoldMs: 1000 });
    for (let t = 0; t <= 1400; t += 20) {
      t0.update('a', 40, t);
      if (t > 600) t0.update('b', 20, t);
      if (t === 500) t0.evaluate(t);
    }
    expect(t0.evaluate(1400)).toBe(false);
    for (let t = 1420; t <= 1600; t += 20) {
      t0.update('a', 40, t);
      t0.update('b', 20, t);
    }
    expect(t0.evaluate(1600)).toBe(true);
    expect(t0.members).toEqual(['b']);
  });

  it('treats a source that stopped sending as silent', () => {
    const s = new SpeakerSelector({ maxSpeakers: 2 });
    s.update('a', 20, 0);
    expect(s.levelDbov('a', 100)).toBeGreaterThan(-127);
    expect(s.levelDbov('a', 1000)).toBe(-127);
    expect(s.speaking('a', 1000)).toBe(false);
  });
});

describe('SlotRewriter', () => {
  it('keeps one continuous stream across speaker switches with the marker on each new talkspurt', () => {
    const w = new SlotRewriter(0x11223344, 48_000);
    const out: ReturnType<typeof parseRtpPacket>[] = [];
    const feed = (ssrc: number, seq: number, ms: number) => {
      const o = w.rewrite(packet(ssrc, seq, 30), seq & 0xffff, (seq * 960) >>> 0, ms);
      if (o) out.push(parseRtpPacket(o.slice()));
    };
    w.assign('a');
    for (let i = 0; i < 10; i++) feed(1, 1000 + i, i * 20);
    w.assign('b');
    for (let i = 0; i < 10; i++) feed(2, 65530 + i, 300 + i * 20); // wraps
    expect(out.map((p) => p.ssrc).every((s) => s === 0x11223344)).toBe(true);
    const seqs = out.map((p) => p.sequenceNumber);
    for (let i = 1; i < seqs.length; i++) expect((seqs[i] - seqs[i - 1]) & 0xffff).toBe(1);
    expect(out.map((p) => p.marker)).toEqual(out.map((_, i) => i === 0 || i === 10));
    // The timestamp advances by the wall time between the switch's two packets (300 − 180 ms = 120 ms).
    expect((out[10].timestamp - out[9].timestamp) >>> 0).toBe(120 * 48);
    for (let i = 11; i < out.length; i++) expect((out[i].timestamp - out[i - 1].timestamp) >>> 0).toBe(960);
    expect(w.stats.switches).toBe(1);
  });

  it('keeps the source gaps (real loss) and refuses packets from before the switch', () => {
    const w = new SlotRewriter(5, 48_000);
    w.assign('a');
    const seqOf = (o: Uint8Array | undefined) =>
      o === undefined ? undefined : parseRtpPacket(o.slice()).sequenceNumber;
    const first = seqOf(w.rewrite(packet(1, 100, 30), 100, 96000, 0))!;
    expect(seqOf(w.rewrite(packet(1, 103, 30), 103, 103 * 960, 60))).toBe((first + 3) & 0xffff);
    expect(seqOf(w.rewrite(packet(1, 101, 30), 101, 101 * 960, 61))).toBe((first + 1) & 0xffff); // late, kept
    expect(w.rewrite(packet(1, 99, 30), 99, 99 * 960, 62)).toBeUndefined(); // from before the start
    expect(w.stats.droppedLate).toBe(1);
  });
});

describe('InboundCounter', () => {
  it('counts loss across a sequence wrap and keeps it when the SSRC changes', () => {
    const c = new InboundCounter();
    for (const seq of [65533, 65534, 0, 2, 3]) c.count(7, seq, 100); // 65535 and 1 lost
    expect(c.packetsLost).toBe(2);
    for (const seq of [10, 11, 13]) c.count(8, seq, 100); // 12 lost
    expect(c.packetsLost).toBe(3);
    expect(c.packetsReceived).toBe(8);
  });
});

describe('SfuRouter', () => {
  it('forwards the loud participants to the others on sticky slots and frees a leaver’s slot', () => {
    const router = new SfuRouter({ slots: 2, random: prng(1), audioLevelExtensionId: LEVEL_ID });
    const levels: Record<string, number> = { a: 20, b: 25, c: 100, d: 110 };
    const ssrcs: Record<string, number> = { a: 1, b: 2, c: 3, d: 4 };
    const rec = Object.fromEntries(Object.keys(levels).map((id) => [id, recorder()]));
    for (const id of Object.keys(levels)) router.add(id, rec[id].sink);
    let seq = 0;
    const round = (ms: number, ids = Object.keys(levels)) => {
      for (const id of ids) router.receive(id, packet(ssrcs[id], seq, levels[id], ssrcs[id]), ms);
      seq++;
    };
    for (let t = 0; t < 2000; t += 20) round(t);
    expect([...router.activeSpeakers]).toEqual(['a', 'b']);
    // Quiet c and d each hear a and b; a hears b; b hears a; nobody hears c or d.
    const heard = (id: string) => new Set(rec[id].sent.filter((s) => s.seq >= 0).map((s) => s.tag));
    expect(heard('c')).toEqual(new Set([1, 2]));
    expect(heard('d')).toEqual(new Set([1, 2]));
    expect(heard('a')).toEqual(new Set([2]));
    expect(heard('b')).toEqual(new Set([1]));
    // Sticky: each slot of c carried one speaker only.
    for (const slot of [0, 1])
      expect(new Set(rec.c.sent.filter((s) => s.slot === slot).map((s) => s.tag)).size).toBe(1);
    const cStats = router.stats('c')!;
    expect(cStats.forwarded).toBe(false);
    expect(cStats.slots.sort()).toEqual(['a', 'b']);
    expect(router.stats('a')!.speaking).toBe(true);
    const fromA = ['b', 'c', 'd'].map((id) => rec[id].sent.filter((x) => x.tag === 1).length);
    expect(router.stats('a')!.packetsForwarded).toBe(fromA[0] + fromA[1] + fromA[2]);
    expect(router.stats('c')!.packetsSent).toBe(rec.c.sent.length);

    // a leaves: its slot at c is freed at once; c, now louder than d, takes a place after its level rises.
    router.remove('a');
    expect(router.stats('c')!.slots).toContain(undefined);
    levels.c = 15;
    const before = rec.d.sent.length;
    for (let t = 2000; t < 3000; t += 20) round(t, ['b', 'c', 'd']);
    expect(new Set(rec.d.sent.slice(before).map((s) => s.tag))).toEqual(new Set([2, 3]));
    // The slot that carried a now carries c: one continuous sequence with a marker at the switch.
    const cSlot = rec.d.sent.find((s, i) => i >= before && s.tag === 3)!.slot;
    const line = rec.d.sent.filter((s) => s.slot === cSlot);
    expect(new Set(line.map((s) => s.ssrc)).size).toBe(1);
    for (let i = 1; i < line.length; i++) expect((line[i].seq - line[i - 1].seq) & 0xffff).toBe(1);
    expect(line.filter((s) => s.marker).length).toBe(2);
  });

  it('counts RTCP, garbage and foreign payload types as dropped and never throws', () => {
    const router = new SfuRouter({ payloadType: 111, random: prng(2) });
    const r = recorder();
    router.add('a', r.sink);
    router.add('b', recorder().sink);
    const rand = prng(3);
    for (let i = 0; i < 2000; i++) {
      const bytes = new Uint8Array(Math.floor(rand() * 60));
      for (let k = 0; k < bytes.length; k++) bytes[k] = Math.floor(rand() * 256);
      router.receive('b', bytes, i);
    }
    router.receive('b', new Uint8Array([0x80, 200, 0, 6, 0, 0, 0, 1]), 1);
    router.receive('nobody', packet(1, 1, 10), 1);
    const s = router.stats('b')!;
    expect(s.packetsDropped + s.packetsReceived).toBe(2001);
    expect(s.packetsDropped).toBeGreaterThan(1900);
    expect(() => router.add('a', r.sink)).toThrow(/already/);
    // A sink that cannot send yet (connection not up): counted as dropped at the receiver, not as sent.
    const down = new SfuRouter({ slots: 1, random: prng(4) });
    down.add('x', { send: () => false });
    down.add('y', r.sink);
    for (let t = 0; t < 400; t += 20) down.receive('y', packet(9, t / 20, 20, 9), t);
    expect(down.stats('x')).toMatchObject({ packetsSent: 0, slots: ['y'] });
    expect(down.stats('x')!.packetsDropped).toBeGreaterThan(10);
    expect(down.stats('y')!.packetsForwarded).toBe(0);
    expect(() => new SfuRouter({ slots: 0 })).toThrow(/slots/);
  });
});
