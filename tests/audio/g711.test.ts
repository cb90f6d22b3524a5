import { alaw, mulaw } from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import {
  decodeALaw,
  decodeALawSample,
  decodeMuLaw,
  decodeMuLawSample,
  encodeALaw,
  encodeALawSample,
  encodeMuLaw,
  encodeMuLawSample,
} from '../../src/audio/g711.js';
import { isVoxwireError } from '../../src/errors.js';

/*
 * The oracle: an algorithmic transcription of the ITU-T G.191 STL g711.c logic (loops and shifts,
 * no tables), written independently of src/codec/g711.ts, which is table-driven and derives its
 * segments with clz32.
 */

/** G.191 alaw_compress for one sample. */
function g191AlawCompress(x: number): number {
  // One's complement for negative samples, keep the 12 MSBs of the magnitude.
  let ix = x < 0 ? ~x >> 4 : x >> 4;
  if (ix > 15) {
    let exponent = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      exponent++;
    }
    ix -= 16;
    ix += exponent << 4;
  }
  if (x >= 0) ix |= 0x80;
  return (ix ^ 0x55) & 0xff;
}

/** G.191 alaw_expand for one code. */
function g191AlawExpand(code: number): number {
  let ix = code ^ 0x55;
  ix &= 0x7f;
  const exponent = ix >> 4;
  let mantissa = ix & 0x0f;
  if (exponent > 0) mantissa += 16;
  mantissa = (mantissa << 4) + 8;
  if (exponent > 1) mantissa <<= exponent - 1;
  return code > 127 ? mantissa : -mantissa | 0; // a C short has no -0
}

/** G.191 ulaw_compress for one sample. */
function g191UlawCompress(x: number): number {
  let absno = x < 0 ? (~x >> 2) + 33 : (x >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let i = absno >> 6;
  let segno = 1;
  while (i !== 0) {
    segno++;
    i >>= 1;
  }
  const highNibble = 0x08 - segno;
  const lowNibble = 0x0f - ((absno >> segno) & 0x0f);
  let code = (highNibble << 4) | lowNibble;
  if (x >= 0) code |= 0x80;
  return code;
}

/** G.191 ulaw_expand for one code. */
function g191UlawExpand(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  const complement = ~code;
  const exponent = (complement >> 4) & 0x07;
  const segment = exponent + 1;
  const mantissa = complement & 0x0f;
  const step = 4 << segment;
  return (sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33)) | 0; // a C short has no -0
}

const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

interface Law {
  name: string;
  encode: (pcm: Int16Array, out?: Uint8Array) => Uint8Array;
  decode: (codes: Uint8Array, out?: Int16Array) => Int16Array;
  encodeSample: (x: number) => number;
  decodeSample: (code: number) => number;
  g191Compress: (x: number) => number;
  g191Expand: (code: number) => number;
  peerEncode: (x: number) => number;
  peerDecode: (code: number) => number;
  peerEncodeArray: (pcm: Int16Array) => Uint8Array;
  peerDecodeArray: (codes: Uint8Array) => Int16Array;
  maxDecoded: number;
}

const LAWS: Law[] = [
  {
    name: 'mu-law',
    encode: encodeMuLaw,
    decode: decodeMuLaw,
    encodeSample: encodeMuLawSample,
    decodeSample: decodeMuLawSample,
    g191Compress: g191UlawCompress,
    g191Expand: g191UlawExpand,
    // alawmulaw's mulaw.encodeSample returns ~code as a negative number: keep the low byte.
    peerEncode: (x) => mulaw.encodeSample(x) & 0xff,
    // | 0 turns alawmulaw's -0 (code 0x7F) into the 0 an Int16Array would store.
    peerDecode: (code) => mulaw.decodeSample(code) | 0,
    peerEncodeArray: (pcm) => mulaw.encode(pcm),
    peerDecodeArray: (codes) => mulaw.decode(codes),
    maxDecoded: 32124,
  },
  {
    name: 'A-law',
    encode: encodeALaw,
    decode: decodeALaw,
    encodeSample: encodeALawSample,
    decodeSample: decodeALawSample,
    g191Compress: g191AlawCompress,
    g191Expand: g191AlawExpand,
    peerEncode: (x) => alaw.encodeSample(x) & 0xff,
    peerDecode: (code) => alaw.decodeSample(code) | 0,
    peerEncodeArray: (pcm) => alaw.encode(pcm),
    peerDecodeArray: (codes) => alaw.decode(codes),
    maxDecoded: 32256,
  },
];

describe.each(LAWS)('G.711 $name', (law) => {
  it('encodes all 65 536 inputs bit-exactly like G.191', () => {
    const codes = law.encode(ALL_SAMPLES);
    let mismatches = 0;
    for (let i = 0; i < ALL_SAMPLES.length; i++) {
      if (codes[i] !== law.g191Compress(ALL_SAMPLES[i])) mismatches++;
      if (law.encodeSample(ALL_SAMPLES[i]) !== codes[i]) mismatches++;
    }
    expect(mismatches).toBe(0);
    // Every code is produced (μ-law: 0xFF for 0…3 and 0x7F, "negative zero", for -4…-1).
    expect(new Set(codes).size).toBe(256);
  });

  it('decodes all 256 codes bit-exactly like G.191', () => {
    const pcm = law.decode(ALL_CODES);
    for (let code = 0; code < 256; code++) {
      expect(pcm[code], `code ${code}`).toBe(law.g191Expand(code));
      expect(law.decodeSample(code)).toBe(pcm[code]);
    }
    expect(Math.max(...pcm)).toBe(law.maxDecoded);
    expect(Math.min(...pcm)).toBe(-law.maxDecoded);
  });

  it('round-trips every code through decode then encode', () => {
    const back = law.encode(law.decode(ALL_CODES));
    for (let code = 0; code < 256; code++) {
      // μ-law 0x7F ("negative zero") decodes to 0, which encodes as 0xFF.
      const expected = law.name === 'mu-law' && code === 0x7f ? 0xff : code;
      expect(back[code], `code ${code}`).toBe(expected);
    }
  });

  it('is monotonic: a larger sample never gets a smaller reconstruction', () => {
    const decoded = law.decode(law.encode(ALL_SAMPLES));
    for (let i = 1; i < decoded.length; i++) {
      if (decoded[i] < decoded[i - 1]) throw new Error(`not monotonic at ${ALL_SAMPLES[i]}`);
    }
  });

  it('equals alawmulaw everywhere except 127 negative threshold inputs, where it equals G.191', () => {
    const ours = law.encode(ALL_SAMPLES);
    const differing: number[] = [];
    for (let i = 0; i < ALL_SAMPLES.length; i++) {
      if (ours[i] !== law.peerEncode(ALL_SAMPLES[i])) differing.push(ALL_SAMPLES[i]);
    }
    expect(differing.length).toBe(127);

    // What they are: x = -T for each positive decision threshold T (the magnitudes where the G.191
    // code of a positive sample changes, below the clipping point). G.191 folds x to ~x = T - 1 and
    // lands in the interval below T; alawmulaw folds to -x = T and lands in the interval above.
    const thresholds: number[] = [];
    for (let t = 1; t <= 32767; t++) {
      if (law.g191Compress(t) !== law.g191Compress(t - 1)) thresholds.push(-t);
    }
    expect(thresholds.length).toBe(127); // 128 magnitude intervals per sign, 127 boundaries
    expect(differing.sort((a, b) => a - b)).toEqual(thresholds.sort((a, b) => a - b));
    for (const x of differing) {
      const i = x + 32768;
      expect(ours[i]).toBe(law.g191Compress(x)); // we are G.191
      expect(ours[i]).toBe(ours[i + 1]); // same interval as x + 1 (magnitude T - 1)
      expect(law.peerEncode(x)).toBe(ours[i - 1]); // alawmulaw: the interval of x - 1 (magnitude T)
      expect(law.peerEncode(x)).not.toBe(law.g191Compress(x));
    }
    if (law.name === 'mu-law') {
      expect(differing.slice(0, 3)).toEqual([-31612, -30588, -29564]);
      expect(differing.slice(-3)).toEqual([-20, -12, -4]);
    } else {
      expect(differing.slice(0, 3)).toEqual([-31744, -30720, -29696]);
      expect(differing.slice(-3)).toEqual([-48, -32, -16]);
    }
    // And alawmulaw's array encoder agrees with its sample encoder.
    expect(Array.from(law.peerEncodeArray(ALL_SAMPLES))).toEqual(
      ALL_SAMPLES.reduce<number[]>((acc, x) => {
        acc.push(law.peerEncode(x));
        return acc;
      }, []),
    );
  });

  it('decodes all 256 codes exactly like alawmulaw (the decoders agree)', () => {
    const ours = law.decode(ALL_CODES);
    expect(Array.from(law.peerDecodeArray(ALL_CODES))).toEqual(Array.from(ours));
    for (let code = 0; code < 256; code++) expect(law.peerDecode(code)).toBe(ours[code]);
  });

  it('writes into out: the same array when the length matches, a view when longer', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const out = new Uint8Array(5);
    expect(law.encode(pcm, out)).toBe(out);
    const longer = new Uint8Array(8).fill(0xaa);
    const view = law.encode(pcm, longer);
    expect(view.buffer).toBe(longer.buffer);
    expect(view.length).toBe(5);
    expect(Array.from(longer.subarray(5))).toEqual([0xaa, 0xaa, 0xaa]);
    const decoded = new Int16Array(5);
    expect(law.decode(out, decoded)).toBe(decoded);
    expect(law.encode(new Int16Array(0)).length).toBe(0);
  });

  it('rejects a short out with ERR_INVALID_ARGUMENT', () => {
    const error = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(
      isVoxwireError(
        error(() => law.encode(new Int16Array(4), new Uint8Array(3))),
        'ERR_INVALID_ARGUMENT',
      ),
    ).toBe(true);
    expect(
      isVoxwireError(
        error(() => law.decode(new Uint8Array(4), new Int16Array(3))),
        'ERR_INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });

  it('per-sample functions wrap out-of-range input to 16 bits and mask codes to 8 bits', () => {
    expect(law.encodeSample(65536 + 1234)).toBe(law.encodeSample(1234));
    expect(law.encodeSample(32768)).toBe(law.encodeSample(-32768));
    expect(law.decodeSample(256 + 17)).toBe(law.decodeSample(17));
  });
});

describe('G.711 known values', () => {
  it('matches fixed vectors (silence, full scale, the sign fold)', () => {
    // μ-law: 0 → 0xFF, -1 → 0x7F (one's complement folds -1 to magnitude 0), full scale → 0x80/0x00.
    expect(Array.from(encodeMuLaw(Int16Array.from([0, -1, 32767, -32768, 4, -4, -5])))).toEqual([
      0xff, 0x7f, 0x80, 0x00, 0xfe, 0x7f, 0x7e,
    ]);
    // A-law: 0 → 0xD5, -1 → 0x55, full scale → 0xAA/0x2A.
    expect(Array.from(encodeALaw(Int16Array.from([0, -1, 32767, -32768, 16, -16, -17])))).toEqual([
      0xd5, 0x55, 0xaa, 0x2a, 0xd4, 0x55, 0x54,
    ]);
    expect(Array.from(decodeMuLaw(Uint8Array.from([0xff, 0x7f, 0x80, 0x00, 0xfe])))).toEqual([
      0, 0, 32124, -32124, 8,
    ]);
    expect(Array.from(decodeALaw(Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a])))).toEqual([8, -8, 32256, -32256]);
  });
});
