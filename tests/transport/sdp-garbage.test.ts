import { describe, expect, it } from 'vitest';
import { isVoxwireError, type VoxwireError } from '../../src/errors.js';
import { parseSdp, SDP_MAX_LENGTH, writeSdp } from '../../src/transport/sdp/index.js';
import { sdpFixture } from '../helpers/sdp-fixtures.js';

const HEAD = ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0'];
const MEDIA = 'm=audio 5000 RTP/AVP 0';

/** A body whose line `HEAD.length + 1 + i` (1-based) is `extra[i]`. */
function withMedia(...extra: string[]): string {
  return [...HEAD, MEDIA, ...extra].join('\r\n');
}

function malformed(sdp: string): VoxwireError {
  try {
    parseSdp(sdp);
  } catch (error) {
    if (isVoxwireError(error, 'ERR_SDP_MALFORMED')) return error;
    throw error;
  }
  throw new Error(`parsed without error: ${JSON.stringify(sdp.slice(0, 120))}`);
}

// [case, sdp, line number named in the message (0: none), words the message contains]
const cases: [string, string, number, string][] = [
  ['empty', '', 1, 'v=0'],
  ['only blank lines', '\n\r\n  \n', 1, 'v=0'],
  ['not SDP at all', 'hello world', 1, 'form'],
  ['HTTP response', 'HTTP/1.1 200 OK\r\nContent-Type: application/sdp', 1, 'form'],
  ['first line not v=', ['o=- 1 1 IN IP4 10.0.0.1', 'v=0', 's=-', MEDIA].join('\n'), 1, 'first line'],
  ['version 1', ['v=1', ...HEAD.slice(1), MEDIA].join('\n'), 1, 'v=0'],
  ['second v=', [...HEAD, 'v=0', MEDIA].join('\n'), 6, 'second "v="'],
  ['line without =', withMedia('a=ptime:20', 'garbage'), 8, 'form'],
  ['upper-case type', withMedia('A=ptime:20'), 7, 'form'],
  ['two-letter type', withMedia('ab=1'), 7, 'form'],
  ['leading space', withMedia(' a=ptime:20'), 7, 'form'],
  ['no o= line', ['v=0', 's=-', 't=0 0', MEDIA].join('\n'), 4, 'no "o="'],
  ['second o=', [...HEAD, 'o=- 2 2 IN IP4 10.0.0.1', MEDIA].join('\n'), 6, 'second "o="'],
  ['o= too short', ['v=0', 'o=- 1 1 IN IP4', 's=-', MEDIA].join('\n'), 2, '6 fields'],
  ['o= bad address type', ['v=0', 'o=- 1 1 IN IPX 1.2.3.4', 's=-', MEDIA].join('\n'), 2, 'IP4 or IP6'],
  ['no m= line', HEAD.join('\r\n'), 5, 'no "m="'],
  ['c= missing address', [...HEAD.slice(0, 3), 'c=IN IP4', 't=0 0', MEDIA].join('\n'), 4, '3 fields'],
  [
    'c= bad IPv4',
    [...HEAD.slice(0, 3), 'c=IN IP4 300.1.2.3', 't=0 0', MEDIA].join('\n'),
    4,
    'not a valid IP4',
  ],
  [
    'c= bad IPv6',
    [...HEAD.slice(0, 3), 'c=IN IP6 2001:db8::zz', 't=0 0', MEDIA].join('\n'),
    4,
    'not a valid IP6',
  ],
  [
    'c= IPv6 with TTL and count',
    [...HEAD.slice(0, 3), 'c=IN IP6 ff15::1/3/4', 't=0 0', MEDIA].join('\n'),
    4,
    'suffixes',
  ],
  ['c= bad TTL', [...HEAD.slice(0, 3), 'c=IN IP4 224.2.1.1/999', 't=0 0', MEDIA].join('\n'), 4, 'TTL'],
  ['c= network type', [...HEAD.slice(0, 3), 'c=ATM NSAP 47.0005', 't=0 0', MEDIA].join('\n'), 4, 'IN'],
  ['media c= bad', withMedia('c=IN IP4 not_a_host!'), 7, 'not a valid IP4'],
  ['b= no value', [...HEAD, 'b=AS', MEDIA].join('\n'), 6, '"b="'],
  ['b= not a number', [...HEAD, 'b=AS:fast', MEDIA].join('\n'), 6, '"b="'],
  ['t= one field', [...HEAD.slice(0, 4), 't=0', MEDIA].join('\n'), 5, '"t="'],
  ['r= before t=', [...HEAD.slice(0, 4), 'r=7d 1h 0 25h', 't=0 0', MEDIA].join('\n'), 5, 'before any'],
  ['m= too short', [...HEAD, 'm=audio 5000 RTP/AVP'].join('\n'), 6, '"m="'],
  ['m= port not a number', [...HEAD, 'm=audio http RTP/AVP 0'].join('\n'), 6, 'port'],
  ['m= port out of range', [...HEAD, 'm=audio 65536 RTP/AVP 0'].join('\n'), 6, '0–65535'],
  ['m= negative port', [...HEAD, 'm=audio -1 RTP/AVP 0'].join('\n'), 6, 'port'],
  ['m= bad port count', [...HEAD, 'm=audio 5000/0 RTP/AVP 0'].join('\n'), 6, 'port count'],
  ['m= payload type 128', [...HEAD, 'm=audio 5000 RTP/AVP 0 128'].join('\n'), 6, '0–127'],
  ['m= payload type name', [...HEAD, 'm=audio 5000 RTP/AVP PCMU'].join('\n'), 6, '0–127'],
  ['s= inside media', withMedia('s=again'), 7, 'not allowed inside a media'],
  ['t= inside media', withMedia('t=0 0'), 7, 'not allowed inside a media'],
  ['attribute name with space', withMedia('a=foo bar:1'), 7, 'token'],
  ['empty attribute', withMedia('a='), 7, 'token'],
  ['rtpmap no clock', withMedia('a=rtpmap:96 opus'), 7, 'rtpmap'],
  ['rtpmap pt 200', withMedia('a=rtpmap:200 opus/48000'), 7, 'rtpmap'],
  ['rtpmap zero clock', withMedia('a=rtpmap:96 opus/0/2'), 7, 'rtpmap'],
  ['rtpmap channels 0', withMedia('a=rtpmap:96 opus/48000/0'), 7, 'rtpmap'],
  ['rtpmap 4 parts', withMedia('a=rtpmap:96 opus/48000/2/1'), 7, 'rtpmap'],
  ['fmtp no payload type', withMedia('a=fmtp:minptime=10'), 7, 'fmtp'],
  ['ptime text', withMedia('a=ptime:twenty'), 7, 'ptime'],
  ['ptime zero', withMedia('a=ptime:0'), 7, 'ptime'],
  ['maxptime negative', withMedia('a=maxptime:-20'), 7, 'maxptime'],
  ['rtcp port out of range', withMedia('a=rtcp:70000'), 7, 'rtcp'],
  ['rtcp partial address', withMedia('a=rtcp:5001 IN IP4'), 7, 'rtcp'],
  ['rtcp bad address', withMedia('a=rtcp:5001 IN IP4 1.2.3'), 7, 'not a valid IP4'],
  ['extmap id 0', withMedia('a=extmap:0 urn:x'), 7, 'extmap'],
  ['extmap id 300', withMedia('a=extmap:300 urn:x'), 7, 'extmap'],
  ['extmap no uri', withMedia('a=extmap:1'), 7, 'extmap'],
  ['extmap bad direction', withMedia('a=extmap:1/upward urn:x'), 7, 'direction'],
  ['ssrc too big', withMedia('a=ssrc:4294967296 cname:x'), 7, 'ssrc'],
  ['ssrc no attribute', withMedia('a=ssrc:1234'), 7, 'ssrc'],
  ['garbage after media', `${withMedia('a=ptime:20')}\r\n\u0000\u0001binary`, 8, 'form'],
];

describe('parseSdp rejects garbage with ERR_SDP_MALFORMED and the line number', () => {
  for (const [name, sdp, line, words] of cases) {
    it(name, () => {
      const error = malformed(sdp);
      expect(error.message).toContain(`line ${line}:`);
      expect(error.message).toContain(words);
    });
  }

  it('rejects a body over the size limit without scanning it', () => {
    const big = `${sdpFixture('sip-asterisk.sdp')}${'a=x-pad:0123456789\r\n'.repeat(SDP_MAX_LENGTH / 20)}`;
    expect(big.length).toBeGreaterThan(SDP_MAX_LENGTH);
    expect(malformed(big).message).toContain('limit');
    const justUnder = big.slice(0, SDP_MAX_LENGTH);
    expect(parseSdp(justUnder.slice(0, justUnder.lastIndexOf('\r\n'))).media).toHaveLength(1);
  });

  it('rejects a non-string', () => {
    expect(malformed(42 as unknown as string).message).toContain('string');
  });
});

describe('writeSdp refuses descriptions that would not round-trip', () => {
  const base = parseSdp(sdpFixture('sip-asterisk.sdp'));
  const bad: [string, unknown][] = [
    ['line break in session name', { ...base, sessionName: 'a\r\nm=video 1 RTP/AVP 0' }],
    ['space in origin', { ...base, origin: { ...base.origin, username: 'a b' } }],
    ['port 70000', { ...base, media: [{ ...base.media[0], port: 70000 }] }],
    ['no media', { ...base, media: [] }],
    ['no formats', { ...base, media: [{ ...base.media[0], formats: [] }] }],
    ['attribute name with colon', { ...base, attributes: [{ name: 'a:b', value: '1' }] }],
    [
      'rtpmap pt 300',
      {
        ...base,
        media: [{ ...base.media[0], rtpMaps: [{ payloadType: 300, encodingName: 'x', clockRateHz: 8000 }] }],
      },
    ],
    ['NaN ptime', { ...base, media: [{ ...base.media[0], ptimeMs: Number.NaN }] }],
  ];
  for (const [name, description] of bad) {
    it(name, () => {
      expect(() => writeSdp(description as typeof base)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    });
  }
});
