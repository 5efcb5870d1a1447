import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { ROLE_LABELS, scopeOf, type RoleGrant } from '../../../core/roles';
import { StateView } from '../../../components/state-view';
import { callFunction } from '../../../services/cloud';
import { DEV_PERSONAS, devOpenid, setDevOpenid } from '../../../services/dev-identity';
import './index.scss';

type Check = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; roles: RoleGrant[] };

/** Local host only: act as an employee, a tester, a center's staff or a supervisor. */
export default function SignIn() {
  const [current, setCurrent] = useState(devOpenid());
  const [check, setCheck] = useState<Check>({ status: 'idle' });

  const choose = async (openid: string) => {
    setDevOpenid(openid);
    setCurrent(openid);
    setCheck({ status: 'loading' });
    const result = await callFunction<{ roles: RoleGrant[] }>('session', { action: 'whoami' });
    setCheck(result.ok ? { status: 'ready', roles: result.data.roles } : { status: 'error', message: result.message });
  };

  return (
    <View className='sign-in'>
      <Text className='section-title'>本页只在本地开发环境出现，选择要扮演的身份</Text>
      <View className='card'>
        {DEV_PERSONAS.map((p) => (
          <View key={p.openid} className={p.openid === current ? 'persona persona-current' : 'persona'} id={`persona-${p.role}`} onClick={() => void choose(p.openid)}>
            <Text>{p.label}</Text>
            <Text className='persona-openid'>{p.openid}</Text>
          </View>
        ))}
      </View>
      {check.status === 'loading' ? <StateView status='loading' message='正在确认身份…' /> : null}
      {check.status === 'error' ? <StateView status='error' message={check.message} /> : null}
      {check.status === 'ready' ? (
        <View className='card' id='sign-in-roles'>
          <Text>
            当前身份：
            {check.roles.length === 0 ? ROLE_LABELS.employee : check.roles.map((r) => ROLE_LABELS[r.role] + (scopeOf(r) === '' ? '' : `（${scopeOf(r)}）`)).join('、')}
          </Text>
          <View className='sign-in-home' onClick={() => void Taro.reLaunch({ url: '/pages/index/index' })}>
            <Text className='phone'>返回首页</Text>
          </View>
        </View>
      ) : null}
    </View>
  );
}
