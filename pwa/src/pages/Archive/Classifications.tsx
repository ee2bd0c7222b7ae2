// The records classification list, kept by admins: add a code, edit its title and default
// retention, deactivate it (entries filed under it keep it), or delete one nobody used.
import { useState } from 'preact/hooks';
import { Notice } from '../../components/Notice';
import { mutate } from '../../graphql/client';
import type { ClassificationFieldsFragment } from '../../graphql/gen/graphql';
import { cachedQuery } from '../../graphql/offline';
import {
  ClassificationsQuery,
  CreateClassificationMutation,
  DeleteClassificationMutation,
  UpdateClassificationMutation,
} from '../../graphql/operations';
import { useLoad, useT } from '../../hooks';
import styles from './style.module.css';

type Status = { kind: 'ok' } | { kind: 'error'; error: unknown } | null;

function StatusNotice({ status }: { status: Status }) {
  const t = useT();
  if (!status) return null;
  return status.kind === 'ok' ? (
    <Notice kind="ok">{t('admin.saved')}</Notice>
  ) : (
    <Notice kind="error">{t.error(status.error)}</Notice>
  );
}

function Row({ item, onChange }: { item: ClassificationFieldsFragment; onChange: () => void }) {
  const t = useT();
  const [title, setTitle] = useState(item.title);
  const [years, setYears] = useState(String(item.defaultRetentionYears));
  const [status, setStatus] = useState<Status>(null);
  const run = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setStatus({ kind: 'ok' });
      onChange();
    } catch (error) {
      setStatus({ kind: 'error', error });
    }
  };
  const save = (e: Event) => {
    e.preventDefault();
    void run(() =>
      mutate(UpdateClassificationMutation, {
        input: { id: item.id, title: title.trim(), defaultRetentionYears: Number(years) },
      }),
    );
  };
  return (
    <li class="card" data-code={item.code}>
      <div class={styles.row}>
        <strong>{item.code}</strong>
        <span class={item.active ? 'badge badge-ok' : 'badge badge-danger'}>
          {item.active ? t('admin.active') : t('admin.inactive')}
        </span>
      </div>
      <details>
        <summary>{item.title}</summary>
        <form onSubmit={save}>
          <label class="field">
            <span>{t('classification.title')}</span>
            <input
              type="text"
              required
              value={title}
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>{t('classification.years')}</span>
            <input
              type="number"
              min={1}
              max={100}
              required
              value={years}
              onInput={(e) => setYears(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="btn btn-block">
            {t('common.save')}
          </button>
        </form>
        <button
          type="button"
          class="btn btn-block"
          onClick={() =>
            void run(() =>
              mutate(UpdateClassificationMutation, {
                input: { id: item.id, active: !item.active },
              }),
            )
          }
        >
          {item.active ? t('admin.deactivate') : t('admin.activate')}
        </button>
        <button
          type="button"
          class="btn btn-block"
          onClick={() => void run(() => mutate(DeleteClassificationMutation, { id: item.id }))}
        >
          {t('classification.delete')}
        </button>
      </details>
      <StatusNotice status={status} />
    </li>
  );
}

export function Classifications() {
  const t = useT();
  const list = useLoad(
    () => cachedQuery('admin:classifications', ClassificationsQuery, { includeInactive: true }),
    [],
  );
  const [code, setCode] = useState('');
  const [title, setTitle] = useState('');
  const [years, setYears] = useState('5');
  const [status, setStatus] = useState<Status>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      await mutate(CreateClassificationMutation, {
        input: { code: code.trim(), title: title.trim(), defaultRetentionYears: Number(years) },
      });
      setStatus({ kind: 'ok' });
      setCode('');
      setTitle('');
      list.reload();
    } catch (error) {
      setStatus({ kind: 'error', error });
    }
  };
  return (
    <>
      <form class="card" onSubmit={create}>
        <h2>{t('classification.new')}</h2>
        <label class="field">
          <span>{t('act.classification')}</span>
          <input
            type="text"
            name="code"
            required
            placeholder="HM.01.04"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t('classification.title')}</span>
          <input
            type="text"
            name="title"
            required
            value={title}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{t('classification.years')}</span>
          <input
            type="number"
            name="defaultRetentionYears"
            min={1}
            max={100}
            required
            value={years}
            onInput={(e) => setYears(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn-primary btn-block">
          {t('admin.create')}
        </button>
        <StatusNotice status={status} />
      </form>
      {list.error !== null && <Notice kind="error">{t.error(list.error)}</Notice>}
      <ul class={styles.list}>
        {list.data?.classifications.map((c) => (
          <Row key={c.id} item={c} onChange={list.reload} />
        ))}
      </ul>
    </>
  );
}
