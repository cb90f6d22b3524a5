import { describe, expect, it } from 'vitest';
import { rmsDbov } from '../../src/audio/level.js';
import { PcmBufferSink, PcmBufferSource } from '../../src/capture/buffer.js';
import { VirtualClock } from '../../src/clock/index.js';
import { parseOpusPacket } from '../../src/codec/opus-toc.js';
import type { VoiceSessionOptions } from '../../src/session/options.js';
import type { SessionProcessor } from '../../src/session/processor.js';
import { VoiceSession } from '../../src/session/voice-session.js';
import { LoopbackTransport } from '../../src/transport/loopback.js';
import { parseRtpPacket } from '../../src/transport/rtp/packet.js';
import { prng } from '../helpers/random.js';

/** A stand-in processor: attenuates capture by `gain`, VAD by level, records what it saw. */
class FakeProcessor implements SessionProcessor {
  references = 0;
  referenceEnergy = 0;
  captures = 0;
  speaking = false;
  levelDbov = -127;
  closed = false;
  constructor(readonly gain: number) {}
  processReference(frame: Int16Array): void {
    this.references++;
    for (const x of frame) this.referenceEnergy += x * x;
  }
  processCapture(frame: Int16Array, out?: Int16Array): Int16Array {
    this.captures++;
    const o = out ?? new Int16Array(frame.length);
    for (let i = 0; i < frame.length; i++) o[i] = Math.round(frame[i] * this.gain);
    this.levelDbov = rmsDbov(o);
    this.speaking = this.levelDbov > -40;
    return o;
  }
  getStats() {
    return { captures: this.captures };
  }
  close(): void {
    this.closed = true;
  }
}

/** 1 s of tone then 1 s of silence, repeated. */
function bursts(rateHz: number, seconds: number): Int16Array {
  const out = new Int16Array(rateHz * seconds);
  for (let i = 0; i < out.length; i++) {
    if (Math.floor(i / rateHz) % 2 === 0)
      out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / rateHz));
  }
  return out;
}

async function run(codec: 'pcmu' | { name: string; dtx?: boolean }, gain: number, vad: boolean) {
  const clock = new VirtualClock();
  const [ta, tb] = LoopbackTransport.pair({ clock });
  const random = prng(5);
  const format = { sampleRateHz: 8000, channels: 1 };
  const processor = new FakeProcessor(gain);
  const a = new VoiceSession({
    codec,
    transport: ta,
    clock,
    random,
    vad,
    aec: true,
    processor,
    source: new PcmBufferSource(bursts(8000, 4), format),
    sink: new PcmBufferSink(format),
  });
  const sinkB = new PcmBufferSink(format);
  const b = new VoiceSession({
    codec,
    transport: tb,
    clock,
    random,
    source: new PcmBufferSource(bursts(8000, 4), format),
    sink: sinkB,
  });
  await a.start();
  await b.start();
  clock.advance(4000);
  const stats = a.getStats();
  await Promise.all([a.stop(), b.stop()]);
  return { processor, stats, heard: sinkB.samples() };
}

describe('VoiceSession processor stage', () => {
  it('sends what the processor outputs and feeds it the playout as reference', async () => {
    const loud = await run('pcmu', 1, false);
    const quiet = await run('pcmu', 0.1, false);
    expect(loud.processor.captures).toBe(400);
    expect(loud.processor.references).toBe(400);
    expect(loud.processor.referenceEnergy).toBeGreaterThan(0); // B's tone, played at A
    expect(loud.stats.processor).toEqual({ captures: 400 });
    expect(loud.processor.closed).toBe(true);
    const level = (x: Int16Array) => rmsDbov(x.subarray(2000, 8000));
    expect(level(loud.heard) - level(quiet.heard)).toBeGreaterThan(15);
  });

  it('skips packets the VAD calls silence when the codec has DTX', async () => {
    const continuous = await run({ name: 'opus' }, 1, true);
    const dtx = await run({ name: 'opus', dtx: true }, 1, true);
    // Half the call is silence: DTX sends little more than half the packets.
    expect(continuous.stats.outbound.packetsSent).toBeGreaterThan(190);
    expect(dtx.stats.outbound.packetsSent).toBeLessThan(continuous.stats.outbound.packetsSent * 0.7);
  });

  it('builds the built-in AudioProcessor from aec/ns/vad and reports its stats and speech', async () => {
    const clock = new VirtualClock();
    const [ta, tb] = LoopbackTransport.pair({ clock });
    const format = { sampleRateHz: 8000, channels: 1 };
    const a = new VoiceSession({
      codec: 'pcmu',
      transport: ta,
      clock,
      aec: true,
      ns: true,
      vad: true,
      source: new PcmBufferSource(bursts(8000, 4), format),
      sink: new PcmBufferSink(format),
    });
    const b = new VoiceSession({
      codec: 'pcmu',
      transport: tb,
      clock,
      source: new PcmBufferSource(new Int16Array(8000), format),
      sink: new PcmBufferSink(format),
    });
    const speaking: boolean[] = [];
    a.on('speaking', (v) => speaking.push(v));
    await a.start();
    await b.start();
    clock.advance(4000);
    expect(a.getStats().processor).toBeTypeOf('object');
    expect(speaking.filter((v) => v).length).toBeGreaterThanOrEqual(1);
    expect(b.getStats().inbound?.packetsReceived).toBeGreaterThan(100);
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe('VoiceSession codec band', () => {
  /** Opus bandwidths of what a 48 kHz session with `options` sends of 1 s of white noise. */
  async function sentBandwidths(options: Partial<VoiceSessionOptions>): Promise<Set<string>> {
    const clock = new VirtualClock();
    const [ta, tb] = LoopbackTransport.pair({ clock });
    const format = { sampleRateHz: 48_000, channels: 1 };
    const noise = prng(9);
    const wide = new Int16Array(48_000);
    for (let i = 0; i < wide.length; i++) wide[i] = Math.round(6000 * (noise() * 2 - 1));
    const seen = new Set<string>();
    tb.on('datagram', ({ data, channel }) => {
      if (channel !== 'rtp') return;
      const packet = parseRtpPacket(data);
      if (packet.payloadType === 111) seen.add(parseOpusPacket(packet.payload).bandwidth);
    });
    const a = new VoiceSession({
      codec: 'opus',
      transport: ta,
      clock,
      source: new PcmBufferSource(wide, format),
      sink: new PcmBufferSink(format),
      statsIntervalMs: 0,
      ...options,
    });
    await a.start();
    clock.advance(1000);
    await a.stop();
    return seen;
  }

  it('codes wideband behind the built-in processor at 16 kHz, fullband without it', async () => {
    expect([...(await sentBandwidths({ ns: true }))]).toEqual(['wideband']);
    expect(await sentBandwidths({})).toContain('fullband');
    expect(await sentBandwidths({ processor: new FakeProcessor(1) })).toContain('fullband');
  });

  it('passes codec.complexity to the encoder and rejects a bad one', async () => {
    expect(await sentBandwidths({ codec: { name: 'opus', complexity: 3 } })).toContain('fullband');
    expect(
      () =>
        new VoiceSession({ transport: LoopbackTransport.pair()[0], codec: { name: 'opus', complexity: 11 } }),
    ).toThrow(/codec\.complexity/);
  });
});
