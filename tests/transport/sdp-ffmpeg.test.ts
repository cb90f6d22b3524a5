import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createCallAnswer,
  createOffer,
  mediaCodecs,
  negotiated,
  parseSdp,
  type SdpCodec,
  writeSdp,
} from '../../src/transport/sdp/index.js';
import { peerAvailable } from '../helpers/peers.js';

/** A UDP port on 127.0.0.1 that nothing listens on (bound, then released). */
async function unusedPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

const dir = mkdtempSync(join(tmpdir(), 'voxwire-sdp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs ffmpeg's RTP muxer for 0.2 s of sine towards a dead port and returns the SDP it wrote. */
async function ffmpegSdp(codecArgs: string[]): Promise<{ sdp: string; port: number }> {
  const port = await unusedPort();
  const file = join(dir, `${codecArgs.join('_')}.sdp`);
  const result = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=d=0.2',
      ...codecArgs,
      '-f',
      'rtp',
      `rtp://127.0.0.1:${port}`,
      '-sdp_file',
      file,
    ],
    { timeout: 30_000, encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  return { sdp: readFileSync(file, 'utf8'), port };
}

const PCMU: SdpCodec = { encodingName: 'PCMU', clockRateHz: 8000, payloadType: 0 };
const PCMA: SdpCodec = { encodingName: 'PCMA', clockRateHz: 8000, payloadType: 8 };
const OPUS: SdpCodec = {
  encodingName: 'opus',
  clockRateHz: 48000,
  channels: 2,
  payloadType: 111,
  fmtp: 'useinbandfec=1',
};
const LOCAL = { address: '127.0.0.1', port: 40000, codecs: [OPUS, PCMA, PCMU] };

describe.runIf(peerAvailable('ffmpeg'))('SDP written by ffmpeg (generated now)', () => {
  it('pcm_mulaw at 8 kHz: static PT 0 without rtpmap, answered and negotiated', async () => {
    const { sdp, port } = await ffmpegSdp(['-ar', '8000', '-c:a', 'pcm_mulaw']);
    const offer = parseSdp(sdp);
    expect(parseSdp(writeSdp(offer))).toEqual(offer);
    expect(mediaCodecs(offer.media[0])).toEqual([
      { payloadType: 0, encodingName: 'PCMU', clockRateHz: 8000, channels: 1, fmtp: '' },
    ]);
    const { answer, negotiated: n } = createCallAnswer(offer, LOCAL);
    expect(answer.media[0].formats).toEqual(['0']);
    expect(n).toMatchObject({
      remoteAddress: '127.0.0.1',
      remoteRtpPort: port,
      remoteRtcpPort: port + 1,
      direction: 'sendrecv',
    });
    expect(n.send.codec.encodingName).toBe('PCMU');
  });

  it('pcm_alaw at 8 kHz: static PT 8', async () => {
    const { sdp } = await ffmpegSdp(['-ar', '8000', '-c:a', 'pcm_alaw']);
    const { negotiated: n } = createCallAnswer(parseSdp(sdp), LOCAL);
    expect(n.receive).toMatchObject({ payloadType: 8 });
    expect(n.receive.codec.encodingName).toBe('PCMA');
  });

  it('pcm_alaw at the source rate (44.1 kHz): dynamic PT with rtpmap, not G.711/8000, so incompatible', async () => {
    const { sdp } = await ffmpegSdp(['-c:a', 'pcm_alaw']);
    const offer = parseSdp(sdp);
    const [codec] = mediaCodecs(offer.media[0]);
    expect(codec).toMatchObject({ encodingName: 'PCMA', clockRateHz: 44100, channels: 1 });
    expect(codec.payloadType).toBeGreaterThanOrEqual(96);
    expect(() => createCallAnswer(offer, LOCAL)).toThrow(
      expect.objectContaining({ code: 'ERR_SDP_INCOMPATIBLE' }),
    );
  });

  it('libopus: opus/48000/2 on a dynamic PT, chosen with the offer PT', async () => {
    const { sdp } = await ffmpegSdp(['-c:a', 'libopus', '-ac', '2']);
    const offer = parseSdp(sdp);
    const pt = offer.media[0].rtpMaps[0].payloadType;
    expect(offer.media[0].rtpMaps[0]).toMatchObject({
      encodingName: 'opus',
      clockRateHz: 48000,
      channels: 2,
    });
    const { answer, negotiated: n } = createCallAnswer(offer, LOCAL);
    expect(answer.media[0].formats).toEqual([String(pt)]);
    expect(n.send.payloadType).toBe(pt);
    expect(n.receive.payloadType).toBe(pt);
    expect(negotiated(offer, answer).send.payloadType).toBe(pt);
  });

  it('ffmpeg receives with an SDP voxwire wrote (one codec, as ffmpeg reads only one per m-line)', async () => {
    const port = await unusedPort();
    const file = join(dir, 'voxwire-offer.sdp');
    const offer = createOffer({
      address: '127.0.0.1',
      port,
      codecs: [OPUS],
      ptimeMs: 20,
      direction: 'recvonly',
      audioLevelExtensionId: 1,
    });
    writeFileSync(file, writeSdp(offer));
    const receiver = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostdin',
        '-protocol_whitelist',
        'file,udp,rtp',
        '-i',
        file,
        '-t',
        '0.3',
        '-f',
        'null',
        '-',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    receiver.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => receiver.on('close', resolve));
    const guard = setTimeout(() => receiver.kill('SIGKILL'), 20_000);
    const sender = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-re',
        '-f',
        'lavfi',
        '-i',
        'sine=d=1.5',
        '-ar',
        '48000',
        '-ac',
        '2',
        '-c:a',
        'libopus',
        '-payload_type',
        '111',
        '-f',
        'rtp',
        `rtp://127.0.0.1:${port}`,
      ],
      { timeout: 20_000 },
    );
    const code = await exited;
    clearTimeout(guard);
    expect(sender.status).toBe(0);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/Audio: opus, 48000 Hz, stereo/);
  });
});
