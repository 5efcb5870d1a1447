import { Text } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { dialNumber } from '../../core/centers';
import { isH5 } from '../../services/platform';
import { ActionButton } from '../action-button';
import './index.scss';

interface CallButtonProps {
  id: string;
  /** The phone as shown (0514-12329, 025-83588888-8001): kept on one line. */
  phone: string;
  /** Whom the call is to, for a screen reader: 拨打{whom}电话. */
  whom: string;
}

/**
 * A button that calls a phone: a tel: link on H5 (the phone's own dialler, and a link a screen reader announces as
 * one), Taro.makePhoneCall in WeChat. The number never breaks across lines.
 */
export function CallButton({ id, phone, whom }: CallButtonProps) {
  const label = `拨打${whom}电话 ${phone}`;
  const words = (
    <>
      <Text className='call-button-verb'>拨打 </Text>
      <Text className='phone call-button-phone'>{phone}</Text>
    </>
  );
  if (isH5) {
    return (
      <a className='secondary-button call-button' id={id} href={`tel:${dialNumber(phone)}`} aria-label={label}>
        {words}
      </a>
    );
  }
  return (
    <ActionButton className='secondary-button call-button' id={id} ariaLabel={label} onClick={() => void Taro.makePhoneCall({ phoneNumber: dialNumber(phone) })}>
      {words}
    </ActionButton>
  );
}
