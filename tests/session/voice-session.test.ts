import { describe, expect, it } from 'vitest';
import { PcmBufferSink, PcmBufferSource } from '../../src/capture/buffer.js';
import { VirtualClock } from '../../src/clock/index.js';
import { isVoxwireError } from '../../src/errors.js';
import type { VoiceSessionOptions } from '../../src/session/options.js';
import { VoiceSession } from '../../src/session/voice-session.js';
import { LoopbackTransport } from '../../src/transport/loopback.js';
import { prng } from '../helpers/random.js';
import { sine } from '../helpers/signal.js';

function tone(rateHz: number, seconds: number, amplitude = 0.3): Int16Array {
  const f = sine(440, rateHz, rateHz * seconds, amplitude);
  return Int16Array.from(f, (x) => Math.round(x * 32767));
}

function pair(codec: VoiceSessionOptions['codec'] = 'pcmu') {
  const clock = new VirtualClock();
  const [ta, tb] = LoopbackTransport.pair({ clock });
  const random = prng(1);
  const sinkA = new PcmBufferSink({ sampleRateHz: 8000, channels: 1 });
  const sinkB = new PcmBufferSink({ sampleRateHz: 8000, channels: 1 });
  const a = new VoiceSession({
    codec,
    transport: ta,
    clock,
    random,
    source: new PcmBufferSource(tone(8000, 5), { sampleRateHz: 8000, channels: 1 }),
    sink: sinkA,
  });
  const b = new VoiceSession({
    codec,
    transport: tb,
    clock,
    random,
    source: new PcmBufferSource(new Int16Array(8000 * 5), { sampleRateHz: 8000, channels: 1 }),
    sink: sinkB,
  });
  return { clock, a, b, ta, tb, sinkA, sinkB };
}

describe('VoiceSession', () => {
  it('carries audio from one session to the other and releases every timer on stop', async () => {
    const { clock, a, b, ta, sinkB } = pair();
    const states: string[] = [];
    a.on('state', (s) => states.push(s));
    await a.start();
    await b.start();
    clock.advance(2000);
    const stats = b.getStats();
    expect(stats.inbound?.packetsReceived).toBeGreaterThan(90);
    expect(a.getStats().outbound.packetsSent).toBeGreaterThan(95);
    await Promise.all([a.stop(), b.stop()]);
    expect(states).toEqual(['starting', 'active', 'stopping', 'stopped']);
    expect(ta.closed).toBe(true);
    // Nothing left scheduled: a script on a RealClock would exit by itself.
    clock.runAll(60_000);
    expect(clock.pendingTimers).toBe(0);
    const heard = sinkB.samples();
    let energy = 0;
    for (let i = 8000; i < heard.length; i++) energy += heard[i] * heard[i];
    expect(Math.sqrt(energy / (heard.length - 8000))).toBeGreaterThan(3000);
  });

  it('sends nothing while muted or on hold and resumes after', async () => {
    const { clock, a, b } = pair();
    await a.start();
    await b.start();
    clock.advance(500);
    a.mute();
    const before = a.getStats().outbound.packetsSent;
    clock.advance(500);
    expect(a.getStats().outbound.packetsSent).toBe(before);
    a.unmute();
    a.hold();
    expect(a.state).toBe('held');
    clock.advance(500);
    expect(a.getStats().outbound.packetsSent).toBe(before);
    a.resume();
    clock.advance(500);
    expect(a.getStats().outbound.packetsSent).toBeGreaterThan(before + 20);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('emits periodic stats, speaking and remoteSpeaking', async () => {
    const { clock, a, b } = pair();
    const stats: number[] = [];
    const speaking: boolean[] = [];
    const remote: boolean[] = [];
    b.on('stats', (s) => stats.push(s.timestampMs));
    a.on('speaking', (v) => speaking.push(v));
    b.on('remoteSpeaking', (v) => remote.push(v));
    await a.start();
    await b.start();
    clock.advance(7000);
    expect(stats.length).toBe(7);
    expect(speaking).toEqual([true, false]); // the tone lasts 5 s
    expect(remote[0]).toBe(true);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('survives garbage datagrams and a throwing listener', async () => {
    const { clock, a, b, ta } = pair();
    const errors: unknown[] = [];
    b.on('error', (e) => errors.push(e));
    b.on('stats', () => {
      throw new Error('listener bug');
    });
    await a.start();
    await b.start();
    for (let i = 0; i < 200; i++) {
      const junk = new Uint8Array(i % 40);
      for (let k = 0; k < junk.length; k++) junk[k] = (i * 31 + k * 7) & 0xff;
      junk[0] = 0x80;
      ta.send(junk);
      clock.advance(10);
    }
    clock.advance(2000);
    expect(b.getStats().inbound?.packetsReceived).toBeGreaterThan(150);
    expect(errors.length).toBeGreaterThan(0); // the listener's exception, reported
    await Promise.all([a.stop(), b.stop()]);
  });

  it('refuses a second start and allows stop twice', async () => {
    const { a, b } = pair();
    await a.start();
    await expect(a.start()).rejects.toSatisfy((e) => isVoxwireError(e, 'ERR_INVALID_STATE'));
    await a.stop();
    await a.stop();
    await b.stop();
    expect(b.state).toBe('stopped');
  });

  it('runs Opus at 48 kHz from an 8 kHz source', async () => {
    const { clock, a, b } = pair('opus');
    expect(a.sampleRateHz).toBe(48000);
    await a.start();
    await b.start();
    clock.advance(1500);
    expect(b.getStats().inbound?.packetsReceived).toBeGreaterThan(60);
    await Promise.all([a.stop(), b.stop()]);
  });
});
