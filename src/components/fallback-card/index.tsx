import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { dialNumber, type CenterCounter } from '../../core/centers';
import './index.scss';

export type FallbackCardProps = {
  /** The item the person tapped (its full name), so the card says which one it is about. */
  itemName: string;
  /** Why the online channel cannot be used now. */
  reason: string;
  phone: string;
} & (
  | {
      /** The counter route in one sentence (core/jump counterRoute). */
      counter: string;
    }
  | {
      /** The center's service hall as the center gave it: its name, address and hours get a line each. */
      hall: CenterCounter & { centerName: string };
    }
);

/** A time range as centers write their hours: 9:00-12:00, 13:30～17:00, 9:00 至 17:00. */
const TIME_RANGE = /(\d{1,2}:\d{2}\s*[-–~～至]\s*\d{1,2}:\d{2})/;

/** A text with each time range in it kept on one line: a line never breaks inside one (13:30- / 17:00). */
export function KeepTimes({ text }: { text: string }) {
  return (
    <>
      {text.split(TIME_RANGE).map((part, i) =>
        i % 2 === 1 ? (
          <Text key={i} className='nowrap'>
            {part}
          </Text>
        ) : (
          part
        ),
      )}
    </>
  );
}

/**
 * Shown instead of a dead jump: the item tapped, why, the service phone (tap to call) and the counter route, or the service
 * hall's address and hours line by line when the center gave them.
 */
export function FallbackCard(props: FallbackCardProps) {
  const { itemName, reason, phone } = props;
  return (
    <View className='card fallback-card'>
      <Text className='fallback-item'>办理事项：{itemName}</Text>
      <Text className='fallback-reason'>{reason}</Text>
      {'hall' in props ? (
        <View className='fallback-hall'>
          <Text className='fallback-hall-name'>{props.hall.centerName}服务大厅</Text>
          <Text className='fallback-address'>地址：{props.hall.address}</Text>
          <Text className='fallback-hours'>
            办公时间：<KeepTimes text={props.hall.hours} />
          </Text>
        </View>
      ) : null}
      <View className='fallback-phone' onClick={() => void Taro.makePhoneCall({ phoneNumber: dialNumber(phone) })}>
        <Text>服务热线 </Text>
        <Text className='phone'>{phone}</Text>
      </View>
      <Text className='fallback-counter'>{'hall' in props ? '请携带本人有效身份证件前往办理。' : <KeepTimes text={props.counter} />}</Text>
    </View>
  );
}
