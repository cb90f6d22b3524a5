import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createOpusCodec, type OpusCodec } from '../../src/codec/opus.js';
import { OPUS_WASM_STATIC_END, OpusEngine, opusWasmHeap } from '../../src/codec/opus-native.js';
import { parseOpusPacket } from '../../src/codec/opus-toc.js';
import { isVoxwireError, type VoxwireErrorCode } from '../../src/errors.js';
import { mediaPath } from '../helpers/peers.js';
import { alignedCorrelation, snrDb } from '../helpers/signal.js';

function codeOf(fn: () => unknown): VoxwireErrorCode | 'no error' | 'not a VoxwireError' {
  try {
    fn();
  } catch (error) {
    return isVoxwireError(error) ? error.code : 'not a VoxwireError';
  }
  return 'no error';
}

/** Reads the 16-bit PCM samples of a canonical WAV file (the shared speech material). */
function speech(name: string): Int16Array {
  const bytes = readFileSync(mediaPath(name));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = view.getUint32(at + 4, true);
    if (id === 'data')
      return new Int16Array(bytes.buffer.slice(bytes.byteOffset + at + 8, bytes.byteOffset + at + 8 + size));
    at += 8 + size + (size & 1);
  }
  throw new Error(`${name}: no data chunk`);
}

/** A voiced-speech-like signal: harmonics of a slowly gliding pitch, seeded, interleaved. */
function voiced(samplesPerChannel: number, rateHz: number, channels = 1): Int16Array {
  const out = new Int16Array(samplesPerChannel * channels);
  let phase = 0;
  for (let i = 0; i < samplesPerChannel; i++) {
    const f0 = 140 + 40 * Math.sin((2 * Math.PI * i) / rateHz);
    phase += (2 * Math.PI * f0) / rateHz;
    let v = 0;
    for (let h = 1; h <= 8 && h * f0 < rateHz / 2.5; h++) v += Math.sin(h * phase) / h;
    for (let c = 0; c < channels; c++) out[i * channels + c] = Math.round(6000 * v * (c === 0 ? 1 : 0.6));
  }
  return out;
}

/** Encodes then decodes `pcm` in frames of `frameMs`, returning the decoded signal. */
function roundTrip(codec: OpusCodec, pcm: Int16Array, frameMs: number): Int16Array {
  const { sampleRateHz, channels } = codec.info;
  const frame = (sampleRateHz * frameMs * channels) / 1000;
  const out = new Int16Array(Math.floor(pcm.length / frame) * frame);
  for (let at = 0; at + frame <= pcm.length; at += frame) {
    const packet = codec.encode(pcm.subarray(at, at + frame));
    expect(parseOpusPacket(packet).samplesPerChannel).toBe((48 * frameMs) | 0);
    out.set(codec.decode(packet), at);
  }
  return out;
}

function channel(pcm: Int16Array, channels: number, c: number): Int16Array {
  return pcm.filter((_, i) => i % channels === c);
}

describe('Opus codec', () => {
  it('describes itself for RTP and SDP', () => {
    const codec = createOpusCodec();
    expect(codec.info).toEqual({
      name: 'opus',
      encodingName: 'opus',
      clockRateHz: 48000,
      sampleRateHz: 48000,
      channels: 1,
      payloadType: 111,
      sdpChannels: 2,
      fmtp: 'minptime=10;useinbandfec=1',
      frameDurationsMs: [2.5, 5, 10, 20, 40, 60],
      supportsDtx: true,
    });
    expect(Object.isFrozen(codec.info)).toBe(true);
    const stereo = createOpusCodec({ channels: 2, dtx: true, payloadType: 100, frameDurationMs: 20 });
    expect(stereo.info.fmtp).toBe('minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;usedtx=1');
    expect(stereo.info.payloadType).toBe(100);
    expect(stereo.info.frameDurationsMs).toEqual([20]);
    codec.close();
    stereo.close();
  });

  it('round-trips 48 kHz speech at 32 kbit/s with high aligned correlation and SNR', () => {
    const pcm = speech('speech-a-48k.wav').subarray(0, 48000 * 4);
    const codec = createOpusCodec({ bitrateBps: 32000 });
    const lookahead = codec.readEncoderSettings().lookaheadSamples;
    const decoded = roundTrip(codec, pcm, 20);
    const { lag, correlation } = alignedCorrelation(pcm.subarray(0, 96000), decoded.subarray(0, 96000), 600);
    expect(Math.abs(lag - lookahead)).toBeLessThanOrEqual(8); // the delay is the encoder's lookahead
    expect(correlation).toBeGreaterThan(0.9);
    const snr = snrDb(pcm.subarray(0, decoded.length - lag), decoded.subarray(lag));
    expect(snr).toBeGreaterThan(8);
    codec.close();
  });

  it('is deterministic: the same input gives the same packets', () => {
    const pcm = voiced(9600, 48000);
    const run = (): string => {
      const codec = createOpusCodec({ complexity: 5 });
      const packets: number[] = [];
      for (let at = 0; at < pcm.length; at += 960) packets.push(...codec.encode(pcm.subarray(at, at + 960)));
      codec.close();
      return Buffer.from(packets).toString('hex');
    };
    expect(run()).toBe(run());
  });

  it.each([8000, 12000, 16000, 24000, 48000])('encodes and decodes at %i Hz, mono and stereo', (rate) => {
    for (const channels of [1, 2]) {
      const codec = createOpusCodec({ sampleRateHz: rate, channels, bitrateBps: 24000 * channels });
      const pcm = voiced(rate, rate, channels);
      const decoded = roundTrip(codec, pcm, 20);
      for (let c = 0; c < channels; c++) {
        const ref = channel(pcm, channels, c);
        const deg = channel(decoded, channels, c);
        expect(
          alignedCorrelation(ref.subarray(0, rate / 2), deg.subarray(0, rate / 2), rate / 50).correlation,
        ).toBeGreaterThan(0.8);
      }
      codec.close();
    }
  });

  it.each([2.5, 5, 10, 20, 40, 60])('encodes %f ms frames (mono and stereo at 48 kHz)', (ms) => {
    for (const channels of [1, 2]) {
      const codec = createOpusCodec({ channels, frameDurationMs: ms });
      const pcm = voiced(48000, 48000, channels);
      const decoded = roundTrip(codec, pcm, ms);
      const ref = channel(pcm, channels, 0).subarray(0, 24000);
      expect(
        alignedCorrelation(ref, channel(decoded, channels, 0).subarray(0, 24000), 600).correlation,
      ).toBeGreaterThan(0.8);
      expect(codeOf(() => codec.encode(new Int16Array((48 * ms + 1) * channels)))).toBe(
        'ERR_INVALID_ARGUMENT',
      );
      codec.close();
    }
  });

  it('keeps libopus static data intact for 60 ms stereo frames and 120 ms stereo packets', () => {
    const codec = createOpusCodec({ channels: 2 });
    const heap = opusWasmHeap()!;
    const before = Uint8Array.from(heap.subarray(1024, OPUS_WASM_STATIC_END));
    const pcm = voiced(2880 * 4, 48000, 2);
    for (let at = 0; at < pcm.length; at += 5760) {
      const packet = codec.encode(pcm.subarray(at, at + 5760));
      const info = parseOpusPacket(packet);
      expect(info.samplesPerChannel).toBe(2880);
      expect(codec.decode(packet).length).toBe(5760);
    }
    // 120 ms stereo: 6 × 20 ms CELT frames in one code 3 packet, decoded frame by frame
    const frames = [];
    for (let i = 0; i < 6; i++)
      frames.push(...codec.encode(pcm.subarray(i * 1920, (i + 1) * 1920)).subarray(0));
    const cbr = Uint8Array.from([(31 << 3) | 4 | 3, 6, ...new Array(6 * 20).fill(0x55)]);
    expect(codec.decode(cbr).length).toBe(11520);
    const after = opusWasmHeap()!.subarray(1024, OPUS_WASM_STATIC_END);
    expect(Buffer.compare(Buffer.from(before), Buffer.from(after))).toBe(0);
    codec.close();
  });

  it('applies every encoder option (read back from libopus)', () => {
    const codec = createOpusCodec({
      bitrateBps: 20000,
      complexity: 3,
      dtx: true,
      inbandFec: true,
      application: 'audio',
    });
    expect(codec.readEncoderSettings()).toMatchObject({
      bitrateBps: 20000,
      complexity: 3,
      dtx: true,
      inbandFec: true,
      packetLossPercent: 10,
    });
    codec.close();
    const lossy = createOpusCodec({ packetLossPercent: 25 });
    expect(lossy.readEncoderSettings()).toMatchObject({
      inbandFec: false,
      packetLossPercent: 25,
      complexity: 9,
    });
    expect(lossy.readEncoderSettings().bitrateBps).toBe(32000);
    lossy.close();
    expect(createOpusCodec({ channels: 2 }).readEncoderSettings().bitrateBps).toBe(64000);
    // lowdelay has less algorithmic delay than voip
    const low = createOpusCodec({ application: 'lowdelay' });
    const voip = createOpusCodec({ application: 'voip' });
    expect(low.readEncoderSettings().lookaheadSamples).toBeLessThan(
      voip.readEncoderSettings().lookaheadSamples,
    );
    low.close();
    voip.close();
  });

  it('maxBandwidth caps the coded band, is read back and advertised as sprop-maxcapturerate', () => {
    const pcm = voiced(48000, 48000);
    const bandwidths = (options: object): Set<string> => {
      const codec = createOpusCodec(options);
      const seen = new Set<string>();
      for (let at = 0; at < pcm.length; at += 960) {
        seen.add(parseOpusPacket(codec.encode(pcm.subarray(at, at + 960))).bandwidth);
      }
      codec.close();
      return seen;
    };
    expect(bandwidths({})).toContain('fullband');
    expect([...bandwidths({ maxBandwidth: 'wideband' })]).toEqual(['wideband']);
    expect([...bandwidths({ maxBandwidth: 'narrowband' })]).toEqual(['narrowband']);
    const wide = createOpusCodec({ maxBandwidth: 'wideband' });
    expect(wide.readEncoderSettings().maxBandwidth).toBe('wideband');
    expect(wide.info.fmtp).toBe('minptime=10;useinbandfec=1;sprop-maxcapturerate=16000');
    wide.close();
    const full = createOpusCodec();
    expect(full.readEncoderSettings().maxBandwidth).toBe('fullband');
    full.close();
  });

  it('bitrate changes packet sizes; DTX sends nothing in silence; FEC grows SILK packets', () => {
    const pcm = voiced(48000, 48000);
    const bytes = (options: object, input = pcm): number => {
      const codec = createOpusCodec(options);
      let total = 0;
      for (let at = 0; at < input.length; at += 960)
        total += codec.encode(input.subarray(at, at + 960)).length;
      codec.close();
      return total;
    };
    const at16 = bytes({ bitrateBps: 16000 });
    const at64 = bytes({ bitrateBps: 64000 });
    expect(at16 * 8).toBeGreaterThan(16000 * 0.7);
    expect(at16 * 8).toBeLessThan(16000 * 1.3);
    expect(at64).toBeGreaterThan(2.5 * at16);
    const silence = new Int16Array(48000);
    expect(bytes({ dtx: true }, silence)).toBeLessThan(bytes({ dtx: false }, silence) / 3);
    const withFec = bytes({ bitrateBps: 16000, inbandFec: true, packetLossPercent: 30 });
    const noFec = bytes({ bitrateBps: 16000, packetLossPercent: 30 });
    expect(withFec).not.toBe(noFec);
  });

  it('rejects every invalid option naming the option and what is allowed', () => {
    const cases: [object, RegExp][] = [
      [{ sampleRateHz: 44100 }, /sampleRateHz.*8000, 12000, 16000, 24000, 48000/],
      [{ channels: 3 }, /channels.*1 or 2/],
      [{ application: 'music' }, /application.*'voip', 'audio' or 'lowdelay'/],
      [{ bitrateBps: 5000 }, /bitrateBps.*6000–510000/],
      [{ bitrateBps: 32000.5 }, /bitrateBps/],
      [{ complexity: 11 }, /complexity.*0–10/],
      [{ maxBandwidth: 'hd' }, /maxBandwidth.*'wideband'/],
      [{ dtx: 'yes' }, /dtx.*true or false/],
      [{ inbandFec: 1 }, /inbandFec.*true or false/],
      [{ packetLossPercent: 101 }, /packetLossPercent.*0–100/],
      [{ frameDurationMs: 30 }, /frameDurationMs.*2.5, 5, 10, 20, 40, 60/],
      [{ payloadType: 8 }, /payloadType.*96–127/],
      [{ bitrate: 1 }, /bitrate.*Opus accepts/],
    ];
    for (const [options, message] of cases) {
      let caught: unknown;
      try {
        createOpusCodec(options as never);
      } catch (error) {
        caught = error;
      }
      expect(isVoxwireError(caught, 'ERR_INVALID_OPTION'), JSON.stringify(options)).toBe(true);
      expect((caught as Error).message).toMatch(message);
    }
  });

  it('rejects wrong frame sizes and short out buffers', () => {
    const codec = createOpusCodec({ frameDurationMs: 20 });
    expect(codeOf(() => codec.encode(new Int16Array(480)))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => codec.encode(new Int16Array(961)))).toBe('ERR_INVALID_ARGUMENT');
    const packet = Uint8Array.from(codec.encode(voiced(960, 48000)));
    expect(codeOf(() => codec.encode(voiced(960, 48000), new Uint8Array(2)))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => codec.decode(packet, new Int16Array(959)))).toBe('ERR_INVALID_ARGUMENT');
    const out = new Int16Array(960);
    expect(codec.decode(packet, out)).toBe(out);
    codec.close();
  });

  it('rejects malformed packets before libopus sees them; survives random garbage', () => {
    const codec = createOpusCodec();
    expect(codeOf(() => codec.decode(new Uint8Array(0)))).toBe('ERR_CODEC_MALFORMED');
    expect(codeOf(() => codec.decode(Uint8Array.from([8 | 3, 0])))).toBe('ERR_CODEC_MALFORMED');
    expect(codeOf(() => codec.decode(Uint8Array.from([8 | 3, 7, 0, 0])))).toBe('ERR_CODEC_MALFORMED');
    expect(codeOf(() => codec.decode(Uint8Array.from([8 | 2, 252])))).toBe('ERR_CODEC_MALFORMED');
    let s = 99;
    const codes = new Set<string>();
    for (let k = 0; k < 3000; k++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const p = new Uint8Array(1 + (s % 200));
      for (let i = 0; i < p.length; i++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        p[i] = s >>> 24;
      }
      codes.add(codeOf(() => codec.decode(p)));
    }
    expect([...codes].every((c) => c === 'no error' || c === 'ERR_CODEC_MALFORMED')).toBe(true);
    // and the codec still works
    expect(codec.decode(codec.encode(voiced(960, 48000))).length).toBe(960);
    codec.close();
  });

  it('conceals exactly the requested samples, continuing the audio, as libopus PLC does', () => {
    const pcm = voiced(48000, 48000);
    const codec = createOpusCodec();
    const reference = new OpusEngine(48000, 1, 2048);
    expect(Array.from(codec.conceal(480)).every((v) => v === 0)).toBe(true); // before any packet
    for (let at = 0; at < 9600; at += 960) {
      const packet = codec.encode(pcm.subarray(at, at + 960));
      codec.decode(Uint8Array.from(packet));
      reference.decode(Uint8Array.from(packet));
    }
    // 20 ms of our conceal is bit-exact with libopus' own concealment of a lost packet
    const ours = Int16Array.from(codec.conceal(960));
    expect(reference.decode(new Uint8Array(0))).toBe(5760);
    const theirs = new Int16Array(960);
    reference.readPcm(theirs, 0, 0, 960);
    expect(Array.from(ours)).toEqual(Array.from(theirs));
    expect(Math.max(...ours.map(Math.abs))).toBeGreaterThan(1000);
    reference.free();
    for (const n of [0, 1, 7, 160, 441, 480, 960, 1000, 2880, 5760]) expect(codec.conceal(n).length).toBe(n);
    expect(codeOf(() => codec.conceal(5761))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => codec.conceal(1.5))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => codec.conceal(100, new Int16Array(99)))).toBe('ERR_INVALID_ARGUMENT');
    // odd sizes are served from the surplus: 3 × 441 samples take 2 runs of libopus (10 ms + 20 ms)
    const stereo = createOpusCodec({ channels: 2, sampleRateHz: 16000 });
    stereo.decode(stereo.encode(voiced(320, 16000, 2)));
    for (const n of [1, 33, 160, 333, 1920]) expect(stereo.conceal(n).length).toBe(2 * n);
    codec.close();
    stereo.close();
  });

  it('close frees libopus: calls then throw ERR_INVALID_STATE, a second close is harmless', () => {
    const codec = createOpusCodec();
    codec.close();
    codec.close();
    expect(codeOf(() => codec.encode(new Int16Array(960)))).toBe('ERR_INVALID_STATE');
    expect(codeOf(() => codec.decode(Uint8Array.from([8])))).toBe('ERR_INVALID_STATE');
    expect(codeOf(() => codec.conceal(480))).toBe('ERR_INVALID_STATE');
    expect(codeOf(() => codec.readEncoderSettings())).toBe('ERR_INVALID_STATE');
  });

  it('10 000 create/use/close cycles keep WASM and process memory flat', () => {
    const frame = voiced(960, 48000, 2);
    const cycle = (): void => {
      const codec = createOpusCodec({ channels: 2 });
      codec.decode(codec.encode(frame));
      codec.close();
    };
    for (let i = 0; i < 200; i++) cycle();
    const heapBefore = opusWasmHeap()!.byteLength;
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 10000; i++) cycle();
    expect(opusWasmHeap()!.byteLength).toBe(heapBefore);
    // one leaked codec would be ~150 KiB of WASM heap each: 1.5 GB for 10 000
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
