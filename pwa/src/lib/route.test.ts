import { describe, expect, it } from 'vitest';
import { parseRoute, type Route, routePath } from './route';

describe('routes', () => {
  it('parses every route and prints it back', () => {
    const routes: Route[] = [
      { name: 'signIn' },
      { name: 'inbox' },
      { name: 'request', id: 'abc-1' },
      { name: 'mine' },
      { name: 'newRequest' },
      { name: 'admin', tab: 'channels' },
      { name: 'settings' },
      { name: 'search' },
      { name: 'archive' },
      { name: 'admin', tab: 'classifications' },
    ];
    for (const r of routes) expect(parseRoute(routePath(r))).toEqual(r);
  });
  it('treats trailing slashes and unknown paths kindly', () => {
    expect(parseRoute('/mine/')).toEqual({ name: 'mine' });
    expect(parseRoute('/admin')).toEqual({ name: 'admin', tab: 'users' });
    expect(parseRoute('/nope')).toEqual({ name: 'notFound' });
  });
});
