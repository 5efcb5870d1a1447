import { Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import type { ErrorCode, Result } from '../../../core/errors';
import { FRESH_IDENTITY_MAX_AGE_HOURS, type IdentityView } from '../../../core/identity';
import { DATA_COPIES_PER_DAY, PRIVACY_PAGE, type DeletionView } from '../../../core/privacy';
import { DELETED_TEXT, DELETION_STEPS, KEPT_TEXT, UNBIND_TEXT } from '../texts';
import { shanghaiDate } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { withPageShell } from '../../../components/page-shell';
import { StateView } from '../../../components/state-view';
import { identityCalls, verifyAndReturn } from '../../../services/identity';
import { downloadMyData, openPage, privacyCalls } from '../../../services/privacy';
import { useCall } from '../../../services/use-call';
import './index.scss';

/** What an action came to, in words; a refusal keeps its code when the function gave one (what to do next depends on it). */
interface ActionOutcome {
  ok: boolean;
  text: string;
  code?: ErrorCode;
}

/** One action with its busy state and its outcome in words beside it (no pop-ups: 长辈版 has none). */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | undefined>(undefined);
  const run = async <T,>(work: () => Promise<Result<T> | { ok: true } | { ok: false; code?: ErrorCode; message: string }>, done: string, then?: () => void) => {
    setBusy(true);
    setOutcome(undefined);
    const result = await work();
    setBusy(false);
    setOutcome(result.ok ? { ok: true, text: done } : { ok: false, text: result.message, code: 'code' in result ? result.code : undefined });
    if (result.ok) then?.();
  };
  return { busy, outcome, run };
}

/** 实名核验, coming back here once it is done (the page asks the identity again when shown). */

function Outcome({ id, outcome }: { id: string; outcome: ActionOutcome | undefined }) {
  if (!outcome) return null;
  return (
    <View className={outcome.ok ? 'account-done' : 'account-error'} id={id} role='status'>
      {outcome.text}
    </View>
  );
}

/**
 * 下载我的数据 (PIPL art. 45): the identity in full, the consents, the applications and ratings, as a file. Only after
 * an identity check within FRESH_IDENTITY_MAX_AGE_HOURS: without a current identity the card leads to 实名核验 first,
 * and a refusal for an older check, or for someone else's than the applicant's, says why beside the way to 实名核验.
 */
function DataCopy({ identity }: { identity: IdentityView['status'] }) {
  const action = useAction();
  const verifyButton = (
    <ActionButton className='primary-button account-button' id='account-download-verify' onClick={verifyAndReturn}>
      去实名核验
    </ActionButton>
  );
  return (
    <View className='card account-card' id='account-data'>
      <View className='account-title' role='heading' aria-level={2}>
        下载我的数据
      </View>
      <Text className='account-line'>
        包括您完整的姓名、证件号码和手机号，授权记录，您提交的申请（申请表、办理记录、中心出具的文件、证明码和读取记录）以及您的评价和回访情况。文件含敏感信息，请妥善保管，不要转发给他人。
      </Text>
      <Text className='account-line' id='account-download-rule'>
        为确认是您本人，下载前 {FRESH_IDENTITY_MAX_AGE_HOURS} 小时内须完成过实名核验；每天最多下载 {DATA_COPIES_PER_DAY} 次。
      </Text>
      {identity === 'verified' ? (
        <ActionButton className='secondary-button account-button' id='account-download' loading={action.busy} disabled={action.busy} onClick={() => void action.run(downloadMyData, '已下载我的数据，请妥善保管')}>
          下载我的数据
        </ActionButton>
      ) : (
        <View id='account-download-first'>
          <Text className='alert' id='account-download-why'>
            {identity === 'expired' ? '您的实名核验已过期' : '您尚未完成实名核验'}，请先完成实名核验，再下载我的数据。
          </Text>
          {verifyButton}
        </View>
      )}
      <Outcome id='account-download-outcome' outcome={action.outcome} />
      {action.outcome?.code === 'IDENTITY_REQUIRED' ? verifyButton : null}
    </View>
  );
}

/** 解除绑定: the identity removed at once, after the person confirms on the page. */
function Unbind({ verified, onDone }: { verified: boolean; onDone: () => void }) {
  const [asking, setAsking] = useState(false);
  const action = useAction();
  return (
    <View className='card account-card' id='account-unbind'>
      <View className='account-title' role='heading' aria-level={2}>
        解除绑定
      </View>
      {UNBIND_TEXT.map((line) => (
        <Text className='account-line' key={line}>
          {line}
        </Text>
      ))}
      {!verified ? <Text className='account-muted' id='account-unbind-none'>您目前没有绑定实名信息。</Text> : null}
      {verified && !asking ? (
        <ActionButton className='danger-button account-button' id='account-unbind-start' onClick={() => setAsking(true)}>
          解除绑定
        </ActionButton>
      ) : null}
      {verified && asking ? (
        <View className='account-confirm' id='account-unbind-confirm'>
          <Text className='account-ask'>确定解除绑定吗？您的实名信息会立即删除。</Text>
          <ActionButton
            className='danger-button account-button'
            id='account-unbind-yes'
            loading={action.busy}
            disabled={action.busy}
            onClick={() => void action.run(privacyCalls.unbind, '已解除绑定，实名信息已删除', () => { setAsking(false); onDone(); })}
          >
            确认解除绑定
          </ActionButton>
          <ActionButton className='secondary-button account-button' id='account-unbind-no' disabled={action.busy} onClick={() => setAsking(false)}>
            取消
          </ActionButton>
        </View>
      ) : null}
      <Outcome id='account-unbind-outcome' outcome={action.outcome} />
    </View>
  );
}

/**
 * 注销账号: what is deleted, what the law keeps and how long, the 30 days and how to cancel; then the request or its
 * cancellation, which is no longer offered once the daily run is carrying the deletion out (the card says so instead).
 */
function DeleteAccount({ view, onChange }: { view: DeletionView; onChange: (view: DeletionView) => void }) {
  const [asking, setAsking] = useState(false);
  const action = useAction();
  const request = () =>
    action.run(
      async () => {
        const got = await privacyCalls.requestDeletion();
        if (got.ok) onChange(got.data);
        return got;
      },
      '已申请注销账号',
      () => setAsking(false),
    );
  const cancel = () =>
    action.run(
      async () => {
        const got = await privacyCalls.cancelDeletion();
        // refused: the deletion may have got under way meanwhile, so the card shows it as it is now
        const now = got.ok ? got : await privacyCalls.deletionStatus();
        if (now.ok) onChange(now.data);
        return got;
      },
      '已撤销注销，账号保持不变',
    );
  return (
    <View className='card account-card' id='account-delete'>
      <View className='account-title' role='heading' aria-level={2}>
        注销账号
      </View>
      {view.pending?.erasing ? (
        <Text className='alert' id='account-delete-erasing'>
          您于 {shanghaiDate(new Date(view.pending.requestedAt))} 申请的注销正在执行，系统正在删除您的信息，不能再撤销。
        </Text>
      ) : view.pending ? (
        <View id='account-delete-pending'>
          <Text className='alert' id='account-delete-due'>
            您已于 {shanghaiDate(new Date(view.pending.requestedAt))} 申请注销，将于 {shanghaiDate(new Date(view.pending.dueAt))} 后删除。在此之前可以撤销。
          </Text>
          <ActionButton className='primary-button account-button' id='account-delete-cancel' loading={action.busy} disabled={action.busy} onClick={() => void cancel()}>
            撤销注销
          </ActionButton>
        </View>
      ) : (
        <View>
          <Text className='account-label'>注销后会删除</Text>
          {DELETED_TEXT.map((line) => (
            <Text className='account-item' key={line}>
              · {line}
            </Text>
          ))}
          <Text className='account-label'>依法保留的信息（保留多久）</Text>
          {KEPT_TEXT.map((kept) => (
            <View className='account-kept' key={kept.what}>
              <Text className='account-item account-kept-what'>· {kept.what}</Text>
              <Text className='account-kept-why'>{kept.why}</Text>
            </View>
          ))}
          <Text className='account-label'>请注意</Text>
          {DELETION_STEPS.map((line) => (
            <Text className='account-item' key={line}>
              · {line}
            </Text>
          ))}
          {asking ? (
            <View className='account-confirm' id='account-delete-confirm'>
              <Text className='account-ask'>确定注销账号吗？30 天后将删除上面列出的信息。</Text>
              <ActionButton className='danger-button account-button' id='account-delete-yes' loading={action.busy} disabled={action.busy} onClick={() => void request()}>
                确认注销
              </ActionButton>
              <ActionButton className='secondary-button account-button' id='account-delete-no' disabled={action.busy} onClick={() => setAsking(false)}>
                取消
              </ActionButton>
            </View>
          ) : (
            <ActionButton className='danger-button account-button' id='account-delete-start' onClick={() => setAsking(true)}>
              申请注销账号
            </ActionButton>
          )}
        </View>
      )}
      <Outcome id='account-delete-outcome' outcome={action.outcome} />
    </View>
  );
}

/** 隐私与账号: a copy of one's data, 解除绑定 and 注销账号, with the policy a tap away. */
function AccountPage() {
  const identity = useCall(identityCalls.status, []);
  const deletion = useCall(privacyCalls.deletionStatus, []);
  const [changed, setChanged] = useState<DeletionView | undefined>(undefined);
  // after 解除绑定 the card says so in place (a reload would replace the page and its message)
  const [unbound, setUnbound] = useState(false);
  const shown = useRef(false);
  useDidShow(() => {
    // the first show is the mount; a later one follows 实名核验 (or another page): the identity is asked again
    if (shown.current) {
      setUnbound(false);
      identity.reload();
    }
    shown.current = true;
  });
  if (identity.status === 'loading' || deletion.status === 'loading') return <StateView status='loading' message='正在查询账号信息…' />;
  if (identity.status === 'error') return <StateView status='error' message={identity.message} code={identity.code} onRetry={identity.reload} />;
  if (deletion.status === 'error') return <StateView status='error' message={deletion.message} code={deletion.code} onRetry={deletion.reload} />;
  const dataCopyState = unbound ? 'none' : identity.data.status;
  return (
    <View className='account-page' id='account-page'>
      {/* a card of its own for each state of the identity: 已下载 does not stay beside a card that, after unbinding, asks for 实名核验 first */}
      <DataCopy key={dataCopyState} identity={dataCopyState} />
      <Unbind verified={identity.data.status !== 'none' && !unbound} onDone={() => setUnbound(true)} />
      <DeleteAccount view={changed ?? deletion.data} onChange={setChanged} />
      <View className='account-policy' id='account-policy' role='link' onClick={() => openPage(PRIVACY_PAGE)}>
        查看隐私政策
      </View>
    </View>
  );
}

export default withPageShell(AccountPage, { title: '隐私与账号' });
