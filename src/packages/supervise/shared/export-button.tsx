import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import type { ExportFormat, ExportReport } from '../../../core/contracts/supervise';
import { ActionButton } from '../../../components/action-button';
import { openStoredFile } from '../../../services/documents';
import { superviseCalls } from '../../../services/supervise';

/**
 * 导出 Excel / 导出 CSV: the server makes the file laid out as the annex (the CSV with the same columns and rows);
 * WeChat opens the workbook in its viewer (to forward or save) and offers to send the CSV to a chat, H5 downloads
 * either. The table exported is the one on screen: its province, period or date. A failure is said under the buttons.
 */
export function ExportButton({ id, report, period, province, asOf }: { id: string; report: ExportReport; period?: string; province?: string; asOf?: string }) {
  const [busy, setBusy] = useState<ExportFormat | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (format: ExportFormat) => {
    setBusy(format);
    setError(undefined);
    const made = await superviseCalls.export(report, format, { ...(period ? { period } : {}), ...(province ? { province } : {}), ...(asOf ? { asOf } : {}) });
    const opened = made.ok ? await openStoredFile(made.data) : made;
    setBusy(undefined);
    if (!opened.ok) {
      setError(opened.message);
      return;
    }
    void Taro.showToast({ title: '已导出', icon: 'success' });
  };
  return (
    <View className='card supervise-card'>
      <ActionButton className='primary-button supervise-button' id={id} loading={busy === 'xlsx'} disabled={busy !== undefined} onClick={() => void run('xlsx')}>
        导出 Excel
      </ActionButton>
      <ActionButton className='supervise-button' id={`${id}-csv`} loading={busy === 'csv'} disabled={busy !== undefined} onClick={() => void run('csv')}>
        导出 CSV
      </ActionButton>
      {error ? (
        <Text className='supervise-error' id={`${id}-error`}>
          {error}
        </Text>
      ) : null}
    </View>
  );
}
