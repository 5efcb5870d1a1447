import { createHash } from 'node:crypto';
import { certHash } from '../../../cloudfunctions/_lib/wechat/cert-hash';

describe('cert_hash for queryVerifyInfo', () => {
  it("matches WeChat's documented vector for 张三 / 310101199801011234", () => {
    expect(certHash({ certType: 'IDENTITY_CARD', certName: '张三', certNo: '310101199801011234' })).toBe('3c241f7ff324977aeb91f173bb2a7b06569e6fd784d5573db34a636d8671108b');
  });

  it('hashes the documented joined string of base64 fields in the order type, name, number', () => {
    const joined = 'cert_type=SURFTlRJVFlfQ0FSRA==&cert_name=5byg5LiJ&cert_no=MzEwMTAxMTk5ODAxMDExMjM0';
    expect(createHash('sha256').update(joined).digest('hex')).toBe(certHash({ certType: 'IDENTITY_CARD', certName: '张三', certNo: '310101199801011234' }));
  });

  it('changes when the name or the number changes', () => {
    const base = certHash({ certType: 'IDENTITY_CARD', certName: '张三', certNo: '310101199801011234' });
    expect(certHash({ certType: 'IDENTITY_CARD', certName: '李四', certNo: '310101199801011234' })).not.toBe(base);
    expect(certHash({ certType: 'IDENTITY_CARD', certName: '张三', certNo: '31010119980101123X' })).not.toBe(base);
  });
});
