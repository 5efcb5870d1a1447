import { FRESH_IDENTITY_MAX_AGE_HOURS } from '../../core/identity';
import { ATTEMPTS_KEPT_DAYS, DATA_COPIES_PER_DAY, DELETION_DAYS } from '../../core/privacy';

/**
 * The account subpackage's texts: what 解除绑定 and 注销账号 do and the 隐私政策, built on the figures the functions
 * keep to (src/core/privacy.ts), so the page never says what the functions do not do. They live beside their two
 * pages, not in src/core, so the main package carries none of them.
 */

/** What 解除绑定 does, said before the person confirms. */
export const UNBIND_TEXT = [
  '解除绑定后，我们立即删除您的实名信息：姓名、证件号码、手机号和核验记录。',
  '正在办理的申请不受影响：中心按您提交时的信息继续办理，您仍可在“我的申请”查看进度。',
  '再次在线办理业务前，需要重新实名核验。',
] as const;

/** What 注销账号 deletes. */
export const DELETED_TEXT = [
  '实名信息：姓名、证件号码、手机号和核验记录',
  '您同意授权说明的记录',
  '中心工作人员、测试人员等角色',
  '评价中您写的文字',
  '您的微信账号与申请、评价之间的关联（注销后在小程序中看不到这些记录）',
] as const;

/** What the law requires keeping after 注销账号, by whom and for how long. */
export const KEPT_TEXT = [
  {
    what: '已提交给中心的申请（申请表、上传的材料、办理记录和结果文件）',
    why: '属于办理中心的住房公积金业务档案，由办理中心按会计档案和住房公积金档案管理规定保存 30 年，期满销毁；不再与您的微信账号关联。',
  },
  { what: '评价的分数（不含文字）', why: '用于统计各中心的满意度，不再与您关联，不含任何个人信息。' },
  { what: '安全日志（不含姓名、证件号码、手机号）', why: '按《网络安全法》规定保存不少于 6 个月，用于查处冒用、盗用账号等行为。' },
] as const;

/** When the deletion happens, and how to stop it. */
export const DELETION_STEPS = [
  `提交注销后有 ${DELETION_DAYS} 天等待期，期满后系统自动删除，期间可随时撤销注销。`,
  '有申请正在办理时不能注销：请等申请办结，或先撤销申请。',
  '等待期内如又提交了申请，注销会等到该申请办结或撤销后的次日进行。',
  '中心工作人员、测试人员和监管人员须先由监管人员撤销角色，再注销账号。',
] as const;

/** The 隐私政策, section by section. */
export const POLICY_SECTIONS = [
  {
    title: '我们收集哪些信息',
    lines: [
      '实名核验时：您的姓名、证件类型和证件号码（加密保存，页面上只显示首尾字符）。人脸比对由微信完成，我们不获取、不保存人脸图像。',
      '您授权绑定时：微信绑定的手机号（加密保存）。',
      '办理业务时：申请表中的内容（如银行账号、房屋信息、联系电话）和您上传的材料（如购房合同、发票），加密保存。',
      '评价时：您给出的分数和文字。',
      '微信提供的账号标识，用于识别是您本人在使用。',
    ],
  },
  {
    title: '为什么收集',
    lines: [
      '确认是您本人在办理住房公积金业务，防止他人冒用。',
      '把您的申请交给办理中心，并把办理进度告诉您。',
      '统计各中心的办理量和满意度（统计结果不含个人信息）。',
    ],
  },
  {
    title: '谁会收到您的信息',
    lines: [
      '只有办理您申请的住房公积金管理中心（如转入地和转出地中心、购房地和缴存地中心），用于办理该项业务。',
      '我们不向其他单位或个人提供您的信息，不用于广告或营销。',
    ],
  },
  {
    title: '保存多久',
    lines: [
      '实名核验结果有效 30 天，期满需重新核验。',
      '解除绑定后，实名信息立即删除。',
      `为防止冒用，每次实名核验尝试的记录（微信账号标识和证件号码的加密索引，不含姓名和号码本身）保存 ${ATTEMPTS_KEPT_DAYS} 天后自动删除。解除绑定或注销账号时，您本人的记录立即删除；针对他人证件或核验码的记录用于保护他人，不再关联您的账号，到期自动删除。`,
      `注销账号后，个人信息在 ${DELETION_DAYS} 天等待期满后删除；已提交给中心的申请属于中心的业务档案，由中心保存 30 年。`,
      '注销申请的记录（微信账号标识和申请、删除的时间）最迟在删除后的次日删除，用于确认删除时恰好正在提交的申请也已不再关联您的账号；如有这样的申请，记录保存到该申请办结、解除关联后的次日。',
      '未提交的上传文件 1 天内自动删除；下载链接 10 分钟内有效。',
    ],
  },
  {
    title: '您的权利和行使方式',
    lines: [
      '查看：在“我的”查看实名信息，在“我的申请”查看申请。',
      `复制：在“我的 → 隐私与账号”下载我的数据，包括完整的实名信息、申请和评价；为确认是您本人，下载前 ${FRESH_IDENTITY_MAX_AGE_HOURS} 小时内须完成过实名核验，每天最多下载 ${DATA_COPIES_PER_DAY} 次。`,
      '更正：实名信息有误的，重新实名核验即可更新。',
      '删除和撤回同意：在“我的 → 隐私与账号”解除绑定或注销账号。',
    ],
  },
  {
    title: '联系我们',
    lines: [
      '对个人信息的处理有疑问、意见或投诉，可拨打住房公积金服务热线 12329，或到任一住房公积金管理中心服务窗口反映，我们在 15 个工作日内答复。',
    ],
  },
] as const;
