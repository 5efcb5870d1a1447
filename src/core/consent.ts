import { DELETION_DAYS } from './privacy';

/**
 * The consent shown before face verification. Changing the text means a new version: people who agreed
 * to an older one are asked again.
 */
export const CONSENT_VERSION = '2026-12-v2';

export const CONSENT_TEXT = {
  title: '人脸核身授权说明',
  purpose: '为确认是您本人办理住房公积金业务，需要核验您的姓名、证件号码，并由微信进行人脸比对。',
  kept: '我们只保存核验结果、您的姓名和证件号码（加密保存，页面上只显示首尾字符），不获取、不保存任何人脸图像。',
  period: `核验结果有效期为 30 天，期满需重新核验；解除绑定后立即删除，注销账号则在 ${DELETION_DAYS} 天等待期满后删除。`,
  alternative: '如不同意人脸核身，可选择到任一住房公积金管理中心服务窗口，由工作人员当面核验。',
} as const;
