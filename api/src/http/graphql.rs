//! The GraphQL endpoint at `/graphql`: GraphQL over HTTP as its specification asks (SHOULDs
//! included), the GraphQL multipart request spec for uploads, subscriptions over WebSocket
//! (`graphql-transport-ws`, and the legacy `graphql-ws`), and GraphiQL for people.
//!
//! The stock `async-graphql-axum` extractor accepts any content type, batches, runs mutations
//! over GET and answers 200 to everything, so the transport is done here by hand and the schema
//! only ever sees a checked `async_graphql::Request` carrying the caller's [`Principal`] and
//! [`RequestMeta`].
//!
//! Status codes follow the specification: with `application/graphql-response+json` a request
//! that fails before execution (the document does not parse or validate, the operation is
//! unknown) is a 400 and has no `data` entry; with `application/json` every well-formed request
//! is a 200. Telling "failed before execution" from "failed while executing" needs the
//! [`TransportProbe`] extension on the schema.

use std::{
    net::{IpAddr, SocketAddr},
    sync::{
        Arc, Once,
        atomic::{AtomicBool, Ordering},
    },
    time::Instant,
};

use async_graphql::{
    Data, ObjectType, ParseRequestError, Schema, ServerError, ServerResult, SubscriptionType,
    Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    http::{ALL_WEBSOCKET_PROTOCOLS, GraphiQLSource, MultipartOptions},
    parser::types::{DocumentOperations, ExecutableDocument, OperationType},
};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::{
    Router,
    body::Body,
    extract::{
        ConnectInfo, FromRequestParts, Query, Request, State, WebSocketUpgrade,
        ws::{CloseFrame, Message},
    },
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{Html, IntoResponse, Response},
    routing::any,
};
use futures::{SinkExt, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::{Map as JsonMap, Value as JsonValue, json};

use crate::auth::{AuthError, Principal};

/// Where the endpoint is mounted; GraphiQL and the WebSocket share the path.
pub const GRAPHQL_PATH: &str = "/graphql";

/// Media type of GraphQL responses per the GraphQL over HTTP specification.
const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json; charset=utf-8";
const APPLICATION_JSON: &str = "application/json; charset=utf-8";

/// Error codes of the fixed list in `design.md` used by the transport.
const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
const INTERNAL: &str = "INTERNAL";

/// The close code `graphql-transport-ws` recommends for a refused `connection_init`.
const WS_FORBIDDEN: u16 = 4403;

/// Longest `User-Agent` kept in [`RequestMeta`]; the rest is noise an attacker controls.
const MAX_USER_AGENT_BYTES: usize = 256;

/// Size limits checked by the transport before anything reaches the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportLimits {
    /// Largest body of a request without files (JSON), in bytes; larger is a 413.
    pub max_body_bytes: usize,
    /// Largest single file of a multipart request, in bytes; larger is a 413.
    pub max_upload_bytes: u64,
    /// Most files in one multipart request; more is a 413.
    pub max_files: usize,
}

/// Turns a bearer token into the caller (`JwtKeys::verify` in production).
pub type Authenticate = Arc<dyn Fn(&str) -> Result<Principal, AuthError> + Send + Sync>;

/// Where a GraphQL request came from, available to resolvers as request (or, for
/// subscriptions, connection) data next to the [`Principal`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    /// The peer address of the TCP connection. `X-Forwarded-For` is deliberately ignored:
    /// anyone can send it.
    pub client_addr: Option<IpAddr>,
    /// The `User-Agent` header, cut to a sane length.
    pub user_agent: Option<String>,
}

impl RequestMeta {
    fn of(headers: &HeaderMap, extensions: &http::Extensions) -> Self {
        let client_addr = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(|ua| truncate_at_char_boundary(ua, MAX_USER_AGENT_BYTES).to_owned());
        RequestMeta {
            client_addr,
            user_agent,
        }
    }
}

/// The routes of the GraphQL endpoint at [`GRAPHQL_PATH`]: GET (queries, GraphiQL, WebSocket
/// upgrade) and POST (JSON or multipart), every response counted in the
/// `warta_graphql_requests_total{status}` counter and the
/// `warta_graphql_request_duration_seconds` histogram.
///
/// The schema must be built with `.extension(TransportProbe)`, or validation errors answer 200
/// instead of 400 under `application/graphql-response+json` (a warning is logged once).
pub fn graphql_routes<Q, M, S, St>(
    schema: Schema<Q, M, S>,
    authenticate: Authenticate,
    limits: TransportLimits,
) -> Router<St>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
    St: Clone + Send + Sync + 'static,
{
    metrics::describe_counter!(
        "warta_graphql_requests_total",
        "GraphQL requests over HTTP, by response status"
    );
    metrics::describe_histogram!(
        "warta_graphql_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer a GraphQL request over HTTP (for WebSockets: the handshake)"
    );
    let graphiql = GraphiQLSource::build()
        .endpoint(GRAPHQL_PATH)
        .subscription_endpoint(GRAPHQL_PATH)
        .title("Warta GraphQL")
        .finish();
    let endpoint = Arc::new(Endpoint {
        schema,
        authenticate,
        limits,
        graphiql,
    });
    Router::new()
        .route(GRAPHQL_PATH, any(handle::<Q, M, S>))
        .with_state(endpoint)
        .layer(middleware::from_fn(record_metrics))
}

/// Marks, per request, whether the schema got as far as parsing and as far as executing, so
/// the transport can tell a request error (400) from an execution result (200) without
/// reading error messages. Register it with `Schema::build(..).extension(TransportProbe)`.
/// It does nothing for requests that did not come through [`graphql_routes`].
pub struct TransportProbe;

impl ExtensionFactory for TransportProbe {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(TransportProbeExtension)
    }
}

struct TransportProbeExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for TransportProbeExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(probe) = ctx.data_opt::<RequestProbe>() {
            probe.0.prepared.store(true, Ordering::Relaxed);
        }
        next.run(ctx, query, variables).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        if let Some(probe) = ctx.data_opt::<RequestProbe>() {
            probe.0.executed.store(true, Ordering::Relaxed);
        }
        next.run(ctx, operation_name).await
    }
}

/// The per-request flags [`TransportProbe`] sets, inserted with `Request::data`.
#[derive(Clone, Default)]
struct RequestProbe(Arc<ProbeMarks>);

#[derive(Default)]
struct ProbeMarks {
    prepared: AtomicBool,
    executed: AtomicBool,
}

impl RequestProbe {
    /// Whether the request failed before execution began (parse, validation, operation
    /// selection), which the specification calls a request error.
    fn saw_request_error(&self, response: &async_graphql::Response) -> bool {
        if self.0.prepared.load(Ordering::Relaxed) {
            return !self.0.executed.load(Ordering::Relaxed);
        }
        static WARN: Once = Once::new();
        WARN.call_once(|| {
            tracing::warn!(
                "the GraphQL schema lacks the TransportProbe extension; \
                 request errors are told apart by their missing path"
            );
        });
        // Without the probe: errors raised while executing always carry a path, those raised
        // before execution never do.
        response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && response.errors.iter().all(|error| error.path.is_empty())
    }
}

struct Endpoint<Q, M, S> {
    schema: Schema<Q, M, S>,
    authenticate: Authenticate,
    limits: TransportLimits,
    graphiql: String,
}

async fn handle<Q, M, S>(
    State(endpoint): State<Arc<Endpoint<Q, M, S>>>,
    http_req: Request,
) -> Response
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let result = match *http_req.method() {
        Method::GET | Method::HEAD => endpoint.get(http_req).await,
        Method::POST => endpoint.post(http_req).await,
        _ => Err(Reject::method_not_allowed(
            "GraphQL is served over GET and POST",
            "GET, POST",
        )),
    };
    result.unwrap_or_else(|reject| reject.into_response())
}

/// The JSON fields of a GET request; everything arrives as a string.
#[derive(Deserialize)]
struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// How a POST body is encoded, from its `Content-Type`.
enum PostBody {
    Json,
    Multipart(String),
}

impl<Q, M, S> Endpoint<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    async fn get(&self, http_req: Request) -> Result<Response, Reject> {
        if http_req.method() == Method::GET && is_websocket_upgrade(http_req.headers()) {
            return Ok(self.websocket(http_req).await);
        }
        let headers = http_req.headers();
        let negotiated = negotiate(headers);
        let error_media = negotiated.unwrap_or(Media::Json);
        let Query(params) = Query::<GetParams>::try_from_uri(http_req.uri()).map_err(|_| {
            Reject::bad_request(
                "the query string is not a valid GraphQL request",
                error_media,
            )
        })?;
        let Some(query) = params.query else {
            if accepts_html(headers) {
                return Ok(Html(self.graphiql.clone()).into_response());
            }
            return Err(Reject::bad_request(
                "the query parameter is missing",
                error_media,
            ));
        };
        let media = negotiated.ok_or_else(Reject::not_acceptable)?;
        let principal = self.principal(headers, media)?;
        let meta = RequestMeta::of(headers, http_req.extensions());

        let variables = params
            .variables
            .map(|text| parse_json_object(&text, "variables must be a JSON object"))
            .transpose()
            .map_err(|message| Reject::bad_request(message, media))?;
        let extensions = params
            .extensions
            .map(|text| parse_json_object(&text, "extensions must be a JSON object"))
            .transpose()
            .map_err(|message| Reject::bad_request(message, media))?;
        // An HTML form sends an empty operationName for "none".
        let operation_name = params.operation_name.filter(|name| !name.is_empty());
        let mut request = assemble_request(query, operation_name, variables, extensions)
            .map_err(|message| Reject::bad_request(message, media))?;

        match operation_type(&mut request) {
            Err(error) => Ok(request_error_response(error, media)),
            Ok(OperationType::Query) => {
                Ok(self.execute(request, media, principal, meta, true).await)
            }
            Ok(OperationType::Mutation) => Err(Reject::method_not_allowed(
                "mutations must be sent with POST",
                "POST",
            )
            .with_media(media)),
            Ok(OperationType::Subscription) => Err(Reject::method_not_allowed(
                "subscriptions are served over a WebSocket (graphql-transport-ws) at /graphql",
                "GET, POST",
            )
            .with_media(media)),
        }
    }

    async fn post(&self, http_req: Request) -> Result<Response, Reject> {
        let headers = http_req.headers();
        let negotiated = negotiate(headers);
        let error_media = negotiated.unwrap_or(Media::Json);
        let body_kind = post_body_kind(headers).map_err(|reject| reject.with_media(error_media))?;
        if matches!(body_kind, PostBody::Multipart(_)) && !has_preflight_header(headers) {
            // A browser sends multipart/form-data cross-site without a CORS preflight; a
            // header a plain form cannot set proves the request came from a script we allow.
            return Err(Reject::bad_request(
                "a multipart request needs an Authorization, Apollo-Require-Preflight or \
                 X-Requested-With header",
                error_media,
            ));
        }
        let media = negotiated.ok_or_else(Reject::not_acceptable)?;
        let principal = self.principal(headers, media)?;
        let meta = RequestMeta::of(headers, http_req.extensions());
        let content_length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());

        let mut request = match body_kind {
            PostBody::Json => {
                let body = read_body(
                    http_req.into_body(),
                    content_length,
                    self.limits.max_body_bytes,
                )
                .await
                .map_err(|reject| reject.with_media(media))?;
                let json: JsonValue = serde_json::from_slice(&body).map_err(|_| {
                    Reject::bad_request("the request body is not valid JSON", media)
                })?;
                request_from_json(json).map_err(|message| Reject::bad_request(message, media))?
            }
            PostBody::Multipart(content_type) => {
                let body = http_req.into_body();
                self.receive_multipart(content_type, body, content_length, media)
                    .await?
            }
        };

        match operation_type(&mut request) {
            Err(error) => Ok(request_error_response(error, media)),
            Ok(OperationType::Subscription) => Ok(request_error_response(
                ServerError::new(
                    "subscriptions are served over a WebSocket (graphql-transport-ws) at /graphql",
                    None,
                ),
                media,
            )),
            Ok(_) => Ok(self.execute(request, media, principal, meta, false).await),
        }
    }

    async fn receive_multipart(
        &self,
        content_type: String,
        body: Body,
        content_length: Option<u64>,
        media: Media,
    ) -> Result<async_graphql::Request, Reject> {
        let limits = self.limits;
        let max_file = usize::try_from(limits.max_upload_bytes).unwrap_or(usize::MAX);
        let too_large = || {
            Reject::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                BAD_USER_INPUT,
                format!(
                    "the upload is too large: at most {} files of at most {} bytes each",
                    limits.max_files, limits.max_upload_bytes
                ),
            )
            .with_media(media)
        };
        let Some(boundary) = content_type.parse::<mime::Mime>().ok().and_then(|parsed| {
            parsed
                .get_param(mime::BOUNDARY)
                .map(|b| b.as_str().to_owned())
        }) else {
            return Err(Reject::bad_request(
                "the multipart request has no boundary",
                media,
            ));
        };
        let mut budget = MultipartBudget::new(&boundary, max_file, limits);
        if content_length.is_some_and(|length| length > budget.max_bytes as u64) {
            return Err(too_large());
        }
        let exceeded = budget.exceeded.clone();
        let reader = body
            .into_data_stream()
            .map(move |chunk| {
                let chunk = chunk.map_err(std::io::Error::other)?;
                if budget.admit(&chunk) {
                    Ok(chunk)
                } else {
                    Err(std::io::Error::other("multipart request over budget"))
                }
            })
            .into_async_read();
        // async-graphql would also cap the whole body at max_file_size × max_num_files, which
        // leaves no room for the operations; MultipartBudget caps it instead.
        let options = MultipartOptions::default().max_file_size(max_file);
        let received = async_graphql::http::receive_body(Some(content_type), reader, options).await;
        if exceeded.load(Ordering::Relaxed) {
            return Err(too_large());
        }
        let request = received.map_err(|error| match error {
            ParseRequestError::PayloadTooLarge => too_large(),
            ParseRequestError::UnsupportedBatch => Reject::batch(media),
            other => {
                tracing::debug!(error = %other, "refused a multipart GraphQL request");
                Reject::bad_request(
                    "the multipart request does not follow the GraphQL multipart request spec",
                    media,
                )
            }
        })?;
        if request.uploads.len() > limits.max_files {
            return Err(too_large());
        }
        Ok(request)
    }

    async fn execute(
        &self,
        request: async_graphql::Request,
        media: Media,
        principal: Principal,
        meta: RequestMeta,
        cacheable: bool,
    ) -> Response {
        let probe = RequestProbe::default();
        let request = request.data(principal).data(meta).data(probe.clone());
        let response = self.schema.execute(request).await;
        let request_error = probe.saw_request_error(&response);
        graphql_response(response, request_error, media, cacheable)
    }

    /// The caller, from `Authorization: Bearer …`; no header is the anonymous caller.
    fn principal(&self, headers: &HeaderMap, media: Media) -> Result<Principal, Reject> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return Ok(Principal::Anonymous);
        };
        let token =
            value.to_str().ok().and_then(bearer_token).ok_or_else(|| {
                Reject::unauthenticated("missing or malformed bearer token", media)
            })?;
        (self.authenticate)(token).map_err(|error| {
            tracing::debug!(%error, "refused a bearer token");
            Reject::unauthenticated("the access token is invalid or expired", media)
        })
    }

    async fn websocket(&self, http_req: Request) -> Response {
        let meta = RequestMeta::of(http_req.headers(), http_req.extensions());
        let (mut parts, _body) = http_req.into_parts();
        let Ok(protocol) = GraphQLProtocol::from_request_parts(&mut parts, &()).await else {
            return Reject::bad_request(
                "the WebSocket subprotocol must be graphql-transport-ws (or the legacy graphql-ws)",
                Media::Json,
            )
            .into_response();
        };
        let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
            Ok(upgrade) => upgrade,
            Err(rejection) => {
                return Reject::new(
                    rejection.status(),
                    BAD_USER_INPUT,
                    "this is not a valid WebSocket upgrade request",
                )
                .into_response();
            }
        };
        let schema = self.schema.clone();
        let authenticate = self.authenticate.clone();
        upgrade
            .protocols(ALL_WEBSOCKET_PROTOCOLS)
            .on_upgrade(move |socket| async move {
                let refused = Arc::new(AtomicBool::new(false));
                let (sink, stream) = socket.split();
                // async-graphql closes a refused connection with 1002; the protocol asks for
                // 4403 Forbidden, so the close frame is rewritten on its way out.
                let sink = sink.with({
                    let refused = refused.clone();
                    move |message: Message| {
                        futures::future::ready(Ok::<_, axum::Error>(forbid_close(
                            message, &refused,
                        )))
                    }
                });
                let mut data = Data::default();
                data.insert(meta);
                GraphQLWebSocket::new_with_pair(sink, stream, schema, protocol)
                    .with_data(data)
                    .on_connection_init(move |payload| async move {
                        match connection_principal(&payload, authenticate.as_ref()) {
                            Some(principal) => {
                                let mut data = Data::default();
                                data.insert(principal);
                                Ok(data)
                            }
                            None => {
                                refused.store(true, Ordering::Relaxed);
                                Err(async_graphql::Error::new("Forbidden"))
                            }
                        }
                    })
                    .serve()
                    .await;
            })
    }
}

/// The caller named by a `connection_init` payload (`{"authorization": "Bearer …"}`,
/// `{"Authorization": …}` or `{"token": "…"}`); `None` refuses the connection.
fn connection_principal(
    payload: &JsonValue,
    authenticate: &(dyn Fn(&str) -> Result<Principal, AuthError> + Send + Sync),
) -> Option<Principal> {
    let token = match init_token(payload) {
        Ok(None) => return Some(Principal::Anonymous),
        Ok(Some(token)) => token,
        Err(()) => return None,
    };
    match authenticate(token) {
        Ok(principal) => Some(principal),
        Err(error) => {
            tracing::debug!(%error, "refused a WebSocket connection_init token");
            None
        }
    }
}

fn init_token(payload: &JsonValue) -> Result<Option<&str>, ()> {
    let Some(fields) = payload.as_object() else {
        return Ok(None);
    };
    for key in ["authorization", "Authorization"] {
        match fields.get(key) {
            None | Some(JsonValue::Null) => {}
            Some(JsonValue::String(value)) => return bearer_token(value).map(Some).ok_or(()),
            Some(_) => return Err(()),
        }
    }
    match fields.get("token") {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::String(value)) => {
            let token = bearer_token(value).unwrap_or(value.trim());
            if token.is_empty() {
                Err(())
            } else {
                Ok(Some(token))
            }
        }
        Some(_) => Err(()),
    }
}

fn forbid_close(message: Message, refused: &AtomicBool) -> Message {
    match message {
        Message::Close(Some(_)) if refused.load(Ordering::Relaxed) => {
            Message::Close(Some(CloseFrame {
                code: WS_FORBIDDEN,
                reason: "Forbidden".into(),
            }))
        }
        other => other,
    }
}

/// The token of an `Authorization` value in the `Bearer` scheme (case-insensitive).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn is_websocket_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::UPGRADE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|protocol| protocol.trim().eq_ignore_ascii_case("websocket"))
}

fn has_preflight_header(headers: &HeaderMap) -> bool {
    [
        header::AUTHORIZATION,
        HeaderName::from_static("apollo-require-preflight"),
        HeaderName::from_static("x-requested-with"),
    ]
    .iter()
    .any(|name| headers.get(name).is_some_and(|value| !value.is_empty()))
}

fn post_body_kind(headers: &HeaderMap) -> Result<PostBody, Reject> {
    let unsupported = || {
        Reject::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            BAD_USER_INPUT,
            "send GraphQL requests as application/json (or multipart/form-data for uploads)",
        )
    };
    let raw = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(unsupported)?;
    let parsed: mime::Mime = raw.parse().map_err(|_| unsupported())?;
    match (parsed.type_(), parsed.subtype()) {
        (mime::APPLICATION, mime::JSON) => match parsed.get_param(mime::CHARSET) {
            Some(charset) if !charset.as_str().eq_ignore_ascii_case("utf-8") => Err(Reject::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                BAD_USER_INPUT,
                "only UTF-8 JSON is accepted",
            )),
            _ => Ok(PostBody::Json),
        },
        (mime::MULTIPART, mime::FORM_DATA) => Ok(PostBody::Multipart(raw.to_owned())),
        _ => Err(unsupported()),
    }
}

/// Reads a whole body, refusing (413) as soon as it outgrows `limit`.
async fn read_body(
    body: Body,
    content_length: Option<u64>,
    limit: usize,
) -> Result<Vec<u8>, Reject> {
    let too_large = || {
        Reject::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            BAD_USER_INPUT,
            format!("the request body is larger than {limit} bytes"),
        )
    };
    if content_length.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut stream = body.into_data_stream();
    let mut buffer = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| {
            tracing::debug!(%error, "could not read a GraphQL request body");
            Reject::new(
                StatusCode::BAD_REQUEST,
                BAD_USER_INPUT,
                "could not read the request body",
            )
        })?;
        if buffer.len() + chunk.len() > limit {
            return Err(too_large());
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer)
}

/// Caps a multipart body while it streams in: its size (every file at its largest, plus the
/// operations) and its number of parts. async-graphql keeps an open temporary file per file
/// part until the body ends, so thousands of tiny parts would exhaust file descriptors long
/// before any size limit tripped.
struct MultipartBudget {
    /// `CRLF--boundary`, which by RFC 2046 never occurs inside a part.
    delimiter: Vec<u8>,
    /// The last `delimiter.len() - 1` bytes seen, for delimiters split across chunks.
    tail: Vec<u8>,
    bytes: usize,
    delimiters: usize,
    max_bytes: usize,
    max_delimiters: usize,
    exceeded: Arc<AtomicBool>,
}

impl MultipartBudget {
    fn new(boundary: &str, max_file: usize, limits: TransportLimits) -> Self {
        MultipartBudget {
            delimiter: [b"\r\n--", boundary.as_bytes()].concat(),
            // The first delimiter may open the body with no CRLF before it.
            tail: b"\r\n".to_vec(),
            bytes: 0,
            delimiters: 0,
            max_bytes: max_file
                .saturating_mul(limits.max_files)
                .saturating_add(limits.max_body_bytes),
            // One delimiter before each part (operations, map, files) and one closing.
            max_delimiters: limits.max_files.saturating_add(3),
            exceeded: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Counts a chunk; false once the body is over budget.
    fn admit(&mut self, chunk: &[u8]) -> bool {
        let keep = self.delimiter.len() - 1;
        let mut junction = std::mem::take(&mut self.tail);
        let tail_len = junction.len();
        junction.extend_from_slice(&chunk[..chunk.len().min(keep)]);
        // Neither the old tail nor the head of the chunk can hold a whole delimiter, so the
        // junction only finds the ones that straddle the two.
        self.delimiters +=
            occurrences(&junction, &self.delimiter) + occurrences(chunk, &self.delimiter);
        self.tail = if chunk.len() >= keep {
            chunk[chunk.len() - keep..].to_vec()
        } else {
            let mut joined = junction[..tail_len].to_vec();
            joined.extend_from_slice(chunk);
            joined[joined.len().saturating_sub(keep)..].to_vec()
        };
        self.bytes = self.bytes.saturating_add(chunk.len());
        let within = self.bytes <= self.max_bytes && self.delimiters <= self.max_delimiters;
        if !within {
            self.exceeded.store(true, Ordering::Relaxed);
        }
        within
    }
}

fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|window| window[0] == needle[0] && *window == needle)
        .count()
}

/// The request in a JSON body: `{query, variables?, operationName?, extensions?}`.
fn request_from_json(body: JsonValue) -> Result<async_graphql::Request, &'static str> {
    let mut fields = match body {
        JsonValue::Object(fields) => fields,
        JsonValue::Array(_) => return Err(BATCH_MESSAGE),
        _ => return Err("the request body must be a JSON object"),
    };
    let query = match fields.remove("query") {
        Some(JsonValue::String(query)) => query,
        None | Some(JsonValue::Null) => return Err("the query is missing"),
        Some(_) => return Err("query must be a string"),
    };
    let operation_name = match fields.remove("operationName") {
        None | Some(JsonValue::Null) => None,
        Some(JsonValue::String(name)) => Some(name),
        Some(_) => return Err("operationName must be a string"),
    };
    let variables = json_object(
        fields.remove("variables"),
        "variables must be a JSON object",
    )?;
    let extensions = json_object(
        fields.remove("extensions"),
        "extensions must be a JSON object",
    )?;
    assemble_request(query, operation_name, variables, extensions)
}

const BATCH_MESSAGE: &str = "batched requests are not supported";

fn json_object(
    value: Option<JsonValue>,
    message: &'static str,
) -> Result<Option<JsonMap<String, JsonValue>>, &'static str> {
    match value {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::Object(fields)) => Ok(Some(fields)),
        Some(_) => Err(message),
    }
}

fn parse_json_object(
    text: &str,
    message: &'static str,
) -> Result<JsonMap<String, JsonValue>, &'static str> {
    match serde_json::from_str(text) {
        Ok(JsonValue::Object(fields)) => Ok(fields),
        Ok(JsonValue::Null) => Ok(JsonMap::new()),
        _ => Err(message),
    }
}

fn assemble_request(
    query: String,
    operation_name: Option<String>,
    variables: Option<JsonMap<String, JsonValue>>,
    extensions: Option<JsonMap<String, JsonValue>>,
) -> Result<async_graphql::Request, &'static str> {
    let mut request = async_graphql::Request::new(query);
    request.operation_name = operation_name;
    if let Some(variables) = variables {
        request.variables = Variables::from_json(JsonValue::Object(variables));
    }
    if let Some(extensions) = extensions {
        request.extensions = serde_json::from_value(JsonValue::Object(extensions))
            .map_err(|_| "extensions must be a JSON object")?;
    }
    Ok(request)
}

/// Parses the document and picks the operation exactly as async-graphql will, so the type
/// checked here (no mutation over GET) is the type that runs.
fn operation_type(request: &mut async_graphql::Request) -> Result<OperationType, ServerError> {
    let name = request.operation_name.clone();
    let variables = request.variables.clone();
    let document = request.parsed_query()?;
    let unknown =
        |name: &str| ServerError::new(format!(r#"Unknown operation named "{name}""#), None);
    let operation = match (&document.operations, name.as_deref()) {
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).ok_or_else(|| unknown(name))?
        }
        (DocumentOperations::Single(_), Some(name)) => return Err(unknown(name)),
        (DocumentOperations::Single(operation), None) => operation,
        (DocumentOperations::Multiple(operations), None) => {
            let mut all = operations.values();
            match (all.next(), all.next()) {
                (Some(operation), None) => operation,
                _ => {
                    return Err(ServerError::new(
                        "Operation name required in request.",
                        None,
                    ));
                }
            }
        }
    };
    // A required variable left out is a request error (the spec's variable coercion), not
    // something for execution to stumble on.
    for definition in &operation.node.variable_definitions {
        let definition = &definition.node;
        let name = definition.name.node.as_str();
        let provided = variables
            .get(name)
            .is_some_and(|v| !matches!(v, async_graphql::Value::Null));
        if !definition.var_type.node.nullable && definition.default_value.is_none() && !provided {
            return Err(ServerError::new(
                format!(
                    r#"Variable "${name}" of required type "{}" was not provided."#,
                    definition.var_type.node
                ),
                Some(definition.name.pos),
            ));
        }
    }
    Ok(operation.node.ty)
}

/// A response for a request that failed before execution.
fn request_error_response(error: ServerError, media: Media) -> Response {
    graphql_response(
        async_graphql::Response::from_errors(vec![error]),
        true,
        media,
        false,
    )
}

fn graphql_response(
    mut response: async_graphql::Response,
    request_error: bool,
    media: Media,
    cacheable: bool,
) -> Response {
    if request_error {
        for error in &mut response.errors {
            let extensions = error.extensions.get_or_insert_with(Default::default);
            if extensions.get("code").is_none() {
                extensions.set("code", BAD_USER_INPUT);
            }
        }
    }
    let extra_headers = std::mem::take(&mut response.http_headers);
    let cache_control = (cacheable && !request_error && response.is_ok())
        .then(|| response.cache_control.value())
        .flatten();
    let mut body = match serde_json::to_value(&response) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "could not serialize a GraphQL response");
            return Reject::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                INTERNAL,
                "the response could not be produced",
            )
            .with_media(media)
            .into_response();
        }
    };
    if request_error && let Some(fields) = body.as_object_mut() {
        // A request error never started execution, so the result has no `data` entry.
        fields.remove("data");
    }
    let status = if request_error && media == Media::GraphqlResponseJson {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let mut http_res = (status, body.to_string()).into_response();
    let headers = http_res.headers_mut();
    headers.extend(extra_headers);
    headers.insert(header::CONTENT_TYPE, media.content_type());
    headers.insert(header::VARY, HeaderValue::from_static("accept"));
    if let Some(value) = cache_control.and_then(|value| HeaderValue::from_str(&value).ok()) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    http_res
}

/// The response media types the endpoint speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    GraphqlResponseJson,
    Json,
}

impl Media {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::GraphqlResponseJson => GRAPHQL_RESPONSE_JSON,
            Media::Json => APPLICATION_JSON,
        })
    }
}

/// One media range of an `Accept` header, lower-cased.
struct AcceptRange {
    kind: String,
    subtype: String,
    q: f32,
}

fn accept_ranges(headers: &HeaderMap) -> Vec<AcceptRange> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|item| {
            let mut params = item.split(';');
            let (kind, subtype) = params.next()?.trim().split_once('/')?;
            let mut q = 1.0;
            for param in params {
                if let Some((name, value)) = param.split_once('=')
                    && name.trim().eq_ignore_ascii_case("q")
                {
                    q = value.trim().parse::<f32>().unwrap_or(1.0).clamp(0.0, 1.0);
                }
            }
            Some(AcceptRange {
                kind: kind.trim().to_ascii_lowercase(),
                subtype: subtype.trim().to_ascii_lowercase(),
                q,
            })
        })
        .collect()
}

/// The quality the ranges give `kind/subtype` (from the most specific matching range) and
/// whether that range names it exactly.
fn quality(ranges: &[AcceptRange], kind: &str, subtype: &str) -> (f32, bool) {
    let mut best: Option<(u8, f32)> = None;
    for range in ranges {
        let specificity = match (range.kind.as_str(), range.subtype.as_str()) {
            (k, s) if k == kind && s == subtype => 2,
            (k, "*") if k == kind => 1,
            ("*", "*") => 0,
            _ => continue,
        };
        best = match best {
            Some((s, q)) if s > specificity || (s == specificity && q >= range.q) => Some((s, q)),
            _ => Some((specificity, range.q)),
        };
    }
    best.map_or((0.0, false), |(specificity, q)| (q, specificity == 2))
}

/// The response media type for the `Accept` header, or `None` for a 406. No header means
/// `application/json`, as the specification asks; so does a bare `*/*`, which legacy clients
/// send. `application/graphql-response+json` wins when named and not ranked lower.
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let ranges = accept_ranges(headers);
    if ranges.is_empty() {
        return Some(Media::Json);
    }
    let (graphql_q, graphql_named) = quality(&ranges, "application", "graphql-response+json");
    let (json_q, _) = quality(&ranges, "application", "json");
    if graphql_q <= 0.0 && json_q <= 0.0 {
        None
    } else if graphql_q > json_q || (graphql_q == json_q && graphql_named) {
        Some(Media::GraphqlResponseJson)
    } else {
        Some(Media::Json)
    }
}

fn accepts_html(headers: &HeaderMap) -> bool {
    accept_ranges(headers)
        .iter()
        .any(|range| range.kind == "text" && range.subtype == "html" && range.q > 0.0)
}

/// An error response the transport produces itself, shaped like a GraphQL response.
#[derive(Debug)]
struct Reject {
    status: StatusCode,
    code: &'static str,
    message: String,
    media: Media,
    allow: Option<&'static str>,
    www_authenticate: bool,
}

impl Reject {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Reject {
            status,
            code,
            message: message.into(),
            media: Media::Json,
            allow: None,
            www_authenticate: false,
        }
    }

    fn with_media(self, media: Media) -> Self {
        Reject { media, ..self }
    }

    fn bad_request(message: &str, media: Media) -> Self {
        Reject::new(StatusCode::BAD_REQUEST, BAD_USER_INPUT, message).with_media(media)
    }

    fn batch(media: Media) -> Self {
        Reject::bad_request(BATCH_MESSAGE, media)
    }

    fn unauthenticated(message: &str, media: Media) -> Self {
        Reject {
            www_authenticate: true,
            ..Reject::new(StatusCode::UNAUTHORIZED, UNAUTHENTICATED, message).with_media(media)
        }
    }

    fn method_not_allowed(message: &str, allow: &'static str) -> Self {
        Reject {
            allow: Some(allow),
            ..Reject::new(StatusCode::METHOD_NOT_ALLOWED, BAD_USER_INPUT, message)
        }
    }

    fn not_acceptable() -> Self {
        Reject::new(
            StatusCode::NOT_ACCEPTABLE,
            BAD_USER_INPUT,
            "accept application/graphql-response+json or application/json",
        )
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        let body = json!({
            "errors": [{ "message": self.message, "extensions": { "code": self.code } }]
        });
        let mut http_res = (self.status, body.to_string()).into_response();
        let headers = http_res.headers_mut();
        headers.insert(header::CONTENT_TYPE, self.media.content_type());
        if let Some(allow) = self.allow {
            headers.insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        if self.www_authenticate {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        http_res
    }
}

async fn record_metrics(http_req: Request, next: Next) -> Response {
    let started = Instant::now();
    let http_res = next.run(http_req).await;
    metrics::counter!(
        "warta_graphql_requests_total",
        "status" => http_res.status().as_u16().to_string()
    )
    .increment(1);
    metrics::histogram!("warta_graphql_request_duration_seconds")
        .record(started.elapsed().as_secs_f64());
    http_res
}

fn truncate_at_char_boundary(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests;
