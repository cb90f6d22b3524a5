import { describe, expect, it } from 'vitest';
import { RTCDtlsTransport } from 'werift';
import { installDtlsRetransmitFix } from '../../src/transport/webrtc/dtls-retransmit-fix.js';

describe('installDtlsRetransmitFix', () => {
  it("drops a HelloVerifyRequest that arrives after the client's flight 3, passes everything else", async () => {
    installDtlsRetransmitFix();
    installDtlsRetransmitFix(); // idempotent: one wrapper only
    const handled: number[][] = [];
    const socket = {
      dtls: { flight: 1 },
      onHandleHandshakes: async (assembled: { msg_type: number }[]) => {
        handled.push(assembled.map((h) => h.msg_type));
      },
    };
    // werift's start() creates the socket synchronously; here `dtls` is already set and start() itself
    // fails at once ("state must be new"), which is all the wrapper needs.
    const fake = { state: 'closed', dtls: socket };
    await (RTCDtlsTransport.prototype.start as unknown as (this: unknown) => Promise<void>)
      .call(fake)
      .catch(() => {});
    await socket.onHandleHandshakes([{ msg_type: 3 }]); // the first HelloVerifyRequest: handled
    socket.dtls.flight = 3; // werift's Flight3 ran
    await socket.onHandleHandshakes([{ msg_type: 3 }]); // the duplicate: dropped (werift would throw)
    await socket.onHandleHandshakes([{ msg_type: 2 }, { msg_type: 3 }, { msg_type: 11 }]);
    expect(handled).toEqual([[3], [2, 11]]);
  });
});
