/** Debian coturn on 127.0.0.1 for relay tests: long-term credentials, UDP only, loopback peers allowed. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealClock } from '../../src/clock/index.js';
import { peerAvailable } from '../helpers/peers.js';

const real = new RealClock();

/** Whether `turnserver` runs here (a failure in CI when missing, a skip locally). */
export function coturnAvailable(): boolean {
  return peerAvailable('turnserver', ['--version']);
}

/** A running coturn and how to reach it. */
export interface Coturn {
  /** `turn:127.0.0.1:PORT?transport=udp` with its credentials, as an `iceServers` entry. */
  iceServer: { urls: string; username: string; credential: string };
  /** Relay ports coturn allocates from, `[min, max]`. */
  relayPorts: [number, number];
  /** What coturn printed. */
  log(): string;
  stop(): void;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Starts coturn and waits (up to 5 s) for its UDP listener. */
export async function startCoturn(): Promise<Coturn> {
  const port = await freeUdpPort();
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-coturn-'));
  const relayPorts: [number, number] = [49300, 49400];
  let log = '';
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${relayPorts[0]}`,
      `--max-port=${relayPorts[1]}`,
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
  const append = (d: Buffer) => {
    log += d.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  for (let i = 0; i < 50 && !/listener opened|IPv4. UDP listener/i.test(log); i++) {
    await new Promise<void>((resolve) => real.setTimeout(resolve, 100));
  }
  return {
    iceServer: {
      urls: `turn:127.0.0.1:${port}?transport=udp`,
      username: 'voxwire',
      credential: 'relay-secret',
    },
    relayPorts,
    log: () => log,
    stop() {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
