import { Text, View } from '@tarojs/components';
import { progressOf } from '../../core/applications/steps';
import type { ApplicationView } from '../../core/applications/views';

/**
 * The steps of the case: those it went through (a tick), where it is now, and those still ahead; a step it passed
 * over (协商中 of a transfer that never needed it) is not drawn at all.
 */
export function Progress({ view }: { view: ApplicationView }) {
  const steps = progressOf(view.type, view.step, view.events.map((e) => e.step));
  return (
    <View className='application-steps' id='application-steps'>
      {steps.map((step, i) => (
        <View
          key={step.name}
          className={`application-step application-step-${step.state}${step.ended ? ' application-step-ended' : ''}`}
        >
          <Text className='application-step-dot'>{step.state === 'done' ? '✓' : i + 1}</Text>
          <Text className='application-step-label'>{step.name}</Text>
        </View>
      ))}
    </View>
  );
}
