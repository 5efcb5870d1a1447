import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { newSecret, newWebhookId, signHeaders } from '../../cloudfunctions/_lib/delivery/signing';

/** The relay signs with node:crypto (cloudfunctions/_lib/delivery/signing.ts); the reference library must agree. */
describe('signing a delivery', () => {
  it('gives the signature the standardwebhooks library gives, for any body and time', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 2000 }), fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }), (body, at) => {
        const secret = newSecret();
        const id = newWebhookId();
        expect(signHeaders([secret], id, at, body)['webhook-signature']).toBe(new Webhook(secret).sign(id, at, body));
      }),
      { numRuns: 200 },
    );
  });

  it('signs with each secret during a rotation, and the library verifies the request under either', () => {
    const [old, next] = [newSecret(), newSecret()];
    const body = JSON.stringify({ type: 'application.submitted', data: { name: '张三' } });
    const headers = signHeaders([old, next], newWebhookId(), new Date(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [old, next]) expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
    expect(() => new Webhook(newSecret()).verify(body, headers, { jsonParse: false })).toThrow();
  });

  it('refuses to sign without a secret', () => {
    expect(() => signHeaders([], newWebhookId(), new Date(), '{}')).toThrow();
    expect(() => signHeaders(['whsec_'], newWebhookId(), new Date(), '{}')).toThrow();
  });
});
