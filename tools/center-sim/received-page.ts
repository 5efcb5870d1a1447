import { ATTACHMENT_KIND_LABELS } from '../../src/core/applications/payloads';
import { itemById } from '../../src/core/items';
import { yuanText } from '../../src/core/money';
import { APPLICATION_TYPE_LABELS, CENTER_ROLE_LABELS, DELIVERY_TYPE_LABELS, statusName } from './contract';
import type { ReceivedDelivery } from './deliveries';

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const TYPE_LABELS: Record<string, string> = DELIVERY_TYPE_LABELS;
const ROLE_LABELS: Record<string, string> = CENTER_ROLE_LABELS;
const KIND_LABELS: Record<string, string> = ATTACHMENT_KIND_LABELS;

const time = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
const cell = (value: string | null) => `<td>${value === null || value === '' ? '—' : escapeHtml(value)}</td>`;

function answerText(d: ReceivedDelivery): string {
  const answer = d.answer === null ? (d.fault === 'hang' ? '不应答' : '处理中') : String(d.answer);
  const notes = [d.fault && `故障 ${d.fault}`, d.duplicate && '重复'].filter(Boolean);
  return notes.length ? `${answer}（${notes.join('，')}）` : answer;
}

function callbacksText(d: ReceivedDelivery): string {
  if (d.callbacks.length === 0) return '<td>—</td>';
  const items = d.callbacks.map((c) => {
    const name = statusName(c.status);
    const code = (c.response as { code?: unknown } | undefined)?.code;
    const outcome = c.httpStatus === null ? `失败：${c.error ?? '无应答'}` : `${c.httpStatus}${typeof code === 'string' ? ` ${code}` : ''}`;
    const docs = (c.documents ?? []).map((doc) => `，附 ${doc.name}（${doc.size} 字节，sha256 ${doc.sha256}）`).join('');
    const paid = c.payment ? `，支付 ${c.payment.amount === undefined ? '（未填金额）' : yuanText(c.payment.amount)}（${c.payment.paidOn}）` : '';
    return `<li>${escapeHtml(`${time(c.at)} ${c.status} ${name}${docs}${paid}${c.attempt > 1 ? `（第 ${c.attempt} 次）` : ''} → ${outcome}`)}</li>`;
  });
  return `<td><ul>${items.join('')}</ul></td>`;
}

/** What the application asks, personal data masked; a purchase withdrawal's attachments by their description only. */
function applicationText(d: ReceivedDelivery): string {
  const lines = [
    d.test && '测试申请（test: true）',
    d.requestedAmount !== null && `申请提取 ${yuanText(d.requestedAmount)}`,
    d.bankAccountMasked && `收款账号 ${d.bankAccountMasked}`,
    d.serviceItem !== null && `第 ${d.serviceItem} 项 ${itemById(d.serviceItem)?.name ?? ''}`,
    d.phoneMasked && `手机 ${d.phoneMasked}`,
    ...(d.attachments ?? []).map((a) => `${KIND_LABELS[a.kind] ?? a.kind}：${a.name}（${a.contentType}，${a.size} 字节，sha256 ${a.sha256}）`),
  ].filter((line): line is string => Boolean(line));
  return lines.length ? `<td><ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul></td>` : '<td>—</td>';
}

/** The certificate an `application.completed` describes (its content never travels to the accepting center). */
function documentsText(d: ReceivedDelivery): string {
  if (!d.documents?.length) return '<td>—</td>';
  return `<td><ul>${d.documents.map((doc) => `<li>${escapeHtml(`${doc.name}（${doc.contentType}，${doc.size} 字节，sha256 ${doc.sha256}）`)}</li>`).join('')}</ul></td>`;
}

/** GET /received: what the simulated centers received, newest first. Personal data only masked. */
export function receivedPage(received: readonly ReceivedDelivery[]): string {
  const rows = [...received]
    .reverse()
    .map(
      (d) =>
        `<tr>${cell(time(d.at))}${cell(d.centerCode)}${cell(d.type ? (TYPE_LABELS[d.type] ?? d.type) : null)}` +
        `${cell(d.applicationType ? (APPLICATION_TYPE_LABELS[d.applicationType] ?? d.applicationType) : null)}${cell(d.role ? (ROLE_LABELS[d.role] ?? d.role) : null)}` +
        `${cell(d.applicationId)}${cell(d.letterNumber)}${cell(d.applicantMasked)}${cell(d.docNumberMasked)}${applicationText(d)}` +
        `${cell(d.verified ? '通过' : '未通过')}${cell(answerText(d))}` +
        `${cell(d.problems.length ? d.problems.join('；') : null)}${callbacksText(d)}${documentsText(d)}</tr>`,
    )
    .join('');
  const table = received.length
    ? `<table border="1" cellpadding="4"><thead><tr><th>时间</th><th>中心</th><th>推送</th><th>申请类型</th><th>本中心角色</th><th>申请编号</th><th>联系函编号</th><th>申请人</th><th>证件号码</th><th>申请内容</th><th>签名</th><th>应答</th><th>与接口文档不符</th><th>回调</th><th>证明文件</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p id="empty">尚未收到任何推送。</p>';
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>中心模拟器：收到的推送</title></head>` +
    `<body><h1>中心模拟器：收到的推送</h1><p>共 ${received.length} 次推送（含重试与被拒绝的），最新的在前；每 5 秒刷新。个人信息只显示脱敏后的值：证件号码、银行账号只显示首尾各一位，手机号码只显示前三位和后四位；附件只列说明，不存内容。</p>${table}</body></html>`
  );
}
