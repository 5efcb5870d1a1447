import { Image, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import type { CodeReads, ShownCode } from '../../../core/certificate-code';
import { CODE_READ_LABELS, CODE_READS_MAX } from '../../../core/certificate-code';
import { formatShanghai, shanghaiDate } from '../../../core/time';
import { ActionButton } from '../../../components/action-button';
import { CodeCertificate } from '../../../components/code-certificate';
import { withPageShell } from '../../../components/page-shell';
import { StateView } from '../../../components/state-view';
import { applicationCalls } from '../../../services/applications';
import { copyFailed, copyText } from '../../../services/clipboard';
import { codeImage } from '../../../services/code-image';
import { ask, say } from '../../../services/notice';
import { useCall } from '../../../services/use-call';
import './index.scss';

/** 2026-12-06 24:00: the end of the day the code was shown, as people say it (not 12-07 00:00). */
const expiryText = (expiresAt: string) => `${shanghaiDate(new Date(new Date(expiresAt).getTime() - 1))} 24:00`;

function ReadHistory({ reads }: { reads: CodeReads }) {
  if (reads.reads.length === 0) return <Text className='code-muted' id='code-reads-empty'>还没有中心读取过这个码。</Text>;
  return (
    <View id='code-reads'>
      {reads.reads.map((r, i) => (
        <View key={`${r.at}-${i}`} className='code-read' id={`code-read-${i}`}>
          <Text>{r.centerName}</Text>
          <Text className='code-muted'>{formatShanghai(new Date(r.at))}</Text>
          <Text className={r.outcome === 'valid' ? 'code-muted' : 'code-muted code-refused'}>{CODE_READ_LABELS[r.outcome]}</Text>
        </View>
      ))}
    </View>
  );
}

/**
 * 亮码 (issue 18 point 1): the QR code of the certificate, exactly what the reader will see, until when it lasts, every
 * read; 作废 voids it at once, 允许再读一次 lets one more center read it.
 */
function ShowCodePage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const shown = useCall(() => applicationCalls.showCode(id), [id]);
  const [reads, setReads] = useState<CodeReads>();
  const [image, setImage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // whether the code's content was copied; shown to copy by hand only when copying failed (some 400 characters)
  const [copied, setCopied] = useState<boolean>();

  const token = shown.status === 'ready' ? shown.data.token : undefined;
  const loadReads = () => void applicationCalls.codeReads(id).then((r) => (r.ok ? setReads(r.data) : setError(r.message)));
  useEffect(() => {
    if (!token) return;
    void codeImage(token).then(setImage);
    loadReads();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token, id]);

  if (shown.status === 'loading') return <StateView status='loading' message='正在生成证明码…' />;
  if (shown.status === 'error') return <StateView status='error' message={shown.message} code={shown.code} onRetry={shown.reload} />;
  const code: ShownCode = shown.data;
  const current = reads?.current;
  const revoked = current?.revoked ?? false;
  const used = current ? current.readsUsed >= current.readsAllowed : false;

  const act = async (call: () => ReturnType<typeof applicationCalls.codeReads>, done: string) => {
    setBusy(true);
    setError(undefined);
    const result = await call();
    setBusy(false);
    if (!result.ok) return setError(result.message);
    setReads(result.data);
    say(done, { done: true });
  };
  const revoke = async () => {
    const confirmed = await ask({ title: '作废这个码？', message: '作废后，任何中心都无法再读取这个码；需要时可重新亮码。', confirmText: '作废', cancelText: '取消' });
    if (confirmed) await act(() => applicationCalls.revokeCode(id), '已作废');
  };

  return (
    <View className='code-page'>
      <View className='card code-card' id='code-card'>
        {revoked ? (
          <Text className='code-expiry code-refused' id='code-revoked'>
            这个码已作废
          </Text>
        ) : (
          <>
            <View className='code-image-box'>
              {image ? <Image className='code-image' id='code-image' src={image} mode='aspectFit' ariaLabel='证明码（二维码）' nativeProps={{ alt: '证明码（二维码）' }} /> : <Text className='code-muted'>二维码无法显示：请复制下方码的内容发给对方</Text>}
            </View>
            <Text className='code-expiry' id='code-expiry'>
              有效至 {expiryText(code.expiresAt)}
            </Text>
            <Text className='code-muted' id='code-reads-left'>
              {used ? '已读取，不能再被读取。' : `还可被读取 ${current ? current.readsAllowed - current.readsUsed : code.readsAllowed - code.readsUsed} 次。`}
              由平台签发，任何人可在“验证证明码”中核对真伪。
            </Text>
            {used ? null : (
              <>
                <Text className='code-muted' id='code-copy-hint'>
                  对方无法扫码时（如远程核验），可复制码的内容发给对方，由对方在“扫码核验”中粘贴。
                </Text>
                <ActionButton className='secondary-button code-button' id='code-copy' onClick={() => void copyText(code.token).then(setCopied)}>
                  复制码的内容
                </ActionButton>
                {copied === undefined ? null : (
                  <View id='code-copy-outcome' role='status'>
                    {copied ? (
                      <Text className='code-muted'>已复制码的内容，可粘贴发给对方。</Text>
                    ) : (
                      <>
                        <Text className='code-token' id='code-token' userSelect>
                          {code.token}
                        </Text>
                        <Text className='alert'>{copyFailed('码的内容')}</Text>
                      </>
                    )}
                  </View>
                )}
              </>
            )}
          </>
        )}
      </View>

      <Text className='section-title'>对方扫码后将看到</Text>
      <View className='card code-card'>
        <CodeCertificate shows={code.shows} id='code-shows' />
        <Text className='code-muted'>姓名和证件号码按证明上的方式隐去部分内容；对方看不到您的手机号和其他信息。</Text>
      </View>

      <Text className='section-title'>读取记录</Text>
      <View className='card code-card'>{reads ? <ReadHistory reads={reads} /> : <Text className='code-muted'>正在查询…</Text>}</View>

      {error ? (
        <Text className='code-muted code-refused' id='code-error'>
          {error}
        </Text>
      ) : null}
      {revoked || used ? (
        <ActionButton className='primary-button code-button' id='code-renew' disabled={busy} onClick={shown.reload}>
          重新亮码
        </ActionButton>
      ) : null}
      {!revoked && current && current.readsAllowed < CODE_READS_MAX ? (
        <ActionButton className='secondary-button code-button' id='code-allow' loading={busy} disabled={busy} onClick={() => void act(() => applicationCalls.allowCodeRead(id), '已允许再读一次')}>
          允许再读一次
        </ActionButton>
      ) : null}
      {!revoked ? (
        <ActionButton className='danger-button code-button' id='code-revoke' disabled={busy} onClick={() => void revoke()}>
          作废这个码
        </ActionButton>
      ) : null}
      <ActionButton className='secondary-button code-button' id='code-refresh' disabled={busy} onClick={loadReads}>
        刷新读取记录
      </ActionButton>
    </View>
  );
}

export default withPageShell(ShowCodePage, { title: '亮码' });
