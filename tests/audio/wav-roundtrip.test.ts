import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../../src/audio/g711.js';
import {
  decodeWavData,
  type EncodeWavOptions,
  encodeWav,
  encodeWavData,
  readWav,
  readWavFile,
  readWavInfo,
  WAV_ENCODINGS,
  type WavEncoding,
  type WavOutput,
  WavWriter,
  wavToInt16,
  writeWavFile,
} from '../../src/audio/wav/index.js';
import { isVoxwireError } from '../../src/errors.js';
import { mediaPath } from '../helpers/peers.js';
import { prng } from '../helpers/random.js';
import { sine } from '../helpers/signal.js';

/** Interleaved test signal: a different sine per channel plus noise, full range including the extremes. */
function testFloat(channels: number, frames: number, seed = 1): Float32Array {
  const random = prng(seed);
  const out = new Float32Array(channels * frames);
  for (let c = 0; c < channels; c++) {
    const tone = sine(200 + 150 * c, 16000, frames, 0.6);
    for (let i = 0; i < frames; i++) out[i * channels + c] = tone[i] + 0.3 * (random() - 0.5);
  }
  out[0] = -1;
  if (out.length > 1) out[1] = 32767 / 32768;
  return out;
}

function testInt16(channels: number, frames: number, seed = 2): Int16Array {
  const random = prng(seed);
  const out = new Int16Array(channels * frames);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(random() * 65536) - 32768;
  out[0] = -32768;
  if (out.length > 1) out[1] = 32767;
  return out;
}

/** Largest error a float sample may have after a trip through `encoding` (not G.711). */
const FLOAT_TOLERANCE: Record<string, number> = {
  pcm8: 0.5 / 128,
  pcm16: 0.5 / 32768,
  pcm24: 0.5 / 8388608 + 1e-7,
  pcm32: 1e-7,
  float32: 0,
  float64: 0,
};

function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** What the file should decode to when written from Int16 `pcm` in `encoding`. */
function expectedFromInt16(encoding: WavEncoding, pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  if (encoding === 'mulaw' || encoding === 'alaw') {
    const back = encoding === 'mulaw' ? decodeMuLaw(encodeMuLaw(pcm)) : decodeALaw(encodeALaw(pcm));
    for (let i = 0; i < pcm.length; i++) out[i] = back[i] / 32768;
  } else if (encoding === 'pcm8') {
    for (let i = 0; i < pcm.length; i++) out[i] = Math.min(Math.round(pcm[i] / 256), 127) / 128 + 0; // + 0: no -0
  } else {
    for (let i = 0; i < pcm.length; i++) out[i] = pcm[i] / 32768;
  }
  return out;
}

describe('WAV round trip', () => {
  for (const encoding of WAV_ENCODINGS) {
    for (const channels of [1, 2]) {
      it(`${encoding} ${channels}ch from Float32 reads back within the format's precision`, () => {
        const frames = 1001; // odd: exercises the pad byte of 8-bit mono
        const samples = testFloat(channels, frames);
        const bytes = encodeWav({ sampleRateHz: 16000, channels, encoding, samples });
        expect(bytes.length % 2).toBe(0);
        const audio = readWav(bytes, { strict: true });
        expect(audio.encoding).toBe(encoding);
        expect(audio.channels).toBe(channels);
        expect(audio.sampleRateHz).toBe(16000);
        expect(audio.samplesPerChannel).toBe(frames);
        expect(audio.samples.length).toBe(frames * channels);
        expect(audio.truncated).toBe(false);
        if (encoding === 'mulaw' || encoding === 'alaw') {
          const pcm = wavToInt16({ samples });
          expect(audio.samples).toEqual(expectedFromInt16(encoding, pcm));
        } else {
          // Integer PCM saturates at its largest code, (2^(bits-1) - 1) / 2^(bits-1).
          const top = { pcm8: 127 / 128, pcm16: 32767 / 32768 }[encoding as string] ?? 1;
          const reference = samples.map((x) => Math.min(x, top));
          expect(maxAbsError(reference, audio.samples)).toBeLessThanOrEqual(FLOAT_TOLERANCE[encoding]);
        }
      });

      it(`${encoding} ${channels}ch from Int16 reads back exactly as the format stores it`, () => {
        const pcm = testInt16(channels, 777);
        const bytes = encodeWav({ sampleRateHz: 8000, channels, encoding, samples: pcm });
        const audio = readWav(bytes, { strict: true });
        expect(audio.samples).toEqual(expectedFromInt16(encoding, pcm));
        if (encoding !== 'pcm8' && encoding !== 'mulaw' && encoding !== 'alaw') {
          expect(wavToInt16(audio)).toEqual(pcm);
        }
      });
    }
  }

  it('decodes every sample into [-1, 1), even 32-bit and float extremes', () => {
    const samples = new Float32Array([1, -1, 2, -2, Number.NaN, Number.POSITIVE_INFINITY, 0.5]);
    for (const encoding of ['pcm32', 'float32', 'float64'] as const) {
      const audio = readWav(encodeWav({ sampleRateHz: 8000, channels: 1, encoding, samples }));
      for (const x of audio.samples) {
        expect(x).toBeGreaterThanOrEqual(-1);
        expect(x).toBeLessThan(1);
      }
      expect(audio.samples[4]).toBe(0); // NaN written and read as silence
      expect(audio.samples[6]).toBe(0.5);
    }
  });

  it('writes WAVE_FORMAT_EXTENSIBLE for >2 channels and deep PCM, plain otherwise, and reads both', () => {
    const header = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset);
    const quad = encodeWav({
      sampleRateHz: 48000,
      channels: 4,
      encoding: 'pcm16',
      samples: testInt16(4, 10),
    });
    expect(header(quad).getUint16(20, true)).toBe(0xfffe);
    const info = readWavInfo(quad);
    expect(info).toMatchObject({ extensible: true, channelMask: 0x33, formatTag: 1, encoding: 'pcm16' });
    const stereo24 = encodeWav({
      sampleRateHz: 48000,
      channels: 2,
      encoding: 'pcm24',
      samples: testInt16(2, 10),
    });
    expect(readWavInfo(stereo24).extensible).toBe(true);
    const plain24 = encodeWav({
      sampleRateHz: 48000,
      channels: 2,
      encoding: 'pcm24',
      extensible: false,
      samples: testInt16(2, 10),
    });
    expect(readWavInfo(plain24)).toMatchObject({ extensible: false, formatTag: 1, bitsPerSample: 24 });
    for (const encoding of ['float32', 'mulaw', 'alaw'] as const) {
      const pcm = testInt16(1, 50);
      const bytes = encodeWav({ sampleRateHz: 8000, channels: 1, encoding, extensible: true, samples: pcm });
      const audio = readWav(bytes, { strict: true });
      expect(audio.extensible).toBe(true);
      expect(audio.samples).toEqual(expectedFromInt16(encoding, pcm));
    }
  });

  it('skips unknown, odd-sized and metadata chunks before and after fmt', () => {
    const pcm = testInt16(2, 33);
    const plain = encodeWav({ sampleRateHz: 16000, channels: 2, encoding: 'pcm16', samples: pcm });
    // Splice chunks after "WAVE" and between fmt and data: JUNK (odd, padded), LIST, bext.
    const chunk = (id: string, size: number) => {
      const bytes = new Uint8Array(8 + size + (size & 1)).fill(0xa5);
      bytes.set([...id].map((c) => c.charCodeAt(0)));
      new DataView(bytes.buffer).setUint32(4, size, true);
      return bytes;
    };
    const parts = [plain.subarray(0, 12), chunk('JUNK', 7), plain.subarray(12, 36), chunk('LIST', 26)];
    parts.push(chunk('bext', 3), chunk('fact', 4), plain.subarray(36));
    const file = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      file.set(part, offset);
      offset += part.length;
    }
    new DataView(file.buffer).setUint32(4, file.length - 8, true);
    const audio = readWav(file, { strict: true });
    expect(wavToInt16(audio)).toEqual(pcm);
  });

  it('reads from a Buffer view at an odd offset inside a larger ArrayBuffer', () => {
    const pcm = testInt16(1, 100);
    const bytes = encodeWav({ sampleRateHz: 8000, channels: 1, encoding: 'pcm16', samples: pcm });
    const holder = Buffer.alloc(bytes.length + 3);
    holder.set(bytes, 1);
    expect(wavToInt16(readWav(holder.subarray(1, 1 + bytes.length)))).toEqual(pcm);
  });

  it('decodeWavData/encodeWavData work block by block into caller buffers', () => {
    const samples = testFloat(1, 64);
    const bytes = encodeWavData('pcm24', samples, new Uint8Array(64 * 3 + 10));
    expect(bytes.length).toBe(64 * 3);
    const out = new Float32Array(100);
    const decoded = decodeWavData('pcm24', bytes, out);
    expect(decoded.buffer).toBe(out.buffer);
    expect(maxAbsError(samples, decoded)).toBeLessThanOrEqual(FLOAT_TOLERANCE.pcm24);
    expect(() => decodeWavData('pcm24', bytes.subarray(1))).toThrow(/whole number/);
    expect(() => decodeWavData('pcm16', new Uint8Array(8), new Float32Array(3))).toThrow(/out holds/);
  });

  it('rejects bad write options naming the option', () => {
    const samples = new Int16Array(4);
    const bad = [
      [{ sampleRateHz: 0, channels: 1, encoding: 'pcm16' }, /sampleRateHz/],
      [{ sampleRateHz: 8000.5, channels: 1, encoding: 'pcm16' }, /sampleRateHz/],
      [{ sampleRateHz: 8000, channels: 0, encoding: 'pcm16' }, /channels/],
      [{ sampleRateHz: 8000, channels: 1, encoding: 'mp3' }, /encoding/],
      [{ sampleRateHz: 8000, channels: 3, encoding: 'pcm16' }, /whole number of 3-channel frames/],
    ] as const;
    for (const [format, message] of bad) {
      expect(() => encodeWav({ ...(format as object), samples } as EncodeWavOptions)).toThrow(message);
    }
    expect(() =>
      encodeWav({ sampleRateHz: 8000, channels: 1, encoding: 'pcm16', samples: [1, 2] as never }),
    ).toThrow(/Int16Array or Float32Array/);
  });
});

describe('WAV files', () => {
  const dirPromise = mkdtemp(join(tmpdir(), 'voxwire-wav-'));
  afterAll(async () => rm(await dirPromise, { recursive: true, force: true }));

  it('reads every shared speech file: mono 16-bit, length from the header', async () => {
    for (const voice of ['a', 'b', 'c']) {
      for (const rate of [8000, 16000, 48000]) {
        const path = mediaPath(`speech-${voice}-${rate / 1000}k.wav`);
        const audio = await readWavFile(path, { strict: true });
        const raw = await readFile(path);
        expect(audio).toMatchObject({ sampleRateHz: rate, channels: 1, encoding: 'pcm16', truncated: false });
        expect(audio.samplesPerChannel).toBe(raw.readUInt32LE(40) / 2);
        expect(audio.samplesPerChannel / rate).toBeGreaterThan(4);
        // The speech is normalised to -3 dBFS: the peak is near 0.708.
        const peak = audio.samples.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        expect(peak).toBeGreaterThan(0.6);
        expect(peak).toBeLessThan(0.75);
        // Int16 view is bit-exact with the file's bytes.
        const int16 = wavToInt16(audio);
        expect(Buffer.from(int16.buffer).equals(raw.subarray(44, 44 + int16.length * 2))).toBe(true);
      }
    }
  });

  it('writeWavFile and readWavFile round-trip through the file system', async () => {
    const path = join(await dirPromise, 'round.wav');
    const pcm = testInt16(2, 500);
    await writeWavFile(path, { sampleRateHz: 44100, channels: 2, encoding: 'pcm16', samples: pcm });
    const audio = await readWavFile(path);
    expect(audio.sampleRateHz).toBe(44100);
    expect(wavToInt16(audio)).toEqual(pcm);
  });

  it('WavWriter streams frames, patches the sizes on close and equals encodeWav', async () => {
    for (const encoding of WAV_ENCODINGS) {
      const path = join(await dirPromise, `stream-${encoding}.wav`);
      const writer = await WavWriter.open(path, { sampleRateHz: 16000, channels: 1, encoding });
      const pcm = testInt16(1, 1601);
      // Un-awaited writes queue in order; frame sizes vary (160 samples, then the odd remainder).
      const writes: Promise<void>[] = [];
      for (let start = 0; start < pcm.length; start += 160) {
        writes.push(writer.write(pcm.subarray(start, Math.min(start + 160, pcm.length))));
      }
      await Promise.all(writes);
      expect(writer.samplesPerChannel).toBe(1601);
      await writer.close();
      await writer.close(); // idempotent
      const file = await readFile(path);
      expect(new Uint8Array(file)).toEqual(
        encodeWav({ sampleRateHz: 16000, channels: 1, encoding, samples: pcm }),
      );
      await expect(writer.write(pcm)).rejects.toSatisfy((e) => isVoxwireError(e, 'ERR_INVALID_STATE'));
    }
  });

  it('a WavWriter file cut before close reads as a streaming WAV', async () => {
    const chunks = new Map<number, Uint8Array>();
    const output: WavOutput = {
      write: async (bytes, position) => void chunks.set(position, bytes.slice()),
      close: async () => {},
    };
    const writer = new WavWriter(output, { sampleRateHz: 8000, channels: 2, encoding: 'float32' });
    const samples = testFloat(2, 80);
    await writer.write(samples);
    const snapshot = new Uint8Array(writer.format.headerBytes + samples.length * 4);
    for (const [position, bytes] of chunks) snapshot.set(bytes, position);
    const partial = readWav(snapshot);
    expect(partial.truncated).toBe(true);
    expect(partial.samples).toEqual(samples);
    await writer.close();
  });

  it('a failing output rejects the write and every later call, and close still closes it', async () => {
    let closed = 0;
    let writes = 0;
    const output: WavOutput = {
      write: async () => {
        writes++;
        if (writes === 2) throw new Error('disk full');
      },
      close: async () => void closed++,
    };
    const writer = new WavWriter(output, { sampleRateHz: 8000, channels: 1, encoding: 'pcm16' });
    await expect(writer.write(new Int16Array(10))).rejects.toThrow('disk full');
    await expect(writer.write(new Int16Array(10))).rejects.toThrow('disk full');
    await expect(writer.close()).rejects.toThrow('disk full');
    expect(closed).toBe(1);
  });
});
