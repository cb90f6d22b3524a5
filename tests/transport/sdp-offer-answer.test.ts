import { describe, expect, it } from 'vitest';
import type { CodecInfo } from '../../src/codec/types.js';
import {
  AUDIO_LEVEL_URI,
  answerDirection,
  createAnswer,
  createCallAnswer,
  createOffer,
  mediaCodecs,
  negotiated,
  parseSdp,
  type SdpCodec,
  type SdpDirection,
  type SessionDescription,
  sdpCodecFromInfo,
  writeSdp,
} from '../../src/transport/sdp/index.js';
import { sdpFixture } from '../helpers/sdp-fixtures.js';

const OPUS: SdpCodec = {
  encodingName: 'opus',
  clockRateHz: 48000,
  channels: 2,
  payloadType: 111,
  fmtp: 'minptime=10;useinbandfec=1',
};
const PCMU: SdpCodec = { encodingName: 'PCMU', clockRateHz: 8000, payloadType: 0 };
const PCMA: SdpCodec = { encodingName: 'PCMA', clockRateHz: 8000, payloadType: 8 };
const LOCAL = { address: '192.0.2.1', port: 6000 };

/** Parse(write(x)), so every test also exercises the wire form. */
function wire(d: SessionDescription): SessionDescription {
  return parseSdp(writeSdp(d));
}

describe('createOffer', () => {
  it('writes a plain RTP audio offer that parses back with all requested features', () => {
    const offer = createOffer({
      ...LOCAL,
      codecs: [OPUS, PCMU, PCMA],
      ptimeMs: 20,
      maxptimeMs: 60,
      direction: 'sendrecv',
      rtcpMux: true,
      telephoneEvent: true,
      red: true,
      audioLevelExtensionId: 1,
      sessionId: '12345',
      sessionVersion: '2',
      username: 'voxwire',
    });
    const text = writeSdp(offer);
    expect(text).toContain('o=voxwire 12345 2 IN IP4 192.0.2.1\r\n');
    expect(text).toContain('c=IN IP4 192.0.2.1\r\n');
    expect(text).toContain('m=audio 6000 RTP/AVP 111 0 8 121 110 101\r\n');
    expect(text).toContain('a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n');
    expect(text).toContain('a=rtpmap:0 PCMU/8000\r\n');
    expect(text).toContain('a=rtpmap:121 red/48000/2\r\na=fmtp:121 111/111\r\n');
    expect(text).toContain('a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n');
    expect(text).toContain('a=rtpmap:110 telephone-event/48000\r\n');
    expect(text).toContain('a=ptime:20\r\na=maxptime:60\r\na=sendrecv\r\na=rtcp-mux\r\n');
    expect(text).toContain(`a=extmap:1 ${AUDIO_LEVEL_URI}\r\n`);
    expect(wire(offer)).toEqual(offer);
  });

  it('uses IN IP6 for an IPv6 address, a=rtcp when asked, random session id by default', () => {
    const a = createOffer({ address: '::1', port: 5004, codecs: [PCMU], rtcpPort: 5010 });
    const b = createOffer({ address: '::1', port: 5004, codecs: [PCMU] });
    expect(writeSdp(a)).toContain('c=IN IP6 ::1\r\n');
    expect(a.media[0].rtcp).toEqual({ port: 5010 });
    expect(a.media[0].rtcpMux).toBe(false);
    expect(a.origin.sessionId).toMatch(/^\d+$/);
    expect(a.origin.sessionId).not.toBe(b.origin.sessionId);
  });

  it('takes a CodecInfo through sdpCodecFromInfo', () => {
    const info: CodecInfo = {
      name: 'opus',
      encodingName: 'opus',
      clockRateHz: 48000,
      sampleRateHz: 48000,
      channels: 1,
      payloadType: 96,
      sdpChannels: 2,
      fmtp: 'useinbandfec=1',
      frameDurationsMs: [20],
      supportsDtx: true,
    };
    const offer = createOffer({ ...LOCAL, codecs: [sdpCodecFromInfo(info)] });
    expect(offer.media[0].rtpMaps[0]).toEqual({
      payloadType: 96,
      encodingName: 'opus',
      clockRateHz: 48000,
      channels: 2,
    });
    expect(offer.media[0].fmtps[0].raw).toBe('useinbandfec=1');
  });

  const badOptions: [string, object][] = [
    ['address', { address: 'not an address!', port: 1, codecs: [PCMU] }],
    ['address', { address: '1::2::3', port: 1, codecs: [PCMU] }],
    ['port', { address: '1.2.3.4', port: 0, codecs: [PCMU] }],
    ['port', { address: '1.2.3.4', codecs: [PCMU] }],
    ['codecs', { address: '1.2.3.4', port: 1, codecs: [] }],
    ['codecs[1].payloadType', { address: '1.2.3.4', port: 1, codecs: [PCMU, { ...PCMA, payloadType: 0 }] }],
    ['codecs[0].clockRateHz', { address: '1.2.3.4', port: 1, codecs: [{ ...PCMU, clockRateHz: 0 }] }],
    ['codecs[0].encodingName', { address: '1.2.3.4', port: 1, codecs: [{ ...PCMU, encodingName: 'a b' }] }],
    ['codecs[0].fmtp', { address: '1.2.3.4', port: 1, codecs: [{ ...PCMU, fmtp: 'a\r\nb' }] }],
    ['ptimeMs', { address: '1.2.3.4', port: 1, codecs: [PCMU], ptimeMs: 0 }],
    ['direction', { address: '1.2.3.4', port: 1, codecs: [PCMU], direction: 'both' }],
    ['rtcpPort', { address: '1.2.3.4', port: 1, codecs: [PCMU], rtcpPort: 70000 }],
    ['audioLevelExtensionId', { address: '1.2.3.4', port: 1, codecs: [PCMU], audioLevelExtensionId: 15 }],
    ['redPayloadType', { address: '1.2.3.4', port: 1, codecs: [PCMU], red: true, redPayloadType: 0 }],
    ['sessionId', { address: '1.2.3.4', port: 1, codecs: [PCMU], sessionId: '12a' }],
    ['rtcpMux', { address: '1.2.3.4', port: 1, codecs: [PCMU], rtcpMux: 'yes' }],
  ];
  for (const [option, options] of badOptions) {
    it(`fails fast naming option ${option}`, () => {
      expect(() => createOffer(options)).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_OPTION',
          message: expect.stringContaining(`option ${option}:`),
        }),
      );
    });
  }
});

describe('answerDirection (RFC 3264 §6.1)', () => {
  const table: [SdpDirection, SdpDirection, SdpDirection][] = [
    ['sendrecv', 'sendrecv', 'sendrecv'],
    ['sendrecv', 'recvonly', 'recvonly'],
    ['sendrecv', 'sendonly', 'sendonly'],
    ['sendonly', 'sendrecv', 'recvonly'],
    ['sendonly', 'sendonly', 'inactive'],
    ['recvonly', 'sendrecv', 'sendonly'],
    ['recvonly', 'recvonly', 'inactive'],
    ['inactive', 'sendrecv', 'inactive'],
  ];
  for (const [offered, local, answered] of table) {
    it(`${offered} offered, ${local} wanted → ${answered}`, () => {
      expect(answerDirection(offered, local)).toBe(answered);
    });
  }
});

describe('createAnswer against real offers', () => {
  it('Asterisk offer (PCMU, PCMA, G722, te 101): picks the offerer first common codec', () => {
    const offer = parseSdp(sdpFixture('sip-asterisk.sdp'));
    // Local prefers PCMA, but the offerer's order wins.
    const answer = wire(
      createAnswer(offer, { ...LOCAL, codecs: [PCMA, PCMU], telephoneEvent: true, ptimeMs: 20 }),
    );
    expect(answer.media[0].formats).toEqual(['0', '101']);
    expect(answer.media[0].direction).toBe('sendrecv');
    expect(answer.media[0].fmtps).toEqual([{ payloadType: 101, raw: '0-16', parameters: new Map() }]);
    const mine = negotiated(answer, offer);
    expect(mine).toMatchObject({
      direction: 'sendrecv',
      rtcpMux: false,
      remoteAddress: '10.0.0.5',
      remoteRtpPort: 13846,
      remoteRtcpAddress: '10.0.0.5',
      remoteRtcpPort: 13847,
    });
    expect(mine.send).toMatchObject({
      payloadType: 0,
      telephoneEventPayloadType: 101,
      ptimeMs: 20,
      maxptimeMs: 150,
    });
    expect(mine.send.codec.encodingName).toBe('PCMU');
    expect(mine.receive).toMatchObject({ payloadType: 0, telephoneEventPayloadType: 101, ptimeMs: 20 });
    // And from the offerer's side.
    const theirs = negotiated(offer, answer);
    expect(theirs).toMatchObject({ direction: 'sendrecv', remoteAddress: '192.0.2.1', remoteRtpPort: 6000 });
    expect(theirs.send.payloadType).toBe(0);
  });

  it('Linphone offer (opus 96 first): dynamic PT preserved, te at 48 kHz, a=rtcp honoured', () => {
    const offer = parseSdp(sdpFixture('sip-linphone.sdp'));
    const answer = wire(createAnswer(offer, { ...LOCAL, codecs: [PCMU, OPUS], telephoneEvent: true }));
    expect(answer.media[0].formats).toEqual(['96', '101']);
    expect(answer.media[0].rtpMaps[0]).toEqual({
      payloadType: 96,
      encodingName: 'opus',
      clockRateHz: 48000,
      channels: 2,
    });
    expect(answer.media[0].fmtps[0]).toMatchObject({ payloadType: 96, raw: 'minptime=10;useinbandfec=1' });
    const n = negotiated(answer, offer);
    expect(n.send).toMatchObject({ payloadType: 96, telephoneEventPayloadType: 101 });
    expect(n.receive.payloadType).toBe(96);
    expect(n.remoteRtcpPort).toBe(7079);
  });

  it('Linphone offer to a G.711-only answerer falls to PCMU (PT 0, static, no rtpmap needed)', () => {
    const offer = parseSdp(sdpFixture('sip-linphone.sdp'));
    const answer = wire(createAnswer(offer, { ...LOCAL, codecs: [PCMA, PCMU] }));
    expect(answer.media[0].formats).toEqual(['0']);
    expect(negotiated(offer, answer).send.codec.encodingName).toBe('PCMU');
  });

  it('hold offer (session-level sendonly, static types only) → recvonly, a=rtcp address', () => {
    const offer = parseSdp(sdpFixture('sip-obihai-hold.sdp'));
    const answer = wire(createAnswer(offer, { ...LOCAL, codecs: [OPUS, PCMA] }));
    expect(answer.media[0].formats).toEqual(['8']);
    expect(answer.media[0].direction).toBe('recvonly');
    const mine = negotiated(answer, offer);
    expect(mine.direction).toBe('recvonly');
    expect(mine.remoteRtcpAddress).toBe('203.0.113.8');
    expect(mine.remoteRtcpPort).toBe(16601);
    expect(negotiated(offer, answer).direction).toBe('sendonly');
  });

  it('Chrome offer: SAVPF refused by default, accepted when allowed; RED, te, audio level, mux, mid kept', () => {
    const offer = parseSdp(sdpFixture('chrome-offer.sdp'));
    const refused = createAnswer(offer, { ...LOCAL, codecs: [OPUS] });
    expect(refused.media.map((m) => m.port)).toEqual([0, 0]);
    expect(() => createCallAnswer(offer, { ...LOCAL, codecs: [OPUS] })).toThrow(
      expect.objectContaining({
        code: 'ERR_SDP_INCOMPATIBLE',
        message: expect.stringContaining('UDP/TLS/RTP/SAVPF'),
      }),
    );

    const { answer, negotiated: n } = createCallAnswer(offer, {
      ...LOCAL,
      codecs: [PCMU, { ...OPUS, payloadType: 100 }],
      protocols: ['UDP/TLS/RTP/SAVPF'],
      red: true,
      telephoneEvent: true,
      audioLevel: true,
    });
    const back = wire(answer);
    expect(back.media).toHaveLength(2);
    const [audio, video] = back.media;
    expect(audio.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(audio.formats).toEqual(['111', '63', '110']);
    expect(audio.fmtps.find((f) => f.payloadType === 63)?.raw).toBe('111/111');
    expect(audio.rtcpMux).toBe(true);
    expect(audio.mid).toBe('0');
    expect(audio.extmaps).toEqual([{ id: 1, uri: AUDIO_LEVEL_URI }]);
    expect(video).toMatchObject({ type: 'video', port: 0, mid: '1', formats: ['96'] });
    expect(n).toMatchObject({
      mediaIndex: 0,
      mid: '0',
      rtcpMux: true,
      remoteAddress: '0.0.0.0',
      remoteRtpPort: 9,
      remoteRtcpPort: 9,
    });
    expect(n.send).toMatchObject({
      payloadType: 111,
      redPayloadType: 63,
      telephoneEventPayloadType: 110,
      audioLevelExtensionId: 1,
    });
    expect(negotiated(back, offer)).toEqual(n);
    const offerer = negotiated(offer, back);
    expect(offerer.receive).toMatchObject({ payloadType: 111, redPayloadType: 63, audioLevelExtensionId: 1 });
  });

  it('without red/audioLevel/rtcpMux support, the answer leaves them out', () => {
    const offer = parseSdp(sdpFixture('chrome-offer.sdp'));
    const answer = createAnswer(offer, {
      ...LOCAL,
      codecs: [OPUS],
      protocols: ['UDP/TLS/RTP/SAVPF'],
      rtcpMux: false,
    });
    expect(answer.media[0].formats).toEqual(['111']);
    expect(answer.media[0].rtcpMux).toBe(false);
    expect(answer.media[0].extmaps).toEqual([]);
    const n = negotiated(answer, offer);
    expect(n.rtcpMux).toBe(false);
    expect(n.remoteRtcpPort).toBe(9);
    expect(n.send.redPayloadType).toBeUndefined();
    expect(n.send.audioLevelExtensionId).toBeUndefined();
  });

  it('best-effort SRTP (SAVP then AVP): rejects the first, accepts the second over IPv6', () => {
    const offer = parseSdp(sdpFixture('sip-ipv6-best-effort-srtp.sdp'));
    const { answer, negotiated: n } = createCallAnswer(offer, {
      address: '2001:db8::1',
      port: 7000,
      codecs: [PCMU, PCMA],
    });
    expect(answer.media.map((m) => m.port)).toEqual([0, 7000]);
    expect(answer.media[1].formats).toEqual(['8']);
    expect(answer.media[1].rtcpMux).toBe(true);
    expect(n).toMatchObject({
      mediaIndex: 1,
      remoteAddress: '2001:db8::17',
      remoteAddressType: 'IP6',
      remoteRtpPort: 40002,
      remoteRtcpPort: 40002,
    });
    expect(writeSdp(answer)).toContain('c=IN IP6 2001:db8::1\r\n');
  });

  it('GStreamer OPUS (upper case) matches opus; two audio m-lines: only the first is accepted', () => {
    const gst = parseSdp(sdpFixture('gstreamer-opus.sdp'));
    expect(createAnswer(gst, { ...LOCAL, codecs: [OPUS] }).media[0].formats).toEqual(['96']);
    const two = parseSdp(sdpFixture('gstreamer-l16-pcma.sdp'));
    const answer = createAnswer(two, {
      ...LOCAL,
      codecs: [PCMA, { encodingName: 'L16', clockRateHz: 16000, payloadType: 97 }],
    });
    expect(answer.media.map((m) => m.port)).toEqual([6000, 0]);
    expect(answer.media[0].direction).toBe('sendonly');
    expect(() => negotiated(answer, two, 1)).toThrow(
      expect.objectContaining({ code: 'ERR_SDP_INCOMPATIBLE' }),
    );
  });

  it('matches channels and clock rate: L16/44100/2 is not L16/44100/1', () => {
    const two = parseSdp(sdpFixture('gstreamer-l16-pcma.sdp'));
    const l16mono: SdpCodec = { encodingName: 'L16', clockRateHz: 44100, channels: 1, payloadType: 11 };
    const answer = createAnswer(two, { ...LOCAL, codecs: [l16mono] });
    expect(answer.media.map((m) => m.port)).toEqual([0, 0]);
    const stereo = createAnswer(two, { ...LOCAL, codecs: [{ ...l16mono, channels: 2, payloadType: 10 }] });
    expect(stereo.media.map((m) => m.port)).toEqual([0, 6000]);
  });

  it('nothing in common: port 0 from createAnswer, ERR_SDP_INCOMPATIBLE naming codecs from createCallAnswer', () => {
    const offer = parseSdp(sdpFixture('sip-asterisk.sdp'));
    const g729: SdpCodec = { encodingName: 'G729', clockRateHz: 8000, payloadType: 18 };
    const answer = createAnswer(offer, { ...LOCAL, codecs: [g729] });
    expect(answer.media[0]).toMatchObject({ port: 0, formats: ['0'] });
    expect(() => negotiated(offer, answer)).toThrow(
      expect.objectContaining({ code: 'ERR_SDP_INCOMPATIBLE' }),
    );
    expect(() => createCallAnswer(offer, { ...LOCAL, codecs: [g729] })).toThrow(
      expect.objectContaining({
        code: 'ERR_SDP_INCOMPATIBLE',
        message: expect.stringContaining('PCMU/8000, PCMA/8000, G722/8000'),
      }),
    );
  });

  it('voxwire ↔ voxwire: offer, answer, and both sides agree', () => {
    const offer = wire(
      createOffer({
        ...LOCAL,
        codecs: [OPUS, PCMU],
        red: true,
        rtcpMux: true,
        audioLevelExtensionId: 3,
        direction: 'sendonly',
        ptimeMs: 40,
      }),
    );
    const answer = wire(
      createAnswer(offer, {
        address: '198.51.100.9',
        port: 8000,
        codecs: [PCMU, OPUS],
        red: true,
        audioLevel: true,
        ptimeMs: 20,
      }),
    );
    const a = negotiated(offer, answer);
    const b = negotiated(answer, offer);
    expect(a.direction).toBe('sendonly');
    expect(b.direction).toBe('recvonly');
    expect(a.send).toEqual(b.receive);
    expect(a.receive).toEqual(b.send);
    expect(a.send).toMatchObject({
      payloadType: 111,
      redPayloadType: 121,
      audioLevelExtensionId: 3,
      ptimeMs: 20,
    });
    expect(b.send.ptimeMs).toBe(40);
    expect(a).toMatchObject({
      rtcpMux: true,
      remoteAddress: '198.51.100.9',
      remoteRtpPort: 8000,
      remoteRtcpPort: 8000,
    });
    expect(mediaCodecs(answer.media[0]).map((c) => c.encodingName)).toEqual(['opus', 'red']);
  });

  it('disabled m-line in the offer (port 0) is rejected, and negotiated() without a common audio throws', () => {
    const offer = parseSdp(
      writeSdp({ ...parseSdp(sdpFixture('sip-asterisk.sdp')) }).replace('m=audio 13846', 'm=audio 0'),
    );
    const answer = createAnswer(offer, { ...LOCAL, codecs: [PCMU] });
    expect(answer.media[0].port).toBe(0);
    expect(() => negotiated(answer, offer)).toThrow(
      expect.objectContaining({ code: 'ERR_SDP_INCOMPATIBLE' }),
    );
  });
});
