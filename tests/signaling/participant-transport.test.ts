/**
 * SfuParticipantTransport (what `voxwire join` runs over): two participants in one room carry RTP
 * through the SFU, and both get back into the room and hear each other after the server restarts on
 * the same port within the resume grace period.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/clock/index.js';
import { createRoomToken } from '../../src/signaling/index.js';
import { SfuParticipantTransport, type SfuServer, startSfuServer } from '../../src/signaling/sfu/index.js';
import { RtpSender, tryParseRtpPacket } from '../../src/transport/rtp/index.js';
import { until } from './harness.js';

const real = new RealClock();
const wait = (ms: number) => new Promise<void>((resolve) => real.setTimeout(resolve, ms));
const SECRET = 'participant-transport-secret-01';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
});

function serve(port = 0): Promise<SfuServer> {
  return startSfuServer({
    port,
    signaling: { secret: SECRET, clock: real },
    sfu: { slots: 2, codec: 'pcmu', clock: real },
  });
}

async function participant(server: SfuServer, name: string) {
  const t = await SfuParticipantTransport.join({
    url: server.signalingUrl,
    room: 'r',
    token: createRoomToken(SECRET, { room: 'r', name }, real),
    clock: real,
    reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
  });
  cleanup.push(() => t.close());
  const heard: number[] = [];
  t.on('datagram', (d) => {
    const p = tryParseRtpPacket(d.data);
    if (p !== undefined && p.payloadType === 0) heard.push(p.payload[0]);
  });
  return { t, heard };
}

/** `from` sends 1 s of 20 ms PCMU packets with a loud audio level, payload bytes all `marker`. */
async function talk(from: SfuParticipantTransport, marker: number): Promise<void> {
  const sender = new RtpSender({
    transport: from,
    clock: real,
    payloadType: 0,
    clockRateHz: 8000,
    audioLevelExtensionId: from.negotiated?.audioLevelExtensionId,
    rtcp: false,
  });
  for (let i = 0; i < 50; i++) {
    sender.send(new Uint8Array(160).fill(marker), {
      samples: 160,
      audioLevel: { voiceActivity: true, levelDbov: 10 },
    });
    await wait(20);
  }
  await wait(200);
  sender.close();
}

describe('SfuParticipantTransport', () => {
  it('carries RTP between two participants and survives a server restart', async () => {
    let server = await serve();
    const port = Number(new URL(server.url).port);
    const a = await participant(server, 'a');
    const b = await participant(server, 'b');
    expect(a.t.negotiated?.codec).toBe('pcmu');
    await talk(a.t, 0x11);
    expect(b.heard.filter((x) => x === 0x11).length).toBeGreaterThan(30);
    expect(a.heard.filter((x) => x === 0x11).length).toBe(0); // never one's own voice

    const rejoined = [a, b].map(
      (p) => new Promise<boolean>((resolve) => p.t.once('negotiated', () => resolve(true))),
    );
    await server.close();
    server = await serve(port);
    cleanup.push(() => server.close());
    await Promise.all(rejoined);
    expect(a.t.counters.connections).toBe(2);
    await until(() => server.sfu.stats('r').length === 2, 'both back in the room');
    await talk(b.t, 0x22);
    expect(a.heard.filter((x) => x === 0x22).length).toBeGreaterThan(30);
  }, 60_000);

  it('refuses a bad token with ERR_UNAUTHORIZED', async () => {
    const server = await serve();
    cleanup.push(() => server.close());
    await expect(
      SfuParticipantTransport.join({
        url: server.signalingUrl,
        room: 'r',
        token: 'vx1.bad.bad',
        clock: real,
      }),
    ).rejects.toMatchObject({ code: 'ERR_UNAUTHORIZED' });
  });
});
