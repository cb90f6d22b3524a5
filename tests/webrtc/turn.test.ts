import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../src/clock/index.js';
import { RtpReceiver, RtpSender } from '../../src/transport/rtp/index.js';
import { createMemorySignalingPair, WebRtcTransport } from '../../src/transport/webrtc/index.js';
import { peerAvailable } from '../helpers/peers.js';

const clock = new RealClock();
const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

describe.runIf(peerAvailable('turnserver', ['--version']))(
  'WebRtcTransport through a TURN relay (coturn)',
  () => {
    let turn: ChildProcess | undefined;
    let port = 0;
    let log = '';

    const dir = mkdtempSync(join(tmpdir(), 'voxwire-turn-'));

    beforeAll(async () => {
      port = await freeUdpPort();
      turn = spawn(
        'turnserver',
        [
          '-n',
          '--listening-ip=127.0.0.1',
          '--relay-ip=127.0.0.1',
          `--listening-port=${port}`,
          '--min-port=49160',
          '--max-port=49260',
          '--lt-cred-mech',
          '--user=voxwire:relay-secret',
          '--realm=voxwire.test',
          '--allow-loopback-peers',
          '--no-tls',
          '--no-dtls',
          '--no-tcp',
          '--no-cli',
          '--log-file=stdout',
          '--simple-log',
          `--userdb=${join(dir, 'turndb')}`,
          `--pidfile=${join(dir, 'turnserver.pid')}`,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      turn.stdout?.on('data', (d: Buffer) => {
        log += d.toString();
      });
      turn.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
      });
      for (let i = 0; i < 50 && !/listener opened|IPv4. UDP listener/i.test(log); i++) await wait(100);
    });

    afterAll(() => {
      turn?.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    });

    it("connects with iceTransportPolicy 'relay' over a relay pair and carries RTP both ways", async () => {
      const iceServers = [
        { urls: `turn:127.0.0.1:${port}?transport=udp`, username: 'voxwire', credential: 'relay-secret' },
      ];
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
          expect(relayPort).toBeGreaterThanOrEqual(49160);
          expect(relayPort).toBeLessThanOrEqual(49260);
        }
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
      console.log(`TURN relay pairs: ${signalled.join(' ')}`);
    }, 40_000);
  },
);
