// The app's routes, parsed from the location path. Pure, so the shell stays trivial.
// `/requests` belongs to the server (API_PREFIXES), so a request's page is `/request/:id`.

export type Route =
  | { name: 'signIn' }
  | { name: 'inbox' }
  | { name: 'request'; id: string }
  | { name: 'mine' }
  | { name: 'newRequest' }
  | { name: 'admin'; tab: 'users' | 'channels' | 'sla' | 'classifications' }
  | { name: 'archive' }
  | { name: 'settings' }
  | { name: 'dashboard' }
  | { name: 'search' }
  | { name: 'notFound' };

export function parseRoute(path: string): Route {
  const clean = path.replace(/\/+$/, '') || '/';
  if (clean === '/' || clean === '/inbox') return { name: 'inbox' };
  if (clean === '/signin') return { name: 'signIn' };
  if (clean === '/mine') return { name: 'mine' };
  if (clean === '/new') return { name: 'newRequest' };
  if (clean === '/settings') return { name: 'settings' };
  if (clean === '/dashboard') return { name: 'dashboard' };
  if (clean === '/search') return { name: 'search' };
  if (clean === '/admin') return { name: 'admin', tab: 'users' };
  if (clean === '/archive') return { name: 'archive' };
  const admin = /^\/admin\/(users|channels|sla|classifications)$/.exec(clean);
  if (admin)
    return { name: 'admin', tab: admin[1] as 'users' | 'channels' | 'sla' | 'classifications' };
  const request = /^\/request\/([^/]+)$/.exec(clean);
  if (request?.[1]) return { name: 'request', id: decodeURIComponent(request[1]) };
  return { name: 'notFound' };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'signIn':
      return '/signin';
    case 'inbox':
      return '/';
    case 'request':
      return `/request/${encodeURIComponent(route.id)}`;
    case 'mine':
      return '/mine';
    case 'newRequest':
      return '/new';
    case 'admin':
      return `/admin/${route.tab}`;
    case 'settings':
      return '/settings';
    case 'dashboard':
      return '/dashboard';
    case 'search':
      return '/search';
    case 'archive':
      return '/archive';
    case 'notFound':
      return '/';
  }
}
