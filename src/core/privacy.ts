import { COUNTER_CODE_TTL_DAYS } from './identity';

/**
 * What the app promises about personal data (PIPL arts. 45 and 47): the figures the functions keep to and the pages
 * state (their texts, src/packages/account/texts.ts, are built on these), so a page never says what the functions
 * do not do.
 */

/** The days between asking to delete the account and its deletion by the daily run (the consent's 30 days). */
export const DELETION_DAYS = 30;

/**
 * The days the records of verification tries are kept (they hold the openid and the ID's lookup key, never the name
 * or the number): the longest window a limit counts in, a counter code's life, so no limit loses an attempt it still
 * counts. 解除绑定 or 注销 removes the person's own at once; those against another ID or a counter code stay, naming
 * no account (store/rows/privacy.ts).
 */
export const ATTEMPTS_KEPT_DAYS = COUNTER_CODE_TTL_DAYS;

/** Copies of their data a person may take a day (China days): each is every datum in full, so a few at most. */
export const DATA_COPIES_PER_DAY = 5;

/** Where the policy opens (in the account subpackage, beside 隐私与账号: linked from the consent, 我的 and the page footer). */
export const PRIVACY_PAGE = '/packages/account/policy/index';
/** 隐私与账号: the copy of one's data, 解除绑定 and 注销账号. */
export const ACCOUNT_PAGE = '/packages/account/manage/index';

/**
 * A pending account deletion as the person sees it; null when none is pending. `erasing`: the daily run has begun
 * carrying it out (PrivacyRepository.erasing), so it can no longer be cancelled and the page offers no 撤销注销.
 */
export interface DeletionView {
  pending: { requestedAt: string; dueAt: string; erasing: boolean } | null;
}
