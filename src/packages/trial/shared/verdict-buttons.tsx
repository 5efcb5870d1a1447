import { View } from '@tarojs/components';
import { ActionButton } from '../../../components/action-button';

/**
 * The tester's answer to one question, side by side: the good answer sends at once, the bad one opens the form that
 * asks what was seen (`asking`). While sending both are disabled; the good one shows it is loading.
 */
export function VerdictButtons(props: {
  yes: { id: string; label: string };
  no: { id: string; label: string };
  busy: boolean;
  asking: boolean;
  onYes: () => void;
  onNo: () => void;
}) {
  return (
    <View className='trial-buttons'>
      <ActionButton className='trial-button trial-ok' id={props.yes.id} loading={props.busy && !props.asking} disabled={props.busy} onClick={props.onYes}>
        {props.yes.label}
      </ActionButton>
      <ActionButton className='trial-button trial-wrong' id={props.no.id} disabled={props.busy} onClick={props.onNo}>
        {props.no.label}
      </ActionButton>
    </View>
  );
}
