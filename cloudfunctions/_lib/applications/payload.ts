import type * as z from 'zod';
import { storedFormSchemas, type StoredPayload } from '../../../src/core/applications/payloads';
import { open, seal, sealedAs, type Keyring } from '../crypto/personal-data';
import type { ApplicationRecord } from '../store/port';

/**
 * The one owner of an application's sealed form (the payload): sealed whole, bound to the application's id, at
 * submission; opened and read back through its type's schema wherever it is needed, so a form that does not read
 * as its type fails loudly here instead of travelling on as a cast.
 */

/** Seals the form as it is stored with the application (a purchase withdrawal's with its kept attachments). */
export function sealPayload(keyring: Keyring, applicationId: string, payload: StoredPayload['payload']): string {
  return seal(keyring, sealedAs.payload(applicationId), JSON.stringify(payload));
}

type Sealed = Pick<ApplicationRecord, 'id' | 'type' | 'payloadSealed'>;

function readAs<S extends z.ZodType>(schema: S, json: unknown, app: Sealed): z.output<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  // the issues name fields and rules, never the values (personal data)
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '_'}: ${issue.message}`).join('; ');
  throw new Error(`the sealed form of application ${app.id} does not read as a ${app.type}: ${problems}`);
}

/** The application's form, opened and read with its type's stored shape, keyed on the type. */
export function openPayload(keyring: Keyring, app: Sealed): StoredPayload {
  const json: unknown = JSON.parse(open(keyring, sealedAs.payload(app.id), app.payloadSealed));
  const { type } = app;
  const forms = storedFormSchemas();
  switch (type) {
    case 'transfer':
      return { type, payload: readAs(forms.transfer, json, app) };
    case 'purchase-withdrawal':
      return { type, payload: readAs(forms['purchase-withdrawal'], json, app) };
    case 'service-request':
      return { type, payload: readAs(forms['service-request'], json, app) };
    default:
      return { type, payload: readAs(forms.certificate, json, app) };
  }
}
