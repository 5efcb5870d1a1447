import { Input, Text, Textarea, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { REASON_MAX } from '../../../core/contracts/fields';
import { ActionButton } from '../../../components/action-button';

export interface MoveButton {
  id: string;
  label: string;
  onPress: () => void;
  /** A move that refuses or ends the case undone: a danger button, never looking like the next step. */
  danger?: boolean;
}

interface MoveCardProps {
  id: string;
  title: string;
  /** The staff's text sent with the move: one line (a note), or several (a reason, the material asked for). */
  text: { id: string; lines: 'one' | 'several'; placeholder: string; value: string; onInput: (value: string) => void };
  /** Several moves to choose from (codes, statuses) as a row of buttons, or the card's one move as a full-width button. */
  moves: { choices: MoveButton[] } | { only: MoveButton };
  busy: boolean;
  error: { id: string; message: string | undefined };
  /** What a move needs besides the text (the certificate, the payment), between the text and the buttons. */
  children?: ReactNode;
}

/** A card of the workbench that sends a move: its title, the staff's text, what else the move needs, its buttons and the error. */
export function MoveCard({ id, title, text, moves, busy, error, children }: MoveCardProps) {
  const onInput = (e: { detail: { value: string } }) => text.onInput(e.detail.value);
  return (
    <View className='card workbench-card' id={id}>
      <Text className='workbench-form-title'>{title}</Text>
      {text.lines === 'one' ? (
        <Input className='workbench-input' id={text.id} type='text' maxlength={REASON_MAX} value={text.value} placeholder={text.placeholder} onInput={onInput} />
      ) : (
        <Textarea className='workbench-textarea' id={text.id} maxlength={REASON_MAX} value={text.value} placeholder={text.placeholder} onInput={onInput} />
      )}
      {children}
      {'choices' in moves ? (
        <View className='workbench-codes'>
          {moves.choices.map((move) => (
            <ActionButton key={move.id} className={`${move.danger ? 'danger-button' : 'secondary-button'} workbench-code`} id={move.id} disabled={busy} onClick={move.onPress}>
              {move.label}
            </ActionButton>
          ))}
        </View>
      ) : (
        <ActionButton className={moves.only.danger ? 'danger-button workbench-button' : 'primary-button workbench-button'} id={moves.only.id} disabled={busy} onClick={moves.only.onPress}>
          {moves.only.label}
        </ActionButton>
      )}
      {error.message ? (
        <Text className='workbench-error' id={error.id}>
          {error.message}
        </Text>
      ) : null}
    </View>
  );
}
