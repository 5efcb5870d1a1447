import { Text, View } from '@tarojs/components';
import { ACCOUNT_PAGE } from '../../../core/privacy';
import { POLICY_SECTIONS } from '../texts';
import { withPageShell } from '../../../components/page-shell';
import { openPage } from '../../../services/privacy';
import './index.scss';

/** 隐私政策: what is collected, why, who receives it, how long it is kept, the person's rights and whom to ask; in plain words. */
function PrivacyPage() {
  return (
    <View className='privacy-page' id='privacy-page'>
      <View className='card'>
        <Text className='privacy-lead'>全国住房公积金小程序按《个人信息保护法》处理您的个人信息。以下说明我们收集什么、为什么、给谁、保存多久，以及您可以怎样查看、复制、更正和删除。</Text>
      </View>
      {POLICY_SECTIONS.map((section) => (
        <View className='card privacy-section' key={section.title}>
          <View className='privacy-title' role='heading' aria-level={2}>
            {section.title}
          </View>
          {section.lines.map((line) => (
            <Text className='privacy-line' key={line}>
              {line}
            </Text>
          ))}
        </View>
      ))}
      <View className='card privacy-section'>
        <Text className='privacy-line'>下载我的数据、解除绑定、注销账号，都在这里办理：</Text>
        <View className='privacy-link' id='privacy-go-account' role='link' onClick={() => openPage(ACCOUNT_PAGE)}>
          打开“隐私与账号”
        </View>
      </View>
    </View>
  );
}

export default withPageShell(PrivacyPage, { title: '隐私政策' });
