import type { AudioDevice } from './types.js';

/**
 * Parses the audio devices of `ffmpeg -f avfoundation -list_devices true -i ""` (macOS):
 * `[AVFoundation indev @ 0x…] [0] MacBook Pro Microphone` after "AVFoundation audio devices:".
 * The id is the index (what `-i :<index>` takes). @internal
 */
export function parseAvfoundationList(stderr: string): AudioDevice[] {
  const devices: AudioDevice[] = [];
  let inAudio = false;
  for (const line of stderr.split('\n')) {
    if (/AVFoundation audio devices:/.test(line)) inAudio = true;
    else if (/AVFoundation video devices:/.test(line)) inAudio = false;
    else if (inAudio) {
      const match = line.match(/\]\s*\[(\d+)\]\s*(.+)$/);
      if (match)
        devices.push({ id: match[1], name: match[2].trim(), kind: 'source', isDefault: match[1] === '0' });
    }
  }
  return devices;
}

/**
 * Parses the audio devices of `ffmpeg -list_devices true -f dshow -i dummy` (Windows), both the
 * `"Name" (audio)` form and the older form listed under "DirectShow audio devices". The id is the
 * name (what `-i audio=<name>` takes). @internal
 */
export function parseDshowList(stderr: string): AudioDevice[] {
  const devices: AudioDevice[] = [];
  let inAudio = false;
  for (const line of stderr.split('\n')) {
    if (/DirectShow audio devices/.test(line)) inAudio = true;
    else if (/DirectShow video devices/.test(line)) inAudio = false;
    if (/Alternative name/.test(line)) continue;
    const match = line.match(/\]\s*"([^"]+)"\s*(\((audio|video|none)\))?/);
    if (!match) continue;
    const isAudio = match[3] === 'audio' || (match[3] === undefined && inAudio);
    if (isAudio)
      devices.push({ id: match[1], name: match[1], kind: 'source', isDefault: devices.length === 0 });
  }
  return devices;
}
