import { invalidOption } from '../errors.js';

/** Reconnect back-off of {@link SignalingClient}. */
export interface BackoffOptions {
  /** Delay before the first retry, ms (default 250). */
  initialDelayMs?: number;
  /** Largest delay, ms (default 10 000). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Fraction of each delay taken away at random, 0–1 (default 0.5), so clients do not retry in step. */
  jitter?: number;
  /** Retries before giving up (default Infinity). */
  maxAttempts?: number;
}

/** Back-off options with every default applied. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** @internal */
export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const r: ResolvedBackoff = {
    initialDelayMs: options.initialDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 10_000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.5,
    maxAttempts: options.maxAttempts ?? Number.POSITIVE_INFINITY,
  };
  if (!(r.initialDelayMs >= 0) || !Number.isFinite(r.initialDelayMs)) {
    invalidOption('reconnect.initialDelayMs', r.initialDelayMs, 'a number of ms ≥ 0');
  }
  if (!(r.maxDelayMs >= r.initialDelayMs))
    invalidOption('reconnect.maxDelayMs', r.maxDelayMs, '≥ initialDelayMs');
  if (!(r.factor >= 1) || !Number.isFinite(r.factor))
    invalidOption('reconnect.factor', r.factor, 'a number ≥ 1');
  if (!(r.jitter >= 0 && r.jitter <= 1)) invalidOption('reconnect.jitter', r.jitter, 'a number 0–1');
  if (!(r.maxAttempts >= 0)) invalidOption('reconnect.maxAttempts', r.maxAttempts, 'a number ≥ 0');
  return r;
}

/**
 * Delay before retry number `attempt` (0-based): `min(max, initial·factor^attempt)`, less up to
 * `jitter` of it at random.
 * @param backoff - Resolved options.
 * @param attempt - 0-based retry number.
 * @param random - Uniform in [0, 1).
 * @returns Delay, ms.
 */
export function backoffDelayMs(backoff: ResolvedBackoff, attempt: number, random: () => number): number {
  const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.factor ** attempt);
  return base * (1 - backoff.jitter * random());
}
