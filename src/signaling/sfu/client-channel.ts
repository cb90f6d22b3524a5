import type { WebRtcSignal, WebRtcSignaling } from '../../transport/webrtc/types.js';
import type { SignalingClient } from '../client.js';
import { SERVER_PEER_ID, type ServerRelayMessage } from '../protocol.js';

/** The channel {@link sfuSignalingChannel} returns. */
export interface SfuSignalingChannel extends WebRtcSignaling {
  /** Stops buffering and detaches from the client; call it when no transport will use the channel. */
  dispose(): void;
}

/**
 * Adapts a {@link SignalingClient} to `WebRtcSignaling` for a `WebRtcTransport` (role `'answerer'`)
 * talking to the room's SFU. The SFU offers right after `joined`, often in the same network read as
 * it, before a transport could exist: create this channel BEFORE `client.connect()`; it keeps what
 * the server sends until the transport registers its listener, then replays it in order.
 * @param client - A `SignalingClient` not yet connected.
 * @returns The channel, plus `dispose()` to stop buffering when no transport will come.
 */
export function sfuSignalingChannel(client: SignalingClient): SfuSignalingChannel {
  const buffered: WebRtcSignal[] = [];
  let listener: ((message: WebRtcSignal) => void) | undefined;
  const onSignal = (m: ServerRelayMessage): void => {
    if (m.from !== SERVER_PEER_ID) return;
    const message: WebRtcSignal =
      m.type === 'candidate' ? { type: 'candidate', candidate: m.candidate } : { type: m.type, sdp: m.sdp };
    if (listener === undefined) buffered.push(message);
    else listener(message);
  };
  client.on('signal', onSignal);
  return {
    send(message) {
      if (message.type === 'candidate') client.sendCandidate(SERVER_PEER_ID, message.candidate);
      else if (message.type === 'answer') client.sendAnswer(SERVER_PEER_ID, message.sdp);
      else client.sendOffer(SERVER_PEER_ID, message.sdp);
    },
    onMessage(next) {
      listener = next;
      for (const message of buffered.splice(0)) next(message);
      return () => {
        if (listener === next) listener = undefined;
      };
    },
    dispose() {
      client.off('signal', onSignal);
      buffered.length = 0;
    },
  };
}
