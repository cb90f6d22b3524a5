import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private PulseAudio server with one null sink, for the backend tests. */
export interface PulseServer {
  /** Environment that points clients at this server. */
  readonly env: Record<string, string>;
  /** The null sink's name; its monitor source is `${sink}.monitor`. */
  readonly sink: string;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts `pulseaudio` as a foreground child (works as root with `-n` and our own config, no system
 * mode): a null sink, an anonymous unix socket in a temporary directory. Resolves once `pactl info`
 * answers.
 */
export async function startPulseServer(sink = 'vox_null'): Promise<PulseServer> {
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-pulse-'));
  const socket = join(dir, 'pulse.sock');
  writeFileSync(
    join(dir, 'default.pa'),
    [
      `load-module module-null-sink sink_name=${sink} rate=48000 channels=1`,
      `load-module module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      `set-default-sink ${sink}`,
      `set-default-source ${sink}.monitor`,
      '',
    ].join('\n'),
  );
  const env = { HOME: dir, XDG_RUNTIME_DIR: dir, PULSE_SERVER: `unix:${socket}` };
  const child: ChildProcess = spawn(
    'pulseaudio',
    [
      '-n',
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--disallow-exit',
      '--use-pid-file=no',
      '-F',
      join(dir, 'default.pa'),
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) break;
    const info = spawnSync('pactl', ['info'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    if (info.status === 0) return { env, sink, stop };
    spawnSync('sleep', ['0.1']);
  }
  await stop();
  throw new Error(`pulseaudio did not start: ${log.slice(-500)}`);
}
