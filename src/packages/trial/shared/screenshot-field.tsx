import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { ActionButton } from '../../../components/action-button';
import { FieldError } from '../../../components/application-form';
import { FilePick } from '../../../components/file-pick';
import { isH5 } from '../../../services/platform';
import { chooseAttachment, uploadAttachment, type PickedFile, type Uploaded } from '../../../services/uploads';

/**
 * An optional screenshot of what the tester saw, uploaded as soon as it is picked, like an application's
 * attachments (services/uploads.ts): `#<prefix>-screenshot`, its message `#<prefix>-screenshot-error`.
 */
export function ScreenshotField({ prefix, value, onChange }: { prefix: string; value: Uploaded | undefined; onChange: (uploaded: Uploaded | undefined) => void }) {
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const attach = async (picked: PickedFile | undefined) => {
    if (!picked) return;
    setUploading(true);
    setError(undefined);
    const result = await uploadAttachment(picked);
    setUploading(false);
    if (result.ok) onChange(result.data);
    else setError(result.message);
  };

  return (
    <View className='trial-field' id={`${prefix}-screenshot`}>
      <Text className='trial-label'>截图（可选）</Text>
      {value ? (
        <View className='trial-attached'>
          <Text className='trial-text' id={`${prefix}-screenshot-name`}>
            {value.name}
          </Text>
          <ActionButton className='trial-button' id={`${prefix}-screenshot-remove`} onClick={() => onChange(undefined)}>
            删除截图
          </ActionButton>
        </View>
      ) : null}
      {uploading ? <Text className='trial-muted'>正在上传…</Text> : null}
      {value || uploading ? null : isH5 ? (
        <FilePick id={`${prefix}-screenshot-pick`} inputId={`${prefix}-screenshot-file`} label='选择截图' accept='image/jpeg,image/png' onFile={(file) => void attach({ file, name: file.name, size: file.size })} />
      ) : (
        <ActionButton className='trial-button' id={`${prefix}-screenshot-pick`} onClick={() => void chooseAttachment('photo').then(attach)}>
          拍照或从相册选择
        </ActionButton>
      )}
      <FieldError id={`${prefix}-screenshot-error`} message={error} />
    </View>
  );
}
