import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { dialNumber } from '../../core/centers';
import './index.scss';

export interface FallbackCardProps {
  /** Why the online channel cannot be used now. */
  reason: string;
  phone: string;
  /** The counter route, always given. */
  counter: string;
}

/** Shown instead of a dead jump: why, the service phone (tap to call) and the counter route. */
export function FallbackCard({ reason, phone, counter }: FallbackCardProps) {
  return (
    <View className='card fallback-card'>
      <Text className='fallback-reason'>{reason}</Text>
      <View className='fallback-phone' onClick={() => void Taro.makePhoneCall({ phoneNumber: dialNumber(phone) })}>
        <Text>服务热线 </Text>
        <Text className='phone'>{phone}</Text>
      </View>
      <Text className='fallback-counter'>{counter}</Text>
    </View>
  );
}
