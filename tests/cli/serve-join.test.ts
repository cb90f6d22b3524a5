/**
 * `voxwire serve` and two `voxwire join` participants in one room on 127.0.0.1 (in one process, real
 * time, PCMU to keep it light): each records the other through the SFU, and a silent third one hears
 * both, mixed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWavFile, wavToInt16, writeWavFile } from '../../src/audio/wav/index.js';
import { joinCommand, joinSettings } from '../../src/cli/join.js';
import { serveSettings, startServe } from '../../src/cli/serve.js';
import { mediaPath } from '../helpers/peers.js';
import { medianMatchAnywhere, mixFit } from './heard.js';
import { captureIo } from './io.js';

const dir = mkdtempSync(join(tmpdir(), 'voxwire-serve-join-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'serve-join-test-secret-0123';

/** The speech twice over, written as a WAV: a late joiner still hears a whole sentence. */
async function looped(name: string): Promise<{ path: string; said: Int16Array }> {
  const one = wavToInt16(await readWavFile(mediaPath(`speech-${name}-8k.wav`)));
  const said = new Int16Array(2 * one.length);
  said.set(one, 0);
  said.set(one, one.length);
  const path = join(dir, `${name}-in.wav`);
  await writeWavFile(path, { samples: said, sampleRateHz: 8000, channels: 1, encoding: 'pcm16' });
  return { path, said };
}

describe('voxwire serve + voxwire join', () => {
  it('two joins in one room hear each other through the SFU; a third hears both mixed', async () => {
    const serveIo = captureIo(dir);
    const server = await startServe(
      { port: '0', codec: 'pcmu', slots: '2', secret: SECRET, room: 'demo' },
      serveIo,
    );
    try {
      expect(serveIo.stdout).toMatch(/page: +http:\/\/127\.0\.0\.1:\d+\/\?room=demo#token=vx1\./);
      expect(serveIo.stdout).not.toContain('secret:'); // given, so not printed
      const pageUrl = /page: +(\S+)/.exec(serveIo.stdout)![1];
      const [a, b] = [await looped('a'), await looped('b')];
      const ioA = captureIo(dir);
      const ioB = captureIo(dir);
      // A joins with the printed page URL (room and token from it); B with the secret.
      const runA = joinCommand.run(
        { in: a.path, out: join(dir, 'a-heard.wav'), duration: '10' },
        [pageUrl],
        ioA,
      );
      const runB = joinCommand.run(
        {
          in: b.path,
          out: join(dir, 'b-heard.wav'),
          duration: '10',
          secret: SECRET,
          room: 'demo',
          name: 'bee',
        },
        [server.signalingUrl],
        ioB,
      );
      const quiet = join(dir, 'c-in.wav');
      await writeWavFile(quiet, {
        samples: new Int16Array(8000),
        sampleRateHz: 8000,
        channels: 1,
        encoding: 'pcm16',
      });
      const ioC = captureIo(dir);
      const runC = joinCommand.run(
        {
          in: quiet,
          out: join(dir, 'c-heard.wav'),
          duration: '10',
          secret: SECRET,
          room: 'demo',
          name: 'sea',
        },
        [server.signalingUrl],
        ioC,
      );
      const [codeA, codeB, codeC] = await Promise.all([runA, runB, runC]);
      expect(ioA.stderr).toBe('');
      expect(ioB.stderr).toBe('');
      expect([codeA, codeB, codeC]).toEqual([0, 0, 0]);
      expect(ioA.stdout).toContain('with pcmu');
      const heard = async (name: string) => wavToInt16(await readWavFile(join(dir, name)));
      const aHearsB = medianMatchAnywhere(b.said, await heard('a-heard.wav'), 8000);
      const bHearsA = medianMatchAnywhere(a.said, await heard('b-heard.wav'), 8000);
      console.log(
        `voxwire join <-> voxwire join via serve: A hears B ${aHearsB.toFixed(3)}, B hears A ${bHearsA.toFixed(3)}`,
      );
      expect(aHearsB).toBeGreaterThan(0.8);
      expect(bHearsA).toBeGreaterThan(0.8);
      // C hears two talkers at once. A window of the mix correlates with one talker only as far as the
      // other is quiet in it (the median of that per talker spread over 0.52-0.82), so each window is
      // fitted as a weighted sum of both talkers' best-matching speech instead: measured explained
      // 0.91-1.00, shares 0.36-0.56 each; with speech-c in B's place, 0.45-0.55 and 0.04-0.07.
      const fit = mixFit([a.said, b.said], await heard('c-heard.wav'), 8000);
      console.log(
        `silent C hears A and B mixed: explained ${fit.explained.toFixed(3)}, shares ${fit.shares.map((x) => x.toFixed(3)).join(' / ')}`,
      );
      expect(fit.explained).toBeGreaterThan(0.75);
      expect(fit.shares[0]).toBeGreaterThan(0.15);
      expect(fit.shares[1]).toBeGreaterThan(0.15);
    } finally {
      await server.close();
    }
  }, 90_000);

  it('refuses bad flags in plain words', () => {
    expect(() => serveSettings({ secret: 'short' })).toThrow(/at least 16/);
    expect(() => serveSettings({ port: '70000' })).toThrow(/--port/);
    expect(() => serveSettings({ room: 'a b' })).toThrow(/--room/);
    expect(() => joinSettings({}, ['ws://127.0.0.1:1/signaling'], dir)).toThrow(/--token/);
    expect(() => joinSettings({}, ['ftp://x'], dir)).toThrow(/http/);
    expect(() => joinSettings({ relay: true, token: 't' }, ['ws://h:1/s'], dir)).toThrow(/--turn/);
    const s = joinSettings({}, ['http://127.0.0.1:9/?room=r1#token=vx1.abc'], dir);
    expect(s).toMatchObject({ url: 'ws://127.0.0.1:9/signaling', room: 'r1', token: 'vx1.abc' });
  });
});
