import { describe, expect, it } from 'vitest';
import {
  effectiveConnection,
  effectiveDirection,
  mediaCodecs,
  parseSdp,
  writeSdp,
} from '../../src/transport/sdp/index.js';
import { lineEndingVariants, sdpFixture, sdpFixtureNames } from '../helpers/sdp-fixtures.js';

describe('parseSdp on real-world fixtures', () => {
  it('has the fixtures', () => {
    expect(sdpFixtureNames().length).toBeGreaterThanOrEqual(10);
  });

  for (const name of sdpFixtureNames()) {
    describe(name, () => {
      const original = sdpFixture(name);
      const reference = parseSdp(original);

      it('parses the same with every line-ending variant', () => {
        for (const [variant, text] of Object.entries(lineEndingVariants(original))) {
          expect(parseSdp(text), variant).toEqual(reference);
        }
      });

      it('parse → write → parse gives the same description; writing is canonical', () => {
        const written = writeSdp(reference);
        expect(written.endsWith('\r\n')).toBe(true);
        expect(written.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
        expect(written.startsWith('v=0\r\no=')).toBe(true);
        expect(parseSdp(written)).toEqual(reference);
        expect(writeSdp(parseSdp(written))).toBe(written);
      });
    });
  }
});

describe('parseSdp fields', () => {
  it('reads ffmpeg PCMU with a static payload type and no rtpmap', () => {
    const d = parseSdp(sdpFixture('ffmpeg-pcmu-8k.sdp'));
    expect(d.origin).toEqual({
      username: '-',
      sessionId: '0',
      sessionVersion: '0',
      netType: 'IN',
      addressType: 'IP4',
      address: '127.0.0.1',
    });
    expect(d.sessionName).toBe('No Name');
    expect(d.connection).toEqual({ netType: 'IN', addressType: 'IP4', address: '127.0.0.1' });
    expect(d.attributes).toEqual([{ name: 'tool', value: 'libavformat LIBAVFORMAT_VERSION' }]);
    const m = d.media[0];
    expect(m).toMatchObject({ type: 'audio', port: 45678, protocol: 'RTP/AVP', formats: ['0'] });
    expect(m.bandwidths).toEqual([{ type: 'AS', value: 64 }]);
    expect(m.rtpMaps).toEqual([]);
    expect(mediaCodecs(m)).toEqual([
      { payloadType: 0, encodingName: 'PCMU', clockRateHz: 8000, channels: 1, fmtp: '' },
    ]);
  });

  it('reads ffmpeg Opus over IPv6 with fmtp', () => {
    const d = parseSdp(sdpFixture('ffmpeg-opus-ipv6.sdp'));
    expect(d.connection).toEqual({ netType: 'IN', addressType: 'IP6', address: '::1' });
    const m = d.media[0];
    expect(m.rtpMaps).toEqual([{ payloadType: 97, encodingName: 'opus', clockRateHz: 48000, channels: 2 }]);
    expect(m.fmtps[0].raw).toBe('sprop-stereo=1');
    expect(m.fmtps[0].parameters.get('sprop-stereo')).toBe('1');
  });

  it('reads a SIP phone offer: static types, telephone-event, ptime, direction, rtcp', () => {
    const d = parseSdp(sdpFixture('sip-obihai-hold.sdp'));
    expect(d.direction).toBe('sendonly');
    const m = d.media[0];
    expect(effectiveDirection(d, m)).toBe('sendonly');
    expect(m.direction).toBeUndefined();
    expect(m.ptimeMs).toBe(20);
    expect(m.rtcp).toEqual({ port: 16601, netType: 'IN', addressType: 'IP4', address: '203.0.113.8' });
    expect(effectiveConnection(d, m)?.address).toBe('203.0.113.7');
    expect(mediaCodecs(m).map((c) => `${c.payloadType}:${c.encodingName}/${c.clockRateHz}`)).toEqual([
      '0:PCMU/8000',
      '18:G729/8000',
      '9:G722/8000',
      '8:PCMA/8000',
      '101:telephone-event/8000',
    ]);
    expect(mediaCodecs(m)[4].fmtp).toBe('0-15');
  });

  it('reads Asterisk maxptime and explicit sendrecv', () => {
    const m = parseSdp(sdpFixture('sip-asterisk.sdp')).media[0];
    expect(m.maxptimeMs).toBe(150);
    expect(m.direction).toBe('sendrecv');
    expect(m.rtcpMux).toBe(false);
  });

  it('reads Linphone: fmtp for a static type, multiple telephone-events, unknown attributes raw', () => {
    const d = parseSdp(sdpFixture('sip-linphone.sdp'));
    expect(d.attributes[0].name).toBe('rtcp-xr');
    const m = d.media[0];
    const g729 = mediaCodecs(m).find((c) => c.payloadType === 18);
    expect(g729).toEqual({
      payloadType: 18,
      encodingName: 'G729',
      clockRateHz: 8000,
      channels: 1,
      fmtp: 'annexb=yes',
    });
    expect(m.rtcp).toEqual({ port: 7079 });
    expect(m.attributes).toEqual([
      { name: 'rtcp-fb', value: '* trr-int 1000' },
      { name: 'rtcp-fb', value: '* ccm tmmbr' },
    ]);
  });

  it('reads GStreamer: media-level c=, upper-case OPUS, multicast TTL, L16 stereo', () => {
    const opus = parseSdp(sdpFixture('gstreamer-opus.sdp'));
    expect(opus.connection).toBeUndefined();
    expect(opus.media[0].connection?.address).toBe('127.0.0.1');
    expect(opus.otherLines).toEqual([{ type: 'i', value: 'rtsp-server' }]);
    expect(opus.media[0].ssrcs).toEqual([
      { ssrc: 1785314151, attribute: 'cname', value: 'user2391876209@host-5c1a4f2b' },
    ]);
    expect(opus.media[0].fmtps[0].parameters).toEqual(
      new Map([
        ['sprop-stereo', '0'],
        ['sprop-maxcapturerate', '48000'],
      ]),
    );
    const l16 = parseSdp(sdpFixture('gstreamer-l16-pcma.sdp'));
    expect(l16.connection).toEqual({ netType: 'IN', addressType: 'IP4', address: '239.255.12.42', ttl: 16 });
    expect(l16.media).toHaveLength(2);
    expect(effectiveConnection(l16, l16.media[0])?.address).toBe('239.255.12.42');
    expect(effectiveConnection(l16, l16.media[1])?.address).toBe('192.0.2.11');
    expect(mediaCodecs(l16.media[1])[0]).toMatchObject({
      encodingName: 'L16',
      clockRateHz: 44100,
      channels: 2,
    });
  });

  it('reads a Chrome offer: ICE/DTLS kept raw, extmap, mid, rtcp-mux, ssrc, RED, two m-lines', () => {
    const d = parseSdp(sdpFixture('chrome-offer.sdp'));
    expect(d.origin.sessionId).toBe('4611731400430051336');
    expect(d.attributes.map((a) => a.name)).toEqual(['group', 'extmap-allow-mixed', 'msid-semantic']);
    const [audio, video] = d.media;
    expect(audio.protocol).toBe('UDP/TLS/RTP/SAVPF');
    expect(audio.mid).toBe('0');
    expect(audio.rtcpMux).toBe(true);
    expect(audio.rtcp).toEqual({ port: 9, netType: 'IN', addressType: 'IP4', address: '0.0.0.0' });
    expect(audio.extmaps[0]).toEqual({ id: 1, uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level' });
    expect(audio.extmaps).toHaveLength(4);
    expect(audio.ssrcs.map((s) => s.attribute)).toEqual(['cname', 'msid']);
    expect(audio.attributes.map((a) => a.name)).toContain('fingerprint');
    expect(audio.attributes.filter((a) => a.name === 'candidate')).toHaveLength(2);
    expect(audio.attributes.find((a) => a.name === 'rtcp-rsize')).toEqual({ name: 'rtcp-rsize' });
    const red = mediaCodecs(audio).find((c) => c.encodingName === 'red');
    expect(red).toEqual({
      payloadType: 63,
      encodingName: 'red',
      clockRateHz: 48000,
      channels: 2,
      fmtp: '111/111',
    });
    expect(video.type).toBe('video');
    expect(video.attributes.find((a) => a.name === 'ssrc-group')?.value).toBe('FID 2231627014 632943048');
  });

  it('reads IPv6 origin and connection, SAVP and AVP sections', () => {
    const d = parseSdp(sdpFixture('sip-ipv6-best-effort-srtp.sdp'));
    expect(d.origin.addressType).toBe('IP6');
    expect(d.connection).toEqual({ netType: 'IN', addressType: 'IP6', address: '2001:db8::17' });
    expect(d.media.map((m) => m.protocol)).toEqual(['RTP/SAVP', 'RTP/AVP']);
  });

  it('keeps the first of a repeated single-valued attribute typed and the rest raw', () => {
    const d = parseSdp(
      'v=0\no=- 1 1 IN IP4 10.0.0.1\ns=x\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 5000 RTP/AVP 0\n' +
        'a=ptime:20\na=ptime:30\na=sendonly\na=recvonly\na=mid:a\na=mid:b\na=rtcp-mux\na=rtcp-mux\n',
    );
    const m = d.media[0];
    expect(m.ptimeMs).toBe(20);
    expect(m.direction).toBe('sendonly');
    expect(m.mid).toBe('a');
    expect(m.attributes).toEqual([
      { name: 'ptime', value: '30' },
      { name: 'recvonly' },
      { name: 'mid', value: 'b' },
      { name: 'rtcp-mux' },
    ]);
    expect(parseSdp(writeSdp(d))).toEqual(d);
  });

  it('fills defaults: missing s= and t=, fractional ptime, hostnames, multicast IPv6 count', () => {
    const d = parseSdp(
      'v=0\r\no=- 1 1 IN IP4 host.example\r\nc=IN IP6 ff15::101/3\r\nm=audio 5000/2 RTP/AVP 96\r\n' +
        'a=rtpmap:96 opus/48000/2\r\na=ptime:2.5\r\na=fmtp:96\r\n',
    );
    expect(d.sessionName).toBe('-');
    expect(d.timing).toEqual([{ startTime: 0, stopTime: 0, repeats: [] }]);
    expect(d.connection).toEqual({
      netType: 'IN',
      addressType: 'IP6',
      address: 'ff15::101',
      addressCount: 3,
    });
    expect(d.media[0].portCount).toBe(2);
    expect(d.media[0].ptimeMs).toBe(2.5);
    expect(d.media[0].fmtps[0]).toEqual({ payloadType: 96, raw: '', parameters: new Map() });
    expect(parseSdp(writeSdp(d))).toEqual(d);
  });

  it('keeps repeats, zone and key lines and writes them in RFC order', () => {
    const d = parseSdp(
      'v=0\no=- 1 1 IN IP4 10.0.0.1\ns=x\ni=info\nu=http://example.com/\ne=a@example.com\np=+1 555\n' +
        'c=IN IP4 10.0.0.1\nb=CT:128\nt=3034423619 3042462419\nr=7d 1h 0 25h\nz=2882844526 -1h\nk=prompt\n' +
        'm=audio 5000 RTP/AVP 0\ni=voice\nk=prompt\n',
    );
    expect(d.timing[0].repeats).toEqual(['7d 1h 0 25h']);
    const written = writeSdp(d);
    expect(
      written
        .split('\r\n')
        .map((l) => l[0])
        .join(''),
    ).toBe('vosiuepcbtrzkmik');
    expect(parseSdp(written)).toEqual(d);
  });
});
