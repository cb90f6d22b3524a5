/**
 * The browser demo page (assets/web) served by startSfuServer, in headless Chromium with a fake
 * microphone, in one room with a Node participant: both hear each other through the SFU.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { audioLevel } from '../../src/audio/index.js';
import { readWavFile, wavToInt16 } from '../../src/audio/wav/index.js';
import { RealClock } from '../../src/clock/index.js';
import { createOpusCodec } from '../../src/codec/index.js';
import { createRoomToken, SignalingClient } from '../../src/signaling/index.js';
import { sfuSignalingChannel, startSfuServer } from '../../src/signaling/sfu/index.js';
import { RtpSender, tryParseRtpPacket } from '../../src/transport/rtp/index.js';
import { WebRtcTransport } from '../../src/transport/webrtc/index.js';
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js';
import { mediaPath } from '../helpers/peers.js';

const real = new RealClock();
const wait = (ms: number) => new Promise<void>((resolve) => real.setTimeout(resolve, ms));
const SECRET = 'browser-test-secret-0123456789';
const cleanup: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

describe.runIf(chromiumAvailable())('SFU browser page', () => {
  it('joins from Chromium with a token in the URL; the tab and a Node participant hear each other', async () => {
    const server = await startSfuServer({
      signaling: { secret: SECRET, clock: real },
      sfu: { slots: 2, clock: real },
    });
    cleanup.push(() => server.close());
    const token = (name: string) => createRoomToken(SECRET, { room: 'demo', name }, real);

    // The Node participant: Opus at 48 kHz with RFC 6464 levels.
    const client = new SignalingClient({
      url: server.signalingUrl,
      room: 'demo',
      token: token('node'),
      clock: real,
    });
    const channel = sfuSignalingChannel(client);
    await client.connect();
    const transport = new WebRtcTransport({
      signaling: channel,
      role: 'answerer',
      hostAddresses: ['127.0.0.1'],
      red: false,
      clock: real,
    });
    cleanup.push(
      () => client.close(),
      () => transport.close(),
    );
    const negotiated = await transport.connect();
    expect(negotiated.codec).toBe('opus');
    const heard = new Map<number, number>();
    const opus = createOpusCodec();
    let heardEnergy = 0;
    transport.on('datagram', (d) => {
      const p = tryParseRtpPacket(d.data);
      if (p === undefined || p.payloadType !== negotiated.payloadType) return;
      heard.set(p.ssrc, (heard.get(p.ssrc) ?? 0) + 1);
      const pcm = opus.decode(p.payload);
      for (let i = 0; i < pcm.length; i += 8) heardEnergy += (pcm[i] / 32768) ** 2;
    });

    const browser = await launchChromium(mediaPath('speech-a-48k.wav'));
    cleanup.push(() => browser.close());
    const page = await browser.context.newPage();
    await page.goto(server.pageUrl('demo', token('tab')));
    await page.waitForFunction("window.voxwireRoom.state.pc?.connectionState === 'connected'", undefined, {
      timeout: 20_000,
    });

    const sender = new RtpSender({
      transport,
      clock: real,
      payloadType: negotiated.payloadType,
      clockRateHz: 48_000,
      audioLevelExtensionId: negotiated.audioLevelExtensionId,
      rtcp: false,
    });
    const speech = wavToInt16(await readWavFile(mediaPath('speech-b-48k.wav')));
    const start = real.now();
    for (let f = 0; f < 150; f++) {
      const frame = speech.subarray(f * 960, (f + 1) * 960);
      const level = audioLevel(frame);
      sender.send(opus.encode(frame).slice(), {
        samples: 960,
        audioLevel: { voiceActivity: level < 50, levelDbov: level },
      });
      await wait(Math.max(1, start + (f + 1) * 20 - real.now()));
    }
    await wait(300);

    const inbound = (await page.evaluate('window.voxwireRoom.inboundStats()')) as {
      packetsReceived: number;
    }[];
    const pageView = (await page.evaluate(`({
      others: window.voxwireRoom.state.participants.size,
      errors: window.voxwireRoom.state.errors,
      names: [...document.querySelectorAll('#participants li')].map((li) => li.textContent),
      speaking: [...document.querySelectorAll('#participants li.speaking')].map((li) => li.dataset.id),
      self: window.voxwireRoom.state.self.id,
    })`)) as { others: number; errors: string[]; names: string[]; speaking: string[]; self: string };
    expect(pageView.errors).toEqual([]);
    expect(pageView.others).toBe(1);
    expect(pageView.names.some((n) => n?.startsWith('node'))).toBe(true);
    // The who-speaks list: the tab's own level meter flagged it speaking (fake microphone speech).
    expect(pageView.speaking).toContain(pageView.self);
    // The tab heard Node on one of its slots.
    expect(Math.max(...inbound.map((s) => s.packetsReceived ?? 0))).toBeGreaterThan(100);
    // Node heard the tab's microphone on one slot, with speech energy, and the SFU read Chrome's levels.
    expect(heard.size).toBe(1);
    expect([...heard.values()][0]).toBeGreaterThan(100);
    expect(heardEnergy).toBeGreaterThan(1);
    const tab = server.sfu.stats('demo').find((s) => s.participantId !== client.self?.id)!;
    expect(tab.packetsReceived).toBeGreaterThan(100);
    expect(tab.forwarded).toBe(true);
    await page.screenshot({ path: '/tmp/sfu-page.png' });
  }, 60_000);
});
