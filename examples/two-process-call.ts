/**
 * A real-time RTP call between two processes over UDP on 127.0.0.1: this script is the caller; it
 * starts a second copy of itself as the callee. The callee is told the caller's port and sends
 * there; the caller learns the callee's address from its first packet (symmetric RTP), so no
 * signaling is needed. Each side speaks a WAV file for 6 s and writes what it heard.
 *
 *   npm run example:two-process-call [-- out-dir]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  RealClock,
  UdpTransport,
  VoiceSession,
  type VoiceSessionStats,
  WavFileSink,
  WavFileSource,
} from '../src/index.js';

const CALL_MS = 6000;
const speech = (name: string) => fileURLToPath(new URL(`../assets/speech/${name}`, import.meta.url));

/** Runs one side of the call: speaks `says`, writes what it heard to `heardPath`, returns the stats line. */
async function side(
  name: string,
  transport: UdpTransport,
  clock: RealClock,
  says: string,
  heardPath: string,
) {
  const session = new VoiceSession({
    codec: 'pcmu', // light enough for two real-time processes on a busy machine
    clock,
    cname: name,
    transport,
    source: new WavFileSource(says),
    sink: new WavFileSink(heardPath, { sampleRateHz: 8000, channels: 1 }),
  });
  // A peer that hangs up first says BYE and its receive statistics go with it: keep the last ones.
  let lastHeard: VoiceSessionStats | undefined;
  session.on('stats', (s) => {
    if (s.inbound !== undefined) lastHeard = s;
  });
  await session.start();
  await new Promise<void>((done) => clock.setTimeout(done, CALL_MS));
  const now = session.getStats();
  const stats = now.inbound === undefined && lastHeard !== undefined ? lastHeard : now;
  await session.stop();
  const received = stats.inbound?.packetsReceived ?? 0;
  return `${name}: sent ${now.outbound.packetsSent} packets, received ${received}, MOS ${stats.mos.mos.toFixed(2)}; wrote ${heardPath}`;
}

async function callee(callerPort: number, outDir: string): Promise<void> {
  const clock = new RealClock();
  const transport = await UdpTransport.open({
    local: '127.0.0.1:0',
    remote: `127.0.0.1:${callerPort}`,
    clock,
  });
  console.log(
    await side('callee', transport, clock, speech('voice-b-16k.wav'), join(outDir, 'callee-heard.wav')),
  );
}

/** Runs the caller and its callee process; resolves with both sides' report lines. */
export async function main(outDir: string): Promise<string[]> {
  const clock = new RealClock();
  const transport = await UdpTransport.open({ local: '127.0.0.1:0', symmetric: true, clock });
  const port = transport.localEndpoint?.port ?? 0;
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), '--callee', String(port), outDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let childOut = '';
  child.stdout.on('data', (d) => {
    childOut += d;
  });
  const childDone = new Promise<number | null>((resolve) => child.once('close', resolve));
  const mine = await side(
    'caller',
    transport,
    clock,
    speech('hello-8k.wav'),
    join(outDir, 'caller-heard.wav'),
  );
  const code = await childDone;
  if (code !== 0) throw new Error(`the callee process exited with ${code}`);
  return [mine, childOut.trim()];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--callee') {
    await callee(Number(process.argv[3]), process.argv[4] ?? '.');
  } else {
    for (const line of await main(process.argv[2] ?? '.')) console.log(line);
  }
}
