import { Text } from '@tarojs/components';
import './index.scss';

/**
 * Marks a test case (a tester's test application in the internal trial): the word 测试 in a box, not a colour
 * alone, with what it means for whoever reads it (`#<id>`).
 */
export function TestTag({ id }: { id: string }) {
  return (
    <Text className='test-tag' id={id}>
      测试
    </Text>
  );
}

/** Under a test case's details: what a test case is, for staff and the tester. */
export const TEST_CASE_NOTE = '这是内部试用的测试申请：申请人为虚构的测试人员，不计入统计，不参与评价；中心应按正常流程在受理时限内受理。';
