import { Input, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import type { CenterSummary } from '../../core/centers';
import { callFunction } from '../../services/cloud';
import { StateView } from '../state-view';
import './index.scss';

/** Waits this long after the last keystroke before asking, so typing "yangzhou" is one request, not eight. */
export const SEARCH_DEBOUNCE_MS = 200;

type SearchState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; items: CenterSummary[] };

export interface CenterSearchProps {
  onPick: (center: CenterSummary) => void;
  placeholder?: string;
  autoFocus?: boolean;
}

/** Search centers by Chinese name, full pinyin or initials as you type. */
export function CenterSearch({ onPick, placeholder = '城市名、拼音或首字母，如 扬州 / yz', autoFocus }: CenterSearchProps) {
  const [query, setQuery] = useState('');
  const [state, setState] = useState<SearchState>({ status: 'idle' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const q = query.trim();
    if (q === '') {
      setState({ status: 'idle' });
      return;
    }
    let current = true;
    setState({ status: 'loading' });
    const timer = setTimeout(() => {
      void callFunction<{ items: CenterSummary[] }>('centers', { action: 'search', query: q }).then((result) => {
        if (!current) return;
        setState(result.ok ? { status: 'ready', items: result.data.items } : { status: 'error', message: result.message });
      });
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, attempt]);

  return (
    <View className='center-search'>
      <Input
        className='center-search-input'
        type='text'
        value={query}
        focus={autoFocus}
        placeholder={placeholder}
        confirmType='search'
        onInput={(e) => setQuery(e.detail.value)}
      />
      {state.status === 'loading' ? <StateView status='loading' message='正在搜索…' /> : null}
      {state.status === 'error' ? <StateView status='error' message={state.message} onRetry={() => setAttempt((n) => n + 1)} /> : null}
      {state.status === 'ready' && state.items.length === 0 ? (
        <StateView status='empty' message={`没有找到与“${query.trim()}”相关的中心，换个名称或拼音试试`} />
      ) : null}
      {state.status === 'ready' && state.items.length > 0 ? (
        <View className='center-search-results'>
          {state.items.map((c) => (
            <View key={c.code} className='center-search-result' id={`center-${c.code}`} onClick={() => onPick(c)}>
              <Text className='result-name'>{c.name}</Text>
              <Text className='result-meta'>
                {c.province} · {c.phone}
              </Text>
            </View>
          ))}
        </View>
      ) : null}
    </View>
  );
}
