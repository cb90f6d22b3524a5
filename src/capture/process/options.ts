import type { Clock } from '../../clock/index.js';
import { RealClock } from '../../clock/index.js';
import { invalidOption } from '../../errors.js';
import type { RingOptions } from '../stream.js';

/** Options every process-backed (device) source and sink takes. */
export interface DeviceOptions extends RingOptions {
  /** Time source for the stall watchdog and kill timeouts (default: a `RealClock`). */
  readonly clock?: Clock;
  /** No data (source) or no progress (sink) for this long is a stall, reported as `error`, ms (default 2000). */
  readonly stallMs?: number;
  /** How long `start()` waits for the first audio of a source, ms (default 5000). */
  readonly startTimeoutMs?: number;
  /** Latency asked of the audio server or driver, ms (default 20). */
  readonly deviceLatencyMs?: number;
  /** Sink: audio queued in the pipe above which `write` returns false, ms (default 200). */
  readonly highWaterMarkMs?: number;
}

/** {@link DeviceOptions} with defaults applied. @internal */
export interface ResolvedDeviceOptions extends RingOptions {
  readonly clock: Clock;
  readonly stallMs: number;
  readonly startTimeoutMs: number;
  readonly deviceLatencyMs: number;
  readonly highWaterMarkMs: number;
}

function positive(name: string, value: number): number {
  if (!(value > 0 && Number.isFinite(value))) invalidOption(name, value, 'a finite number > 0 (ms)');
  return value;
}

/** Applies defaults and checks ranges. @throws VoxwireError `ERR_INVALID_OPTION`. @internal */
export function resolveDeviceOptions(options: DeviceOptions = {}): ResolvedDeviceOptions {
  return {
    ...options,
    clock: options.clock ?? new RealClock(),
    stallMs: positive('stallMs', options.stallMs ?? 2000),
    startTimeoutMs: positive('startTimeoutMs', options.startTimeoutMs ?? 5000),
    deviceLatencyMs: positive('deviceLatencyMs', options.deviceLatencyMs ?? 20),
    highWaterMarkMs: positive('highWaterMarkMs', options.highWaterMarkMs ?? 200),
  };
}
