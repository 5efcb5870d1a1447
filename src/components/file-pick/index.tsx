import './index.scss';

export interface FilePickProps {
  /** The button's id; the file input inside it is `inputId` (what a test gives its files to). */
  id: string;
  inputId: string;
  /** The button's words: what to choose (选择购房合同文件). */
  label: string;
  accept: string;
  disabled?: boolean;
  onFile: (file: File) => void;
}

/**
 * H5's file chooser, drawn as a button with the page's words. The browser's own control reads "Choose File / No file
 * chosen" in English: it stays inside the label, out of sight but reachable by keyboard and screen readers, which
 * read the label's words. Cleared after each choice, so the same file can be chosen again. (In WeChat pages choose
 * files with services/uploads.ts instead.)
 */
export function FilePick({ id, inputId, label, accept, disabled, onFile }: FilePickProps) {
  return (
    <label className='file-pick' htmlFor={inputId} id={id}>
      {label}
      <input
        className='file-pick-input'
        id={inputId}
        type='file'
        accept={accept}
        disabled={disabled}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
    </label>
  );
}
