import { Input, Text, View } from '@tarojs/components';
import type { PropsWithChildren, ReactNode } from 'react';
import type { CenterSummary } from '../../core/centers';
import { HAND_CODE_LENGTH } from '../../core/codes';
import { showField, type SubmitError, type SummaryLine } from '../../services/use-application-form';
import { ActionButton } from '../action-button';
import { CenterSearch } from '../center-search';
import { SubmitErrorCard } from '../submit-error';
import './index.scss';

/*
 * The pieces every application form renders the same way. Each takes the page's id prefix, as IdentityNotice
 * and SubmitErrorCard do: a field is `#<prefix>-<slug>`, its message `#<prefix>-<slug>-error`, a review row
 * `#<prefix>-review-<slug>`. The page keeps its state, its fields and its own text.
 */

/** The message under a field, when there is one. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <Text className='field-error' id={id}>
      {message}
    </Text>
  ) : null;
}

interface FormFieldProps {
  prefix: string;
  slug: string;
  label: string;
  /** A line under the label saying which center or value is meant. */
  hint?: ReactNode;
  error: string | undefined;
}

/** A labelled field around any control, with its hint `#<prefix>-<slug>-hint` and its message `#<prefix>-<slug>-error` under it. */
export function FormField({ prefix, slug, label, hint, error, children }: PropsWithChildren<FormFieldProps>) {
  return (
    <View className='application-form-field'>
      <Text className={hint ? 'application-form-label application-form-label-hinted' : 'application-form-label'}>{label}</Text>
      {hint ? (
        <Text className='application-form-hint' id={`${prefix}-${slug}-hint`}>
          {hint}
        </Text>
      ) : null}
      {children}
      <FieldError id={`${prefix}-${slug}-error`} message={error} />
    </View>
  );
}

/**
 * "已输入 n / limit 字" under a long text (`#<prefix>-<slug>-count`), marked past the limit: the text is never cut,
 * the form's rule refuses it naming the limit. Characters outside the BMP (𠮷) count once.
 */
export function CharCounter({ id, value, limit }: { id: string; value: string; limit: number }) {
  const count = [...value].length;
  return (
    <Text className={count > limit ? 'application-form-counter application-form-counter-over' : 'application-form-counter'} id={id}>
      {count > limit ? `已输入 ${count} 字，超出 ${count - limit} 字（最多 ${limit} 字）` : `已输入 ${count} / ${limit} 字`}
    </Text>
  );
}

/** No limit on what may be typed (Taro's -1): a text past its rule's limit is refused with the limit named, never cut. */
export const NO_CUT = -1;

interface TextFieldProps extends FormFieldProps {
  value: string;
  placeholder: string;
  type?: 'text' | 'number' | 'digit';
  /** What may be typed; never cut by default (NO_CUT). A phone's 11 digits are its form, not a cut. */
  maxlength?: number;
  /** The rule's limit, shown by a counter under the field. */
  limit?: number;
  onInput: (value: string) => void;
}

/** A labelled text input `#<prefix>-<slug>` (the native `<input>` is inside it in H5). */
export function TextField({ prefix, slug, value, placeholder, type = 'text', maxlength = NO_CUT, limit, onInput, ...field }: TextFieldProps) {
  return (
    <FormField prefix={prefix} slug={slug} {...field}>
      <Input
        className='application-form-input'
        id={`${prefix}-${slug}`}
        type={type}
        maxlength={maxlength}
        value={value}
        placeholder={placeholder}
        onInput={(e) => onInput(e.detail.value)}
      />
      {limit ? <CharCounter id={`${prefix}-${slug}-count`} value={value} limit={limit} /> : null}
    </FormField>
  );
}

/** The invite code `#join-code` of a staff or trial invite, typed by hand: its HAND_CODE_LENGTH letters or digits. */
export function InviteCodeField({ value, error, onInput }: Pick<TextFieldProps, 'value' | 'error' | 'onInput'>) {
  return (
    <TextField
      prefix='join'
      slug='code'
      label='邀请码'
      value={value}
      placeholder={`${HAND_CODE_LENGTH} 位字母或数字`}
      maxlength={HAND_CODE_LENGTH}
      error={error}
      onInput={onInput}
    />
  );
}

/**
 * After 下一步 or a refusal of the function: every message of the form at the top (`#<prefix>-error-summary`), each
 * line naming its field (`#<prefix>-error-summary-<slug>`), a tap bringing that field into view and focus. Nothing
 * when there is no message.
 */
export function ErrorSummary({ prefix, lines }: { prefix: string; lines: readonly SummaryLine[] }) {
  if (lines.length === 0) return null;
  return (
    <View className='card application-form-summary' id={`${prefix}-error-summary`} role='alert'>
      <Text className='application-form-summary-title'>有 {lines.length} 处需要修改</Text>
      {lines.map(({ slug, label, message }) => (
        <Text key={slug} className='application-form-summary-line' id={`${prefix}-error-summary-${slug}`} onClick={() => showField(`${prefix}-${slug}`)}>
          {label}：{message}
        </Text>
      ))}
    </View>
  );
}

/** The contact phone every application asks for: spread into a TextField (or a page's table of fields). */
export const PHONE_INPUT = { label: '手机号码', placeholder: '11 位手机号，中心办理时联系您', type: 'number', maxlength: 11 } as const;

interface CenterFieldProps extends FormFieldProps {
  picked: CenterSummary | undefined;
  /** What stands in the field before a center is picked; "请选择<label>" unless given. */
  placeholder?: string;
  /** Whether the search is shown under the field: the page keeps it, so that one search is open at a time. */
  searching: boolean;
  onSearchingChange: (searching: boolean) => void;
  onPick: (center: CenterSummary) => void;
}

/**
 * A center to pick: the picked center `#<prefix>-<slug>` (tap to search, "更换 ›" once picked) and, while
 * searching, the center search `#<prefix>-<slug>-search` under it; picking closes the search.
 */
export function CenterField({ prefix, slug, picked, placeholder, searching, onSearchingChange, onPick, ...field }: CenterFieldProps) {
  return (
    <FormField prefix={prefix} slug={slug} {...field}>
      <View className='application-form-center' id={`${prefix}-${slug}`} onClick={() => onSearchingChange(!searching)}>
        <Text className={picked ? 'application-form-center-name' : 'application-form-center-empty'}>{picked ? picked.name : (placeholder ?? `请选择${field.label}`)}</Text>
        <Text className='application-form-center-change'>{picked ? '更换 ›' : '›'}</Text>
      </View>
      {searching ? (
        <View className='application-form-center-search' id={`${prefix}-${slug}-search`}>
          <CenterSearch
            autoFocus
            onPick={(center) => {
              onPick(center);
              onSearchingChange(false);
            }}
          />
        </View>
      ) : null}
    </FormField>
  );
}

/** A form page, in its form or its review. */
export function FormPage({ children }: PropsWithChildren) {
  return <View className='application-form-page'>{children}</View>;
}

/** The card at the top of a form: what the service is and how it goes (`#<prefix>-intro`). */
export function IntroCard({ prefix, title, children }: PropsWithChildren<{ prefix: string; title: string }>) {
  return (
    <View className='card application-form-note' id={`${prefix}-intro`}>
      <Text className='application-form-note-title'>{title}</Text>
      <Text className='application-form-note-text'>{children}</Text>
    </View>
  );
}

/** The button from the form to its review (`#<prefix>-next`). */
export function NextButton({ prefix, disabled, onClick }: { prefix: string; disabled?: boolean; onClick: () => void }) {
  return (
    <ActionButton className='primary-button application-form-button' id={`${prefix}-next`} disabled={disabled} onClick={onClick}>
      下一步：核对信息
    </ActionButton>
  );
}

export interface ReviewRow {
  /** The row's value is `#<prefix>-review-<slug>`. */
  slug: string;
  label: string;
  /** As the person should see it: masked where the value is personal. */
  value: string;
}

/** "请核对申请信息" and the card `#<prefix>-review` of what will be sent, one row a field. */
export function ReviewCard({ prefix, rows }: { prefix: string; rows: readonly ReviewRow[] }) {
  return (
    <>
      <Text className='section-title'>请核对申请信息</Text>
      <View className='card' id={`${prefix}-review`}>
        {rows.map(({ slug, label, value }) => (
          <View key={slug} className='application-form-row'>
            <Text className='application-form-row-label'>{label}</Text>
            <Text className='application-form-row-value' id={`${prefix}-review-${slug}`}>
              {value}
            </Text>
          </View>
        ))}
      </View>
    </>
  );
}

/** "提交后会怎样" (`#<prefix>-next-steps`): the steps after submitting, numbered in the order given. */
export function NextSteps({ prefix, steps }: { prefix: string; steps: readonly ReactNode[] }) {
  return (
    <View className='card application-form-note' id={`${prefix}-next-steps`}>
      <Text className='application-form-note-title'>提交后会怎样</Text>
      {steps.map((step, i) => (
        <Text key={i} className='application-form-note-text'>
          {i + 1}. {step}
        </Text>
      ))}
    </View>
  );
}

/** What SubmitButtons needs of useApplicationForm: pass the form's flow as it is. */
export interface Submission {
  busy: boolean;
  submitError: SubmitError | undefined;
  submit: () => Promise<void>;
  backToForm: () => void;
}

/**
 * Under the review: why the last submission failed (SubmitErrorCard), 提交申请 `#<prefix>-submit` and
 * 返回修改 `#<prefix>-edit`, both disabled while the submission is under way.
 */
export function SubmitButtons({ prefix, flow }: { prefix: string; flow: Submission }) {
  const { busy, submitError, submit, backToForm } = flow;
  return (
    <>
      {submitError ? <SubmitErrorCard prefix={prefix} error={submitError} /> : null}
      <ActionButton className='primary-button application-form-button' id={`${prefix}-submit`} loading={busy} disabled={busy} onClick={() => void submit()}>
        提交申请
      </ActionButton>
      <ActionButton className='secondary-button application-form-button' id={`${prefix}-edit`} disabled={busy} onClick={backToForm}>
        返回修改
      </ActionButton>
    </>
  );
}
