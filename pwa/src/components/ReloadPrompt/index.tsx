import { useEffect } from 'preact/hooks';
import { useStore, useT } from '../../hooks';
import { applyUpdate, needRefresh, offlineReady } from '../../sw/register';
import styles from './style.module.css';

/** Says when a new version is ready (and reloads on request), or that offline use is ready. */
export function ReloadPrompt() {
  const t = useT();
  const refresh = useStore(needRefresh);
  const ready = useStore(offlineReady);
  useEffect(() => {
    if (!ready) return;
    const id = setTimeout(() => offlineReady.set(false), 4000);
    return () => clearTimeout(id);
  }, [ready]);
  if (!refresh && !ready) return null;
  return (
    <div class={styles.toast} role="status">
      <span>{refresh ? t('sw.update') : t('sw.offlineReady')}</span>
      {refresh && (
        <button type="button" class="btn btn-primary" onClick={applyUpdate}>
          {t('sw.reload')}
        </button>
      )}
    </div>
  );
}
