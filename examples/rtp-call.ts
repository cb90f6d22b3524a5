/**
 * A one-way PCMU call over real RTP/UDP on 127.0.0.1, through an emulated network with 5 % loss and
 * 30 ms jitter, in real time. The caller speaks a WAV file; the callee plays it out through the
 * adaptive jitter buffer (concealing what was lost) and writes what it heard to `heard.wav`.
 *
 *   npx tsx examples/rtp-call.ts [input.wav] [heard.wav]
 */
import { fileURLToPath } from 'node:url';
import {
  createPcmuCodec,
  createPlayout,
  NetworkEmulator,
  RealClock,
  Resampler,
  RtpReceiver,
  RtpSender,
  readWavFile,
  startTicker,
  UdpTransport,
  wavToInt16,
  writeWavFile,
} from '../src/index.js';

const FRAME_MS = 20;
const RATE_HZ = 8000;
const input = process.argv[2] ?? fileURLToPath(new URL('../assets/speech/hello-8k.wav', import.meta.url));
const output = process.argv[3] ?? 'heard.wav';

const wav = await readWavFile(input);
let speech = wavToInt16(wav);
if (wav.channels !== 1) throw new Error('this example takes a mono WAV');
if (wav.sampleRateHz !== RATE_HZ) {
  const resampler = new Resampler({ inputRateHz: wav.sampleRateHz, outputRateHz: RATE_HZ });
  speech = resampler.processInt16(speech);
}

const clock = new RealClock();
const callee = await UdpTransport.open({ local: '127.0.0.1:0', clock });
const calleePort = callee.localEndpoint?.port;
const callerSocket = await UdpTransport.open({
  local: '127.0.0.1:0',
  remote: `127.0.0.1:${calleePort}`,
  clock,
});
const caller = new NetworkEmulator(callerSocket, {
  clock,
  seed: 7,
  outgoing: { loss: { model: 'bernoulli', rate: 0.05 }, delayMs: 20, jitterMs: 30 },
});

const encoder = createPcmuCodec();
const sender = new RtpSender({
  transport: caller,
  clock,
  payloadType: 0,
  clockRateHz: RATE_HZ,
  cname: 'caller',
});
const receiver = new RtpReceiver({ clockRateHz: RATE_HZ, transport: callee });
const playout = createPlayout({ codec: createPcmuCodec() });
// The playout copies what it keeps, so the receiver's packet view can go straight in.
receiver.on('packet', ({ packet, arrivalMs }) => playout.insert(packet, arrivalMs));

const frameSamples = (RATE_HZ * FRAME_MS) / 1000;
const heard: Int16Array[] = [];
let sent = 0;
const sendTicker = startTicker(clock, FRAME_MS, () => {
  if (sent + frameSamples > speech.length) return;
  sender.send(encoder.encode(speech.subarray(sent, sent + frameSamples)), { samples: frameSamples });
  sent += frameSamples;
});
const playTicker = startTicker(clock, 10, () => heard.push(playout.pull().pcm.slice()));

const seconds = speech.length / RATE_HZ;
console.log(
  `calling 127.0.0.1:${calleePort} with ${input} (${seconds.toFixed(1)} s, PCMU, 5 % loss, 30 ms jitter)…`,
);
await new Promise((resolve) => clock.setTimeout(() => resolve(undefined), seconds * 1000 + 500));
sendTicker.stop();
playTicker.stop();

const stats = receiver.getStats();
const playoutStats = playout.getStats();
await Promise.all([caller.close(), callee.close()]);
sender.close();
receiver.close();

const pcm = new Int16Array(heard.reduce((n, f) => n + f.length, 0));
let offset = 0;
for (const frame of heard) {
  pcm.set(frame, offset);
  offset += frame.length;
}
await writeWavFile(output, { sampleRateHz: RATE_HZ, channels: 1, samples: pcm, encoding: 'pcm16' });
console.log(JSON.stringify({ inbound: stats.inbound, playout: playoutStats }, null, 2));
console.log(`wrote ${output}: what the callee heard`);
