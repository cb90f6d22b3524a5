import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWavFile, wavToInt16, writeWavFile } from '../../src/audio/wav/index.js';
import { mediaPath, repoRoot } from '../helpers/peers.js';
import { fromOnset, medianMatchAnywhere, medianWindowCorrelation } from './heard.js';

const dir = mkdtempSync(join(tmpdir(), 'voxwire-call2-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(repoRoot, 'src', 'cli', 'bin.ts');

function runBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], { cwd: repoRoot });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('voxwire call to voxwire call (two processes, UDP on 127.0.0.1, real time)', () => {
  it('negotiates by SDP file and each side hears the other', async () => {
    const port = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    const offer = join(dir, 'b-offer.sdp');
    // A starts seconds after B (it waits for B's SDP, then node starts; how long depends on the
    // machine's load): B says its sentence three times and its call outlasts A's, so A hears B
    // whenever it joins.
    const bSaid = wavToInt16(await readWavFile(mediaPath('speech-b-8k.wav')));
    const bInput = new Int16Array(3 * bSaid.length);
    for (let k = 0; k < 3; k++) bInput.set(bSaid, k * bSaid.length);
    const bInputPath = join(dir, 'b-input.wav');
    await writeWavFile(bInputPath, { samples: bInput, sampleRateHz: 8000, channels: 1, encoding: 'pcm16' });
    // PCMU keeps two real-time processes light on a loaded CI machine.
    const b = runBin([
      'call',
      '--local',
      `127.0.0.1:${port}`,
      '--remote',
      `127.0.0.1:${port + 2}`,
      '--codec',
      'pcmu',
      '--sdp-out',
      offer,
      '--in',
      bInputPath,
      '--out',
      join(dir, 'b-heard.wav'),
      '--duration',
      '25',
    ]);
    for (let i = 0; i < 500 && !(existsSync(offer) && readFileSync(offer, 'utf8').includes('m=audio')); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const a = runBin([
      'call',
      '--local',
      `127.0.0.1:${port + 2}`,
      '--sdp-in',
      offer,
      '--codec',
      'pcmu',
      '--in',
      mediaPath('speech-a-8k.wav'),
      '--out',
      join(dir, 'a-heard.wav'),
      '--duration',
      '16',
    ]);
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.stderr).toBe('');
    expect(rb.stderr).toBe('');
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);
    expect(ra.stdout).toContain(`calling 127.0.0.1:${port} `); // the address came from B's SDP
    const heard = async (name: string) => fromOnset(wavToInt16(await readWavFile(join(dir, name))), 8000);
    const aSaid = wavToInt16(await readWavFile(mediaPath('speech-a-8k.wav')));
    const bHearsA = medianWindowCorrelation(aSaid, await heard('b-heard.wav'), 8000, 1000, 1000);
    const aHeard = wavToInt16(await readWavFile(join(dir, 'a-heard.wav')));
    const aHearsB = medianMatchAnywhere(bInput.subarray(0, 2 * bSaid.length), aHeard, 8000);
    console.log(
      `voxwire call <-> voxwire call: B hears A ${bHearsA.toFixed(3)}, A hears B ${aHearsB.toFixed(3)}`,
    );
    expect(bHearsA).toBeGreaterThan(0.8);
    expect(aHearsB).toBeGreaterThan(0.8);
  }, 90_000);
});
