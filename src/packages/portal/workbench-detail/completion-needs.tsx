import { Input, Text, View } from '@tarojs/components';
import type { StatusNeed } from '../../../core/applications/state-machine';
import { ActionButton } from '../../../components/action-button';
import { FilePick } from '../../../components/file-pick';
import { chooseChatPdf, readPickedFile, type DocumentOutcome, type PickedDocument } from '../../../services/documents';
import { isH5 } from '../../../services/platform';
import type { Drafts, TextDraft } from './use-workbench-actions';

interface CompletionNeedsProps {
  /** What the view says completing needs now. */
  needs: StatusNeed | null;
  drafts: Drafts;
  edit: (draft: TextDraft) => (value: string) => void;
  busy: boolean;
  onPicked: (outcome: DocumentOutcome<PickedDocument> | undefined) => void;
}

/** What completing needs besides the note, as the workbench view says: what was paid, or the certificate itself. */
export function CompletionNeeds({ needs, drafts, edit, busy, onPicked }: CompletionNeedsProps) {
  if (needs === 'payment') {
    return (
      <View className='workbench-document' id='workbench-payment-form'>
        <Text className='workbench-muted'>办结须填写实际提取金额（不超过申请金额）和支付日期，将告知申请人。</Text>
        <Input
          className='workbench-input'
          id='workbench-payment-amount'
          type='digit'
          value={drafts.paidAmount}
          placeholder='实际提取金额（元）'
          onInput={(e) => edit('paidAmount')(e.detail.value)}
        />
        <Input className='workbench-input' id='workbench-payment-date' type='text' value={drafts.paidOn} placeholder='支付日期，如 2026-11-20' onInput={(e) => edit('paidOn')(e.detail.value)} />
      </View>
    );
  }
  if (needs === 'certificate') {
    return (
      <View className='workbench-document' id='workbench-certificate-form'>
        <Text className='workbench-muted'>办结须上传出具的证明文件（PDF，不超过 10&nbsp;MB），将送达申请人。</Text>
        {isH5 ? (
          <FilePick id='workbench-document-pick' inputId='workbench-document' label='选择证明文件（PDF）' accept='application/pdf' disabled={busy} onFile={(file) => void readPickedFile(file).then(onPicked)} />
        ) : (
          <ActionButton className='secondary-button workbench-button' id='workbench-document' disabled={busy} onClick={() => void chooseChatPdf().then(onPicked)}>
            从聊天记录选择 PDF
          </ActionButton>
        )}
        {drafts.certificate ? (
          <Text className='workbench-document-name' id='workbench-document-name'>
            已选择：{drafts.certificate.name}
          </Text>
        ) : null}
      </View>
    );
  }
  return null;
}
