import { describe, expect, it } from 'vitest';
import { isVoxwireError } from '../../src/errors.js';
import {
  createAnswer,
  negotiated,
  parseSdp,
  type SdpCodec,
  type SessionDescription,
  writeSdp,
} from '../../src/transport/sdp/index.js';
import { prng } from '../helpers/random.js';
import { sdpFixture, sdpFixtureNames } from '../helpers/sdp-fixtures.js';

const TOKENS = [
  '=',
  ':',
  '/',
  ' ',
  '\r\n',
  '\n',
  '\r',
  '0',
  '-1',
  '65536',
  '99999999999999999999',
  'IP6',
  'IP4',
  'a=rtpmap:',
  'm=audio ',
  'c=IN IP6 ',
  'ÿ',
  '\u0000',
  '\t',
  ';',
  'a=fmtp:96 ',
  'v=0',
  '::',
  '.',
  '128',
];

function mutate(text: string, random: () => number): string {
  const pick = (n: number): number => Math.floor(random() * n);
  let s = text;
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(s.length + 1);
    switch (pick(7)) {
      case 0: // flip one character
        s = s.slice(0, at) + String.fromCharCode(pick(256)) + s.slice(at + 1);
        break;
      case 1: // insert a token
        s = s.slice(0, at) + TOKENS[pick(TOKENS.length)] + s.slice(at);
        break;
      case 2: // delete a span
        s = s.slice(0, at) + s.slice(at + 1 + pick(20));
        break;
      case 3: // truncate
        s = s.slice(0, at);
        break;
      case 4: {
        // drop, duplicate or swap whole lines
        const lines = s.split('\n');
        const i = pick(lines.length);
        const j = pick(lines.length);
        const op = pick(3);
        if (op === 0) lines.splice(i, 1);
        else if (op === 1) lines.splice(i, 0, lines[j]);
        else [lines[i], lines[j]] = [lines[j], lines[i]];
        s = lines.join('\n');
        break;
      }
      case 5: // replace a number with an extreme one
        s = s.replace(/\d+/, () => ['0', '127', '128', '65535', '65536', '4294967296', '1e9'][pick(7)]);
        break;
      default: // splice in a chunk of another fixture
        s = s.slice(0, at) + s.slice(pick(s.length), pick(s.length)) + s.slice(at);
    }
  }
  return s;
}

const CODECS: SdpCodec[] = [
  { encodingName: 'opus', clockRateHz: 48000, channels: 2, payloadType: 111 },
  { encodingName: 'PCMU', clockRateHz: 8000, payloadType: 0 },
  { encodingName: 'PCMA', clockRateHz: 8000, payloadType: 8 },
];

describe('SDP fuzz', () => {
  it('20k mutated fixtures: only VoxwireError escapes; whatever parses also writes and round-trips', () => {
    const fixtures = sdpFixtureNames().map(sdpFixture);
    const random = prng(0x5d9);
    const counts = { parsed: 0, rejected: 0, answered: 0 };
    for (let i = 0; i < 20_000; i++) {
      const input = mutate(fixtures[i % fixtures.length], random);
      let d: SessionDescription;
      try {
        d = parseSdp(input);
      } catch (error) {
        if (!isVoxwireError(error, 'ERR_SDP_MALFORMED')) throw new Error(`iteration ${i}: ${String(error)}`);
        expect(error.message).toMatch(/^SDP (line \d+: )?/);
        counts.rejected++;
        continue;
      }
      counts.parsed++;
      const written = writeSdp(d);
      expect(parseSdp(written), `iteration ${i}`).toEqual(d);
      const answer = createAnswer(d, {
        address: '127.0.0.1',
        port: 5004,
        codecs: CODECS,
        protocols: ['RTP/AVP', 'RTP/AVPF', 'UDP/TLS/RTP/SAVPF', 'RTP/SAVP'],
        red: true,
        telephoneEvent: true,
        audioLevel: true,
      });
      expect(parseSdp(writeSdp(answer))).toEqual(answer);
      try {
        negotiated(answer, d);
        negotiated(d, answer);
        counts.answered++;
      } catch (error) {
        if (!isVoxwireError(error)) throw new Error(`iteration ${i}: ${String(error)}`);
      }
    }
    // The mutations must exercise both paths, or the test proves nothing.
    expect(counts.parsed).toBeGreaterThan(2000);
    expect(counts.rejected).toBeGreaterThan(2000);
    expect(counts.answered).toBeGreaterThan(500);
  });
});
