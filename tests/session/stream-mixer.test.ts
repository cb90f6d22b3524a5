import { describe, expect, it } from 'vitest';
import { PcmBufferSink, PcmBufferSource } from '../../src/capture/buffer.js';
import { VirtualClock } from '../../src/clock/index.js';
import { emptyPlayoutStats } from '../../src/jitter/stats.js';
import { type MixedStream, StreamMixer } from '../../src/session/stream-mixer.js';
import { VoiceSession } from '../../src/session/voice-session.js';
import { LoopbackTransport } from '../../src/transport/loopback.js';

const RATE = 8000;
const format = { sampleRateHz: RATE, channels: 1 };

function tone(hz: number, seconds: number, amplitude = 6000): Int16Array {
  const out = new Int16Array(RATE * seconds);
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));
  return out;
}

/** Amplitude of `hz` in `x` (Goertzel, normalised so a sine of amplitude A gives about A). */
function amplitudeAt(x: Int16Array, hz: number): number {
  const w = (2 * Math.PI * hz) / RATE;
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + 2 * Math.cos(w) * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * Math.sqrt(s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2)) / x.length;
}

/** B receives from A (300 Hz) and C (700 Hz) on one transport, two SSRCs. */
async function twoTalkers(maxReceiveStreams: number) {
  const clock = new VirtualClock();
  const [ab, ba] = LoopbackTransport.pair({ clock });
  const [cd, dc] = LoopbackTransport.pair({ clock });
  dc.on('datagram', (d) => ba.emit('datagram', d));
  const sink = new PcmBufferSink(format);
  const talker = (transport: LoopbackTransport, hz: number) =>
    new VoiceSession({
      codec: 'pcmu',
      transport,
      clock,
      source: new PcmBufferSource(tone(hz, 3), format),
      sink: new PcmBufferSink(format),
      statsIntervalMs: 0,
    });
  const a = talker(ab, 300);
  const c = talker(cd, 700);
  const b = new VoiceSession({
    codec: 'pcmu',
    transport: ba,
    clock,
    maxReceiveStreams,
    source: new PcmBufferSource(new Int16Array(RATE * 3), format),
    sink,
    statsIntervalMs: 0,
  });
  for (const s of [a, b, c]) await s.start();
  clock.advance(2500);
  const stats = b.getStats().playout;
  for (const s of [a, b, c]) await s.stop();
  const heard = sink.samples().subarray(RATE, 2 * RATE);
  return { stats, low: amplitudeAt(heard, 300), high: amplitudeAt(heard, 700) };
}

describe('receiving several streams', () => {
  it('mixes two sources with maxReceiveStreams 2: both are heard at their level', async () => {
    const mixed = await twoTalkers(2);
    expect(mixed.low).toBeGreaterThan(4000);
    expect(mixed.high).toBeGreaterThan(4000);
    expect(mixed.stats.concealedSamples).toBeLessThan(RATE * 0.2);
  });

  it('with one stream (the default) a second source only disturbs the first', async () => {
    const single = await twoTalkers(1);
    expect(single.stats.resets).toBeGreaterThan(10);
  });
});

describe('StreamMixer', () => {
  /** A stream whose playout outputs a constant `value` and counts what it was given. */
  function constantStream(value: number, log: string[]): MixedStream {
    const stats = emptyPlayoutStats();
    return {
      playout: {
        insert: () => {
          stats.totalSamplesReceived += 80;
        },
        pull: (out) => {
          out.fill(value);
          return { pcm: out, operation: 'normal' };
        },
        getStats: () => ({ ...stats, targetDelayMs: value }),
      },
      close: () => log.push(`close ${value}`),
    };
  }
  const packet = (ssrc: number) => ({
    sequenceNumber: 0,
    timestamp: 0,
    ssrc,
    payloadType: 0,
    payload: new Uint8Array(1),
  });

  it('sums with saturation, refuses a third source while both are live, drops an idle one', () => {
    const log: string[] = [];
    const values = [20_000, 15_000, 7];
    const mixer = new StreamMixer({
      maxStreams: 2,
      idleMs: 1000,
      frameSamples: 80,
      createStream: () => constantStream(values.shift()!, log),
    });
    const out = new Int16Array(80);
    mixer.insert(packet(1), 0);
    mixer.insert(packet(2), 0);
    mixer.insert(packet(3), 500); // both live: refused
    expect(mixer.pull(out, 500).pcm[0]).toBe(32767);
    expect(mixer.getStats().packetsDiscarded).toBe(1);
    expect(mixer.getStats().targetDelayMs).toBe(20_000);
    mixer.insert(packet(2), 900);
    mixer.pull(out, 1500); // source 1 silent for 1.5 s: dropped
    expect(log).toEqual(['close 20000']);
    expect(mixer.streamCount).toBe(1);
    expect(out[0]).toBe(15_000);
    mixer.insert(packet(3), 1600); // a free place now
    expect(mixer.pull(out, 1600).pcm[0]).toBe(15_007);
    expect(mixer.getStats().totalSamplesReceived).toBe(4 * 80); // counters of the dropped stream kept
    mixer.close();
    expect(log).toEqual(['close 20000', 'close 15000', 'close 7']);
  });
});
