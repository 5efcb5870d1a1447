import type { CertificateCodeRepository, CodeReadRecord } from '../port';
import { certificateCodeRow, codeReadRow, readOutcome } from '../rows/certificate-codes';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** Certificate codes and their reads (migration 40: certificate_codes, certificate_code_reads; migration 46: one open code a case). */

const CODE_COLUMNS = 'id, application_id, openid, document_id, issued_at, expires_at, reads_allowed, reads_used, revoked_at';
const READ_COLUMNS = 'code_id, application_id, at, reader_openid, center_code, outcome';
const toCode = (row: object) => readRow(certificateCodeRow(), 'SQL certificate_codes', camelCased(row));
const toRead = (row: object) => readRow(codeReadRow(), 'SQL certificate_code_reads', camelCased(row));

async function insertRead(driver: SqlDriver, r: CodeReadRecord): Promise<void> {
  await driver.query(`insert into certificate_code_reads (${READ_COLUMNS}) values ($1, $2, $3, $4, $5, $6)`, [r.codeId, r.applicationId, r.at, r.readerOpenid, r.centerCode, r.outcome]);
}

export function sqlCertificateCodes(driver: SqlDriver): CertificateCodeRepository {
  return {
    create: (c, replacing) =>
      driver.transaction(async (tx) => {
        // the holder's identity kept until commit, taken first as the erasure and the unbinding take it (no deadlock):
        // they (deleting it, then revoking and detaching the codes) wait and find this one, or come first and it is refused
        const bound = await tx.query('select 1 from identities where openid = $1 for share', [c.openid]);
        // the case's row locked until commit: a concurrent create of the same case waits, then sees this one's code
        const [owner] = await tx.query<{ openid: string }>('select openid from applications where id = $1 for no key update', [c.applicationId]);
        if (owner?.openid !== c.openid || bound.length === 0) return undefined;
        const [row] = await tx.query(`select ${CODE_COLUMNS} from certificate_codes where application_id = $1 and revoked_at is null`, [c.applicationId]);
        const open = row ? toCode(row) : undefined;
        if (open && open.id !== replacing && readOutcome(open, c.issuedAt) === 'valid') return open;
        if (open) await tx.query('update certificate_codes set revoked_at = $2 where id = $1', [open.id, c.issuedAt]);
        await tx.query(`insert into certificate_codes (${CODE_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
          c.id, c.applicationId, c.openid, c.documentId, c.issuedAt, c.expiresAt, c.readsAllowed, c.readsUsed, c.revokedAt,
        ]);
        return c;
      }),
    async get(id) {
      const [row] = await driver.query(`select ${CODE_COLUMNS} from certificate_codes where id = $1`, [id]);
      return row ? toCode(row) : undefined;
    },
    async latest(applicationId) {
      const [row] = await driver.query(`select ${CODE_COLUMNS} from certificate_codes where application_id = $1 order by issued_at desc, seq desc limit 1`, [applicationId]);
      return row ? toCode(row) : undefined;
    },
    async list(applicationId) {
      return (await driver.query(`select ${CODE_COLUMNS} from certificate_codes where application_id = $1 order by issued_at, seq`, [applicationId])).map(toCode);
    },
    read: (id, read) =>
      driver.transaction(async (tx) => {
        // the row locked until commit: a concurrent read of the same code counts on this one's
        const [row] = await tx.query(`select ${CODE_COLUMNS} from certificate_codes where id = $1 for update`, [id]);
        if (!row) return undefined;
        const code = toCode(row);
        const outcome = readOutcome(code, read.at);
        if (outcome === 'valid') await tx.query('update certificate_codes set reads_used = reads_used + 1 where id = $1', [id]);
        await insertRead(tx, { codeId: id, applicationId: code.applicationId, ...read, outcome });
        return outcome;
      }),
    recordRead: (read) => insertRead(driver, read),
    async revokeAll(applicationId, at) {
      return (await driver.query('update certificate_codes set revoked_at = $2 where application_id = $1 and revoked_at is null returning id', [applicationId, at])).length;
    },
    async allowAnother(id, max) {
      await driver.query('update certificate_codes set reads_allowed = reads_allowed + 1 where id = $1 and revoked_at is null and reads_allowed < $2', [id, max]);
      const [row] = await driver.query(`select ${CODE_COLUMNS} from certificate_codes where id = $1`, [id]);
      return row ? toCode(row) : undefined;
    },
    async reads(applicationId) {
      return (await driver.query(`select ${READ_COLUMNS} from certificate_code_reads where application_id = $1 order by at, seq`, [applicationId])).map(toRead);
    },
  };
}
