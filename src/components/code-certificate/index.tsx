import { Text, View } from '@tarojs/components';
import type { CodeShows } from '../../core/certificate-code';
import { formatShanghai } from '../../core/time';
import './index.scss';

/** Exactly what a center reading the code sees. */
export function CodeCertificate({ shows, id }: { shows: CodeShows; id: string }) {
  const rows: [string, string][] = [
    ['证明', shows.title],
    ['持有人', shows.holderName],
    ['证件号码', shows.holderDocNumber],
    ['出具中心', shows.issuingCenter.name],
    ['证明文件', shows.document.name],
    ['出具时间', formatShanghai(new Date(shows.document.issuedAt))],
    ['文件指纹（SHA-256）', shows.document.sha256],
  ];
  return (
    <View id={id}>
      {rows.map(([label, value]) => (
        <View key={label} className='code-row'>
          <Text className='code-row-label'>{label}</Text>
          <Text className='code-row-value'>{value}</Text>
        </View>
      ))}
    </View>
  );
}
