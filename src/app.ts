import Taro from '@tarojs/taro';
import type { PropsWithChildren } from 'react';
import { isWeapp } from './services/platform';
import './app.scss';

if (isWeapp) {
  Taro.cloud.init({ env: CLOUD_ENV || undefined, traceUser: true });
}

function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
