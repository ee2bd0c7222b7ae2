// The GraphQL client: queries and mutations over HTTP, subscriptions over graphql-ws, the
// bearer token on both, one retry after renewing an expired session, and uploads by the
// GraphQL multipart request spec.
import {
  type AnyVariables,
  Client,
  type DocumentInput,
  fetchExchange,
  subscriptionExchange,
} from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { AppError, toAppError } from './errors';
import { RefreshSessionMutation } from './operations';
import { accessToken, refreshNow, type Session, session, setRefresher } from './session';

const wsUrl = (): string => {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/graphql`;
};

export const wsClient = createWsClient({
  url: wsUrl,
  lazy: true,
  lazyCloseTimeout: 3_000,
  retryAttempts: Number.POSITIVE_INFINITY,
  shouldRetry: () => true,
  retryWait: async (retries) => {
    await new Promise((r) => setTimeout(r, Math.min(30_000, 1_000 * 2 ** Math.min(retries, 5))));
  },
  connectionParams: async () => {
    const token = await accessToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  },
});

// The socket authenticates once, at connection_init: when the person changes (sign-out, or
// someone else signing in on this phone), drop it so the next subscription reconnects as them.
let socketUser = session.get()?.user.id ?? null;
session.subscribe((next) => {
  const user = next?.user.id ?? null;
  if (user !== socketUser) {
    socketUser = user;
    wsClient.terminate();
  }
});

export const client = new Client({
  url: '/graphql',
  requestPolicy: 'network-only',
  preferGetMethod: false,
  exchanges: [
    fetchExchange,
    subscriptionExchange({
      forwardSubscription: (request) => ({
        subscribe: (sink) => ({
          unsubscribe: wsClient.subscribe({ ...request, query: request.query ?? '' }, sink),
        }),
      }),
    }),
  ],
});

type Kind = 'query' | 'mutation';

async function once<D, V extends AnyVariables>(
  kind: Kind,
  doc: DocumentInput<D, V> | string,
  variables: V,
  token: string | null,
): Promise<D> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const context = { fetchOptions: { headers } };
  const result =
    kind === 'query'
      ? await client.query<D, V>(doc as DocumentInput<D, V>, variables, context).toPromise()
      : await client.mutation<D, V>(doc as DocumentInput<D, V>, variables, context).toPromise();
  if (result.error) throw toAppError(result.error);
  if (result.data == null) throw new AppError('UNKNOWN', 'empty response');
  return result.data;
}

async function execute<D, V extends AnyVariables>(
  kind: Kind,
  doc: DocumentInput<D, V> | string,
  variables: V,
): Promise<D> {
  const token = await accessToken();
  try {
    return await once(kind, doc, variables, token);
  } catch (error) {
    // An access token that expired in flight (a phone asleep): renew once and retry.
    if (token && error instanceof AppError && error.code === 'UNAUTHENTICATED') {
      const renewed = await refreshNow().catch(() => null);
      if (renewed) return once(kind, doc, variables, renewed.accessToken);
    }
    throw error;
  }
}

export function query<D, V extends AnyVariables>(
  doc: DocumentInput<D, V>,
  variables: V,
): Promise<D> {
  return execute('query', doc, variables);
}

export function mutate<D, V extends AnyVariables>(
  doc: DocumentInput<D, V> | string,
  variables: V,
): Promise<D> {
  return execute('mutation', doc, variables);
}

/** Anonymous call (sign-in, refresh): never carries a token and never retries. */
export function mutateAnonymously<D, V extends AnyVariables>(
  doc: DocumentInput<D, V>,
  variables: V,
): Promise<D> {
  return once('mutation', doc, variables, null);
}

setRefresher(async (refreshToken): Promise<Session> => {
  const data = await mutateAnonymously(RefreshSessionMutation, { refreshToken });
  return data.refreshSession;
});

/** Uploads one file (GraphQL multipart request spec); resolves to the attachment id. */
export async function uploadFile(file: File, kind: 'LETTER' | 'MEDIA'): Promise<{ id: string }> {
  const send = async (token: string | null): Promise<Response> => {
    const body = new FormData();
    body.append(
      'operations',
      JSON.stringify({
        query:
          'mutation UploadAttachment($file: Upload!, $kind: AttachmentKind!) { uploadAttachment(file: $file, kind: $kind) { id } }',
        variables: { file: null, kind },
      }),
    );
    body.append('map', JSON.stringify({ '0': ['variables.file'] }));
    body.append('0', file, file.name);
    return fetch('/graphql', {
      method: 'POST',
      body,
      headers: {
        'Apollo-Require-Preflight': 'true',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  };
  let response: Response;
  try {
    response = await send(await accessToken());
  } catch (error) {
    throw new AppError('NETWORK', error instanceof Error ? error.message : 'upload failed');
  }
  const json = (await response.json().catch(() => null)) as {
    data?: { uploadAttachment?: { id: string } };
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  } | null;
  if (json?.errors?.length) throw toAppError({ graphQLErrors: json.errors });
  const id = json?.data?.uploadAttachment?.id;
  if (!id) throw toAppError({ response });
  return { id };
}

/** Fetches an attachment's bytes with the bearer token, as an object URL for <img>/<iframe>. */
export async function attachmentObjectUrl(url: string): Promise<string> {
  const token = await accessToken();
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw toAppError({ response });
  return URL.createObjectURL(await response.blob());
}

export { session };
