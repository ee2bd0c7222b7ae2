import type { ComponentChildren } from 'preact';
import styles from './style.module.css';

interface Props {
  kind: 'error' | 'info' | 'ok' | 'warn';
  children: ComponentChildren;
}

/** A message in the flow of the page; errors are announced at once, the rest politely. */
export function Notice({ kind, children }: Props) {
  return (
    <div class={`${styles.notice} ${styles[kind]}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
