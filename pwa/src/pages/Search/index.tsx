// Full-text search over requests and the archive: a query, filters, and ranked results with
// the matches marked. People see only what the server lets them; a result opens the request.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from '../../components/Icon';
import { Notice } from '../../components/Notice';
import { query } from '../../graphql/client';
import type { RequestStatus, SearchRequestsQuery as SearchData } from '../../graphql/gen/graphql';
import { cachedQuery } from '../../graphql/offline';
import { ChannelsQuery, SearchRequestsQuery } from '../../graphql/operations';
import { navigate, useLoad, useT } from '../../hooks';
import { routePath } from '../../lib/route';
import { formatWib } from '../../lib/time';
import { countFilters, type FilterForm, NO_FILTERS, toSearchFilter } from './filters';
import { parseHighlight } from './highlight';
import styles from './style.module.css';

const STATUSES: readonly RequestStatus[] = [
  'DISPOSITION',
  'INSTRUCTION',
  'VERIFICATION',
  'REVIEW',
  'ASSIGNMENT',
  'PUBLICATION',
  'ARCHIVING',
  'RETURNED',
  'ARCHIVED',
  'REJECTED',
  'WITHDRAWN',
];
const PAGE_SIZE = 20;

type Hit = SearchData['search']['edges'][number]['node'];

/** Highlighted text as text nodes and `<mark>` elements; never parsed as HTML. */
function Highlighted({ html }: { html: string }) {
  return (
    <>
      {parseHighlight(html).map((s) =>
        s.mark ? <mark key={s.at}>{s.text}</mark> : <span key={s.at}>{s.text}</span>,
      )}
    </>
  );
}

interface Results {
  hits: Hit[];
  total: number;
  next: string | null;
}

export function Search() {
  const t = useT();
  const [text, setText] = useState('');
  const [form, setForm] = useState<FilterForm>(NO_FILTERS);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [asked, setAsked] = useState<string | null>(null);
  const [results, setResults] = useState<Results | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Only the latest search may show its answer (a slow one must not overwrite a newer one).
  const latest = useRef(0);
  const channels = useLoad(
    () => cachedQuery('channels', ChannelsQuery, { includeInactive: false }),
    [],
  );

  const run = async (q: string, filters: FilterForm, after: string | null) => {
    const ticket = ++latest.current;
    setBusy(true);
    setError(null);
    try {
      const data = await query(SearchRequestsQuery, {
        query: q,
        filter: toSearchFilter(filters),
        first: PAGE_SIZE,
        after,
      });
      if (ticket !== latest.current) return;
      const page = data.search;
      const found = page.edges.map((e) => e.node);
      setResults((prev) => ({
        hits: after && prev ? [...prev.hits, ...found] : found,
        total: page.totalCount,
        next: page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null,
      }));
    } catch (e) {
      if (ticket !== latest.current) return;
      setError(e);
      if (!after) setResults(null);
    } finally {
      if (ticket === latest.current) setBusy(false);
    }
  };

  // Changing a filter after a search searches again with it.
  useEffect(() => {
    if (asked) void run(asked, form, null);
  }, [form]);

  const submit = (e: Event) => {
    e.preventDefault();
    const q = text.trim();
    if (!q) return;
    setAsked(q);
    void run(q, form, null);
  };
  const field = (key: keyof FilterForm) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const go = (href: string) => (e: Event) => {
    e.preventDefault();
    navigate(href);
  };
  const active = countFilters(form);

  return (
    <section>
      <h1>{t('search.title')}</h1>
      <form class={styles.form} onSubmit={submit}>
        <label class="field">
          <span>{t('search.label')}</span>
          <input
            class={styles.query}
            type="search"
            name="q"
            value={text}
            placeholder={t('search.placeholder')}
            enterKeyHint="search"
            autoComplete="off"
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <div class={styles.actions}>
          <button type="submit" class="btn btn-primary" disabled={busy || !text.trim()}>
            <Icon name="search" /> {t('search.submit')}
          </button>
          <button
            type="button"
            class="btn"
            aria-expanded={filtersOpen}
            aria-controls="search-filters"
            onClick={() => setFiltersOpen(!filtersOpen)}
          >
            {t('search.filters')}
            {active > 0 && <span class="badge">{active}</span>}
          </button>
        </div>
        <p class="muted">{t('search.hint')}</p>
      </form>

      {filtersOpen && (
        <fieldset id="search-filters" class={styles.filters}>
          <legend>{t('search.filters')}</legend>
          <label class="field">
            <span>{t('search.status')}</span>
            <select value={form.status} onChange={field('status')}>
              <option value="">{t('search.anyStatus')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t.enumLabel('status', s)}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>{t('search.channel')}</span>
            <select value={form.channelId} onChange={field('channelId')}>
              <option value="">{t('search.anyChannel')}</option>
              {channels.data?.channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>{t('search.classification')}</span>
            <input
              type="text"
              value={form.classificationCode}
              placeholder="HM.00"
              onChange={field('classificationCode')}
            />
          </label>
          <label class="field">
            <span>{t('search.unit')}</span>
            <input type="text" value={form.unit} onChange={field('unit')} />
          </label>
          <div class={styles.dates}>
            <label class="field">
              <span>{t('search.from')}</span>
              <input type="date" value={form.from} onChange={field('from')} />
            </label>
            <label class="field">
              <span>{t('search.until')}</span>
              <input type="date" value={form.until} onChange={field('until')} />
            </label>
          </div>
          <button
            type="button"
            class="btn btn-block"
            disabled={active === 0}
            onClick={() => setForm(NO_FILTERS)}
          >
            {t('search.clear')}
          </button>
        </fieldset>
      )}

      {error !== null && <Notice kind="error">{t.error(error)}</Notice>}
      {busy && !results && <p class="muted">{t('common.loading')}</p>}
      {results && (
        <>
          <p class="muted" aria-live="polite">
            {results.total === 0 ? t('search.empty') : t('search.count', { n: results.total })}
          </p>
          <ul class={styles.list}>
            {results.hits.map((h) => {
              const href = routePath({ name: 'request', id: h.requestId });
              return (
                <li key={h.requestId}>
                  <a href={href} class={styles.item} onClick={go(href)}>
                    <span class="muted">
                      {h.agendaNumber} · {formatWib(h.submittedAt, t.lang)}
                    </span>
                    <strong class={styles.title}>
                      <Highlighted html={h.titleHtml} />
                    </strong>
                    <span class={styles.snippet}>
                      <Highlighted html={h.snippetHtml} />
                    </span>
                    <span class={styles.meta}>
                      <span class="badge">{t.enumLabel('status', h.status)}</span>
                      <span class="muted">{h.unit}</span>
                    </span>
                    <span class="muted">
                      {t('search.matched', {
                        fields: h.matchedFields.map((f) => t.enumLabel('field', f)).join(', '),
                      })}
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
          {results.next && (
            <button
              type="button"
              class="btn btn-block"
              disabled={busy}
              onClick={() => asked && run(asked, form, results.next)}
            >
              {busy ? t('common.loading') : t('search.more')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
