import { Input, Text, Textarea, View } from '@tarojs/components';
import type { Drafts, TextDraft } from './use-workbench-actions';

/**
 * What staff may give with a status, as a center's callback may (docs/center-api.md 5.1): why (a refusal should say
 * it, in plain words) and whom the person can call. Shown to the person beside the step; both optional.
 */
export function StatusDetailFields({ prefix, drafts, edit }: { prefix: string; drafts: Drafts; edit: (draft: TextDraft) => (value: string) => void }) {
  return (
    <View className='workbench-document' id={`${prefix}-detail`}>
      <Text className='workbench-muted'>审核不通过或办理失败时，请写明原因和可联系的人，申请人将在办理进度中看到。</Text>
      <Textarea
        className='workbench-textarea'
        id={`${prefix}-reason`}
        value={drafts.reason}
        placeholder='原因（选填），如：申请信息与本中心记录不一致'
        ariaLabel='原因'
        maxlength={-1}
        onInput={(e) => edit('reason')(e.detail.value)}
      />
      <Input className='workbench-input' id={`${prefix}-contact-name`} value={drafts.contactName} placeholder='联系人（选填），如：业务科' ariaLabel='联系人' onInput={(e) => edit('contactName')(e.detail.value)} />
      <Input className='workbench-input' id={`${prefix}-contact-phone`} type='text' value={drafts.contactPhone} placeholder='联系电话，如 025-83588888' ariaLabel='联系电话' onInput={(e) => edit('contactPhone')(e.detail.value)} />
    </View>
  );
}
