/**
 * voxwire → ffmpeg over real RTP/UDP on 127.0.0.1: ffmpeg reads voxwire's SDP (`createOffer` +
 * `writeSdp`) and writes what it receives to a WAV; voxwire's `RtpSender` sends the speech every
 * 20 ms on a `RealClock`, with RTCP SRs (real NTP time) to port + 1 and a BYE at the end, which
 * ends ffmpeg's input. ffmpeg runs with `-loglevel warning`: any RTP/RTCP complaint fails the test.
 * ffmpeg's RTP demuxer answers SRs with RRs to where they came from; voxwire's `RtpReceiver` on the
 * same transport must parse them and see its own SSRC reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTicker } from '../../src/clock/index.js';
import {
  middle32,
  ntpFromMs,
  type RtcpReceiverReport,
  RtpReceiver,
  RtpSender,
} from '../../src/transport/rtp/index.js';
import { createOffer, writeSdp } from '../../src/transport/sdp/index.js';
import { UdpTransport } from '../../src/transport/udp.js';
import { peerAvailable } from '../helpers/peers.js';
import { alignedCorrelation } from '../helpers/signal.js';
import { pcm16Samples, readWav } from '../helpers/wav-lite.js';
import {
  clock,
  codecFor,
  freePortPair,
  RTP_CODEC_CASES,
  sleep,
  sourceSpeech,
  startFfmpeg,
  waitUntilBound,
} from './rtp-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'voxwire-rtp-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const measured: Record<string, number> = {};
const rtcpSeen: Record<string, string> = {};
afterAll(() => {
  if (Object.keys(measured).length > 0) console.log('voxwire → ffmpeg correlation', measured, rtcpSeen);
});

describe.runIf(peerAvailable('ffmpeg')).each(RTP_CODEC_CASES)('voxwire sends $name over RTP', (c) => {
  it(`ffmpeg reads our SDP: correlation ≥ ${c.minCorrelation}, no RTP/RTCP warning`, async () => {
    const port = await freePortPair();
    const sdpFile = join(dir, `${c.name}.sdp`);
    const wavFile = join(dir, `${c.name}.wav`);
    writeFileSync(
      sdpFile,
      writeSdp(
        createOffer({ address: '127.0.0.1', port, codecs: [c.sdp], ptimeMs: 20, direction: 'recvonly' }),
      ),
    );
    const ffmpeg = startFfmpeg([
      '-loglevel',
      'warning',
      // RTCP (if any) back to where our SRs come from, not to the SDP's address.
      '-sdp_flags',
      'rtcp_to_source',
      '-protocol_whitelist',
      'file,udp,rtp',
      '-i',
      sdpFile,
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      '-y',
      wavFile,
    ]);
    await waitUntilBound(port);
    await waitUntilBound(port + 1);

    const transport = await UdpTransport.open({
      local: '127.0.0.1:0',
      remote: `127.0.0.1:${port}`,
      rtcpMux: false,
      clock,
    });
    const receiver = new RtpReceiver({ clockRateHz: c.clockRateHz, transport });
    const receiverReports: RtcpReceiverReport[] = [];
    receiver.on('rtcp', ({ packets }) => {
      for (const p of packets) if (p.type === 'rr') receiverReports.push(p);
    });
    const sender = new RtpSender({
      transport,
      clock,
      receiver,
      payloadType: c.sdp.payloadType,
      clockRateHz: c.clockRateHz,
      cname: 'voxwire@interop',
    });

    const source = sourceSpeech(c);
    const encoder = codecFor(c);
    let offset = 0;
    let frames = 0;
    await new Promise<void>((resolve) => {
      const ticker = startTicker(clock, 20, () => {
        if (offset + c.frameSamples > source.length) {
          ticker.stop();
          resolve();
          return;
        }
        const payload = encoder.encode(source.subarray(offset, offset + c.frameSamples));
        sender.send(payload, { samples: (c.frameSamples * c.clockRateHz) / c.sampleRateHz });
        offset += c.frameSamples;
        // An SR each second besides the RFC 3550 schedule: several for ffmpeg to parse (and answer).
        if (++frames % 50 === 25) sender.sendReport();
      });
    });
    encoder.close();
    await sleep(300);
    sender.bye('end of speech');
    const reportsSent = sender.getStats().reportsSent;
    // Without the BYE ffmpeg would wait for more input until the guard kills it (code null).
    const code = await ffmpeg.exited;
    await sleep(100);
    const stats = receiver.getStats();
    receiver.close();
    await transport.close();

    expect(code, ffmpeg.stderr()).toBe(0);
    expect(reportsSent).toBeGreaterThanOrEqual(7);
    expect(ffmpeg.stderr()).not.toMatch(/rtp|rtcp/i);
    expect(stats.rtcpPacketsMalformed).toBe(0);
    // ffmpeg 5.1 reading an SDP sends no RTCP at all (seen with strace, even after 2.5 MB and with
    // `-sdp_flags rtcp_to_source`). Should a later ffmpeg send RRs, they must parse, name our SSRC
    // and echo our SR's NTP time (middle 32 bits, 1/65536 s), which is Unix wall time.
    const ours = receiverReports.flatMap((rr) => rr.reports).filter((b) => b.ssrc === sender.ssrc);
    rtcpSeen[c.name] = `${receiverReports.length} RR`;
    for (const block of ours.filter((b) => b.lastSr !== 0)) {
      const ageS = ((middle32(ntpFromMs(clock.unixTimeMs())) - block.lastSr) | 0) / 65536;
      expect(ageS).toBeGreaterThanOrEqual(0);
      expect(ageS).toBeLessThan(60);
    }

    const heard = pcm16Samples(readWav(wavFile));
    const { correlation } = alignedCorrelation(source, heard, c.maxLag);
    measured[c.name] = Number(correlation.toFixed(4));
    expect(correlation).toBeGreaterThanOrEqual(c.minCorrelation);
  }, 60_000);
});
