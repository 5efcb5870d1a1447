import { Text, View } from '@tarojs/components';
import { ATTACHMENT_KIND_LABELS } from '../../../core/applications/payloads';
import type { WorkbenchView } from '../../../core/applications/views';
import { ActionButton } from '../../../components/action-button';

interface AttachmentsCardProps {
  files: WorkbenchView['attachmentFiles'];
  /** The attachment being opened, and why the last one did not open. */
  attachment: { opening?: string; error?: string };
  onOpen: (attachmentId: string, sha256: string) => void;
}

/** The applicant's uploads (purchase contract, invoice), each opened after checking its sha256. */
export function AttachmentsCard({ files, attachment, onOpen }: AttachmentsCardProps) {
  return (
    <View>
      <Text className='section-title'>申请人上传的材料</Text>
      <View className='card workbench-card' id='workbench-attachments'>
        {files.map((a) => (
          <View key={a.id} className='workbench-row'>
            <Text className='workbench-row-label'>{`${ATTACHMENT_KIND_LABELS[a.kind]} · ${a.name}`}</Text>
            <ActionButton
              className='secondary-button workbench-button'
              id={`workbench-attachment-${a.id}`}
              loading={attachment.opening === a.id}
              disabled={attachment.opening !== undefined}
              onClick={() => onOpen(a.id, a.sha256)}
            >
              查看
            </ActionButton>
          </View>
        ))}
        {attachment.error ? (
          <Text className='workbench-error' id='workbench-attachment-error'>
            {attachment.error}
          </Text>
        ) : null}
      </View>
    </View>
  );
}
