import Taro from '@tarojs/taro';
import type { PropsWithChildren } from 'react';
import { isWeapp } from './services/platform';
import './app.scss';
// 长辈版's sizes, after the app's own styles (services/elder-mode.ts)
import './styles/elder.scss';

if (isWeapp) {
  Taro.cloud.init({ env: CLOUD_ENV || undefined, traceUser: true });
}

// scenes of mini-program codes are routed by the page the codes open (pages/center), on every start
function App({ children }: PropsWithChildren) {
  return children;
}

export default App;
