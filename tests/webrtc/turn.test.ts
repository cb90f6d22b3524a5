import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/clock/index.js';
import { RtpReceiver, RtpSender } from '../../src/transport/rtp/index.js';
import { createMemorySignalingPair, WebRtcTransport } from '../../src/transport/webrtc/index.js';
import { type Coturn, coturnAvailable, startCoturn } from '../helpers/coturn.js';

const clock = new RealClock();
const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

describe.runIf(coturnAvailable())('WebRtcTransport through a TURN relay (coturn)', () => {
  let turn: Coturn | undefined;

  beforeAll(async () => {
    turn = await startCoturn();
  });

  afterAll(() => turn?.stop());

  it("connects with iceTransportPolicy 'relay' over a relay pair and carries RTP both ways", async () => {
    if (turn === undefined) throw new Error('coturn did not start');
    const iceServers = [turn.iceServer];
    const [minRelayPort, maxRelayPort] = turn.relayPorts;
    const [sa, sb] = createMemorySignalingPair();
    const common = { iceServers, iceTransportPolicy: 'relay' as const, codecs: ['pcmu' as const], clock };
    const a = new WebRtcTransport({ signaling: sa, role: 'offerer', ...common });
    const b = new WebRtcTransport({ signaling: sb, role: 'answerer', ...common });
    const signalled: string[] = [];
    try {
      await Promise.all([a.connect(), b.connect()]);
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        const sender = new RtpSender({
          transport: from,
          clock,
          payloadType: 0,
          clockRateHz: 8000,
          rtcp: false,
        });
        const receiver = new RtpReceiver({ transport: to, clockRateHz: 8000 });
        let got = 0;
        receiver.on('packet', ({ packet }) => {
          if (packet.payload[0] === 0x55 && packet.payload.length === 160) got++;
        });
        for (let i = 0; i < 50; i++) {
          sender.send(new Uint8Array(160).fill(0x55), { samples: 160 });
          if (i % 5 === 4) await wait(20);
        }
        await wait(300);
        sender.close();
        receiver.close();
        expect(got).toBe(50);
      }
      for (const t of [a, b]) {
        const stats = await t.getStats();
        signalled.push(JSON.stringify(stats.candidatePair));
        expect(stats.candidatePair?.localCandidateType).toBe('relay');
        // A relayed address is one coturn allocated from its --min-port..--max-port range.
        const relayPort = Number(stats.candidatePair?.localAddress.split(':')[1]);
        expect(relayPort).toBeGreaterThanOrEqual(minRelayPort);
        expect(relayPort).toBeLessThanOrEqual(maxRelayPort);
      }
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    console.log(`TURN relay pairs: ${signalled.join(' ')}`);
  }, 40_000);
});
