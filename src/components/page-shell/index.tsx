import { View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, type ComponentType, type ReactNode } from 'react';
import { ELDER_TAB_BAR_CLASS, useElderMode } from '../../services/elder-mode';
import { isH5 } from '../../services/platform';
import { ActionButton } from '../action-button';
import { PrivacyFooter } from '../privacy-footer';
import { ElderNotice } from '../elder-notice';
import './index.scss';

const HOME = '/pages/index/index';

export interface PageShellProps {
  /** The page's title: the H5 title bar shows it; in WeChat the native bar shows the page config's. */
  title: string;
  /** False on the tab bar's pages (首页, 我的申请, 我的: the tab bar takes the person elsewhere) and 内部试用中. */
  back?: boolean;
  children?: ReactNode;
}

/** The way out of a page: back to the page before, or to 首页 when it was opened directly (a shared link, a reload). */
export function wayOut(): { back: boolean; label: string; go: () => void } {
  return Taro.getCurrentPages().length > 1
    ? { back: true, label: '返回', go: () => void Taro.navigateBack() }
    : { back: false, label: '首页', go: () => void Taro.reLaunch({ url: HOME }) };
}

function BackButton() {
  const out = wayOut();
  return (
    <ActionButton className='shell-back' id={out.back ? 'shell-back' : 'shell-home'} onClick={out.go}>
      ‹ {out.label}
    </ActionButton>
  );
}

/**
 * The frame of every employee page: on H5 a title bar with the page's title and a back button (WeChat draws its own
 * bar from the page config), and the 长辈版 class when the person chose it.
 */
export function PageShell({ title, back = true, children }: PageShellProps) {
  const elder = useElderMode();
  // H5's tab bar is drawn by Taro outside every page: the body says 长辈版 to it (WeChat's own tab bar keeps its size)
  useEffect(() => {
    if (isH5) document.body.classList.toggle(ELDER_TAB_BAR_CLASS, elder);
  }, [elder]);
  return (
    <View className={`page-shell${elder ? ' elder-mode' : ''}`}>
      {isH5 ? (
        <View className='shell-bar' id='shell-bar' role='banner'>
          {back ? <BackButton /> : null}
          <View className='shell-title' id='shell-title' role='heading' aria-level={1}>
            {title}
          </View>
        </View>
      ) : null}
      {elder ? <ElderNotice /> : null}
      {children}
      <PrivacyFooter />
    </View>
  );
}

/**
 * A page wrapped in the shell: `export default withPageShell(Page, { title: '我的申请', back: false })`. A title that
 * follows the page's parameters is a function of them (证明申请 names the certificate asked for).
 */
export function withPageShell(Page: ComponentType, { title, back }: { title: string | ((params: Partial<Record<string, string>>) => string); back?: boolean }) {
  // chosen once per page: a fixed title needs no router (a page without parameters may have none in tests)
  const useTitle = typeof title === 'string' ? () => title : () => title(useRouter().params);
  function ShelledPage() {
    return (
      <PageShell title={useTitle()} back={back}>
        <Page />
      </PageShell>
    );
  }
  ShelledPage.displayName = `withPageShell(${Page.displayName ?? Page.name})`;
  return ShelledPage;
}
