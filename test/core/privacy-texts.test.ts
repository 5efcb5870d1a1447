import { CONSENT_TEXT } from '../../src/core/consent';
import { DELETION_DAYS } from '../../src/core/privacy';
import { DELETION_STEPS, POLICY_SECTIONS, UNBIND_TEXT } from '../../src/packages/account/texts';

/** What the texts a person agrees to or reads say about when their data is deleted: the same thing everywhere. */
describe('the privacy texts about deletion', () => {
  const everything = [...Object.values(CONSENT_TEXT), JSON.stringify(POLICY_SECTIONS), ...DELETION_STEPS, ...UNBIND_TEXT].join('\n');

  it('say an account is deleted when its waiting period ends, never "within" it, as the deletion is carried out', () => {
    expect(DELETION_STEPS[0]).toContain(`${DELETION_DAYS} 天等待期，期满后系统自动删除`);
    expect(everything).not.toMatch(/天内删除/);
    expect(CONSENT_TEXT.period).toContain(`注销账号则在 ${DELETION_DAYS} 天等待期满后删除`);
    expect(JSON.stringify(POLICY_SECTIONS)).toContain(`注销账号后，个人信息在 ${DELETION_DAYS} 天等待期满后删除`);
  });

  it('say unbinding deletes the identity at once, as the 解除绑定 card does', () => {
    expect(UNBIND_TEXT.join('')).toMatch(/立即删除/);
    expect(CONSENT_TEXT.period).toContain('解除绑定后立即删除');
    expect(JSON.stringify(POLICY_SECTIONS)).toContain('解除绑定后，实名信息立即删除');
  });
});
