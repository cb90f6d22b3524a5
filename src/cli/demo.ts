import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeWavFile } from '../audio/wav/index.js';
import type { VoiceSessionStats } from '../session/stats.js';
import { gilbertElliottFromMeanLoss, type LossModel } from '../transport/network-emulator/options.js';
import { assetPath } from './assets.js';
import { callReport, intervalFigures, statusLine } from './call-figures.js';
import { type CliCommand, type CliValues, choiceFlag, numberFlag, UsageError } from './command.js';
import { runDemoCall } from './demo-call.js';
import { renderHtmlReport } from './html-report.js';

const CODECS = ['opus', 'pcmu', 'pcma'] as const;

const HELP = `Runs a call between two voice sessions through an emulated network on this machine, with
bundled speech on both sides. Shows a live status line, then writes what each side heard as WAV
files and an HTML report with charts (delay, jitter, loss, concealment, MOS over time).

Network (each direction):
  --loss PERCENT     packet loss, 0-90 (default 5)
  --burst PACKETS    mean length of a loss burst, 1-50 (default 1: random loss)
  --jitter MS        jitter (standard deviation), 0-1000 ms (default 30)
  --delay MS         base one-way delay, 0-2000 ms (default 20)
  --seed N           network seed, same seed same losses (default 1)

Call:
  --codec NAME       opus, pcmu or pcma (default opus)
  --ptime MS         packet duration: 10, 20, 40 or 60 (default 20)
  --red              send redundancy (RFC 2198) and recover losses with it
  --duration SEC     call length, 1-600 s (default 10)
  --fast             simulate on a virtual clock as fast as possible instead of in real time

Output:
  --out DIR          where to write a-heard.wav, b-heard.wav, report.html (default ./voxwire-demo)

Examples:
  voxwire demo
  voxwire demo --loss 20 --burst 3 --red
  voxwire demo --codec pcmu --jitter 80 --fast --out /tmp/study
`;

/** Reads the demo's flags into call options; throws {@link UsageError} naming a bad one. */
export function demoSettings(values: CliValues, cwd: string) {
  const lossPercent = numberFlag(values, 'loss', 5, 0, 90);
  const burstPackets = numberFlag(values, 'burst', 1, 1, 50);
  const ptimeMs = numberFlag(values, 'ptime', 20, 10, 60);
  if (![10, 20, 40, 60].includes(ptimeMs)) {
    throw new UsageError(`--ptime must be 10, 20, 40 or 60, got ${JSON.stringify(values.ptime)}`);
  }
  const loss: LossModel =
    lossPercent === 0
      ? { model: 'none' }
      : burstPackets > 1
        ? gilbertElliottFromMeanLoss(lossPercent / 100, burstPackets)
        : { model: 'bernoulli', rate: lossPercent / 100 };
  return {
    lossPercent,
    burstPackets,
    jitterMs: numberFlag(values, 'jitter', 30, 0, 1000),
    delayMs: numberFlag(values, 'delay', 20, 0, 2000),
    seed: Math.round(numberFlag(values, 'seed', 1, 0, 2 ** 31)),
    codec: choiceFlag(values, 'codec', 'opus', CODECS),
    ptimeMs,
    red: values.red === true,
    durationMs: numberFlag(values, 'duration', 10, 1, 600) * 1000,
    fast: values.fast === true,
    outDir: resolve(cwd, typeof values.out === 'string' ? values.out : 'voxwire-demo'),
    loss,
  };
}

/** `voxwire demo`: see {@link HELP}. */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Call between two sessions through an emulated network; writes WAVs and an HTML report.',
  usage: 'demo [options]',
  help: HELP,
  options: {
    loss: { type: 'string' },
    burst: { type: 'string' },
    jitter: { type: 'string' },
    delay: { type: 'string' },
    seed: { type: 'string' },
    codec: { type: 'string' },
    ptime: { type: 'string' },
    red: { type: 'boolean' },
    duration: { type: 'string' },
    fast: { type: 'boolean' },
    out: { type: 'string' },
  },
  async run(values, _positionals, io) {
    const s = demoSettings(values, io.cwd);
    await mkdir(s.outDir, { recursive: true });
    const network = `${s.lossPercent} % loss${s.burstPackets > 1 ? ` in bursts of ${s.burstPackets}` : ''}, ${s.jitterMs} ms jitter, ${s.delayMs} ms delay`;
    io.out(
      `voxwire demo: ${s.codec} ${s.ptimeMs} ms${s.red ? ' + RED' : ''}, ${network}, ` +
        `${s.durationMs / 1000} s${s.fast ? ' (fast, virtual clock)' : ' in real time'}\n`,
    );
    let prev: VoiceSessionStats | undefined;
    let startMs: number | undefined;
    let lastPrintedMs = Number.NEGATIVE_INFINITY;
    const call = await runDemoCall({
      speechA: assetPath('speech/hello-8k.wav'),
      speechB: assetPath('speech/voice-b-16k.wav'),
      conditions: { loss: s.loss, jitterMs: s.jitterMs, delayMs: s.delayMs },
      codec: s.codec,
      ptimeMs: s.ptimeMs,
      red: s.red,
      durationMs: s.durationMs,
      fast: s.fast,
      seed: s.seed,
      statsIntervalMs: 500,
      onStats: (side, stats) => {
        if (side !== 'b') return;
        startMs ??= stats.timestampMs - 500;
        const line = statusLine(stats.timestampMs - startMs, intervalFigures(prev, stats));
        prev = stats;
        if (io.interactive) io.out(`\r${line}\x1b[K`);
        else if (stats.timestampMs - lastPrintedMs >= 2000) {
          lastPrintedMs = stats.timestampMs;
          io.out(`${line}\n`);
        }
      },
    });
    if (io.interactive) io.out('\n');
    const files = {
      a: resolve(s.outDir, 'a-heard.wav'),
      b: resolve(s.outDir, 'b-heard.wav'),
      report: resolve(s.outDir, 'report.html'),
    };
    await writeWavFile(files.a, {
      samples: call.a.heard,
      sampleRateHz: call.a.sampleRateHz,
      channels: 1,
      encoding: 'pcm16',
    });
    await writeWavFile(files.b, {
      samples: call.b.heard,
      sampleRateHz: call.b.sampleRateHz,
      channels: 1,
      encoding: 'pcm16',
    });
    const report = callReport(
      'voxwire demo call',
      [
        ['codec', `${s.codec}, ${s.ptimeMs} ms packets${s.red ? ', RED' : ''}`],
        ['network (each direction)', network],
        ['length', `${s.durationMs / 1000} s${s.fast ? ' (virtual clock)' : ''}`],
      ],
      [
        ['B hears A', call.b.timeline, call.b.final],
        ['A hears B', call.a.timeline, call.a.final],
      ],
      [`What A heard: ${files.a}`, `What B heard: ${files.b}`],
    );
    await writeFile(files.report, renderHtmlReport(report));
    const mos = (x: VoiceSessionStats) => x.mos.mos.toFixed(2);
    io.out(
      `MOS: B hears A ${mos(call.b.final)}, A hears B ${mos(call.a.final)}\n` +
        `wrote ${files.a}\n      ${files.b}\n      ${files.report}  (open it in a browser)\n`,
    );
    return 0;
  },
};
