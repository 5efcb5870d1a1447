import { Text, View } from '@tarojs/components';
import { CODE_REFUSAL_LABELS, type CodeReadResult, type CodeRefusal } from '../../../core/certificate-code';
import { shanghaiDate } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { TextField } from '../../../components/application-form';
import { CodeCertificate } from '../../../components/code-certificate';
import { withPageShell } from '../../../components/page-shell';
import { isWeapp } from '../../../services/platform';
import { portalCalls } from '../../../services/portal';
import { useCodeEntry } from '../../../services/use-code-entry';
import './index.scss';

const REFUSAL_TITLES: Record<CodeRefusal, string> = { forged: '伪造的码', altered: '被改动的码', expired: '已过期', used: '已被读取', revoked: '已作废' };

function Result({ result }: { result: CodeReadResult }) {
  if (result.status === 'refused') {
    return (
      <View className='card read-code-card' id='read-code-refused'>
        <Text className='read-code-title read-code-refused' id='read-code-reason'>
          核验未通过：{REFUSAL_TITLES[result.reason]}
        </Text>
        <Text className='read-code-muted'>{CODE_REFUSAL_LABELS[result.reason]}</Text>
      </View>
    );
  }
  return (
    <View className='card read-code-card' id='read-code-valid'>
      <Text className='read-code-title read-code-valid' id='read-code-status'>
        核验通过：平台签发的有效证明
      </Text>
      <Text className='read-code-muted'>有效至 {shanghaiDate(new Date(new Date(result.expiresAt).getTime() - 1))} 24:00；本次读取已记录，持有人可以看到。</Text>
      <CodeCertificate shows={result.certificate} id='read-code-certificate' />
      <Text className='read-code-muted'>如持有人交来证明文件，可核对文件的 SHA-256 指纹与上面一致。</Text>
    </View>
  );
}

/**
 * 扫码核验 (center staff, issue 18 point 1): a holder's certificate code scanned (WeChat) or typed (H5), read once;
 * the certificate it shows, or why it is refused (forged, altered, expired, used, revoked).
 */
function ReadCodePage() {
  const { token, setToken, busy, result, error, submit: read, scan } = useCodeEntry(portalCalls.readCode);

  return (
    <View className='read-code-page'>
      <View className='card read-code-card'>
        <Text className='read-code-muted'>扫描群众在小程序中出示的证明码。每个码默认只能读取一次，每次读取都会记录并告知持有人。</Text>
        {isWeapp ? (
          <ActionButton className='primary-button read-code-button' id='read-code-scan' loading={busy} disabled={busy} onClick={() => void scan()}>
            扫码核验
          </ActionButton>
        ) : (
          <>
            <TextField prefix='read-code' slug='token' label='码的内容' value={token} placeholder='以 GJJC1. 开头的一串字符' error={error} onInput={setToken} />
            <ActionButton className='primary-button read-code-button' id='read-code-submit' loading={busy} disabled={busy} onClick={() => void read(token)}>
              核验
            </ActionButton>
          </>
        )}
        {isWeapp && error ? (
          <Text className='read-code-muted read-code-refused' id='read-code-error'>
            {error}
          </Text>
        ) : null}
      </View>
      {result ? <Result result={result} /> : null}
    </View>
  );
}

export default withPageShell(ReadCodePage, { title: '扫码核验' });
