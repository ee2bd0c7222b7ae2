import { diffWords } from '../../lib/diff';
import styles from './style.module.css';

interface Props {
  before: string;
  after: string;
  label: string;
}

/** A word-level diff: removed words struck through, added words highlighted. */
export function DiffView({ before, after, label }: Props) {
  const parts = diffWords(before, after);
  return (
    <div class={styles.diff} data-label={label}>
      {parts.map((p, i) =>
        p.op === 'same' ? (
          <span key={i}>{p.text}</span>
        ) : p.op === 'added' ? (
          <ins key={i} class={styles.added}>
            {p.text}
          </ins>
        ) : (
          <del key={i} class={styles.removed}>
            {p.text}
          </del>
        ),
      )}
    </div>
  );
}
