import { Text, View } from '@tarojs/components';
import type { CodeCheck, CodeCheckResult } from '../../../core/certificate-code';
import { ActionButton } from '../../../components/action-button';
import { TextField } from '../../../components/application-form';
import { withPageShell } from '../../../components/page-shell';
import { callFunction } from '../../../services/cloud';
import { isWeapp } from '../../../services/platform';
import { useCodeEntry } from '../../../services/use-code-entry';
// the same subpackage's styles as 亮码 (a subpackage cannot use another's files in WeChat)
import '../show/index.scss';

/** What each answer means to someone holding the code in front of them: nothing about whose it is or what it shows. */
const MEANINGS: Record<CodeCheck, string> = {
  valid: '这是平台签发的证明码，今天内有效，尚未被中心读取。',
  invalid: '这不是平台签发的有效证明码：可能是伪造、被改动或已被持有人作废。',
  expired: '这个证明码已过有效期（签发当天 24:00）。请持有人重新出示。',
  used: '这个证明码已被一个公积金中心读取，不能再次使用。请持有人重新出示。',
};

/**
 * 验证证明码 (issue 18 point 1): anyone, signed in or not, checks whether a certificate code is genuine and still
 * usable; the answer is valid / invalid / expired / used only, never whose it is or what it shows (centers read it
 * in 扫码核验). Checking reads nothing: the code stays usable for a center.
 */
function VerifyCodePage() {
  const { token, setToken, busy, result, error, submit: check, scan } = useCodeEntry((token) => callFunction<CodeCheckResult>('centers', { action: 'verifyCode', token }));

  return (
    <View className='code-page'>
      <View className='card code-card'>
        <Text className='code-muted'>核对一个住房公积金证明码是否由平台签发、是否仍可使用。这里只显示真伪和状态，不显示持有人和证明内容；验证不会用掉这个码。</Text>
        {isWeapp ? (
          <ActionButton className='primary-button code-button' id='verify-code-scan' loading={busy} disabled={busy} onClick={() => void scan()}>
            扫码验证
          </ActionButton>
        ) : null}
        <TextField prefix='verify-code' slug='token' label='码的内容' value={token} placeholder='以 GJJC1. 开头的一串字符' error={error} onInput={setToken} />
        <ActionButton className={`${isWeapp ? 'secondary-button' : 'primary-button'} code-button`} id='verify-code-submit' loading={busy} disabled={busy} onClick={() => void check(token)}>
          验证
        </ActionButton>
      </View>
      {result ? (
        <View className='card code-card' id='verify-code-result' role='status'>
          <Text className={`code-expiry ${result.result === 'valid' ? 'code-valid' : 'code-refused'}`} id='verify-code-label'>
            {result.result === 'valid' ? '有效' : `不可使用：${result.label}`}
          </Text>
          <Text className='code-muted' id='verify-code-meaning'>
            {MEANINGS[result.result]}
          </Text>
        </View>
      ) : null}
    </View>
  );
}

export default withPageShell(VerifyCodePage, { title: '验证证明码' });
