/**
 * The package as users get it: build, pack, import the tarball from ESM and CommonJS, resolve its
 * types under node16 resolution, and build the API reference with zero warnings.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/peers.js';

const work = join(repoRoot, '.pack-test');
const installed = join(work, 'node_modules', 'voxwire');

function run(command: string, args: string[], cwd = repoRoot): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('the packed package', () => {
  let files: string[] = [];

  beforeAll(() => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(installed, { recursive: true });
    run('npx', ['tsup', '--silent']);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work])) as {
      filename: string;
      files: { path: string }[];
    }[];
    files = packed[0].files.map((f) => f.path);
    // Unpacked beside the repo's node_modules so its dependencies resolve as in a user's project.
    run('tar', ['-xzf', join(work, packed[0].filename), '-C', installed, '--strip-components=1']);
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships only what users need', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.cjs');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/index.d.cts');
    for (const file of files)
      expect(file).toMatch(/^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/|assets\/(speech|web)\/)/);
    expect(files).toContain('dist/webrtc.js');
    expect(files).toContain('assets/web/index.html');
  });

  it('serves voxwire/webrtc from ESM and CommonJS; the main entry never loads werift', () => {
    writeFileSync(
      join(work, 'webrtc.mjs'),
      "import { WebRtcTransport, SignalingServer } from 'voxwire/webrtc'; import { VoxwireError } from 'voxwire';\n" +
        'console.log(typeof WebRtcTransport, typeof SignalingServer, typeof VoxwireError);',
    );
    writeFileSync(
      join(work, 'webrtc.cjs'),
      "require('voxwire'); const loaded = () => Object.keys(require.cache).some((k) => k.includes('/werift/'));\n" +
        "const before = loaded(); const w = require('voxwire/webrtc');\n" +
        'console.log(before, loaded(), typeof w.WebRtcTransport);',
    );
    expect(run('node', ['webrtc.mjs'], work).trim()).toBe('function function function');
    expect(run('node', ['webrtc.cjs'], work).trim()).toBe('false true function');
    expect(readFileSync(join(installed, 'dist', 'index.js'), 'utf8')).not.toContain('werift');
  });

  it('imports from ESM and CommonJS with the same public names', () => {
    writeFileSync(
      join(work, 'esm.mjs'),
      "import * as v from 'voxwire'; console.log(JSON.stringify(Object.keys(v).sort()));",
    );
    writeFileSync(
      join(work, 'cjs.cjs'),
      "const v = require('voxwire'); console.log(JSON.stringify(Object.keys(v).sort()));",
    );
    const esm = JSON.parse(run('node', ['esm.mjs'], work)) as string[];
    const cjs = JSON.parse(run('node', ['cjs.cjs'], work)) as string[];
    expect(esm).toContain('VoxwireError');
    expect(cjs).toEqual(esm);
  });

  it('resolves its types for node16 ESM and CommonJS consumers', () => {
    const consumer =
      "import { VoxwireError, isVoxwireError } from 'voxwire';\n" +
      "const e: VoxwireError = new VoxwireError('ERR_INVALID_OPTION', 'x');\n" +
      'export const ok: boolean = isVoxwireError(e);\n';
    writeFileSync(join(work, 'consumer.mts'), consumer);
    writeFileSync(join(work, 'consumer.cts'), consumer);
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const common = [
      '--noEmit',
      '--strict',
      '--module',
      'node16',
      '--moduleResolution',
      'node16',
      '--types',
      'node',
    ];
    expect(() => run('node', [tsc, ...common, 'consumer.mts', 'consumer.cts'], work)).not.toThrow();
  });

  it('builds the API reference with zero warnings', () => {
    const out = run('npx', ['typedoc', '--out', join(work, 'api')]);
    expect(out).not.toMatch(/warning/i);
  }, 120_000);

  it('runs the voxwire command from the packed bin, finding its bundled speech', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const bin = join(installed, pkg.bin.voxwire);
    expect(run('node', [bin, '--help'], work)).toContain('demo');
    const out = join(work, 'demo-out');
    run('node', [bin, 'demo', '--fast', '--duration', '3', '--out', out], work);
    for (const file of ['a-heard.wav', 'b-heard.wav', 'report.html']) {
      expect(readFileSync(join(out, file)).length).toBeGreaterThan(1000);
    }
  }, 120_000);

  it('declares the package shape the README promises', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(pkg.type).toBe('module');
    expect(pkg.sideEffects).toBe(false);
    expect(pkg.engines.node).toBe('>=20');
  });
});
