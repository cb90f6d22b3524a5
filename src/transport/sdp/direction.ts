import type { SdpDirection } from './types.js';

/** True when a side with direction `d` sends media (`sendrecv` or `sendonly`). */
export function canSendDirection(d: SdpDirection): boolean {
  return d === 'sendrecv' || d === 'sendonly';
}

/** True when a side with direction `d` receives media (`sendrecv` or `recvonly`). */
export function canReceiveDirection(d: SdpDirection): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

/**
 * The direction an answerer writes (RFC 3264 §6.1) for an offered direction, given what it wants
 * itself: it sends only if the offerer receives, and receives only if the offerer sends
 * (offer `sendonly` → `recvonly`, `recvonly` → `sendonly`, `inactive` → `inactive`).
 * @param offered - The offer's effective direction.
 * @param local - What the answerer wants.
 */
export function answerDirection(offered: SdpDirection, local: SdpDirection): SdpDirection {
  const send = canReceiveDirection(offered) && canSendDirection(local);
  const receive = canSendDirection(offered) && canReceiveDirection(local);
  if (send && receive) return 'sendrecv';
  if (send) return 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}
