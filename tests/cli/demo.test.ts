import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWavFile, wavToInt16 } from '../../src/audio/wav/index.js';
import { cliCommands } from '../../src/cli/commands.js';
import { runCli } from '../../src/cli/main.js';
import { Resampler } from '../../src/index.js';
import { repoRoot } from '../helpers/peers.js';
import { medianWindowCorrelation } from './heard.js';
import { captureIo } from './io.js';

const dir = mkdtempSync(join(tmpdir(), 'voxwire-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function speech16k(name: string): Promise<Int16Array> {
  const wav = await readWavFile(join(repoRoot, 'assets', 'speech', name));
  const pcm = wavToInt16(wav);
  if (wav.sampleRateHz === 16_000) return pcm;
  return new Resampler({ inputRateHz: wav.sampleRateHz, outputRateHz: 16_000 }).processInt16(pcm);
}

describe('voxwire demo --fast', () => {
  it('writes what each side heard (the other side speech) and an HTML report with the charts', async () => {
    const out = join(dir, 'run');
    const io = captureIo(dir);
    const code = await runCli(['demo', '--fast', '--duration', '6', '--out', 'run'], cliCommands, io);
    expect(io.stderr).toBe('');
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/loss +[\d.]+ % {2}jitter +\d+ ms {2}playout +\d+ ms {2}MOS \d\.\d\d/);
    expect(io.stdout).toContain(join(out, 'report.html'));

    const aSaid = await speech16k('hello-8k.wav');
    const bSaid = await speech16k('voice-b-16k.wav');
    const aHeard = wavToInt16(await readWavFile(join(out, 'a-heard.wav')));
    const bHeard = wavToInt16(await readWavFile(join(out, 'b-heard.wav')));
    expect(aHeard.length).toBeGreaterThan(16_000 * 5.5);
    // Each side hears the other's voice, not its own.
    const bHearsA = medianWindowCorrelation(aSaid, bHeard, 16_000);
    const aHearsB = medianWindowCorrelation(bSaid, aHeard, 16_000);
    console.log(`demo: B hears A ${bHearsA.toFixed(3)}, A hears B ${aHearsB.toFixed(3)}`);
    expect(bHearsA).toBeGreaterThan(0.7);
    expect(aHearsB).toBeGreaterThan(0.7);
    expect(medianWindowCorrelation(aSaid, aHeard, 16_000)).toBeLessThan(bHearsA - 0.3);

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const title of ['Delay', 'Jitter', 'Packet loss', 'Concealment', 'MOS']) {
      expect(html).toMatch(new RegExp(`<h2>${title} \\(`));
    }
    expect((html.match(/<svg /g) ?? []).length).toBe(5);
    expect(html).toMatch(/<path d="M[\d.]+,[\d.]+L/);
    expect(html).not.toMatch(/<script|https?:\/\//);
  }, 60_000);

  it('runs in real time from the executable until the call ends', () => {
    // A separate process: nothing but the clock keeps it alive, so an early exit would show here.
    const stdout = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'src', 'cli', 'bin.ts'),
        'demo',
        '--duration',
        '2',
        '--codec',
        'pcmu',
        '--out',
        join(dir, 'rt'),
      ],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
    );
    expect(stdout).toContain('2 s in real time');
    expect(stdout).toMatch(/MOS: B hears A \d\.\d\d, A hears B \d\.\d\d/);
    expect(readFileSync(join(dir, 'rt', 'report.html'), 'utf8')).toContain('<svg');
  }, 60_000);

  it('rewrites one status line in place on a terminal', async () => {
    const io = captureIo(dir, true);
    const code = await runCli(
      ['demo', '--fast', '--duration', '2', '--codec', 'pcmu', '--loss', '0', '--out', 'tty'],
      cliCommands,
      io,
    );
    expect(code).toBe(0);
    expect(io.stdout.match(/\r {2}\d/g)?.length).toBeGreaterThanOrEqual(3);
    expect(io.stdout).toMatch(/loss +0\.0 %/);
  }, 60_000);

  it.each([
    [['--loss', '95'], /--loss must be a number from 0 to 90, got "95"/],
    [['--codec', 'g729'], /--codec must be one of opus, pcmu, pcma, got "g729"/],
    [['--ptime', '30'], /--ptime must be 10, 20, 40 or 60/],
    [['--duration', 'soon'], /--duration must be a number/],
  ])('refuses %j in plain words (exit 2)', async (args, message) => {
    const io = captureIo(dir);
    expect(await runCli(['demo', ...args], cliCommands, io)).toBe(2);
    expect(io.stderr).toMatch(message);
    expect(io.stderr).toContain('voxwire demo --help');
  });

  it('has help naming every flag', async () => {
    const io = captureIo(dir);
    expect(await runCli(['demo', '--help'], cliCommands, io)).toBe(0);
    for (const flag of [
      '--loss',
      '--burst',
      '--jitter',
      '--delay',
      '--codec',
      '--ptime',
      '--red',
      '--duration',
      '--fast',
      '--out',
    ]) {
      expect(io.stdout).toContain(flag);
    }
  });
});
