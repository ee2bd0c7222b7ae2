// The shell: header, the outbox banner, the page for the current route and the bottom
// navigation (thumb reach on a phone).
import { lazy, Suspense } from 'preact/compat';
import { useEffect } from 'preact/hooks';
import styles from './app.module.css';
import { Icon, type IconName } from './components/Icon';
import { OutboxBanner } from './components/OutboxBanner';
import { ReloadPrompt } from './components/ReloadPrompt';
import { startOffline } from './graphql/offline';
import { hasRole, session } from './graphql/session';
import { lang, navigate, useRoute, useStore, useT } from './hooks';
import type { Key } from './lib/i18n';
import { type Route, routePath } from './lib/route';
import { Inbox } from './pages/Inbox';
import { MyRequests } from './pages/MyRequests';
import { NewRequest } from './pages/NewRequest';
import { RequestDetail } from './pages/Request';
import { Settings } from './pages/Settings';
import { SignIn } from './pages/SignIn';
import { startPush, startServiceWorker } from './sw/register';

// Pages few people open (administration, reports, search, the archive review) load on first
// use, so a requester's or an official's first load stays within the JavaScript budget. The
// service worker precaches their chunks, so they open offline too.
const Admin = lazy(() => import('./pages/Admin').then((m) => m.Admin));
const ArchiveReview = lazy(() => import('./pages/Archive').then((m) => m.ArchiveReview));
const Dashboard = lazy(() => import('./pages/Dashboard').then((m) => m.Dashboard));
const Search = lazy(() => import('./pages/Search').then((m) => m.Search));

// Who may see the reports (the server's `REPORT_ROLES`): officials and admins.
const REPORT_ROLES = [
  'VICE_RECTOR',
  'BUREAU_HEAD',
  'PKIH_COORDINATOR',
  'HUMAS_DEPUTY',
  'STAFF',
  'ADMIN',
] as const;

let started = false;
function startOnce(): void {
  if (started) return;
  started = true;
  document.documentElement.lang = lang.get();
  startOffline();
  startServiceWorker();
  startPush();
}

interface NavItem {
  route: Route;
  label: Key;
  icon: IconName;
  show: boolean;
}

function Page({ route }: { route: Route }) {
  const t = useT();
  switch (route.name) {
    case 'inbox':
      return <Inbox />;
    case 'request':
      return <RequestDetail id={route.id} />;
    case 'mine':
      return <MyRequests />;
    case 'newRequest':
      return <NewRequest />;
    case 'admin':
      return <Admin tab={route.tab} />;
    case 'settings':
      return <Settings />;
    case 'dashboard':
      return <Dashboard />;
    case 'search':
      return <Search />;
    case 'archive':
      return <ArchiveReview />;
    case 'signIn':
      return <SignIn />;
    case 'notFound':
      return <p>{t('common.notFound')}</p>;
  }
}

export function App() {
  const t = useT();
  const s = useStore(session);
  const route = useRoute();
  useEffect(startOnce, []);
  useEffect(() => {
    if (s && route.name === 'signIn') navigate('/', true);
  }, [s, route.name]);

  if (!s) {
    return (
      <main class={styles.main} id="main">
        <SignIn />
      </main>
    );
  }

  const isRequester = hasRole(s, 'REQUESTER');
  const items: NavItem[] = [
    { route: { name: 'inbox' }, label: 'nav.inbox', icon: 'inbox', show: true },
    { route: { name: 'mine' }, label: 'nav.mine', icon: 'file', show: isRequester },
    { route: { name: 'newRequest' }, label: 'nav.new', icon: 'plus', show: isRequester },
    { route: { name: 'search' }, label: 'nav.search', icon: 'search', show: true },
    {
      route: { name: 'dashboard' },
      label: 'nav.dashboard',
      icon: 'chart',
      show: REPORT_ROLES.some((role) => hasRole(s, role)),
    },
    {
      route: { name: 'archive' },
      label: 'nav.archive',
      icon: 'archive',
      show: hasRole(s, 'STAFF') || hasRole(s, 'ADMIN'),
    },
    {
      route: { name: 'admin', tab: 'users' },
      label: 'nav.admin',
      icon: 'gear',
      show: hasRole(s, 'ADMIN'),
    },
    { route: { name: 'settings' }, label: 'nav.settings', icon: 'user', show: true },
  ];
  return (
    <>
      <a class={styles.skip} href="#main">
        {t('nav.skip')}
      </a>
      <header class={styles.header}>
        <span class={styles.brand}>{t('app.name')}</span>
        <span class={styles.tagline}>{t('app.tagline')}</span>
      </header>
      <main class={styles.main} id="main">
        <OutboxBanner />
        <Suspense fallback={<p>{t('common.loading')}</p>}>
          <Page route={route} />
        </Suspense>
      </main>
      <nav class={styles.nav} aria-label={t('nav.main')}>
        {items
          .filter((i) => i.show)
          .map((i) => {
            const href = routePath(i.route);
            const current = i.route.name === route.name;
            return (
              <a
                key={i.label}
                href={href}
                class={styles.navItem}
                aria-current={current ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(href);
                }}
              >
                <Icon name={i.icon} size={24} />
                <span>{t(i.label)}</span>
              </a>
            );
          })}
      </nav>
      <ReloadPrompt />
    </>
  );
}
