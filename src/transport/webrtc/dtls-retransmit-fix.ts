import { RTCDtlsTransport } from 'werift';

/** DTLS handshake type of HelloVerifyRequest (RFC 6347 §4.2.1). */
const HELLO_VERIFY_REQUEST = 3;
let installed = false;

interface DtlsSocketLike {
  dtls: { flight: number };
  onHandleHandshakes: (assembled: { msg_type: number }[]) => Promise<void>;
}

/**
 * Makes werift's DTLS client ignore a repeated HelloVerifyRequest. When the client's event loop
 * stalls for more than its 500 ms retransmission timer, it sends its first ClientHello again; the
 * server answers each copy with a HelloVerifyRequest, and werift's client, already in flight 3, throws
 * on the second one, failing the connection ("ICE or DTLS failed": the SFU test failed this way under
 * load). RFC 6347 §4.2.4: a duplicate of a flight already answered is discarded; the client's own
 * flight-3 retransmission timer still covers a lost ClientHello. Installed once per process, on
 * `RTCDtlsTransport.prototype.start` (werift creates the DTLS socket synchronously inside `start`).
 * @internal
 */
export function installDtlsRetransmitFix(): void {
  if (installed) return;
  installed = true;
  const proto = RTCDtlsTransport.prototype as unknown as {
    start(this: { dtls?: unknown }): Promise<void>;
  };
  const start = proto.start;
  proto.start = function patchedStart(this: { dtls?: unknown }): Promise<void> {
    const result = start.call(this);
    const socket = this.dtls as DtlsSocketLike | undefined;
    if (socket !== undefined && typeof socket.onHandleHandshakes === 'function') {
      const handle = socket.onHandleHandshakes;
      socket.onHandleHandshakes = (assembled) => {
        if (socket.dtls.flight < HELLO_VERIFY_REQUEST) return handle(assembled);
        const rest = assembled.filter((h) => h.msg_type !== HELLO_VERIFY_REQUEST);
        return rest.length === 0 ? Promise.resolve() : handle(rest);
      };
    }
    return result;
  };
}
