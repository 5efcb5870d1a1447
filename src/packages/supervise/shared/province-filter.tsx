import { Text, View } from '@tarojs/components';
import { provinceName } from '../../../core/supervision';

/**
 * Which province a table shows when a figure of the overview opened it for one: its name, and the way back to every
 * province the caller may see (a provincial supervisor sees only their own either way).
 */
export function ProvinceFilter({ province, onClear }: { province: string | undefined; onClear: () => void }) {
  if (province === undefined) return null;
  return (
    <View className='card supervise-head' id='supervise-province-filter'>
      <Text className='supervise-title'>只看{provinceName(province)}</Text>
      <Text className='supervise-more supervise-link' id='supervise-province-clear' onClick={onClear}>
        查看全部省份 ›
      </Text>
    </View>
  );
}
