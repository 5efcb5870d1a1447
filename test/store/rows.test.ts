import { applicationRow, ratingRow } from '../../cloudfunctions/_lib/store/rows/applications';
import { linkRow } from '../../cloudfunctions/_lib/store/rows/catalog';
import { monthlySubmissionRow } from '../../cloudfunctions/_lib/store/rows/monthly';
import { lazySchema, readRow } from '../../cloudfunctions/_lib/store/rows/read';
import { linkHealthRow, onlineReasonRow, recommendationRow } from '../../cloudfunctions/_lib/store/rows/supervision';
import { trialCheckRow } from '../../cloudfunctions/_lib/store/rows/trial-checks';
import { camelCased } from '../../cloudfunctions/_lib/store/sql/row-names';
import * as z from 'zod';

/** The row schemas both adapters read records through (store/rows), and SQL's column names laid out for them. */

const at = new Date('2026-11-20T02:00:00Z');
const application = {
  id: 'app000001',
  type: 'transfer',
  openid: 'o-1',
  requestId: 'req-1-xxxx',
  status: 'submitted',
  platformCode: null,
  responsibleCenter: '321000',
  centers: [{ code: '321000', role: 'transfer-in' }],
  inFlightKey: null,
  letterNumber: null,
  applicant: { docType: '01', nameSealed: 'n', docNumberSealed: 'd' },
  payloadSealed: 'p',
  acceptBy: '2026-11-25',
  acceptByProvisional: false,
  targetBy: null,
  targetProvisional: false,
  payment: null,
  test: false,
  createdAt: at,
  updatedAt: at,
};

describe('reading rows back', () => {
  it('reads a well-formed row as the record, leaving out what the record has not', () => {
    expect(readRow(applicationRow(), 'SQL applications', { ...application, eventCount: 3, _id: 'app000001' })).toEqual(application);
  });

  it('refuses a malformed row naming the store, the field, the row and the value found', () => {
    expect(() => readRow(applicationRow(), 'SQL applications', { ...application, status: 'lost' })).toThrow(/^SQL applications: field status of app000001 is "lost" \(/);
    expect(() => readRow(applicationRow(), 'CloudBase applications', { ...application, createdAt: '2026-11-20' })).toThrow(/field createdAt of app000001 is "2026-11-20"/);
    expect(() => readRow(applicationRow(), 'SQL applications', { ...application, centers: [{ code: '321000', role: 'nobody' }] })).toThrow(/field centers\.0\.role of app000001 is "nobody"/);
    expect(() => readRow(ratingRow(), 'CloudBase ratings', { applicationId: 'a-1', openid: 'o', centerCode: '321000', comment: null, at })).toThrow(/field score of a-1 is missing/);
  });

  it('reads a field missing from an older document as null or its default', () => {
    const { acceptByProvisional: _flag, targetBy: _target, targetProvisional: _targetFlag, inFlightKey: _key, ...older } = application;
    expect(readRow(applicationRow(), 'CloudBase applications', older)).toEqual({ ...application, acceptByProvisional: false, targetBy: null, targetProvisional: false, inFlightKey: null });
  });

  it('reads a link by its kind: a channel needs its address and health, a route has neither', () => {
    expect(readRow(linkRow(), 'SQL links', camelCased({ item: 4, kind: 'in-app', url: null, app_id: null, path: null, healthy: null }))).toEqual({ item: 4, kind: 'in-app' });
    expect(readRow(linkRow(), 'SQL links', camelCased({ item: 5, kind: 'miniprogram', url: null, app_id: 'wx1', path: 'p', healthy: true }))).toEqual({
      item: 5, kind: 'miniprogram', appId: 'wx1', path: 'p', healthy: true,
    });
    expect(() => readRow(linkRow(), 'SQL links', camelCased({ item: 1, kind: 'web', url: null, healthy: true }))).toThrow(/field url of a row is null/);
    expect(() => readRow(linkRow(), 'SQL links', { item: 9, kind: 'counter' })).toThrow(/field item of a row is 9/);
  });

  it('reads a province’s submitted monthly table through its schema, refusing a frozen line that is not a line', () => {
    const zero = { online: 0, volume: 0 };
    const totals = { items: { '4': zero, '5': zero, '6': zero, '7': { count: 0, amountWan: 0 }, '8': { count: 0 } }, windows: 0, zones: 0, training: 0 };
    const row = {
      centerCode: '321000', centerName: '扬州市住房公积金管理中心', province: '320000',
      items: { '4': { online: true, volume: 3 }, '5': { online: false, volume: 0 }, '6': { online: false, volume: 0 }, '7': { count: 1, amountWan: 1.23 }, '8': { count: 0 } },
      windows: 2, zones: 1, training: 30,
      reference: { jumps: { '4': 3, '5': 0, '6': 0 }, inApp: { '4': 0, '5': 0, '6': 0 }, joint: { count: 1, amountWan: 1.23 }, certificates: 0 },
      filledAt: null,
    };
    const submission = { province: '320000', period: '2026-11', version: 1, submittedBy: 'sv', submittedAt: at, sha256: 'a'.repeat(64), fileName: 'f.xlsx', reason: null, rows: [row], totals };
    expect(readRow(monthlySubmissionRow(), 'SQL monthly_submissions', submission)).toEqual(submission);
    const { windows: _windows, ...noWindows } = row;
    expect(() => readRow(monthlySubmissionRow(), 'CloudBase monthlySubmissions', { ...submission, rows: [noWindows] })).toThrow(/field rows\.0\.windows of .* is missing/);
  });

  it('names SQL columns as the record does', () => {
    expect(camelCased({ center_code: '321000', accept_by_provisional: true, sha256: 'x', item: 1 })).toEqual({ centerCode: '321000', acceptByProvisional: true, sha256: 'x', item: 1 });
  });

  it('reads the supervision tables’ rows as their records, and refuses one that does not fit, naming the field', () => {
    const reason = { centerCode: '330300', item: 6, reason: '系统建设中', expectedDate: '2027-06-30', givenBy: 'staff-1', givenAt: at };
    expect(readRow(onlineReasonRow(), 'SQL online_reasons', camelCased({ center_code: '330300', item: 6, reason: '系统建设中', expected_date: '2027-06-30', given_by: 'staff-1', given_at: at }))).toEqual(reason);
    expect(() => readRow(onlineReasonRow(), 'CloudBase onlineReasons', { ...reason, _id: '330300:7', item: 7 })).toThrow(/^CloudBase onlineReasons: field item of 330300:7 is 7/);
    const recommendation = { id: 'r-1', province: '330000', kind: 'window', centerCode: '330300', title: 't', summary: 's', addedBy: 'sup', addedAt: at };
    expect(readRow(recommendationRow(), 'CloudBase recommendations', recommendation)).toEqual(recommendation);
    expect(() => readRow(recommendationRow(), 'SQL recommendations', { ...recommendation, kind: 'poster' })).toThrow(/field kind of r-1 is "poster"/);
  });

  it('reads a logged link health as the item its channel names, and refuses a channel that names none', () => {
    const logged = { centerCode: '330300', healthy: true, checkedAt: at };
    expect(readRow(linkHealthRow(), 'SQL channel_health_log', { ...logged, channel: 'link:4' })).toEqual({ ...logged, item: 4 });
    expect(() => readRow(linkHealthRow(), 'SQL channel_health_log', { ...logged, channel: 'link:9' })).toThrow(/field channel of 330300 is "link:9"/);
    expect(() => readRow(linkHealthRow(), 'CloudBase channelHealthLog', { ...logged, channel: 'endpoint' })).toThrow(/field channel of 330300 is "endpoint"/);
  });

  it('reads a trial check result, its note, expectation and observation null when missing, and refuses a check kind or observation not known', () => {
    const result = { centerCode: '320100', check: 'link:3', ok: false, checkedBy: 'tester-1', checkedAt: at };
    expect(readRow(trialCheckRow(), 'CloudBase trialChecks', result)).toEqual({ ...result, note: null, expected: null, observed: null });
    expect(() => readRow(trialCheckRow(), 'SQL trial_checks', { ...result, check: 'link:9' })).toThrow(/field check of 320100 is "link:9"/);
    expect(() => readRow(trialCheckRow(), 'SQL trial_checks', { ...result, observed: 'seen' })).toThrow(/field observed of 320100 is "seen"/);
  });

  it('builds a schema on first use only, then keeps it', () => {
    const build = jest.fn(() => z.string());
    const schema = lazySchema(build);
    expect(build).not.toHaveBeenCalled();
    expect(schema()).toBe(schema());
    expect(build).toHaveBeenCalledTimes(1);
  });
});
