/**
 * The smallest complete call: two VoiceSessions in one process, joined by an in-memory transport
 * pair with an emulated network (3 % loss, 20 ms jitter) in between, on a virtual clock so it runs
 * as fast as the CPU allows. Each side speaks a WAV file; the script prints what each side measured
 * and writes what each heard.
 *
 *   npm run example:loopback-call [-- out-dir]
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LoopbackTransport,
  NetworkEmulator,
  PcmBufferSink,
  VirtualClock,
  VoiceSession,
  WavFileSource,
  writeWavFile,
} from '../src/index.js';

const speech = (name: string) => fileURLToPath(new URL(`../assets/speech/${name}`, import.meta.url));

/** Runs the call; returns what each side heard (16 kHz mono) and its MOS estimate. */
export async function main(outDir: string, log: (line: string) => void = console.log) {
  const clock = new VirtualClock();
  const [endA, endB] = LoopbackTransport.pair({ clock });
  const network = { delayMs: 20, jitterMs: 20, loss: { model: 'bernoulli', rate: 0.03 } } as const;
  const sides = [
    { name: 'alice', end: endA, says: speech('hello-8k.wav') },
    { name: 'bob', end: endB, says: speech('voice-b-16k.wav') },
  ].map(({ name, end, says }, k) => {
    const heard = new PcmBufferSink({ sampleRateHz: 16_000, channels: 1 });
    const session = new VoiceSession({
      codec: 'opus',
      clock,
      cname: name,
      transport: new NetworkEmulator(end, { clock, seed: k + 1, outgoing: network }),
      source: new WavFileSource(says),
      sink: heard,
    });
    session.on('remoteSpeaking', (speaking) => {
      if (speaking) log(`${(clock.now() / 1000).toFixed(1)} s: ${name} hears the other side talking`);
    });
    return { name, session, heard };
  });

  for (const side of sides) await side.session.start();
  clock.advance(8000); // 8 s of call, simulated
  const results = [];
  for (const { name, session, heard } of sides) {
    const stats = session.getStats();
    await session.stop();
    const path = join(outDir, `${name}-heard.wav`);
    await writeWavFile(path, {
      samples: heard.samples(),
      sampleRateHz: 16_000,
      channels: 1,
      encoding: 'pcm16',
    });
    const lost = stats.inbound?.packetsLost ?? 0;
    log(
      `${name}: received ${stats.inbound?.packetsReceived} packets, lost ${lost}, MOS ${stats.mos.mos.toFixed(2)}; wrote ${path}`,
    );
    results.push({ name, path, heard: heard.samples(), mos: stats.mos.mos });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main(process.argv[2] ?? '.');
}
