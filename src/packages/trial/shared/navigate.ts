import Taro from '@tarojs/taro';

/** The trial's pages, opened from one another. */
export const goChecklist = (centerCode: string) => void Taro.navigateTo({ url: `/packages/trial/checklist/index?code=${centerCode}` });
/** 试用问题; `findingId`: open on the tab of that finding (from a checklist's 查看问题). */
export const goFindings = (findingId?: string | null) => void Taro.navigateTo({ url: findingId ? `/packages/trial/findings/index?finding=${findingId}` : '/packages/trial/findings/index' });
