import { describe, expect, it } from 'vitest';
import { encodeWav, readWav, readWavInfo } from '../../src/audio/wav/index.js';
import { isVoxwireError, type VoxwireErrorCode } from '../../src/errors.js';
import { prng } from '../helpers/random.js';

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** A chunk: id, little-endian size (default: the body's length), body and pad byte. */
function chunk(id: string, body: ArrayLike<number>, size = body.length): Uint8Array {
  const bytes = new Uint8Array(8 + body.length + (body.length & 1));
  bytes.set(ascii(id));
  new DataView(bytes.buffer).setUint32(4, size >>> 0, true);
  bytes.set(Array.from(body), 8);
  return bytes;
}

/** A RIFF/WAVE file of `chunks`; the RIFF size is right unless given. */
function riff(chunks: Uint8Array[], riffSize?: number, magic = 'RIFF', form = 'WAVE'): Uint8Array {
  const length = 12 + chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(length);
  bytes.set(ascii(magic));
  new DataView(bytes.buffer).setUint32(4, (riffSize ?? length - 8) >>> 0, true);
  bytes.set(ascii(form), 8);
  let offset = 12;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}

interface FmtFields {
  tag?: number;
  channels?: number;
  rate?: number;
  blockAlign?: number;
  bits?: number;
  /** Extensible extras: cbSize, valid bits, mask, then GUID bytes. */
  extension?: { cbSize?: number; validBits?: number; guid?: number[] };
}

function fmt(fields: FmtFields = {}): Uint8Array {
  const { tag = 1, channels = 1, rate = 8000, bits = 16 } = fields;
  const blockAlign = fields.blockAlign ?? (channels * bits) / 8;
  const ext = fields.extension;
  const body = new Uint8Array(ext ? 40 : 16);
  const view = new DataView(body.buffer);
  view.setUint16(0, tag, true);
  view.setUint16(2, channels, true);
  view.setUint32(4, rate, true);
  view.setUint32(8, rate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, bits, true);
  if (ext) {
    view.setUint16(16, ext.cbSize ?? 22, true);
    view.setUint16(18, ext.validBits ?? bits, true);
    body.set(ext.guid ?? [1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 24);
  }
  return chunk('fmt ', body);
}

const pcmData = (count: number) => Array.from({ length: count }, (_, i) => (i * 37) & 0xff);

function expectCode(run: () => unknown, code: VoxwireErrorCode, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isVoxwireError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as Error).message).toMatch(message);
}

describe('malformed and unsupported WAV', () => {
  const M = 'ERR_WAV_MALFORMED';
  const U = 'ERR_WAV_UNSUPPORTED';
  const cases: [string, Uint8Array, VoxwireErrorCode, RegExp][] = [
    ['empty input', new Uint8Array(0), M, /too short/],
    ['11 bytes', riff([]).subarray(0, 11), M, /too short/],
    ['not RIFF', new Uint8Array([...ascii('OggS'), 0, 0, 0, 0, ...ascii('WAVE')]), M, /'OggS'/],
    ['binary magic', new Uint8Array(12).fill(0xff), M, /0xffffffff/],
    ['RIFF AVI', riff([], undefined, 'RIFF', 'AVI '), M, /'AVI '/],
    ['RIFX', riff([], undefined, 'RIFX'), U, /RIFX/],
    ['RF64', riff([], undefined, 'RF64'), U, /RF64/],
    ['header only', riff([]), M, /no fmt chunk/],
    ['only a LIST chunk', riff([chunk('LIST', [1, 2, 3, 4])]), M, /no fmt chunk/],
    ['data before fmt', riff([chunk('data', pcmData(4)), fmt()]), M, /before the fmt/],
    ['no data chunk', riff([fmt(), chunk('LIST', [0, 0])]), M, /no data chunk/],
    ['fmt cut off', riff([fmt()]).subarray(0, 30), M, /'fmt ' at offset 12 declares 16 bytes but 10 remain/],
    [
      'fmt too short',
      riff([chunk('fmt ', new Uint8Array(14)), chunk('data', [])]),
      M,
      /14 bytes; at least 16/,
    ],
    ['zero channels', riff([fmt({ channels: 0, blockAlign: 2 }), chunk('data', [])]), M, /0 channels/],
    ['zero sample rate', riff([fmt({ rate: 0 }), chunk('data', [])]), M, /0 Hz/],
    ['zero bits', riff([fmt({ bits: 0, blockAlign: 2 }), chunk('data', [])]), M, /0 bits/],
    [
      'blockAlign lies',
      riff([fmt({ channels: 2, blockAlign: 2 }), chunk('data', pcmData(8))]),
      M,
      /blockAlign 2/,
    ],
    [
      'extensible too short',
      riff([chunk('fmt ', [...fmt({ tag: 0xfffe }).subarray(8, 24), 0, 0]), chunk('data', [])]),
      M,
      /18 bytes; 40 are needed/,
    ],
    [
      'extensible cbSize 0',
      riff([fmt({ tag: 0xfffe, extension: { cbSize: 0 } }), chunk('data', [])]),
      M,
      /cbSize/,
    ],
    [
      'valid bits above container',
      riff([fmt({ tag: 0xfffe, extension: { validBits: 20 } }), chunk('data', [])]),
      M,
      /validBitsPerSample 20/,
    ],
    [
      'unknown extensible GUID',
      riff([
        fmt({ tag: 0xfffe, extension: { guid: [...new Array(15).fill(0x11), 0x22] } }),
        chunk('data', []),
      ]),
      U,
      /GUID \{11111111-1111-1111-1111-111111111122\}/,
    ],
    ['MS ADPCM', riff([fmt({ tag: 2, bits: 4, blockAlign: 256 }), chunk('data', [])]), U, /Microsoft ADPCM/],
    ['MP3 in WAV', riff([fmt({ tag: 0x55, bits: 0 }), chunk('data', [])]), M, /0 bits/],
    ['unknown tag', riff([fmt({ tag: 0x1234 }), chunk('data', [])]), U, /0x1234/],
    ['PCM 40-bit', riff([fmt({ bits: 40 }), chunk('data', [])]), U, /PCM with 40 bits/],
    ['float 16-bit', riff([fmt({ tag: 3 }), chunk('data', [])]), U, /IEEE float with 16 bits/],
    ['μ-law 16-bit', riff([fmt({ tag: 7 }), chunk('data', [])]), U, /μ-law with 16 bits/],
    [
      'A-law 4-bit',
      riff([fmt({ tag: 6, bits: 4, blockAlign: 1 }), chunk('data', [])]),
      U,
      /A-law with 4 bits/,
    ],
    ['two fmt chunks', riff([fmt(), fmt(), chunk('data', [])]), M, /second fmt/],
    [
      'chunk before data overruns the file',
      riff([fmt(), chunk('LIST', [1, 2], 1000), chunk('data', pcmData(4))]),
      M,
      /'LIST' at offset 36 declares 1000 bytes/,
    ],
    [
      'non-ASCII chunk id overruns',
      riff([fmt(), chunk('\u00ff\u00fe\u0001\u0002', [], 99)]),
      M,
      /0xfffe0102/,
    ],
  ];
  for (const [name, bytes, code, message] of cases) {
    it(`${name} → ${code}`, () => expectCode(() => readWav(bytes), code, message));
  }

  it('rejects what is not a Uint8Array', () => {
    expectCode(() => readWav('RIFF' as never), 'ERR_INVALID_ARGUMENT', /Uint8Array/);
  });

  it('a 12-bit PCM file in 16-bit containers reads at container scale', () => {
    const data = [0x10, 0x80, 0xf0, 0x7f]; // left-justified: -32752, 32752
    const audio = readWav(riff([fmt({ bits: 12, blockAlign: 2 }), chunk('data', data)]), { strict: true });
    expect(audio).toMatchObject({ encoding: 'pcm16', bitsPerSample: 16, validBitsPerSample: 12 });
    expect(Array.from(audio.samples)).toEqual([-32752 / 32768, 32752 / 32768]);
  });
});

describe('data chunk sizes: streaming placeholders versus lies', () => {
  const stereo = () => fmt({ channels: 2 }); // 4-byte frames
  const body = pcmData(4 * 25 + 2); // 25 whole frames and 2 stray bytes (even: no pad byte)

  it('ffmpeg pipe style (RIFF and data 0xFFFFFFFF): whole frames present, truncated', () => {
    const info = readWavInfo(riff([stereo(), chunk('data', body, 0xffffffff)], 0xffffffff));
    expect(info).toMatchObject({ samplesPerChannel: 25, dataBytes: 100, truncated: true });
  });

  it('sox pipe style (sizes near 2^31): whole frames present, truncated', () => {
    const info = readWavInfo(riff([stereo(), chunk('data', body, 0x7ffff000)], 0x7ffff024));
    expect(info).toMatchObject({ samplesPerChannel: 25, truncated: true });
  });

  it('data size 0 is a placeholder only when the RIFF size is one too', () => {
    for (const riffSize of [0, 0xffffffff, 36]) {
      const info = readWavInfo(riff([fmt(), chunk('data', pcmData(20), 0)], riffSize));
      expect(info).toMatchObject({ samplesPerChannel: 10, truncated: true });
    }
    // A real empty data chunk followed by metadata, with an honest RIFF size: no audio.
    const honest = riff([fmt(), chunk('data', []), chunk('LIST', pcmData(20))]);
    expect(readWavInfo(honest)).toMatchObject({ samplesPerChannel: 0, truncated: false });
  });

  it('strict mode refuses an overrunning or partial-frame data chunk', () => {
    const overrun = riff([stereo(), chunk('data', body, 0xffffffff)], 0xffffffff);
    expectCode(() => readWav(overrun, { strict: true }), 'ERR_WAV_MALFORMED', /declares 4294967295 bytes/);
    const partial = riff([stereo(), chunk('data', body)]);
    expectCode(() => readWav(partial, { strict: true }), 'ERR_WAV_MALFORMED', /not a whole number of 4-byte/);
    expect(readWav(partial)).toMatchObject({ samplesPerChannel: 25, truncated: true });
  });

  it('bytes after the data chunk and a RIFF size short of the file are ignored', () => {
    const file = riff([fmt(), chunk('data', pcmData(8)), chunk('id3 ', pcmData(30))], 20);
    expect(readWav(file, { strict: true })).toMatchObject({ samplesPerChannel: 4, truncated: false });
  });
});

describe('WAV fuzz', () => {
  const random = prng(0x3a7);
  const tone = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i / 3) * 0.8);
  const seeds: Uint8Array[] = [
    encodeWav({ sampleRateHz: 8000, channels: 1, encoding: 'pcm16', samples: tone(40) }),
    encodeWav({ sampleRateHz: 48000, channels: 2, encoding: 'pcm24', samples: tone(30) }),
    encodeWav({ sampleRateHz: 8000, channels: 1, encoding: 'mulaw', samples: tone(41) }),
    encodeWav({ sampleRateHz: 16000, channels: 3, encoding: 'float32', samples: tone(24) }),
    encodeWav({ sampleRateHz: 8000, channels: 1, encoding: 'pcm8', samples: tone(33) }),
    encodeWav({ sampleRateHz: 8000, channels: 2, encoding: 'alaw', extensible: true, samples: tone(20) }),
    riff([
      chunk('JUNK', [1, 2, 3]),
      fmt({ channels: 2 }),
      chunk('LIST', pcmData(9)),
      chunk('data', pcmData(40)),
    ]),
    encodeWav({ sampleRateHz: 8000, channels: 1, encoding: 'float64', samples: tone(10) }),
  ];
  const interesting = [
    0, 1, 2, 3, 7, 8, 16, 18, 22, 40, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x7ffff000, 0xffffffff,
  ];

  function mutate(seed: Uint8Array): Uint8Array {
    const bytes = seed.slice();
    const view = new DataView(bytes.buffer);
    const pick = (n: number) => Math.floor(random() * n);
    const headerSpan = Math.min(bytes.length, 96); // most mutations hit the header, where parsing happens
    const steps = 1 + pick(3);
    for (let s = 0; s < steps; s++) {
      switch (pick(5)) {
        case 0:
          bytes[pick(headerSpan)] = pick(256);
          break;
        case 1: {
          const at = pick(headerSpan - 3);
          view.setUint32(at, interesting[pick(interesting.length)] >>> 0, true);
          break;
        }
        case 2: {
          const at = pick(headerSpan - 1);
          view.setUint16(at, interesting[pick(interesting.length)] & 0xffff, true);
          break;
        }
        case 3:
          bytes[pick(bytes.length)] ^= 1 << pick(8);
          break;
        case 4:
          return bytes.subarray(0, pick(bytes.length + 1));
      }
    }
    return random() < 0.3 ? bytes.subarray(0, pick(bytes.length + 1)) : bytes;
  }

  it('20 000 mutated and truncated files: only WAV errors escape, successes are consistent', () => {
    const outcomes = { ok: 0, malformed: 0, unsupported: 0 };
    for (let iteration = 0; iteration < 20000; iteration++) {
      const bytes = mutate(seeds[iteration % seeds.length]);
      let audio: ReturnType<typeof readWav>;
      try {
        audio = readWav(bytes);
      } catch (error) {
        if (isVoxwireError(error, 'ERR_WAV_MALFORMED')) outcomes.malformed++;
        else if (isVoxwireError(error, 'ERR_WAV_UNSUPPORTED')) outcomes.unsupported++;
        else throw new Error(`iteration ${iteration}: unexpected ${String(error)}`);
        continue;
      }
      outcomes.ok++;
      const { samples, samplesPerChannel, channels, blockAlignBytes, dataOffset, dataBytes } = audio;
      const consistent =
        channels >= 1 &&
        audio.sampleRateHz >= 1 &&
        samples.length === samplesPerChannel * channels &&
        dataBytes === samplesPerChannel * blockAlignBytes &&
        blockAlignBytes === (channels * audio.bitsPerSample) / 8 &&
        dataOffset + dataBytes <= bytes.length;
      if (!consistent)
        throw new Error(`iteration ${iteration}: inconsistent result ${JSON.stringify(audio)}`);
      for (let i = 0; i < samples.length; i++) {
        if (!(samples[i] >= -1 && samples[i] < 1))
          throw new Error(`iteration ${iteration}: sample ${samples[i]}`);
      }
    }
    // Each outcome must actually happen, or the fuzzer is not reaching the parser.
    expect(outcomes.ok).toBeGreaterThan(2000);
    expect(outcomes.malformed).toBeGreaterThan(2000);
    expect(outcomes.unsupported).toBeGreaterThan(200);
  });
});
