/**
 * Transports: UDP loopback packets/s one core sustains with < 0.1 % loss (UdpTransport beside raw
 * node:dgram in the same run), and LoopbackTransport / NetworkEmulator throughput on a VirtualClock.
 *
 * UDP method: sender and receiver live in this one process and thread, so the figure is what ONE
 * core sustains doing both ends (send syscall + receive syscall + event per datagram). 172-byte
 * datagrams (20 ms of G.711 + RTP header) go to 127.0.0.1 in bursts every 1 ms, paced drift-free;
 * each rate of a ramp runs VOXWIRE_BENCH_UDP_STEP_MS (default 1000) and passes when fewer than 0.1 %
 * are lost and the sender kept up (≥ 97 % of the rate offered). The ramp grows ×1.4 from 10k/s until
 * a rate fails, then bisects twice between the last pass and the first failure.
 */
import { createSocket, type Socket } from 'node:dgram';
import { RealClock, startTicker, VirtualClock } from '../../src/clock/index.js';
import { LoopbackTransport } from '../../src/transport/loopback.js';
import { NetworkEmulator } from '../../src/transport/network-emulator/emulator.js';
import { UdpTransport } from '../../src/transport/udp.js';
import { type BenchTable, fixed, measureRate } from '../lib.js';

const DATAGRAM_BYTES = 172;
const BUFFER_BYTES = 4 * 1024 * 1024;
const LOSS_LIMIT = 0.001;

interface UdpPair {
  send(data: Uint8Array): void;
  received(): number;
  close(): Promise<void>;
}

async function udpTransportPair(): Promise<UdpPair> {
  const receiver = await UdpTransport.open({ local: '127.0.0.1:0', recvBufferSize: BUFFER_BYTES });
  const sender = await UdpTransport.open({
    local: '127.0.0.1:0',
    remote: receiver.localAddress,
    sendBufferSize: BUFFER_BYTES,
  });
  let count = 0;
  receiver.on('datagram', () => count++);
  return {
    send: (data) => sender.send(data),
    received: () => count,
    close: async () => {
      await Promise.all([sender.close(), receiver.close()]);
    },
  };
}

async function rawDgramPair(): Promise<UdpPair> {
  const bind = (): Promise<Socket> =>
    new Promise((resolve) => {
      const socket = createSocket({
        type: 'udp4',
        recvBufferSize: BUFFER_BYTES,
        sendBufferSize: BUFFER_BYTES,
      });
      socket.bind(0, '127.0.0.1', () => resolve(socket));
    });
  const [receiver, sender] = await Promise.all([bind(), bind()]);
  const port = receiver.address().port;
  let count = 0;
  receiver.on('message', () => count++);
  return {
    send: (data) => sender.send(data, port, '127.0.0.1'),
    received: () => count,
    close: async () => {
      await Promise.all([
        new Promise<void>((r) => sender.close(() => r())),
        new Promise<void>((r) => receiver.close(() => r())),
      ]);
    },
  };
}

interface StepResult {
  offered: number;
  achieved: number;
  loss: number;
  pass: boolean;
}

async function runStep(pair: UdpPair, rate: number, stepMs: number): Promise<StepResult> {
  const clock = new RealClock({ keepAlive: true });
  const packet = new Uint8Array(DATAGRAM_BYTES).fill(0x80);
  const startReceived = pair.received();
  const startMs = clock.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const ticker = startTicker(clock, 1, () => {
      const elapsedMs = Math.min(clock.now() - startMs, stepMs);
      const due = Math.floor((rate * elapsedMs) / 1000);
      while (sent < due) {
        pair.send(packet);
        sent++;
      }
      if (elapsedMs >= stepMs) {
        ticker.stop();
        resolve();
      }
    });
  });
  const sendMs = clock.now() - startMs;
  // Let the last bursts drain.
  await new Promise<void>((resolve) => clock.setTimeout(resolve, 150));
  const received = pair.received() - startReceived;
  const loss = sent === 0 ? 1 : 1 - received / sent;
  const achieved = (sent * 1000) / sendMs;
  return { offered: rate, achieved, loss, pass: loss < LOSS_LIMIT && achieved >= 0.97 * rate };
}

async function ramp(
  pair: UdpPair,
  stepMs: number,
): Promise<{ best: StepResult | undefined; steps: StepResult[] }> {
  const steps: StepResult[] = [];
  let best: StepResult | undefined;
  let failed: number | undefined;
  for (let rate = 10_000; rate <= 2_000_000; rate = Math.round(rate * 1.4)) {
    const step = await runStep(pair, rate, stepMs);
    steps.push(step);
    if (!step.pass) {
      failed = rate;
      break;
    }
    best = step;
  }
  for (let i = 0; i < 2 && failed !== undefined; i++) {
    const rate = Math.round(((best?.offered ?? 0) + failed) / 2);
    const step = await runStep(pair, rate, stepMs);
    steps.push(step);
    if (step.pass) best = step;
    else failed = rate;
  }
  return { best, steps };
}

function virtualThroughput(): { loopback: number; transparent: number; impaired: number } {
  const packet = new Uint8Array(DATAGRAM_BYTES);
  const burst = 1000;

  const loopClock = new VirtualClock();
  const [la, lb] = LoopbackTransport.pair({ clock: loopClock });
  let sink = 0;
  lb.on('datagram', (d) => {
    sink += d.data.length;
  });
  const loopback = measureRate(() => {
    for (let i = 0; i < burst; i++) la.send(packet);
    loopClock.advance(1);
  }, burst);

  const emulated = (conditions: Parameters<typeof NetworkEmulator.link>[1]): number => {
    const clock = new VirtualClock();
    const [a, b] = NetworkEmulator.link(clock, conditions);
    b.on('datagram', (d) => {
      sink += d.data.length;
    });
    return measureRate(() => {
      for (let i = 0; i < burst; i++) {
        a.send(packet);
        clock.advance(1);
      }
      clock.runAll();
    }, burst);
  };
  const transparent = emulated({});
  const impaired = emulated({
    loss: { model: 'gilbert-elliott', p: 0.01, r: 0.3 },
    delayMs: 40,
    jitterMs: 10,
    jitterDistribution: 'normal',
    reorder: { probability: 0.01 },
    duplicateRate: 0.005,
    bandwidthBps: 2_000_000,
  });
  if (sink < 0) console.log(sink); // keep the listeners' work observable
  return { loopback, transparent, impaired };
}

export async function run(): Promise<BenchTable[]> {
  const stepMs = Number(process.env.VOXWIRE_BENCH_UDP_STEP_MS ?? 1000);
  const rows: (string | number)[][] = [];
  const results: Record<string, number> = {};
  for (const [name, make] of [
    ['voxwire UdpTransport', udpTransportPair],
    ['raw node:dgram', rawDgramPair],
  ] as const) {
    const pair = await make();
    const { best, steps } = await ramp(pair, stepMs);
    await pair.close();
    const last = steps[steps.length - 1];
    results[name] = best?.achieved ?? 0;
    rows.push([
      name,
      fixed(best?.achieved ?? 0, 0),
      best === undefined ? '-' : `${fixed(best.loss * 100, 3)} %`,
      `${fixed(last.offered, 0)}/s: ${fixed(last.loss * 100, 2)} % lost, sent ${fixed(last.achieved, 0)}/s`,
      steps.length,
    ]);
  }
  const ratio = results['voxwire UdpTransport'] / results['raw node:dgram'];
  const virtual = virtualThroughput();
  return [
    {
      title: 'UDP loopback (127.0.0.1): packets/s one core sustains, sender + receiver, < 0.1 % loss',
      columns: ['implementation', 'packets/s', 'loss at that rate', 'last step of the ramp', 'steps'],
      rows,
      notes: [
        `172-byte datagrams, 1 ms bursts, ${stepMs} ms per step, both ends in one thread. UdpTransport / raw dgram = ${fixed(ratio, 2)}.`,
        'UdpTransport copies each datagram, reports send errors and stamps arrivals; raw dgram does none of it.',
      ],
    },
    {
      title: 'In-memory transports on a VirtualClock (172-byte datagrams)',
      columns: ['transport', 'packets/s'],
      rows: [
        ['LoopbackTransport.pair', fixed(virtual.loopback, 0)],
        ['NetworkEmulator.link, no impairment', fixed(virtual.transparent, 0)],
        ['NetworkEmulator.link, GE loss + jitter + reorder + dup + 2 Mb/s cap', fixed(virtual.impaired, 0)],
      ],
      notes: ['Wall-clock packets/s through send → clock → datagram listener.'],
    },
  ];
}
