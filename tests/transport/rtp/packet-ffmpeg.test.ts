import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeMuLaw } from '../../../src/audio/g711.js';
import { RealClock } from '../../../src/clock/index.js';
import {
  classifyDatagram,
  parseRtcpCompound,
  parseRtpPacket,
  type RtcpSdes,
  type RtcpSenderReport,
  serializeRtcpCompound,
  serializeRtpPacket,
  writeAudioLevel,
} from '../../../src/transport/rtp/index.js';
import { peerAvailable } from '../../helpers/peers.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// Captured from `ffmpeg -f lavfi -i sine=f=440:d=0.2 -ar 8000 -ac 1 -c:a pcm_mulaw -ssrc 305419896
// -cname voxwire@test -f rtp rtp://127.0.0.1:P?rtcpport=P+1` (ffmpeg 5.1): the first RTP packet and
// the SR + SDES compound ffmpeg sends before it.
const FFMPEG_PCMU = hex(
  '8000011478bedc9d12345678e5c8bab3afafb2b9c6f04a3b332f2f32394467ccbcb4b0afb2b8c2df4d3c35302f3137405bd0bdb5b0' +
    'afb1b6bfd7533e36302f30363e53d7bfb6b1afb0b5bdd05b4037312f30353c4ddfc2b8b2afb0b4bccc674439322f2f333b4aefc6b9' +
    'b2afafb3bac8ff483a332f2f3239466fcabbb3afafb2b9c4e74c3c34302f3138425fcebcb5b0afb1b7c0db503d35302f31363f57d3' +
    'beb6b0afb0b6bed3573f36312f30353d50dbc0b7b1afb0',
);
const FFMPEG_RTCP = hex(
  '80c8000612345678eeb1dd90cf9db22d78bedc9d000000000000000081ca000512345678010c766f787769726540746573740000',
);
// The first Opus packet of the same command with `-c:a libopus -ar 48000` (PT 97 dynamic, M set).
const FFMPEG_OPUS_HEAD = '80e10cd3939fa29812345678';

describe('golden packets from ffmpeg', () => {
  it('parses the PCMU packet and writes it back byte for byte', () => {
    const p = parseRtpPacket(FFMPEG_PCMU);
    expect(p).toMatchObject({ marker: false, payloadType: 0, sequenceNumber: 0x0114, timestamp: 0x78bedc9d });
    expect(p.ssrc).toBe(305419896);
    // ffmpeg's RTP muxer fills packets by size (170 μ-law bytes), not by 20 ms.
    expect(p.payload.length).toBe(170);
    expect(classifyDatagram(FFMPEG_PCMU)).toBe('rtp');
    expect(toHex(serializeRtpPacket(p, p.payload))).toBe(toHex(FFMPEG_PCMU));
  });

  it('reads the Opus header with marker and dynamic payload type', () => {
    const p = parseRtpPacket(hex(`${FFMPEG_OPUS_HEAD}f8b4af`));
    expect(p).toMatchObject({ marker: true, payloadType: 97, sequenceNumber: 0x0cd3, ssrc: 305419896 });
  });

  it('parses the SR + SDES compound and writes it back byte for byte', () => {
    const packets = parseRtcpCompound(FFMPEG_RTCP);
    expect(classifyDatagram(FFMPEG_RTCP)).toBe('rtcp');
    const sr = packets[0] as RtcpSenderReport;
    expect(sr.type).toBe('sr');
    expect(sr.ssrc).toBe(305419896);
    // ffmpeg stamps the SR with the RTP timestamp of the packet that follows it.
    expect(sr.rtpTimestamp).toBe(0x78bedc9d);
    expect(sr.reports).toEqual([]);
    expect(packets[1]).toEqual({
      type: 'sdes',
      chunks: [{ ssrc: 305419896, items: [{ type: 1, text: 'voxwire@test' }] }],
    });
    expect(toHex(serializeRtcpCompound(packets))).toBe(toHex(FFMPEG_RTCP));
  });
});

async function bind(port: number): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => resolve());
  });
  return socket;
}

describe.runIf(peerAvailable('ffmpeg'))('live ffmpeg RTP sender', () => {
  it('every RTP and RTCP datagram ffmpeg sends parses, with consistent fields', async () => {
    const rtp = await bind(0);
    const port = rtp.address().port;
    const rtcp = await bind(port + 1);
    const rtpData: Uint8Array[] = [];
    const rtcpData: Uint8Array[] = [];
    rtp.on('message', (m) => rtpData.push(new Uint8Array(m)));
    rtcp.on('message', (m) => rtcpData.push(new Uint8Array(m)));
    const args = [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=0.5'],
      ...['-ar', '8000', '-ac', '1', '-c:a', 'pcm_mulaw', '-ssrc', '2000000000', '-cname', 'vx@ffmpeg'],
      ...['-f', 'rtp', `rtp://127.0.0.1:${port}?rtcpport=${port + 1}`],
    ];
    const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] });
    await new Promise((resolve) => ffmpeg.on('exit', resolve));
    // Datagrams to 127.0.0.1 are already queued; one turn of the loop delivers them.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    rtp.close();
    rtcp.close();

    expect(rtpData.length).toBeGreaterThanOrEqual(20);
    const packets = rtpData.map((d) => parseRtpPacket(d));
    for (let i = 0; i < packets.length; i++) {
      const p = packets[i];
      expect(p.ssrc).toBe(2000000000);
      expect(p.payloadType).toBe(0);
      expect(p.payload.length).toBeGreaterThan(0);
      if (i > 0) {
        expect(p.sequenceNumber).toBe((packets[i - 1].sequenceNumber + 1) & 0xffff);
        expect((p.timestamp - packets[i - 1].timestamp) >>> 0).toBe(packets[i - 1].payload.length);
      }
    }
    expect(rtcpData.length).toBeGreaterThanOrEqual(1);
    const compound = parseRtcpCompound(rtcpData[0]);
    const sr = compound[0] as RtcpSenderReport;
    expect(sr).toMatchObject({ type: 'sr', ssrc: 2000000000 });
    expect((compound[1] as RtcpSdes).chunks[0].items[0]).toEqual({ type: 1, text: 'vx@ffmpeg' });
  }, 20_000);
});

describe.runIf(peerAvailable('ffmpeg'))('live ffmpeg RTP receiver', () => {
  it('ffmpeg decodes the PCMU stream we write (audio-level extension, CSRC, padding)', async () => {
    const probe = await bind(0);
    const port = probe.address().port;
    probe.close();
    const dir = mkdtempSync(join(tmpdir(), 'vx-rtp-'));
    const sdpPath = join(dir, 'in.sdp');
    writeFileSync(
      sdpPath,
      [
        'v=0',
        'o=- 0 0 IN IP4 127.0.0.1',
        's=voxwire',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=audio ${port} RTP/AVP 0`,
        'a=rtpmap:0 PCMU/8000',
        'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
        '',
      ].join('\r\n'),
    );
    const seconds = 1;
    const ffmpeg = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-i', sdpPath],
        ...['-t', String(seconds), '-f', 's16le', '-ar', '8000', '-ac', '1', 'pipe:1'],
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const chunks: Buffer[] = [];
    ffmpeg.stdout.on('data', (c: Buffer) => chunks.push(c));
    const exited = new Promise<void>((resolve) => ffmpeg.on('exit', () => resolve()));
    let done = false;
    void exited.then(() => {
      done = true;
    });

    // Send 20 ms packets every 5 ms until ffmpeg has its second (packets before it binds are lost).
    const sender = createSocket('udp4');
    const clock = new RealClock({ keepAlive: true });
    const hz = 440;
    const pcm = new Int16Array(160);
    let seq = 0;
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        if (done || seq >= 2000) {
          resolve();
          return;
        }
        for (let i = 0; i < 160; i++)
          pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * (seq * 160 + i)) / 8000));
        const packet = serializeRtpPacket(
          {
            marker: seq === 0,
            payloadType: 0,
            sequenceNumber: seq & 0xffff,
            timestamp: (seq * 160) >>> 0,
            ssrc: 0x0badcafe,
            csrcs: seq % 3 === 0 ? [7] : [],
            padding: seq % 4 === 0 ? 4 : 0,
            extensions: [{ id: 1, data: writeAudioLevel({ voiceActivity: true, levelDbov: 15 }) }],
          },
          encodeMuLaw(pcm),
        );
        sender.send(packet, port, '127.0.0.1');
        seq++;
        clock.setTimeout(tick, 5);
      };
      tick();
    });
    await exited;
    sender.close();
    rmSync(dir, { recursive: true, force: true });

    const out = Buffer.concat(chunks);
    const samples = new Int16Array(out.buffer, out.byteOffset, out.length >> 1);
    expect(samples.length).toBe(seconds * 8000);
    // Nearly all the energy is at 440 Hz: project on sin/cos at that frequency.
    let re = 0;
    let im = 0;
    let energy = 0;
    for (let n = 0; n < samples.length; n++) {
      const w = (2 * Math.PI * hz * n) / 8000;
      re += samples[n] * Math.cos(w);
      im += samples[n] * Math.sin(w);
      energy += samples[n] * samples[n];
    }
    const toneShare = (2 * (re * re + im * im)) / samples.length / energy;
    expect(toneShare).toBeGreaterThan(0.9);
  }, 30_000);
});
