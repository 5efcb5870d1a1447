import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { CenterSearch } from '../../components/center-search';

/** Search centers as you type; a result opens the center's page. */
export default function SearchPage() {
  return (
    <View className='search-page'>
      <CenterSearch autoFocus onPick={(c) => void Taro.navigateTo({ url: `/pages/center/index?code=${c.code}` })} />
    </View>
  );
}
