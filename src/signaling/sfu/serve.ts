import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VoxwireError } from '../../errors.js';
import { SignalingServer } from '../server.js';
import type { SignalingServerOptions } from '../server-options.js';
import { Sfu, type SfuOptions } from './sfu.js';

/** Options of {@link startSfuServer}. */
export interface SfuServerOptions {
  /** Listen address (default `127.0.0.1`). */
  host?: string;
  /** Listen port (default 0: any free port). */
  port?: number;
  /** Signaling options (`secret` or `authorize` required); `server` and `path` are set here. */
  signaling: Omit<SignalingServerOptions, 'server' | 'path' | 'host' | 'port' | 'createRoomHook'>;
  /** SFU options (slots, codec, ICE). */
  sfu?: SfuOptions;
  /** Folder of the browser page (`index.html`, `app.js`); default the package's `assets/web`. */
  staticDir?: string;
}

/** A running signaling server + SFU + browser page. */
export interface SfuServer {
  /** `http://host:port/`: the page. */
  readonly url: string;
  /** `ws://host:port/signaling`: the signaling endpoint. */
  readonly signalingUrl: string;
  /** The signaling server. */
  readonly signaling: SignalingServer;
  /** The SFU. */
  readonly sfu: Sfu;
  /** The page URL that joins `room` with `token` on load. */
  pageUrl(room: string, token: string): string;
  /** Stops everything. */
  close(): Promise<void>;
}

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
};

/** Finds `assets/web` above this module (source tree or installed package). */
function defaultStaticDir(): string {
  let dir: string;
  try {
    dir = dirname(fileURLToPath(import.meta.url));
  } catch {
    dir = process.cwd();
  }
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'assets', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  return join(process.cwd(), 'assets', 'web');
}

/**
 * Starts what `voxwire serve` runs: one HTTP server (127.0.0.1 by default) that serves the browser
 * demo page at `/`, the signaling protocol at `/signaling`, and an {@link Sfu} in every room.
 * @throws VoxwireError `ERR_INVALID_OPTION` on a bad option; `ERR_TRANSPORT` when the port cannot
 *   be bound; `ERR_INVALID_STATE` when the page files are missing.
 */
export async function startSfuServer(options: SfuServerOptions): Promise<SfuServer> {
  const staticDir = options.staticDir ?? defaultStaticDir();
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(STATIC_FILES)) {
    const full = join(staticDir, file);
    if (!existsSync(full)) throw new VoxwireError('ERR_INVALID_STATE', `browser page file missing: ${full}`);
    files.set(path, { body: readFileSync(full), type });
  }
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const f = req.method === 'GET' || req.method === 'HEAD' ? files.get(path) : undefined;
    if (f === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res
      .writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store' })
      .end(req.method === 'HEAD' ? undefined : f.body);
  });
  const sfu = new Sfu(options.sfu);
  const signaling = new SignalingServer({
    ...options.signaling,
    server: http,
    path: '/signaling',
    createRoomHook: sfu.createRoomHook,
  });
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const onError = (cause: Error) =>
      reject(new VoxwireError('ERR_TRANSPORT', `cannot listen on ${host}:${port}`, { cause }));
    http.once('error', onError);
    http.listen(port, host, () => {
      http.off('error', onError);
      resolve();
    });
  });
  const a = http.address() as AddressInfo;
  const hostPart = a.family === 'IPv6' ? `[${a.address}]` : a.address;
  const url = `http://${hostPart}:${a.port}/`;
  return {
    url,
    signalingUrl: `ws://${hostPart}:${a.port}/signaling`,
    signaling,
    sfu,
    pageUrl: (room, token) => `${url}?room=${encodeURIComponent(room)}#token=${encodeURIComponent(token)}`,
    async close() {
      await signaling.close();
      await sfu.close();
      if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
