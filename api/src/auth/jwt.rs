//! Access tokens: short-lived HS256 JWTs for signed-in users and for API clients.
//!
//! Only HS256 is ever issued or accepted. Verification pins the algorithm, the issuer and the
//! audience, requires `exp`, `iat`, `sub`, `iss`, `aud` and `jti`, and allows no leeway on
//! `exp` (the library's default is 60 s). `jsonwebtoken` itself only checks the presence of
//! `exp`, `sub`, `iss` and `aud`; `iat` and `jti` are required because [`Claims`] has no
//! optional fields, so a token without them fails to deserialise.
//!
//! The `sub` claim says who the token is for:
//! - a user: the user's database id in decimal, e.g. `"42"`;
//! - an API client: `"client:<db id>:<client_id>"`, e.g. `"client:7:humas-website"`. The
//!   `client_id` is everything after the second colon, so it may itself contain colons.
//!
//! Roles and scopes are carried by name (`Role::as_str`, `Scope::as_str`). A token naming a
//! role or scope this build does not know is refused rather than trimmed, so that renaming
//! one can never silently widen or narrow what an old token grants.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{AuthError, Principal, Scope};
use crate::workflow::Role;

/// The shortest HS256 secret accepted, in bytes (RFC 7518 §3.2: at least the hash size).
pub const MIN_SECRET_LEN: usize = 32;

/// Tokens longer than this are refused before any parsing; ours are a few hundred bytes.
const MAX_TOKEN_LEN: usize = 8 * 1024;

/// How far in the future `iat` may lie, to absorb clock skew between API instances.
const IAT_SKEW_SECS: i64 = 5;

const CLIENT_SUB_PREFIX: &str = "client:";

/// Whom a token was issued to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// A person who signed in with a password.
    User,
    /// A machine client that used its client credentials.
    Client,
}

/// The claims of a Warta access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, or `client:<db id>:<client_id>` (see the module docs).
    pub sub: String,
    /// Role names; empty for clients.
    pub roles: Vec<String>,
    /// Scope names; empty for users.
    pub scope: Vec<String>,
    pub kind: TokenKind,
    /// Issued at, in seconds since the Unix epoch.
    pub iat: i64,
    /// Expires at, in seconds since the Unix epoch.
    pub exp: i64,
    /// A unique token id.
    pub jti: String,
    pub iss: String,
    pub aud: String,
}

/// A freshly signed access token.
#[derive(Clone)]
pub struct IssuedToken {
    pub token: String,
    /// The token's `exp`, in whole seconds.
    pub expires_at: DateTime<Utc>,
    pub jti: String,
}

impl fmt::Debug for IssuedToken {
    // The token is a bearer credential: keep it out of logs and panic messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field("jti", &self.jti)
            .finish()
    }
}

/// The HS256 key and the settings that every token is issued and checked with.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    header: Header,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: TimeDelta,
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKeys")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// Builds the keys from a shared secret of at least [`MIN_SECRET_LEN`] bytes.
    ///
    /// `ttl` is the lifetime of every access token issued; its range is for the
    /// configuration to check.
    ///
    /// # Errors
    ///
    /// [`AuthError::ShortSecret`] if the secret is shorter than 32 bytes.
    pub fn new(
        secret: &[u8],
        issuer: String,
        audience: String,
        ttl: Duration,
    ) -> Result<Self, AuthError> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(AuthError::ShortSecret);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[&issuer]);
        validation.set_audience(&[&audience]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud", "jti"]);
        validation.leeway = 0;
        validation.validate_exp = true;
        validation.validate_aud = true;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            header: Header::new(Algorithm::HS256),
            validation,
            issuer,
            audience,
            ttl: TimeDelta::from_std(ttl).unwrap_or(TimeDelta::MAX),
        })
    }

    /// Issues an access token for a signed-in user.
    #[must_use]
    pub fn issue_user(&self, user_id: i64, roles: &BTreeSet<Role>) -> IssuedToken {
        let roles = roles.iter().map(|role| role.as_str().to_owned()).collect();
        self.issue(TokenKind::User, user_id.to_string(), roles, Vec::new())
    }

    /// Issues an access token for an API client; `id` is its database id.
    #[must_use]
    pub fn issue_client(&self, id: i64, client_id: &str, scopes: &BTreeSet<Scope>) -> IssuedToken {
        let scopes = scopes
            .iter()
            .map(|scope| scope.as_str().to_owned())
            .collect();
        let sub = format!("{CLIENT_SUB_PREFIX}{id}:{client_id}");
        self.issue(TokenKind::Client, sub, Vec::new(), scopes)
    }

    fn issue(
        &self,
        kind: TokenKind,
        sub: String,
        roles: Vec<String>,
        scope: Vec<String>,
    ) -> IssuedToken {
        let now = Utc::now();
        let exp = now
            .checked_add_signed(self.ttl)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
            .timestamp();
        // `exp` has whole seconds; report exactly what the token says.
        let expires_at = DateTime::from_timestamp(exp, 0).unwrap_or(DateTime::<Utc>::MAX_UTC);
        let jti = Uuid::new_v4().simple().to_string();
        let claims = Claims {
            sub,
            roles,
            scope,
            kind,
            iat: now.timestamp(),
            exp,
            jti: jti.clone(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        // HMAC signing takes a key of any length and `Claims` always serialises, so this
        // cannot fail.
        let token = jsonwebtoken::encode(&self.header, &claims, &self.encoding)
            .expect("signing plain claims with HS256 cannot fail");
        IssuedToken {
            token,
            expires_at,
            jti,
        }
    }

    /// Checks an access token and says whom it was issued to.
    ///
    /// # Errors
    ///
    /// [`AuthError::InvalidToken`] for every kind of failure: bad format, another algorithm,
    /// a wrong signature, issuer or audience, expiry, a missing claim, or a role or scope
    /// this build does not know.
    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(AuthError::InvalidToken);
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                tracing::debug!(reason = ?e.kind(), "access token refused");
                AuthError::InvalidToken
            })?
            .claims;
        if claims.jti.is_empty()
            || claims.iat > claims.exp
            || claims.iat > Utc::now().timestamp().saturating_add(IAT_SKEW_SECS)
        {
            return Err(AuthError::InvalidToken);
        }
        principal_from_claims(claims)
    }
}

fn principal_from_claims(claims: Claims) -> Result<Principal, AuthError> {
    match claims.kind {
        TokenKind::User => {
            if !claims.scope.is_empty() {
                return Err(AuthError::InvalidToken);
            }
            let id = parse_id(&claims.sub)?;
            let roles = claims
                .roles
                .iter()
                .map(|name| name.parse::<Role>().map_err(|_| AuthError::InvalidToken))
                .collect::<Result<BTreeSet<_>, _>>()?;
            Ok(Principal::User { id, roles })
        }
        TokenKind::Client => {
            if !claims.roles.is_empty() {
                return Err(AuthError::InvalidToken);
            }
            let (id, client_id) = parse_client_sub(&claims.sub)?;
            let scopes = claims
                .scope
                .iter()
                .map(|name| name.parse::<Scope>().map_err(|_| AuthError::InvalidToken))
                .collect::<Result<BTreeSet<_>, _>>()?;
            Ok(Principal::Client {
                id,
                client_id: client_id.to_owned(),
                scopes,
            })
        }
    }
}

/// Parses an id written exactly as we write it (no sign, no leading zeros).
fn parse_id(s: &str) -> Result<i64, AuthError> {
    s.parse::<i64>()
        .ok()
        .filter(|id| id.to_string() == s)
        .ok_or(AuthError::InvalidToken)
}

fn parse_client_sub(sub: &str) -> Result<(i64, &str), AuthError> {
    let rest = sub
        .strip_prefix(CLIENT_SUB_PREFIX)
        .ok_or(AuthError::InvalidToken)?;
    let (id, client_id) = rest.split_once(':').ok_or(AuthError::InvalidToken)?;
    if client_id.is_empty() {
        return Err(AuthError::InvalidToken);
    }
    Ok((parse_id(id)?, client_id))
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test";
    const ISSUER: &str = "warta-test";
    const AUDIENCE: &str = "warta-api";

    fn keys() -> JwtKeys {
        JwtKeys::new(
            SECRET,
            ISSUER.to_owned(),
            AUDIENCE.to_owned(),
            Duration::from_secs(600),
        )
        .expect("a 37-byte secret is long enough")
    }

    fn role(name: &str) -> Role {
        name.parse::<Role>()
            .unwrap_or_else(|_| panic!("{name} is a role"))
    }

    fn now() -> i64 {
        Utc::now().timestamp()
    }

    /// Valid claims for user 42, as a JSON object the tests can then break.
    fn user_claims() -> serde_json::Value {
        json!({
            "sub": "42",
            "roles": ["requester"],
            "scope": [],
            "kind": "user",
            "iat": now(),
            "exp": now() + 300,
            "jti": "abc123",
            "iss": ISSUER,
            "aud": AUDIENCE,
        })
    }

    fn sign(alg: Algorithm, secret: &[u8], claims: &serde_json::Value) -> String {
        jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret))
            .expect("test claims sign")
    }

    fn assert_refused(token: &str) {
        assert!(
            matches!(keys().verify(token), Err(AuthError::InvalidToken)),
            "token should have been refused: {token}"
        );
    }

    #[test]
    fn secret_shorter_than_32_bytes_is_refused() {
        let result = JwtKeys::new(
            &[7; 31],
            ISSUER.to_owned(),
            AUDIENCE.to_owned(),
            Duration::from_secs(60),
        );
        assert!(matches!(result, Err(AuthError::ShortSecret)));
        assert!(
            JwtKeys::new(
                &[7; 32],
                ISSUER.to_owned(),
                AUDIENCE.to_owned(),
                Duration::from_secs(60)
            )
            .is_ok()
        );
    }

    #[test]
    fn user_token_round_trips() {
        let keys = keys();
        let roles = BTreeSet::from([role("requester"), role("humas_deputy"), role("admin")]);
        let before = Utc::now();
        let issued = keys.issue_user(42, &roles);

        let principal = keys.verify(&issued.token).expect("fresh token verifies");
        assert_eq!(principal, Principal::User { id: 42, roles });
        let lifetime = issued.expires_at - before;
        assert!(lifetime <= TimeDelta::seconds(600) && lifetime >= TimeDelta::seconds(598));
        assert!(!issued.jti.is_empty());
        assert!(!format!("{issued:?}").contains(&issued.token));
    }

    #[test]
    fn user_token_carries_the_documented_claims() {
        let keys = keys();
        let issued = keys.issue_user(42, &BTreeSet::from([role("staff")]));
        let payload = issued.token.split('.').nth(1).expect("three parts");
        let claims: Claims =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url"))
                .expect("claims");
        assert_eq!(claims.sub, "42");
        assert_eq!(claims.roles, ["staff"]);
        assert!(claims.scope.is_empty());
        assert_eq!(claims.kind, TokenKind::User);
        assert_eq!(claims.jti, issued.jti);
        assert_eq!(claims.exp, issued.expires_at.timestamp());
        assert_eq!(
            (claims.iss.as_str(), claims.aud.as_str()),
            (ISSUER, AUDIENCE)
        );
    }

    #[test]
    fn client_token_round_trips() {
        let keys = keys();
        let scopes = BTreeSet::from([Scope::ReadPublished, Scope::Worker]);
        // A colon inside the client id must survive the `sub` encoding.
        let issued = keys.issue_client(7, "humas:website", &scopes);

        let principal = keys.verify(&issued.token).expect("fresh token verifies");
        assert_eq!(
            principal,
            Principal::Client {
                id: 7,
                client_id: "humas:website".to_owned(),
                scopes,
            }
        );
    }

    #[test]
    fn two_tokens_get_different_ids() {
        let keys = keys();
        let roles = BTreeSet::from([role("requester")]);
        assert_ne!(
            keys.issue_user(1, &roles).jti,
            keys.issue_user(1, &roles).jti
        );
    }

    #[test]
    fn hand_signed_valid_claims_are_accepted() {
        // Guards the refusal tests below: they differ from this token in one thing only.
        let token = sign(Algorithm::HS256, SECRET, &user_claims());
        assert!(keys().verify(&token).is_ok());
    }

    #[test]
    fn alg_none_is_refused() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(user_claims().to_string());
        assert_refused(&format!("{header}.{payload}."));
    }

    #[test]
    fn other_hmac_algorithms_with_the_same_secret_are_refused() {
        for alg in [Algorithm::HS384, Algorithm::HS512] {
            assert_refused(&sign(alg, SECRET, &user_claims()));
        }
    }

    #[test]
    fn wrong_signature_is_refused() {
        assert_refused(&sign(
            Algorithm::HS256,
            b"another secret of at least thirty-two bytes",
            &user_claims(),
        ));

        let token = keys()
            .issue_user(42, &BTreeSet::from([role("requester")]))
            .token;
        let (message, _) = token.rsplit_once('.').expect("three parts");
        let forged_sig = URL_SAFE_NO_PAD.encode([0u8; 32]);
        assert_refused(&format!("{message}.{forged_sig}"));
    }

    #[test]
    fn tampered_payload_is_refused() {
        let token = keys()
            .issue_user(42, &BTreeSet::from([role("requester")]))
            .token;
        let mut parts: Vec<&str> = token.split('.').collect();
        let mut claims = user_claims();
        claims["roles"] = json!(["admin"]);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        parts[1] = &payload;
        assert_refused(&parts.join("."));
    }

    #[test]
    fn wrong_issuer_is_refused() {
        let mut claims = user_claims();
        claims["iss"] = json!("someone-else");
        assert_refused(&sign(Algorithm::HS256, SECRET, &claims));
    }

    #[test]
    fn wrong_audience_is_refused() {
        let mut claims = user_claims();
        claims["aud"] = json!("another-api");
        assert_refused(&sign(Algorithm::HS256, SECRET, &claims));
    }

    #[test]
    fn expired_token_is_refused_without_leeway() {
        let mut claims = user_claims();
        claims["iat"] = json!(now() - 600);
        claims["exp"] = json!(now() - 2);
        assert_refused(&sign(Algorithm::HS256, SECRET, &claims));
    }

    #[test]
    fn token_missing_a_required_claim_is_refused() {
        for claim in ["jti", "iat", "exp", "sub", "iss", "aud"] {
            let mut claims = user_claims();
            claims
                .as_object_mut()
                .expect("claims are an object")
                .remove(claim);
            assert_refused(&sign(Algorithm::HS256, SECRET, &claims));
        }
    }

    #[test]
    fn token_issued_in_the_future_is_refused() {
        let mut claims = user_claims();
        claims["iat"] = json!(now() + 120);
        claims["exp"] = json!(now() + 600);
        assert_refused(&sign(Algorithm::HS256, SECRET, &claims));
    }

    #[test]
    fn unknown_role_or_scope_is_refused() {
        let mut claims = user_claims();
        claims["roles"] = json!(["requester", "superuser"]);
        assert_refused(&sign(Algorithm::HS256, SECRET, &claims));

        let mut claims = user_claims();
        claims["kind"] = json!("client");
        claims["sub"] = json!("client:7:site");
        claims["roles"] = json!([]);
        claims["scope"] = json!(["read:published", "write:everything"]);
        assert_refused(&sign(Algorithm::HS256, SECRET, &claims));
    }

    #[test]
    fn subject_that_does_not_match_the_kind_is_refused() {
        let cases = [
            ("user", "client:7:site"),
            ("user", "+42"),
            ("user", "042"),
            ("user", ""),
            ("client", "42"),
            ("client", "client:7:"),
            ("client", "client:x:site"),
            ("client", "client:7"),
            ("robot", "42"),
        ];
        for (kind, sub) in cases {
            let mut claims = user_claims();
            claims["kind"] = json!(kind);
            claims["sub"] = json!(sub);
            if kind == "client" {
                claims["roles"] = json!([]);
            }
            assert_refused(&sign(Algorithm::HS256, SECRET, &claims));
        }
    }

    #[test]
    fn user_token_with_scopes_or_client_token_with_roles_is_refused() {
        let mut claims = user_claims();
        claims["scope"] = json!(["worker"]);
        assert_refused(&sign(Algorithm::HS256, SECRET, &claims));

        let mut claims = user_claims();
        claims["kind"] = json!("client");
        claims["sub"] = json!("client:7:site");
        claims["roles"] = json!(["admin"]);
        assert_refused(&sign(Algorithm::HS256, SECRET, &claims));
    }

    #[test]
    fn garbage_is_refused() {
        for token in [
            "",
            "abc",
            "a.b.c",
            "a.b.c.d",
            &"x".repeat(MAX_TOKEN_LEN + 1),
        ] {
            assert_refused(token);
        }
    }
}
