import { View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { CenterSearch } from '../../components/center-search';
import { withPageShell } from '../../components/page-shell';

/** Search centers as you type; a result opens the center's page. */
function SearchPage() {
  return (
    <View className='search-page'>
      <CenterSearch autoFocus onPick={(c) => void Taro.navigateTo({ url: `/pages/center/index?code=${c.code}` })} />
    </View>
  );
}

export default withPageShell(SearchPage, { title: '搜索中心' });
