import { randomBytes } from 'node:crypto';
import { RealClock } from '../clock/index.js';
import type { SfuServer } from '../signaling/sfu/serve.js';
import { createRoomToken } from '../signaling/token.js';
import {
  type CliCommand,
  type CliIo,
  type CliValues,
  choiceFlag,
  numberFlag,
  UsageError,
} from './command.js';

const CODECS = ['opus', 'pcmu', 'pcma'] as const;

const HELP = `Runs a voxwire room server: the signaling protocol (ws://HOST:PORT/signaling), an SFU that
forwards each participant's audio to the others without decoding, and a browser page that joins a
room (open the printed URL; it carries a room token). Stops on Ctrl-C.

Options:
  --host ADDR          listen address (default 127.0.0.1; 0.0.0.0 exposes it to the network)
  --port PORT          listen port, 0-65535 (default 8440; 0 picks a free one)
  --secret SECRET      the room-token secret, at least 16 characters (default: a random one, printed)
  --room NAME          the room the printed URL joins (default lobby)
  --slots N            streams each participant hears, the N loudest, 1-16 (default 3)
  --codec NAME         the rooms' codec: opus, pcmu or pcma (default opus)
  --duration SEC       stop after SEC seconds, 1-604800 (default: run until Ctrl-C)

Other participants join with the printed page URL (a browser, or \`voxwire join URL\`), or with
\`voxwire join ws://HOST:PORT/signaling --room NAME --secret SECRET\`.
`;

/** The serve settings from the flags. @throws UsageError naming a bad flag. */
export function serveSettings(values: CliValues) {
  const str = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const secret = str('secret') ?? randomBytes(24).toString('base64url');
  if (secret.length < 16) throw new UsageError('--secret must be at least 16 characters');
  const room = str('room') ?? 'lobby';
  if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(room)) {
    throw new UsageError(`--room must be 1-128 of A-Z a-z 0-9 _ . : -, got ${JSON.stringify(room)}`);
  }
  return {
    host: str('host') ?? '127.0.0.1',
    port: numberFlag(values, 'port', 8440, 0, 65_535),
    secret,
    secretGenerated: str('secret') === undefined,
    room,
    slots: numberFlag(values, 'slots', 3, 1, 16),
    codec: choiceFlag(values, 'codec', 'opus', CODECS),
    durationMs:
      values.duration === undefined ? undefined : numberFlag(values, 'duration', 60, 1, 604_800) * 1000,
  };
}

/**
 * Starts what `voxwire serve` runs and prints where to join. The caller stops it with `close()`.
 * @throws UsageError on a bad flag; VoxwireError `ERR_TRANSPORT` when the port cannot be bound.
 */
export async function startServe(values: CliValues, io: CliIo): Promise<SfuServer> {
  const s = serveSettings(values);
  const clock = new RealClock({ keepAlive: true });
  // Loaded here: werift is heavy, and other commands should not pay for it.
  const { startSfuServer } = await import('../signaling/sfu/serve.js');
  const hostAddresses = s.host === '0.0.0.0' || s.host === '::' ? undefined : [s.host];
  const server = await startSfuServer({
    host: s.host,
    port: s.port,
    signaling: { secret: s.secret, clock },
    sfu: { slots: s.slots, codec: s.codec, clock, hostAddresses },
  });
  const token = createRoomToken(s.secret, { room: s.room, name: 'guest' }, clock);
  io.out(`voxwire serve: ${s.codec}, ${s.slots} slots per participant\n`);
  io.out(`page:      ${server.pageUrl(s.room, token)}\n`);
  io.out(`signaling: ${server.signalingUrl}\n`);
  if (s.secretGenerated) io.out(`secret:    ${s.secret}\n`);
  io.out(`join from Node: voxwire join '${server.pageUrl(s.room, token)}' --in mic\n`);
  return server;
}

/** `voxwire serve`: see {@link HELP}. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run a room server: signaling, an SFU and a browser page (127.0.0.1 by default).',
  usage: 'serve [--port PORT] [--host ADDR] [--secret SECRET] [--room NAME] [options]',
  help: HELP,
  options: {
    host: { type: 'string' },
    port: { type: 'string' },
    secret: { type: 'string' },
    room: { type: 'string' },
    slots: { type: 'string' },
    codec: { type: 'string' },
    duration: { type: 'string' },
  },
  async run(values, _positionals, io) {
    const durationMs = serveSettings(values).durationMs;
    const server = await startServe(values, io);
    const clock = new RealClock();
    await new Promise<void>((done) => {
      const timer = durationMs === undefined ? undefined : clock.setTimeout(finish, durationMs);
      function finish(): void {
        timer?.cancel();
        process.off('SIGINT', finish);
        process.off('SIGTERM', finish);
        done();
      }
      process.once('SIGINT', finish);
      process.once('SIGTERM', finish);
    });
    await server.close();
    io.out('voxwire serve: stopped\n');
    return 0;
  },
};
