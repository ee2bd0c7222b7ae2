import { useEffect, useState } from 'preact/hooks';
import { attachmentObjectUrl } from '../../graphql/client';
import { useT } from '../../hooks';
import { Icon } from '../Icon';
import styles from './style.module.css';

interface Attachment {
  id: string;
  kind: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  url: string;
}

interface Props {
  attachments: readonly Attachment[];
}

/** Attachments need the bearer token, so their bytes are fetched and shown as object URLs. */
function useObjectUrl(url: string, enabled: boolean): string | null {
  const [objectUrl, setObjectUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let made: string | null = null;
    let live = true;
    attachmentObjectUrl(url).then(
      (u) => {
        made = u;
        if (live) setObjectUrl(u);
        else URL.revokeObjectURL(u);
      },
      () => live && setObjectUrl(null),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url, enabled]);
  return objectUrl;
}

function Item({ a }: { a: Attachment }) {
  const t = useT();
  const isImage = a.contentType.startsWith('image/');
  const isPdf = a.contentType === 'application/pdf';
  const [showPdf, setShowPdf] = useState(false);
  const src = useObjectUrl(a.url, isImage || showPdf);
  const size =
    a.sizeBytes > 1024 * 1024
      ? `${(a.sizeBytes / 1048576).toFixed(1)} MB`
      : `${Math.ceil(a.sizeBytes / 1024)} KB`;
  return (
    <li class={styles.item}>
      {isImage &&
        (src ? (
          <img src={src} alt={a.filename} class={styles.image} />
        ) : (
          <div class={styles.placeholder} />
        ))}
      <div class={styles.meta}>
        <span class="badge">
          <Icon name={a.kind === 'LETTER' ? 'letter' : 'image'} size={14} />{' '}
          {t.enumLabel('kind', a.kind)}
        </span>
        <span class={styles.name}>{a.filename}</span>
        <span class="muted">{size}</span>
      </div>
      {isPdf && (
        <div class="row">
          <button
            type="button"
            class="btn"
            onClick={() => setShowPdf((v) => !v)}
            aria-expanded={showPdf}
          >
            {t('req.showPreview')}
          </button>
          {src && (
            <a class="btn" href={src} target="_blank" rel="noopener" download={a.filename}>
              {t('req.openPdf')}
            </a>
          )}
        </div>
      )}
      {isPdf && showPdf && src && <iframe class={styles.pdf} src={src} title={a.filename} />}
    </li>
  );
}

export function Attachments({ attachments }: Props) {
  const t = useT();
  if (attachments.length === 0) return <p class="muted">{t('req.noAttachments')}</p>;
  return (
    <ul class={styles.list}>
      {attachments.map((a) => (
        <Item key={a.id} a={a} />
      ))}
    </ul>
  );
}
