import { View } from '@tarojs/components';
import { ActionButton } from '../action-button';
import './index.scss';

/** One choice of a row: its key and its words. */
export interface Choice<K extends string> {
  key: K;
  label: string;
}

interface ChipRowProps<K extends string> {
  /** The row's element id. */
  id: string;
  /** Each choice's element id. */
  idOf: (key: K) => string;
  choices: readonly Choice<K>[];
  /** The choice shown as chosen; none before the person answers (the transfer's self-check). */
  chosen: K | undefined;
  onChoose: (key: K) => void;
}

/**
 * A row of choices of which one is shown (a status, a province): each a button, the chosen one saying 已选： before its
 * words as well as in colour (the app's .chips, .chip, .chip-selected).
 */
export function ChipRow<K extends string>({ id, idOf, choices, chosen, onChoose }: ChipRowProps<K>) {
  return (
    <View className='chips' id={id}>
      {choices.map((choice) => (
        <ActionButton key={choice.key} className={`chip chip-button${choice.key === chosen ? ' chip-selected' : ''}`} id={idOf(choice.key)} onClick={() => onChoose(choice.key)}>
          {choice.key === chosen ? '已选：' : ''}
          {choice.label}
        </ActionButton>
      ))}
    </View>
  );
}
