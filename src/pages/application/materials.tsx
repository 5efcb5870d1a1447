import { Text, View } from '@tarojs/components';
import { ATTACHMENT_KIND_LABELS } from '../../core/applications/payloads';
import type { ApplicationView } from '../../core/applications/views';
import { fileSizeText } from '../../core/files';

/** What the person uploaded with the case (a purchase's contract and invoice): each file by its kind, name and size. */
export function Uploads({ view }: { view: ApplicationView }) {
  if (view.attachments.length === 0) return null;
  return (
    <View className='application-uploads' id='application-uploads'>
      <Text className='application-materials-title'>您提交的材料</Text>
      {view.attachments.map((a, i) => (
        <View key={`${i}-${a.name}`} className='application-row application-upload' id={`application-upload-${i}`}>
          <Text className='application-row-label'>{ATTACHMENT_KIND_LABELS[a.kind]}</Text>
          <Text className='application-row-value'>
            {a.name}（{fileSizeText(a.size)}）
          </Text>
        </View>
      ))}
      {view.documents.length > 0 ? <Text className='application-materials-title'>中心送回的文件</Text> : null}
    </View>
  );
}
