import { useRouter } from '@tarojs/taro';
import { useEffect, useRef } from 'react';
import type { TransferFormValues } from '../core/applications/views';
import { applicationCalls } from './applications';
import { say } from './notice';

/**
 * 重新申请 from a refused transfer: when the page was opened with `from=<application id>` (components/refusal-card),
 * asks the functions for that case's form as the person filled it in and hands it to `apply` once, saying so; a case
 * that cannot be read leaves the form as it is and says why.
 */
export function usePrefillFromCase(apply: (values: TransferFormValues) => void): void {
  const from = useRouter().params.from;
  const applyRef = useRef(apply);
  applyRef.current = apply;
  useEffect(() => {
    if (!from) return undefined;
    let live = true;
    void applicationCalls.formValues(from).then((got) => {
      if (!live) return;
      if (!got.ok) say(`未能带入上次填写的信息：${got.message}`);
      else {
        applyRef.current(got.data);
        say('已带入上次填写的信息，请核对后提交');
      }
    });
    return () => {
      live = false;
    };
  }, [from]);
}
