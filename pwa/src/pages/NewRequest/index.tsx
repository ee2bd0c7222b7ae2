import { useState } from 'preact/hooks';
import { Chips } from '../../components/Chips';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { mutate, uploadFile } from '../../graphql/client';
import type { Priority } from '../../graphql/gen/graphql';
import { SubmitRequestMutation } from '../../graphql/operations';
import { session } from '../../graphql/session';
import { navigate, useT } from '../../hooks';
import { routePath } from '../../lib/route';
import styles from './style.module.css';

interface Picked {
  file: File;
  kind: 'LETTER' | 'MEDIA';
}

export function NewRequest() {
  const t = useT();
  const [title, setTitle] = useState('');
  const [unit, setUnit] = useState(session.get()?.user.unit ?? '');
  const [audience, setAudience] = useState('');
  const [desiredDate, setDesiredDate] = useState('');
  const [narrative, setNarrative] = useState('');
  const [priority, setPriority] = useState<Priority>('BIASA');
  const [files, setFiles] = useState<Picked[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const add = (kind: Picked['kind']) => (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const picked = [...(input.files ?? [])].map((file) => ({ file, kind }));
    setFiles((f) => [...f, ...picked]);
    input.value = '';
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!navigator.onLine) {
      setError(new Error(t('new.needOnline')));
      return;
    }
    try {
      setBusy(t('new.uploading', { n: files.length }));
      const attachmentIds: string[] = [];
      for (const p of files) attachmentIds.push((await uploadFile(p.file, p.kind)).id);
      setBusy(t('common.loading'));
      const data = await mutate(SubmitRequestMutation, {
        input: {
          title: title.trim(),
          unit: unit.trim() || null,
          audience: audience.trim(),
          desiredDate: desiredDate || null,
          narrative: narrative.trim(),
          priority,
          attachmentIds,
        },
      });
      navigate(routePath({ name: 'request', id: data.submitRequest.id }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section>
      <h1>{t('new.title')}</h1>
      {error !== null && (
        <Notice kind="error">
          {error instanceof Error && error.message === t('new.needOnline')
            ? error.message
            : t.error(error)}
        </Notice>
      )}
      <form onSubmit={submit}>
        <label class="field">
          <span>{t('new.titleField')}</span>
          <input
            type="text"
            name="title"
            required
            value={title}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t('new.unit')}</span>
          <input
            type="text"
            name="unit"
            value={unit}
            onInput={(e) => setUnit(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t('new.audience')}</span>
          <input
            type="text"
            name="audience"
            required
            value={audience}
            onInput={(e) => setAudience(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t('new.desiredDate')}</span>
          <input
            type="date"
            name="desiredDate"
            value={desiredDate}
            onInput={(e) => setDesiredDate(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t('new.narrative')}</span>
          <textarea
            name="narrative"
            required
            rows={8}
            value={narrative}
            onInput={(e) => setNarrative(e.currentTarget.value)}
          />
        </label>
        <Chips
          legend={t('new.priority')}
          name="priority"
          value={priority}
          onChange={setPriority}
          options={(['BIASA', 'SEGERA', 'SANGAT_SEGERA'] as const).map((p) => ({
            value: p,
            label: t.enumLabel('prio', p),
          }))}
        />
        <label class="field">
          <span>{t('new.letter')}</span>
          <input
            type="file"
            name="letter"
            accept="application/pdf,image/*"
            onChange={add('LETTER')}
          />
        </label>
        <label class="field">
          <span>{t('new.media')}</span>
          <input
            type="file"
            name="media"
            accept="image/*,video/*"
            multiple
            onChange={add('MEDIA')}
          />
        </label>
        <label class="field">
          <span>
            <Icon name="camera" /> {t('new.camera')}
          </span>
          <input
            type="file"
            name="camera"
            accept="image/*"
            capture="environment"
            onChange={add('MEDIA')}
          />
        </label>
        {files.length > 0 && (
          <ul class={styles.files}>
            {files.map((p, i) => (
              <li key={`${p.file.name}-${i}`}>
                <span class="badge">{p.kind}</span> {p.file.name}
                <button
                  type="button"
                  class="btn"
                  aria-label={`${t('outbox.dismiss')} ${p.file.name}`}
                  onClick={() => setFiles((f) => f.filter((_, j) => j !== i))}
                >
                  <Icon name="x" />
                </button>
              </li>
            ))}
          </ul>
        )}
        {busy && <p role="status">{busy}</p>}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy !== null}>
          {t('new.submit')}
        </button>
      </form>
    </section>
  );
}
