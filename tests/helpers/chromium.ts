/**
 * Headless Debian Chromium for interop tests, driven by playwright-core (never a browser download).
 * Flags as in the Node machine notes, a fresh profile per launch, fake audio capture from a WAV.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { peerAvailable } from './peers.js';

/** Where `.ci/run` installs Debian's `chromium`. */
export const CHROMIUM_PATH = process.env.VOXWIRE_CHROMIUM ?? '/usr/bin/chromium';

/** Whether Chromium tests may run: a failure in CI when it is missing, a skip locally. */
export function chromiumAvailable(): boolean {
  return peerAvailable(CHROMIUM_PATH, ['--version']);
}

/** Flags every launch gets: no network beyond loopback, no GPU, no sandbox (CI runs as root). */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A launched browser and the way to dispose of it with its profile. */
export interface LaunchedChromium {
  /** The persistent context (one fresh profile). */
  context: BrowserContext;
  /** Closes the browser and removes the profile. */
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh profile, fake media devices that capture `fakeAudioWav` (looped) and
 * WebRTC allowed on loopback, so a call stays on 127.0.0.1.
 * @param fakeAudioWav - 16-bit PCM WAV the fake microphone plays.
 * @param extraFlags - More command-line switches.
 */
export async function launchChromium(
  fakeAudioWav: string,
  extraFlags: string[] = [],
): Promise<LaunchedChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'voxwire-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      ...CHROMIUM_FLAGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${fakeAudioWav}`,
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
      ...extraFlags,
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
