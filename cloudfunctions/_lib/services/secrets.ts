import { SECRET_RETIRE_GRACE_HOURS } from '../../../src/core/roles';
import { formatShanghai } from '../../../src/core/time';
import { open, sealedAs, type Keyring } from '../crypto/personal-data';
import type { CenterEndpoint, SecretHolder, Store } from '../store/port';

/**
 * A center's signing secrets after a staff member leaves (issue 11 review). Each secret is shown in clear once,
 * to the staff member who had it issued (rotateSecret, or the first API proposal); whoever saw it could sign
 * callbacks with it for as long as it stays valid. So when that person's role is revoked, the secrets they saw
 * retire after SECRET_RETIRE_GRACE_HOURS, long enough for the center's other staff to rotate and set the new
 * secret on their endpoint: from then on a callback signed only with a retired secret is refused (401) and the
 * relay no longer signs with it. A secret a supervisor set (admin setEndpoint) is theirs and retires when their
 * supervisor role is revoked, not with a revocation of the center's staff, none of whom saw it. Only a secret
 * with no recorded holder (issued before viewers were recorded) retires with any revocation of the center's staff.
 */


/** Whether a secret still signs and verifies at `now`. */
const serving = (holder: SecretHolder, now: Date) => holder.retiresAt === null || holder.retiresAt.getTime() > now.getTime();

/**
 * The center's secrets that sign deliveries and verify callbacks at `now`, in clear, first the one that signs
 * first; empty when every secret retired (the relay then fails its deliveries visibly until the center rotates).
 */
export async function servingSecrets(store: Store, keyring: Keyring, endpoint: CenterEndpoint, now: Date): Promise<string[]> {
  return (await servingSealed(store, endpoint, now)).map((s) => open(keyring, sealedAs.endpointSecret(endpoint.centerCode), s));
}

/** The same secrets still sealed, as the endpoint keeps them (an interface-testing run keeps them so, issue 16). */
export async function servingSealed(store: Store, endpoint: CenterEndpoint, now: Date): Promise<string[]> {
  return sealedServing(endpoint, await store.endpoints.secretHolders(endpoint.centerCode), now);
}

/** servingSecrets with the center's secret holders read already (a callback reads them with the endpoint). */
export function servingSecretsOf(keyring: Keyring, endpoint: CenterEndpoint, holders: readonly SecretHolder[], now: Date): string[] {
  return sealedServing(endpoint, holders, now).map((s) => open(keyring, sealedAs.endpointSecret(endpoint.centerCode), s));
}

const sealedServing = (endpoint: CenterEndpoint, holders: readonly SecretHolder[], now: Date): string[] => {
  const retired = new Set(holders.filter((h) => !serving(h, now)).map((h) => h.secretSealed));
  return endpoint.secretsSealed.filter((s) => !retired.has(s));
};

/**
 * On revoking `openid`'s staff role of the center: the secrets they were shown (and any whose viewer is not
 * recorded) retire after the grace. Answers when, or undefined when none of the center's secrets was theirs.
 */
export async function retireSecretsSeenBy(store: Store, centerCode: string, openid: string, now: Date): Promise<{ count: number; retiresAt: Date } | undefined> {
  const holders = await store.endpoints.secretHolders(centerCode);
  const seen = holders.filter((h) => h.shownTo === openid || h.shownTo === null).map((h) => h.secretSealed);
  if (seen.length === 0) return undefined;
  const retiresAt = new Date(now.getTime() + SECRET_RETIRE_GRACE_HOURS * 3600_000);
  const count = await store.endpoints.retireSecrets(centerCode, seen, retiresAt);
  return count > 0 ? { count, retiresAt } : undefined;
}

/**
 * On revoking `openid`'s supervisor role: the secrets they set for any center retire after the grace. Answers
 * each center whose secrets now retire, with how many and when.
 */
export async function retireSecretsSetBy(store: Store, openid: string, now: Date): Promise<{ centerCode: string; count: number; retiresAt: Date }[]> {
  const retiresAt = new Date(now.getTime() + SECRET_RETIRE_GRACE_HOURS * 3600_000);
  const retired: { centerCode: string; count: number; retiresAt: Date }[] = [];
  for (const endpoint of await store.endpoints.list()) {
    const theirs = (await store.endpoints.secretHolders(endpoint.centerCode)).filter((h) => h.shownTo === openid).map((h) => h.secretSealed);
    if (theirs.length === 0) continue;
    const count = await store.endpoints.retireSecrets(endpoint.centerCode, theirs, retiresAt);
    if (count > 0) retired.push({ centerCode: endpoint.centerCode, count, retiresAt });
  }
  return retired;
}

/**
 * What the portal shows of the secrets: how many serve now and, while one the center signs with first is
 * retiring, by when it must rotate (after a rotation the new secret signs first; the retiring one only verifies
 * callbacks until it retires, and the notice says to move the center's system to the new one).
 */
export async function secretsState(store: Store, endpoint: CenterEndpoint | undefined, now: Date): Promise<{ valid: number; rotateBy: string | null; notice: string | null }> {
  const holders = endpoint ? await store.endpoints.secretHolders(endpoint.centerCode) : [];
  const valid = holders.filter((h) => serving(h, now)).length;
  const retiring = holders.filter((h) => h.retiresAt !== null && serving(h, now));
  const [first] = holders;
  if (first && retiring.includes(first)) {
    const at = first.retiresAt!;
    return { valid, rotateBy: at.toISOString(), notice: `请在 ${formatShanghai(at)} 前更换签名密钥：曾看到当前密钥的工作人员已被撤销角色，届时该密钥停用，回调和推送不再接受它` };
  }
  if (first && !serving(first, now) && valid > 0) {
    return { valid, rotateBy: null, notice: `最近更换的签名密钥已于 ${formatShanghai(first.retiresAt!)} 停用（曾看到它的人员已被撤销角色），目前以较早的密钥签名：请立即更换签名密钥` };
  }
  if (retiring.length > 0) {
    return { valid, rotateBy: null, notice: `较早的签名密钥将于 ${formatShanghai(retiring[0].retiresAt!)} 停用（曾看到它的工作人员已被撤销角色）：请确认中心系统已改用最近更换的密钥` };
  }
  if (holders.length > 0 && valid === 0) {
    return { valid, rotateBy: null, notice: '签名密钥已全部停用（曾看到它的工作人员已被撤销角色）：推送暂停，回调被拒绝，请立即更换签名密钥' };
  }
  return { valid, rotateBy: null, notice: null };
}
