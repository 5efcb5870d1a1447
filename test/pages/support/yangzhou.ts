import type { CenterWithDomains } from '../../../src/core/business-domains';

/** 扬州 as `centers get` answers it to the pages: live, with the links (and the business domains) a test gives it. */
export function yangzhou(links: CenterWithDomains['links'], businessDomains: string[] = []): CenterWithDomains {
  return {
    code: '321000',
    name: '扬州市住房公积金管理中心',
    province: '江苏省',
    city: '扬州市',
    phone: '0514-12329',
    live: true,
    pinyin: 'yangzhoushi',
    initials: 'yzs',
    provincePinyin: 'jiangsusheng',
    provinceInitials: 'jss',
    counter: null,
    links,
    businessDomains,
  };
}
