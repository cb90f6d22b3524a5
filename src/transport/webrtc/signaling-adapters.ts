import type { SignalingClient } from '../../signaling/client.js';
import type { ServerRelayMessage } from '../../signaling/protocol.js';
import type { WebRtcSignal, WebRtcSignaling } from './types.js';

/**
 * Adapts a joined {@link SignalingClient} to {@link WebRtcSignaling} for a call with one remote
 * participant (or the server's SFU, `SERVER_PEER_ID`): sends offers/answers/candidates to
 * `remoteId` and passes on only what `remoteId` relays.
 * @param client - A `SignalingClient` (joined before the transport connects).
 * @param remoteId - The remote participant's id.
 */
export function signalingClientChannel(client: SignalingClient, remoteId: string): WebRtcSignaling {
  return {
    send(message) {
      if (message.type === 'candidate') client.sendCandidate(remoteId, message.candidate);
      else if (message.type === 'offer') client.sendOffer(remoteId, message.sdp);
      else client.sendAnswer(remoteId, message.sdp);
    },
    onMessage(listener) {
      const onSignal = (m: ServerRelayMessage): void => {
        if (m.from !== remoteId) return;
        listener(
          m.type === 'candidate'
            ? { type: 'candidate', candidate: m.candidate }
            : { type: m.type, sdp: m.sdp },
        );
      };
      client.on('signal', onSignal);
      return () => client.off('signal', onSignal);
    },
  };
}

/**
 * Two linked in-memory {@link WebRtcSignaling} ends (for tests and same-process calls): what one
 * sends, the other receives on a later microtask, as over a network.
 * @returns `[a, b]`: give one to each transport.
 */
export function createMemorySignalingPair(): [WebRtcSignaling, WebRtcSignaling] {
  const listeners: [Set<(m: WebRtcSignal) => void>, Set<(m: WebRtcSignal) => void>] = [new Set(), new Set()];
  const end = (self: 0 | 1): WebRtcSignaling => ({
    send(message) {
      const copy = JSON.parse(JSON.stringify(message)) as WebRtcSignal;
      queueMicrotask(() => {
        for (const listener of listeners[1 - self]) listener(copy);
      });
    },
    onMessage(listener) {
      listeners[self].add(listener);
      return () => listeners[self].delete(listener);
    },
  });
  return [end(0), end(1)];
}
