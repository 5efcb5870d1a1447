import { Text, View } from '@tarojs/components';

/** A section of the record as label and value lines: the applicant, the form, the centers, the documents. */
export function RowsCard({ id, title, rows }: { id: string; title: string; rows: { label: string; value: string }[] }) {
  return (
    <View>
      <Text className='section-title'>{title}</Text>
      <View className='card workbench-card' id={id}>
        {rows.map((row) => (
          <View key={row.label} className='workbench-row'>
            <Text className='workbench-row-label'>{row.label}</Text>
            <Text className='workbench-row-value'>{row.value}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}
