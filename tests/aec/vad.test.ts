import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vad, type VadMode } from '../../src/aec/vad.js';
import { isVoxwireError } from '../../src/errors.js';
import { peerAvailable, repoRoot } from '../helpers/peers.js';
import { type NoiseKind, runVad, score, vadMaterial, writeLabelsCsv } from './vad-labels.js';

function measure(mode: VadMode, rate: number, frameMs: number, kind: NoiseKind, snrDb: number) {
  let acc = 0;
  let fa = 0;
  let miss = 0;
  const talkers = ['a', 'b', 'c'];
  for (const t of talkers) {
    const m = vadMaterial(t, rate, kind, snrDb);
    const vad = new Vad({ mode, sampleRateHz: rate, frameMs });
    const s = score(
      m.labels,
      runVad((f) => vad.process(f), m, frameMs),
    );
    acc += s.accuracy;
    fa += s.falseAlarmRate;
    miss += s.missRate;
  }
  const n = talkers.length;
  return { accuracy: acc / n, falseAlarmRate: fa / n, missRate: miss / n };
}

describe('Vad accuracy against clean-speech labels', () => {
  for (const rate of [8000, 16000, 32000, 48000]) {
    for (const frameMs of [10, 20, 30]) {
      it(`mode 2, ${rate} Hz, ${frameMs} ms frames: ≥ 90 % at 10 dB, ≥ 94 % at 20 dB (white and pink)`, () => {
        for (const kind of ['white', 'pink'] as const) {
          expect(measure(2, rate, frameMs, kind, 10).accuracy, `${kind} 10 dB`).toBeGreaterThanOrEqual(0.9);
          expect(measure(2, rate, frameMs, kind, 20).accuracy, `${kind} 20 dB`).toBeGreaterThanOrEqual(0.94);
        }
      });
    }
  }

  it('mode 1 stays above 90 % at 5 dB (white and pink, 16 kHz)', () => {
    expect(measure(1, 16000, 10, 'white', 5).accuracy).toBeGreaterThanOrEqual(0.9);
    expect(measure(1, 16000, 10, 'pink', 5).accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('modes trade misses for false alarms monotonically', () => {
    for (const kind of ['white', 'pink', 'babble'] as const) {
      const byMode = ([0, 1, 2, 3] as const).map((mode) => measure(mode, 16000, 10, kind, 10));
      for (let m = 1; m < 4; m++) {
        expect(byMode[m].missRate, `${kind} miss mode ${m}`).toBeGreaterThanOrEqual(byMode[m - 1].missRate);
        expect(byMode[m].falseAlarmRate, `${kind} fa mode ${m}`).toBeLessThanOrEqual(
          byMode[m - 1].falseAlarmRate,
        );
      }
      expect(byMode[3].falseAlarmRate).toBeLessThan(byMode[0].falseAlarmRate);
      expect(byMode[3].missRate).toBeGreaterThan(byMode[0].missRate);
    }
  });

  it('agrees with metrics.py vad on the same decisions', () => {
    if (!peerAvailable('python3', ['--version'])) return;
    const m = vadMaterial('b', 16000, 'pink', 10);
    const vad = new Vad({ sampleRateHz: 16000 });
    const decisions = runVad((f) => vad.process(f), m, 10);
    const dir = mkdtempSync(join(tmpdir(), 'vad-'));
    try {
      writeLabelsCsv(join(dir, 'labels.csv'), m.labels);
      writeLabelsCsv(join(dir, 'dec.csv'), decisions);
      const script = join(repoRoot, '..', 'shared', 'tools', 'quality', 'metrics.py');
      const out = spawnSync('python3', [script, 'vad', join(dir, 'labels.csv'), join(dir, 'dec.csv')]);
      const py = JSON.parse(out.stdout.toString()) as { accuracy: number };
      expect(py.accuracy).toBeCloseTo(score(m.labels, decisions).accuracy, 3);
      expect(py.accuracy).toBeGreaterThanOrEqual(0.9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Vad behaviour', () => {
  const rate = 16000;
  it('is silent on digital silence and on steady noise alone', () => {
    const vad = new Vad({ sampleRateHz: rate });
    const zero = new Int16Array(160);
    for (let i = 0; i < 200; i++) expect(vad.process(zero)).toBe(false);
    const m = vadMaterial('a', rate, 'white', 10);
    const noiseOnly = m.samples.subarray(0, 100 * 160);
    const v2 = new Vad({ sampleRateHz: rate, mode: 3 });
    let on = 0;
    for (let o = 0; o < noiseOnly.length; o += 160) if (v2.process(noiseOnly.subarray(o, o + 160))) on++;
    expect(on).toBeLessThan(5);
  });

  it('emits speechStart/speechEnd in pairs and holds speaking for the hangover', () => {
    const m = vadMaterial('a', rate, 'white', 20);
    const vad = new Vad({ sampleRateHz: rate, hangoverMs: 300 });
    const events: string[] = [];
    vad.on('speechStart', () => events.push('start'));
    vad.on('speechEnd', () => events.push('end'));
    let lastSpeechFrame = -1;
    let endFrame = -1;
    for (let f = 0; (f + 1) * 160 <= m.samples.length; f++) {
      const before = vad.speaking;
      vad.process(m.samples.subarray(f * 160, (f + 1) * 160));
      if (vad.lastScoreDb > 8) lastSpeechFrame = f;
      if (before && !vad.speaking) endFrame = f;
    }
    expect(events.length).toBeGreaterThan(1);
    for (let i = 0; i < events.length; i++) expect(events[i]).toBe(i % 2 === 0 ? 'start' : 'end');
    expect(endFrame - lastSpeechFrame).toBeGreaterThanOrEqual(29);
    const throwing = new Vad({ sampleRateHz: rate });
    throwing.on('speechStart', () => {
      throw new Error('listener');
    });
    throwing.on('error', () => {});
    expect(() => runVad((f) => throwing.process(f), m, 10)).not.toThrow();
  });

  it('rejects bad options, drops wrong-length frames, and reset forgets', () => {
    for (const bad of [{ mode: 4 }, { sampleRateHz: 44100 }, { frameMs: 15 }, { hangoverMs: -1 }]) {
      try {
        new Vad({ sampleRateHz: rate, ...bad } as never);
        expect.unreachable();
      } catch (e) {
        expect(isVoxwireError(e, 'ERR_INVALID_OPTION')).toBe(true);
      }
    }
    const vad = new Vad({ sampleRateHz: rate });
    expect(vad.process(new Int16Array(100))).toBe(false);
    expect(vad.droppedFrames).toBe(1);
    const m = vadMaterial('a', rate, 'white', 20);
    runVad((f) => vad.process(f), m, 10);
    vad.reset();
    expect(vad.speaking).toBe(false);
  });
});
