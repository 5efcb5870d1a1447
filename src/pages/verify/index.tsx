import { Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { CONSENT_TEXT } from '../../core/consent';
import { PRIVACY_PAGE } from '../../core/privacy';
import { DOC_TYPE_CODES, DOC_TYPES, maskDocNumber, maskName } from '../../core/identity';
import { shanghaiDate } from '../../core/time';
import { ActionButton } from '../../components/action-button';
import { NO_CUT } from '../../components/application-form';
import { StateView } from '../../components/state-view';
import { COUNTER_ROUTE } from '../../services/identity';
import { PHASE_MESSAGES, STEP_INDEX, STEPS, useVerifyFlow, type Outcome } from './use-verify-flow';
import { withPageShell } from '../../components/page-shell';
import './index.scss';

/** Back to 我的 when it opened this page (it reloads on show), else opens it in place of this page. */
function toMine() {
  const pages = Taro.getCurrentPages();
  const previous = pages[pages.length - 2] as { route?: string } | undefined;
  if (previous?.route?.includes('pages/mine/index')) void Taro.navigateBack();
  else void Taro.switchTab({ url: '/pages/mine/index' });
}

function StepBar({ current }: { current: number }) {
  return (
    <View className='verify-steps' id='verify-steps'>
      {STEPS.map((label, i) => (
        <View key={label} className={`verify-step${i < current ? ' verify-step-done' : ''}${i === current ? ' verify-step-current' : ''}`}>
          <Text className='verify-step-dot'>{i + 1}</Text>
          <Text className='verify-step-label'>{label}</Text>
        </View>
      ))}
    </View>
  );
}

interface CounterRequestProps {
  busy: boolean;
  error?: string;
  onRequest: () => void;
}

/** 申请柜台核验码: sends the form for a code to show at a window; its error, if any, beneath. */
function CounterRequest({ busy, error, onRequest }: CounterRequestProps) {
  return (
    <View className='verify-counter-request'>
      <ActionButton className='primary-button verify-button' id='verify-counter-request' loading={busy} disabled={busy} onClick={onRequest}>
        申请柜台核验码
      </ActionButton>
      <Text className='verify-counter-consent' id='verify-counter-consent'>
        申请核验码即表示您同意按授权说明加密保存您的姓名和证件号码，供中心工作人员当面核对，不进行人脸比对。
      </Text>
      {error ? (
        <Text className='verify-error' id='verify-counter-error'>
          {error}
        </Text>
      ) : null}
    </View>
  );
}

/** The way that needs no face: shown for other documents and when consent is refused. */
function CounterRoute({ reason, ...request }: { reason: string } & CounterRequestProps) {
  return (
    <View>
      <View className='card verify-counter' id='verify-counter'>
        <Text className='verify-counter-reason'>{reason}</Text>
        <Text className='verify-counter-route'>{COUNTER_ROUTE}</Text>
      </View>
      <CounterRequest {...request} />
    </View>
  );
}

/** The code, large, with until when and where to show it. */
function CounterTicketCard({ code, expiresAt }: { code: string; expiresAt: string }) {
  return (
    <View>
      <View className='card verify-ticket' id='verify-counter-ticket'>
        <Text className='verify-ticket-title'>柜台核验码</Text>
        <Text className='verify-ticket-code' id='verify-counter-code'>
          {code}
        </Text>
        <Text className='verify-ticket-expiry' id='verify-counter-expiry'>
          有效期至 {shanghaiDate(new Date(expiresAt))}
        </Text>
        <Text className='verify-counter-route' id='verify-counter-instruction'>
          请在有效期内携带本人有效身份证件原件，到任一住房公积金管理中心服务窗口出示此核验码，由工作人员核对证件后为您完成核验。
        </Text>
      </View>
      <ActionButton className='secondary-button verify-button' id='verify-to-mine' onClick={toMine}>
        返回我的
      </ActionButton>
    </View>
  );
}

const FAILURE_TITLES: Partial<Record<Extract<Outcome, { kind: 'failed' }>['code'], string>> = {
  VERIFICATION_FAILED: '核验未通过',
  TOO_MANY_ATTEMPTS: '今日核验次数已用完',
};

/** Real-name verification: 填写信息 → 授权说明 → 人脸核身 → 完成, with the counter route always offered. */
function VerifyPage() {
  const flow = useVerifyFlow();
  // opened with ?back=1 by a page that needs a verified identity (a form, an error screen, 下载我的数据): back to it once verified
  const back = useRouter().params.back === '1';
  const { step, form, errors, busy } = flow;
  const fieldError = (field: string) => (errors[field] ? <Text className='field-error'>{errors[field]}</Text> : null);
  const counterRequest: CounterRequestProps = { busy, error: flow.counterError, onRequest: flow.requestCounter };

  if (flow.counter) {
    return (
      <View className='verify-page'>
        <CounterTicketCard code={flow.counter.code} expiresAt={flow.counter.expiresAt} />
      </View>
    );
  }

  return (
    <View className='verify-page'>
      <StepBar current={STEP_INDEX[step]} />

      {step === 'form' ? (
        <View className='verify-form'>
          <View className='card'>
            <View className='form-field'>
              <Text className='form-label'>姓名</Text>
              <Input
                className='form-input'
                id='verify-name'
                type='text'
                maxlength={NO_CUT}
                value={form.name}
                placeholder='与证件一致的姓名'
                onInput={(e) => flow.edit('name', e.detail.value)}
              />
              {fieldError('name')}
            </View>
            <View className='form-field'>
              <Text className='form-label'>证件类型</Text>
              <View className='doc-types' id='verify-doc-type'>
                {DOC_TYPE_CODES.map((code) => (
                  <View
                    key={code}
                    id={`verify-doc-type-${code}`}
                    className={code === form.docType ? 'doc-type doc-type-selected' : 'doc-type'}
                    onClick={() => flow.edit('docType', code)}
                  >
                    <Text>{DOC_TYPES[code]}</Text>
                  </View>
                ))}
              </View>
              {fieldError('docType')}
            </View>
            <View className='form-field'>
              <Text className='form-label'>证件号码</Text>
              <Input
                className='form-input'
                id='verify-doc-number'
                type={form.docType === '01' ? 'idcard' : 'text'}
                maxlength={30}
                value={form.docNumber}
                placeholder={form.docType === '01' ? '18 位居民身份证号码' : '证件上的号码'}
                onInput={(e) => flow.edit('docNumber', e.detail.value)}
              />
              {fieldError('docNumber')}
            </View>
            {fieldError('_')}
          </View>

          {form.docType === '01' ? (
            <ActionButton className='primary-button verify-button' id='verify-next' onClick={flow.submitForm}>
              下一步
            </ActionButton>
          ) : (
            <CounterRoute reason={`人脸核身仅支持居民身份证，持${DOC_TYPES[form.docType]}无法在线核验。`} {...counterRequest} />
          )}
        </View>
      ) : null}

      {step === 'consent' && flow.checked ? (
        flow.refused ? (
          <View>
            <CounterRoute reason='您未同意人脸核身，可改为柜台核验，不影响办理业务。' {...counterRequest} />
            <ActionButton className='secondary-button verify-button' id='verify-reconsider' onClick={flow.reconsider}>
              返回授权说明
            </ActionButton>
          </View>
        ) : (
          <View className='verify-consent'>
            <View className='card consent-card' id='verify-consent'>
              <Text className='consent-title'>{CONSENT_TEXT.title}</Text>
              <Text className='consent-label'>用途</Text>
              <Text className='consent-text'>{CONSENT_TEXT.purpose}</Text>
              <Text className='consent-label'>保存哪些信息</Text>
              <Text className='consent-text'>{CONSENT_TEXT.kept}</Text>
              <Text className='consent-label'>保存多久</Text>
              <Text className='consent-text'>{CONSENT_TEXT.period}</Text>
              <Text className='consent-label'>不用人脸也可以</Text>
              <Text className='consent-text'>{CONSENT_TEXT.alternative}</Text>
              <View className='consent-policy' id='verify-policy' role='link' onClick={() => void Taro.navigateTo({ url: PRIVACY_PAGE })}>
                查看隐私政策（收集什么、给谁、保存多久、如何删除）
              </View>
              <Text className='consent-subject'>
                核验对象：{maskName(flow.checked.name)}　{DOC_TYPES[flow.checked.docType]} {maskDocNumber(flow.checked.docNumber)}
              </Text>
            </View>
            {flow.consentError ? <Text className='verify-error'>{flow.consentError}</Text> : null}
            <ActionButton className='primary-button verify-button' id='verify-agree' loading={busy} disabled={busy} onClick={flow.agree}>
              同意并继续
            </ActionButton>
            <ActionButton className='secondary-button verify-button' id='verify-refuse' disabled={busy} onClick={flow.refuse}>
              不同意，去柜台核验
            </ActionButton>
            <Text className='verify-link' id='verify-back' onClick={busy ? undefined : flow.backToForm}>
              返回修改信息
            </Text>
          </View>
        )
      ) : null}

      {step === 'face' ? <StateView status='loading' message={PHASE_MESSAGES[flow.phase]} /> : null}

      {step === 'done' && flow.outcome?.kind === 'verified' ? (
        <View>
          <View className='card verify-result verify-success' id='verify-result'>
            <Text className='verify-result-title'>核验成功</Text>
            <View className='verify-row'>
              <Text className='verify-row-label'>姓名</Text>
              <Text id='verify-result-name'>{flow.outcome.view.nameMasked}</Text>
            </View>
            <View className='verify-row'>
              <Text className='verify-row-label'>证件号码</Text>
              <Text id='verify-result-doc'>{flow.outcome.view.docNumberMasked}</Text>
            </View>
            {flow.outcome.view.expiresAt ? (
              <Text className='verify-result-expiry' id='verify-result-expiry'>
                有效期至 {shanghaiDate(new Date(flow.outcome.view.expiresAt))}
              </Text>
            ) : null}
          </View>
          {back ? (
            <ActionButton className='primary-button verify-button' id='verify-return' onClick={() => void Taro.navigateBack()}>
              返回上一页
            </ActionButton>
          ) : (
            <ActionButton className='primary-button verify-button' id='verify-to-mine' onClick={toMine}>
              返回我的
            </ActionButton>
          )}
        </View>
      ) : null}

      {step === 'done' && flow.outcome?.kind === 'failed' ? (
        <View>
          <View className='card verify-result verify-failure' id='verify-result'>
            <Text className='verify-result-title'>{FAILURE_TITLES[flow.outcome.code] ?? '暂时无法完成核验'}</Text>
            <Text className='verify-failure-message' id='verify-failure-message'>
              {flow.outcome.message}
            </Text>
            <Text className='verify-counter-route'>也可以不用人脸：{COUNTER_ROUTE}</Text>
          </View>
          <ActionButton className='primary-button verify-button' id='verify-retry' loading={busy} disabled={busy} onClick={flow.retry}>
            重试
          </ActionButton>
          <ActionButton className='secondary-button verify-button' id='verify-edit' disabled={busy} onClick={flow.backToForm}>
            修改信息
          </ActionButton>
          <CounterRequest {...counterRequest} />
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(VerifyPage, { title: '实名核验' });
