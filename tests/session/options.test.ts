import { describe, expect, it } from 'vitest';
import { PcmBufferSink, PcmBufferSource } from '../../src/capture/buffer.js';
import { VirtualClock } from '../../src/clock/index.js';
import { isVoxwireError } from '../../src/errors.js';
import type { VoiceSessionOptions } from '../../src/session/options.js';
import { VoiceSession } from '../../src/session/voice-session.js';
import { LoopbackTransport } from '../../src/transport/loopback.js';

function base(): VoiceSessionOptions {
  const clock = new VirtualClock();
  const format = { sampleRateHz: 8000, channels: 1 };
  return {
    codec: 'pcmu',
    transport: LoopbackTransport.pair({ clock })[0],
    clock,
    source: new PcmBufferSource(new Int16Array(800), format),
    sink: new PcmBufferSink(format),
  };
}

function failure(options: Record<string, unknown>): string {
  try {
    new VoiceSession({ ...base(), ...options } as VoiceSessionOptions);
  } catch (error) {
    if (isVoxwireError(error)) return `${error.code} ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('VoiceSession options', () => {
  it.each([
    [{ codec: 42 }, 'option codec:'],
    [{ codec: { name: 'opus', bitrate: -1 } }, 'option codec.bitrate:'],
    [{ codec: { name: 'opus', ptime: 25 } }, 'option codec.ptime:'],
    [{ codec: { name: 'opus', dtx: 'yes' } }, 'option codec.dtx:'],
    [{ codec: { name: 'opus', complexity: 11 } }, 'option codec.complexity:'],
    [{ codec: { name: 'opus', sampleRateHz: 44_100.5 } }, 'option codec.sampleRateHz:'],
    [{ codec: { name: 'opus', sampleRateHz: 44_100 } }, 'option sampleRateHz:'],
    [{ ptimeMs: 15 }, 'option ptimeMs:'],
    [{ transport: {} }, 'option transport:'],
    [{ source: 'mic' }, 'option source:'],
    [{ sink: 'speaker' }, 'option sink:'],
    [{ clock: Date }, 'option clock:'],
    [{ red: 1 }, 'option red:'],
    [{ aec: 'on' }, 'option aec:'],
    [{ redPayloadType: 13 }, 'option redPayloadType:'],
    [{ audioLevelExtensionId: 15 }, 'option audioLevelExtensionId:'],
    [{ statsIntervalMs: 10 }, 'option statsIntervalMs:'],
    [{ minDelayMs: -1 }, 'option minDelayMs:'],
    [{ processor: {} }, 'option processor:'],
  ])('rejects %j naming the option', (options, expected) => {
    const message = failure(options);
    expect(message.startsWith('ERR_INVALID_OPTION')).toBe(true);
    expect(message).toContain(expected);
  });

  it('rejects an unknown codec with ERR_CODEC_UNKNOWN', () => {
    expect(failure({ codec: 'speex' })).toMatch(/^ERR_CODEC_UNKNOWN/);
  });

  it('accepts a 60 ms ptime for G.711', () => {
    expect(failure({ codec: { name: 'pcmu', ptime: 60 } })).toBe('no error');
  });

  it('accepts the documented forms', async () => {
    for (const codec of [
      'pcmu',
      'pcma',
      'opus',
      { name: 'opus', bitrate: 24000, ptime: 20, dtx: true },
    ] as const) {
      const session = new VoiceSession({ ...base(), codec, red: true, statsIntervalMs: 0 });
      expect(session.state).toBe('new');
      await session.stop();
      expect(session.state).toBe('stopped');
    }
  });
});
