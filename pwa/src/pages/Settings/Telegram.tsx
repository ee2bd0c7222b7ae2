import { useState } from 'preact/hooks';
import { Countdown } from '../../components/Countdown';
import { Notice } from '../../components/Notice';
import { mutate } from '../../graphql/client';
import type { CreateTelegramLinkCodeMutation as CodeData } from '../../graphql/gen/graphql';
import { cachedQuery } from '../../graphql/offline';
import {
  CreateTelegramLinkCodeMutation,
  TelegramLinkQuery,
  UnlinkTelegramMutation,
} from '../../graphql/operations';
import { useLoad, useNow, useT } from '../../hooks';
import { formatWib } from '../../lib/time';
import styles from './style.module.css';

type LinkCode = CodeData['createTelegramLinkCode'];

/** Linking this account to a Telegram chat with the bot: a one-time code, or unlinking. */
export function TelegramSection() {
  const t = useT();
  const now = useNow();
  const link = useLoad(() => cachedQuery('settings:telegram', TelegramLinkQuery, {}), []);
  const [code, setCode] = useState<LinkCode | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const getCode = () =>
    run(async () => {
      const data = await mutate(CreateTelegramLinkCodeMutation, {});
      setCode(data.createTelegramLinkCode);
    });
  const unlink = () => {
    if (!window.confirm(t('telegram.unlinkConfirm'))) return;
    void run(async () => {
      await mutate(UnlinkTelegramMutation, {});
      setCode(null);
      link.reload();
    });
  };
  const linked = link.data?.telegramLink ?? null;
  const expired = code !== null && new Date(code.expiresAt).getTime() <= now.getTime();
  return (
    <div class="card" data-testid="telegram">
      <h2>{t('telegram.title')}</h2>
      {link.error !== null && <Notice kind="error">{t.error(link.error)}</Notice>}
      {error !== null && <Notice kind="error">{t.error(error)}</Notice>}
      {linked ? (
        <>
          <p>
            {linked.username
              ? t('telegram.linkedAs', { name: linked.username })
              : t('telegram.linked')}
          </p>
          <p class="muted">
            {t('telegram.linkedAt', { time: formatWib(linked.linkedAt, t.lang) })}
          </p>
          <button type="button" class="btn btn-danger btn-block" disabled={busy} onClick={unlink}>
            {t('telegram.unlink')}
          </button>
        </>
      ) : (
        !link.loading && (
          <>
            <p class="muted">{t('telegram.notLinked')}</p>
            {code && !expired && (
              <div class={styles.code}>
                <p class="muted">{t('telegram.sendCode')}</p>
                <output class={styles.codeValue} data-testid="telegram-code">
                  {code.code}
                </output>
                <p class="muted">
                  {t('telegram.expires', { time: formatWib(code.expiresAt, t.lang) })}{' '}
                  <Countdown deadline={code.expiresAt} />
                </p>
                {code.deepLink && (
                  <a
                    class="btn btn-primary btn-block"
                    href={code.deepLink}
                    target="_blank"
                    rel="noopener noreferrer"
                  >
                    {t('telegram.open')}
                  </a>
                )}
                <p class="muted">{t('telegram.thenReload')}</p>
              </div>
            )}
            {expired && <p class="muted">{t('telegram.expired')}</p>}
            <div class="row">
              <button type="button" class="btn" disabled={busy} onClick={() => void getCode()}>
                {code ? t('telegram.newCode') : t('telegram.getCode')}
              </button>
              {code && (
                <button type="button" class="btn" disabled={busy} onClick={link.reload}>
                  {t('telegram.check')}
                </button>
              )}
            </div>
          </>
        )
      )}
    </div>
  );
}
