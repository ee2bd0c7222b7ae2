import { useNow, useT } from '../../hooks';
import { countdown } from '../../lib/time';

interface Props {
  deadline: string;
}

/** A step's deadline counting down, marked once it is overdue. */
export function Countdown({ deadline }: Props) {
  const t = useT();
  const now = useNow();
  const c = countdown(deadline, now, t.lang);
  const cls = c.overdue ? 'badge badge-danger' : c.urgent ? 'badge badge-warn' : 'badge';
  return (
    <span class={cls} data-overdue={c.overdue ? 'true' : 'false'}>
      {c.overdue ? t('inbox.overdue', { time: c.text }) : t('inbox.left', { time: c.text })}
    </span>
  );
}
