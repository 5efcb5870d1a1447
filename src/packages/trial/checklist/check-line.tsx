import { Text, Textarea, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import type { CenterWithDomains } from '../../../core/business-domains';
import { dialNumber } from '../../../core/centers';
import { TrialEventSchema } from '../../../core/contracts/trial';
import type { Fail } from '../../../core/errors';
import { ITEM_IDS, itemById } from '../../../core/items';
import { counterRoute, isOpenable, resolveJump, type JumpTarget } from '../../../core/jump';
import { formatShanghai } from '../../../core/time';
import {
  CHECK_RESULT_LABELS,
  FINDING_OWNER_LABELS,
  FINDING_TEXT_MAX,
  isRecordedByHand,
  LINK_OBSERVATION_LABELS,
  OPTIONAL_TEST_TYPES,
  ownerOfCheck,
  TEST_STATE_LABELS,
  type CheckView,
  type LinkObservation,
  type RecordAnswer,
  type TestApplicationAnswer,
} from '../../../core/trial';
import { parseInput } from '../../../core/validation';
import { ActionButton } from '../../../components/action-button';
import { VerdictButtons } from '../shared/verdict-buttons';
import { FieldError, TextField } from '../../../components/application-form';
import { CopyLinkCard } from '../../../components/copy-link-card';
import { FallbackCard } from '../../../components/fallback-card';
import { declinedOpen, openTarget } from '../../../services/open-target';
import { isWeapp } from '../../../services/platform';
import { messageFor } from '../../../services/portal';
import { trialCalls, type CheckRecord } from '../../../services/trial';
import type { Uploaded } from '../../../services/uploads';
import { onWebviewReport, reportKey } from '../../../services/webview-report';
import { goFindings } from '../shared/navigate';
import { ScreenshotField } from '../shared/screenshot-field';

/** The element ids of a line: `#check-<slug>…`, the check kind with `-` for `:` (link-1, test-purchase-withdrawal). */
const slugOf = (view: CheckView) => view.check.replace(':', '-');

/** What to show for a refused record: the field's own message, else the whole one. */
const recordMessage = (failure: Fail) => messageFor(failure, 'expected') ?? messageFor(failure, 'note') ?? messageFor(failure, 'screenshot.fileId') ?? failure.message;

/** Records a hand check after the contract's own check (its messages name the field); answers the line, or why not. */
async function record(input: CheckRecord): Promise<{ ok: true; answer: RecordAnswer } | { ok: false; message: string }> {
  const checked = parseInput(TrialEventSchema, { action: 'record', ...input });
  if (!checked.ok) return { ok: false, message: recordMessage(checked) };
  const result = await trialCalls.record(input);
  return result.ok ? { ok: true, answer: result.data } : { ok: false, message: recordMessage(result) };
}

const screenshotOf = (uploaded: Uploaded | undefined) => (uploaded ? { screenshot: { fileId: uploaded.fileId, name: uploaded.name } } : {});
// left out when empty: the contract then names the field that is missing
const expectedOf = (text: string) => (text.trim() === '' ? {} : { expected: text.trim() });
const noteOf = (text: string) => (text.trim() === '' ? {} : { note: text.trim() });

interface LineProps {
  view: CheckView;
  center: CenterWithDomains;
  /** What the function said of the last record, if anything. */
  notice: string | undefined;
  onRecorded: (answer: RecordAnswer) => void;
  onSent: () => void;
}

/** One check of the center: what is checked, its result in words and colour, the last record, and how to check it. */
export function CheckLine(props: LineProps) {
  const { view } = props;
  const slug = slugOf(view);
  return (
    <View className={`card trial-check trial-check-${view.result}`} id={`check-${slug}`}>
      <View className='trial-head'>
        <Text className='trial-check-label'>{view.label}</Text>
        <Text className={`trial-result trial-result-${view.result}`} id={`check-${slug}-result`}>
          {CHECK_RESULT_LABELS[view.result]}
        </Text>
      </View>
      {view.shown ? (
        <Text className='trial-shown' id={`check-${slug}-shown`}>
          {view.shown}
        </Text>
      ) : null}
      {view.checkedAt ? (
        <Text className='trial-muted' id={`check-${slug}-last`}>
          {view.checkedBy ?? '测试人员'}于<Text className='nowrap'>{formatShanghai(new Date(view.checkedAt))}</Text>检查
          {view.observed ? `；${LINK_OBSERVATION_LABELS[view.observed]}` : ''}
          {view.note ? `；说明：${view.note}` : ''}
        </Text>
      ) : null}
      {props.notice ? (
        <Text className='alert' id={`check-${slug}-notice`}>
          {props.notice}
        </Text>
      ) : null}
      {view.findingId ? (
        <View className='alert' id={`check-${slug}-finding`}>
          <Text>问题已提交{FINDING_OWNER_LABELS[ownerOfCheck(view.check)]}整改，整改后请在“试用问题”中复核。</Text>
          <ActionButton className='trial-button' id={`check-${slug}-go-finding`} onClick={() => goFindings(view.findingId)}>
            查看问题
          </ActionButton>
        </View>
      ) : null}
      <CheckBody {...props} slug={slug} />
    </View>
  );
}

function CheckBody(props: LineProps & { slug: string }) {
  const { view } = props;
  if (!isRecordedByHand(view.check)) return <TestCheck {...props} />;
  if (view.check.startsWith('link:')) return <LinkCheck {...props} />;
  return <HandCheck {...props} />;
}

/** Name, phone and poster: 正确, or 有误 with the right value (name, phone) or what was seen (poster). */
function HandCheck({ view, center, slug, onRecorded }: LineProps & { slug: string }) {
  const [wrong, setWrong] = useState(false);
  const [text, setText] = useState('');
  const [screenshot, setScreenshot] = useState<Uploaded | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const asksRight = view.check === 'name' || view.check === 'phone';

  const send = async (ok: boolean) => {
    setBusy(true);
    setError(undefined);
    const extra = ok ? {} : asksRight ? expectedOf(text) : { ...noteOf(text), ...screenshotOf(screenshot) };
    const sent = await record({ centerCode: center.code, check: view.check, ok, ...extra });
    setBusy(false);
    if (!sent.ok) {
      setError(sent.message);
      return;
    }
    setWrong(false);
    setText('');
    setScreenshot(undefined);
    onRecorded(sent.answer);
  };

  return (
    <View className='trial-body'>
      {view.check === 'phone' ? (
        <ActionButton className='trial-button' id='check-phone-dial' onClick={() => void Taro.makePhoneCall({ phoneNumber: dialNumber(view.shown) })}>
          拨打 {view.shown} 核对
        </ActionButton>
      ) : null}
      <VerdictButtons
        yes={{ id: `check-${slug}-ok`, label: '正确' }}
        no={{ id: `check-${slug}-wrong`, label: '有误' }}
        busy={busy}
        asking={wrong}
        onYes={() => void send(true)}
        onNo={() => setWrong(true)}
      />
      {wrong ? (
        <View className='trial-form' id={`check-${slug}-form`}>
          {asksRight ? (
            <TextField
              prefix={`check-${slug}`}
              slug='expected'
              label={view.check === 'name' ? '正确的中心名称' : '正确的服务电话'}
              value={text}
              placeholder={view.check === 'name' ? '如：扬州市住房公积金管理中心' : '如：0514-12329'}
              maxlength={FINDING_TEXT_MAX}
              error={undefined}
              onInput={setText}
            />
          ) : (
            <SeenField slug={slug} text={text} onInput={setText} screenshot={screenshot} onScreenshot={setScreenshot} />
          )}
          <ActionButton className='primary-button trial-button' id={`check-${slug}-submit`} loading={busy} disabled={busy} onClick={() => void send(false)}>
            提交问题
          </ActionButton>
        </View>
      ) : null}
      <FieldError id={`check-${slug}-error`} message={error} />
    </View>
  );
}

/** What the tester saw, and an optional screenshot of it. */
function SeenField({ slug, text, onInput, screenshot, onScreenshot }: { slug: string; text: string; onInput: (text: string) => void; screenshot: Uploaded | undefined; onScreenshot: (u: Uploaded | undefined) => void }) {
  return (
    <View>
      <View className='trial-field'>
        <Text className='trial-label' id={`check-${slug}-note-label`}>
          看到的情况
        </Text>
        <Textarea
          className='trial-textarea'
          id={`check-${slug}-note`}
          maxlength={FINDING_TEXT_MAX}
          value={text}
          placeholder='如：打开后显示“页面不存在”，或打开的是其他中心的页面'
          aria-labelledby={`check-${slug}-note-label`}
          onInput={(e) => onInput(e.detail.value)}
        />
      </View>
      <ScreenshotField prefix={`check-${slug}`} value={screenshot} onChange={onScreenshot} />
    </View>
  );
}

const WEBVIEW_FAILED_MESSAGE = '未能打开网页页面，请返回上一页后再试';

const TARGET_LABELS: Record<JumpTarget['kind'], string> = {
  web: '网页（在小程序内打开）',
  miniprogram: '中心的微信小程序',
  copy: '复制链接到浏览器打开（域名未配置为业务域名）',
  'in-app': '在本小程序内申请',
  counter: '到服务大厅办理',
  unavailable: '暂不能在线跳转',
};

/** What the app saw by itself after 打开检查, and the fallback it showed instead of a jump. */
interface Opened {
  observed: LinkObservation | null;
  fallback: Exclude<JumpTarget, { kind: 'web' | 'miniprogram' }> | null;
}

/**
 * A registered link or route: 打开检查 opens it as an employee meets it (the web-view page, the center's mini-program,
 * or the fallback), records what the app saw, then asks whether the right page opened.
 */
function LinkCheck({ view, center, slug, onRecorded }: LineProps & { slug: string }) {
  const item = ITEM_IDS.find((i) => view.check === `link:${i}`);
  const [opened, setOpened] = useState<Opened | undefined>(undefined);
  const [wrong, setWrong] = useState(false);
  const [text, setText] = useState('');
  const [screenshot, setScreenshot] = useState<Uploaded | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const stopListening = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => stopListening.current?.(), []);
  if (item === undefined) return null;

  const open = async () => {
    stopListening.current?.();
    stopListening.current = undefined;
    setWrong(false);
    setError(undefined);
    // as the employee's jump resolves it once the center is live (testers check a center's links before it joins)
    const target = resolveJump({ live: true, phone: center.phone }, center.links, item, new Set(center.businessDomains));
    if (!isOpenable(target)) {
      setOpened({ observed: 'fallback', fallback: target });
      return;
    }
    if (target.kind === 'web') {
      const key = reportKey(center.code, item, Date.now());
      setOpened({ observed: null, fallback: null });
      stopListening.current = onWebviewReport(key, (observed) => setOpened({ observed, fallback: null }));
      try {
        await openTarget(target, key);
      } catch {
        // the web-view page did not open (too many pages open, say): nothing was seen of the link
        stopListening.current?.();
        stopListening.current = undefined;
        setOpened(undefined);
        setError(WEBVIEW_FAILED_MESSAGE);
      }
      return;
    }
    try {
      const went = await openTarget(target);
      // outside WeChat there is no other mini-program to open: nothing was seen; in WeChat, declining the message tried nothing
      if (!isWeapp) setOpened({ observed: null, fallback: null });
      else setOpened(went ? { observed: 'opened', fallback: null } : undefined);
    } catch (failure) {
      // the tester declined WeChat's confirmation: nothing was tried, nothing to record
      setOpened(declinedOpen(failure) ? undefined : { observed: 'open-failed', fallback: null });
    }
  };

  const send = async (ok: boolean) => {
    setBusy(true);
    setError(undefined);
    const observed = opened?.observed ? { observed: opened.observed } : {};
    const extra = ok ? {} : { ...noteOf(text), ...screenshotOf(screenshot) };
    const sent = await record({ centerCode: center.code, check: view.check, ok, ...observed, ...extra });
    setBusy(false);
    if (!sent.ok) {
      setError(sent.message);
      return;
    }
    stopListening.current?.();
    stopListening.current = undefined;
    setOpened(undefined);
    setWrong(false);
    setText('');
    setScreenshot(undefined);
    onRecorded(sent.answer);
  };

  return (
    <View className='trial-body'>
      <Text className='trial-muted' id={`check-${slug}-target`}>
        打开方式：{view.target ? TARGET_LABELS[view.target] : TARGET_LABELS.unavailable}
      </Text>
      <ActionButton className='trial-button' id={`check-${slug}-open`} disabled={busy} onClick={() => void open()}>
        打开检查
      </ActionButton>
      {opened ? (
        <View className='trial-form' id={`check-${slug}-opened`}>
          {opened.fallback?.kind === 'copy' ? (
            <CopyLinkCard itemName={itemById(item)?.name ?? view.label} centerName={center.name} url={opened.fallback.url} message={opened.fallback.message} phone={center.phone} />
          ) : opened.fallback ? (
            <FallbackCard itemName={itemById(item)?.name ?? view.label} reason={opened.fallback.message} phone={center.phone} counter={counterRoute(center)} />
          ) : null}
          <Text className='trial-text' id={`check-${slug}-observed`}>
            {opened.observed ? `小程序记录：${LINK_OBSERVATION_LABELS[opened.observed]}` : '小程序未记录到打开结果，请按实际看到的情况选择'}
          </Text>
          <Text className='trial-question'>是否打开了正确的页面？</Text>
          <VerdictButtons
            yes={{ id: `check-${slug}-yes`, label: '是' }}
            no={{ id: `check-${slug}-no`, label: '否' }}
            busy={busy}
            asking={wrong}
            onYes={() => void send(true)}
            onNo={() => setWrong(true)}
          />
          {wrong ? (
            <View>
              <SeenField slug={slug} text={text} onInput={setText} screenshot={screenshot} onScreenshot={setScreenshot} />
              <ActionButton className='primary-button trial-button' id={`check-${slug}-submit`} loading={busy} disabled={busy} onClick={() => void send(false)}>
                提交问题
              </ActionButton>
            </View>
          ) : null}
        </View>
      ) : null}
      <FieldError id={`check-${slug}-error`} message={error} />
    </View>
  );
}

/** A test just sent, and the application of the line it was sent from (null: none), which the checklist asked again replaces. */
interface Sent {
  answer: TestApplicationAnswer;
  over: string | null;
}

/**
 * The test to show: the one just sent until the checklist asked again answers (its line then names that application, or
 * a newer one); from then on the checklist's, which follows the center's acceptance, lateness or refusal.
 */
function shownTest(view: CheckView, sent: Sent | undefined): CheckView['test'] {
  if (sent && (view.test?.applicationId ?? null) === sent.over) return { ...sent.answer, acceptedAt: null };
  return view.test;
}

/** The test transfer and the optional test applications: their state against the limit, and how to send one. */
function TestCheck({ view, center, slug, onSent }: LineProps & { slug: string }) {
  const type = view.check === 'transfer' ? 'transfer' : OPTIONAL_TEST_TYPES.find((t) => view.check === `test:${t}`);
  const [sent, setSent] = useState<Sent | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  if (type === undefined) return null;
  const test = shownTest(view, sent);
  const state = test?.state ?? 'not-sent';
  const canSend = state === 'not-sent' || state === 'late' || state === 'refused';

  const send = async () => {
    setBusy(true);
    setError(undefined);
    const result = type === 'transfer' ? await trialCalls.testTransfer(center.code) : await trialCalls.testApplication(center.code, type);
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setSent({ answer: result.data, over: view.test?.applicationId ?? null });
    onSent();
  };

  return (
    <View className='trial-body'>
      <Text className={`trial-test trial-test-${state}`} id={`check-${slug}-state`}>
        {TEST_STATE_LABELS[state]}
      </Text>
      {test && state !== 'not-sent' ? (
        <Text className='trial-text' id={`check-${slug}-accept-by`}>
          {test.acceptedAt ? (
            <>
              中心已于<Text className='nowrap'>{formatShanghai(new Date(test.acceptedAt))}</Text>受理
            </>
          ) : (
            <>
              {/* acceptance on that day is still on time */}
              中心最迟于<Text className='nowrap'>{test.acceptBy}</Text>受理
            </>
          )}
        </Text>
      ) : null}
      {/* what to do and the limit are the line's `shown` words, above: only what they leave out here */}
      <Text className='trial-muted'>测试申请全程标记为“测试”，不计入任何统计；逾期未受理即为未通过。</Text>
      {canSend ? (
        <ActionButton className='primary-button trial-button' id={`check-${slug}-send`} loading={busy} disabled={busy} onClick={() => void send()}>
          {state === 'not-sent' ? '发送测试申请' : '重新发送测试申请'}
        </ActionButton>
      ) : null}
      <FieldError id={`check-${slug}-error`} message={error} />
    </View>
  );
}
