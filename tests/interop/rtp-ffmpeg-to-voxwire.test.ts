/**
 * ffmpeg → voxwire over real RTP/UDP on 127.0.0.1: ffmpeg's RTP muxer sends speech in real time
 * (`-re`) to a voxwire `UdpTransport` (RTCP on port + 1, as ffmpeg sends it); the payload type and
 * codec come from the SDP ffmpeg writes, parsed by voxwire; an `RtpReceiver` takes RTP and ffmpeg's
 * SRs; the payloads are decoded in sequence order at their timestamps and compared with the source.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodec } from '../../src/codec/index.js';
import { RtpReceiver } from '../../src/transport/rtp/index.js';
import { mediaCodecs, parseSdp } from '../../src/transport/sdp/index.js';
import { UdpTransport } from '../../src/transport/udp.js';
import { mediaPath, peerAvailable } from '../helpers/peers.js';
import { alignedCorrelation } from '../helpers/signal.js';
import {
  type CapturedPacket,
  clock,
  decodeByTimestamp,
  RTP_CODEC_CASES,
  sourceSpeech,
  startFfmpeg,
} from './rtp-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'voxwire-rtp-in-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Correlations measured, printed at the end for the report. */
const measured: Record<string, number> = {};
afterAll(() => {
  if (Object.keys(measured).length > 0) console.log('ffmpeg → voxwire correlation', measured);
});

describe.runIf(peerAvailable('ffmpeg')).each(RTP_CODEC_CASES)('ffmpeg sends $name over RTP', (c) => {
  it(`voxwire receives it: aligned correlation ≥ ${c.minCorrelation}`, async () => {
    const transport = await UdpTransport.open({ local: '127.0.0.1:0', rtcpMux: false, clock });
    const port = transport.localEndpoint?.port;
    expect(transport.localRtcpEndpoint?.port).toBe((port ?? 0) + 1);
    const receiver = new RtpReceiver({ clockRateHz: c.clockRateHz, transport });
    const packets: CapturedPacket[] = [];
    receiver.on('packet', ({ packet }) => {
      packets.push({
        sequenceNumber: packet.sequenceNumber,
        timestamp: packet.timestamp,
        payloadType: packet.payloadType,
        payload: packet.payload.slice(),
      });
    });
    let senderReports = 0;
    receiver.on('rtcp', ({ packets: rtcp }) => {
      for (const p of rtcp) if (p.type === 'sr') senderReports++;
    });

    const sdpFile = join(dir, `${c.name}.sdp`);
    const ffmpeg = startFfmpeg([
      '-loglevel',
      'warning',
      '-re',
      '-i',
      mediaPath(c.media),
      ...c.ffmpegEncoder,
      '-f',
      'rtp',
      '-sdp_file',
      sdpFile,
      `rtp://127.0.0.1:${port}`,
    ]);
    const code = await ffmpeg.exited;
    expect(code, ffmpeg.stderr()).toBe(0);
    // Datagrams still in the socket buffer after ffmpeg exits.
    await new Promise((resolve) => clock.setTimeout(() => resolve(undefined), 200));
    const stats = receiver.getStats();
    receiver.close();
    await transport.close();

    const offer = parseSdp(readFileSync(sdpFile, 'utf8'));
    const [codec] = mediaCodecs(offer.media[0]);
    expect(codec.encodingName.toLowerCase()).toBe(c.name);
    expect(codec.clockRateHz).toBe(c.clockRateHz);
    expect(new Set(packets.map((p) => p.payloadType))).toEqual(new Set([codec.payloadType]));

    const source = sourceSpeech(c);
    expect(packets.length).toBeGreaterThanOrEqual(Math.floor(source.length / c.frameSamples));
    expect(stats.inbound?.packetsLost).toBe(0);
    expect(stats.packetsMalformed).toBe(0);
    expect(stats.rtcpPacketsMalformed).toBe(0);
    // ffmpeg's muxer sends an SR (to port + 1) before its first packet and then every few seconds.
    expect(senderReports).toBeGreaterThanOrEqual(1);

    const decoder =
      c.name === 'opus'
        ? createCodec({ name: 'opus', sampleRateHz: 48000, channels: 1 })
        : createCodec(codec.encodingName);
    const received = decodeByTimestamp(packets, decoder, codec.clockRateHz);
    decoder.close();
    const { correlation } = alignedCorrelation(source, received, c.maxLag);
    measured[c.name] = Number(correlation.toFixed(4));
    expect(correlation).toBeGreaterThanOrEqual(c.minCorrelation);
  }, 60_000);
});
