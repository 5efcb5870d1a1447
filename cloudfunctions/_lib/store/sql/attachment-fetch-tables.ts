import type { AttachmentFetchRecord, AttachmentFetchRepository } from '../port';
import { attachmentFetchRow } from '../rows/attachment-fetches';
import { readRow } from '../rows/read';
import type { SqlDriver } from './driver';
import { camelCased } from './row-names';

/** Fetches of deliveries' attachments by their links (migration 25: attachment_fetches; 32: byte_range). */

const COLUMNS = 'at, application_id, attachment_id, center_code, webhook_id, http_status, refusal, byte_range';
const toFetch = (row: object): AttachmentFetchRecord => readRow(attachmentFetchRow(), 'SQL attachment_fetches', camelCased(row));

export function sqlAttachmentFetches(driver: SqlDriver): AttachmentFetchRepository {
  return {
    async record(f) {
      await driver.query(`insert into attachment_fetches (${COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8)`, [f.at, f.applicationId, f.attachmentId, f.centerCode, f.webhookId, f.httpStatus, f.refusal, f.byteRange]);
    },
    async ofApplication(applicationId) {
      return (await driver.query(`select ${COLUMNS} from attachment_fetches where application_id = $1 order by at, id`, [applicationId])).map(toFetch);
    },
    async removeOlderThan(cutoff) {
      return (await driver.query(`delete from attachment_fetches where at < $1 returning id`, [cutoff])).length;
    },
  };
}
