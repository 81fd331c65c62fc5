//! Login through OpenID Connect: MitID (through a broker such as NemLog-in)
//! for citizens, the municipality's own provider for staff.
//!
//! The protocol is the `openidconnect` crate's: the authorization code flow
//! with PKCE, `state` and `nonce`, and the ID token's issuer, audience,
//! expiry and signature checked against the keys the provider publishes.
//! What is ours is who the person is here:
//! - The provider's subject is looked up in `user_identities` (keyed by the
//!   issuer, since a subject is only unique within it). A citizen's provider
//!   only ever logs in citizens, the staff provider only staff, and the role
//!   always comes from the local account, never from a claim.
//! - An invited citizen links MitID once, with their activation code; the
//!   code is then used up, as when a password is chosen. A citizen who
//!   already has a password links MitID from "Mig", within a quarter of an
//!   hour of logging in (so a session left open on a shared computer cannot
//!   be given someone else's MitID). Staff are linked on
//!   their first login by the provider's verified e-mail address, which must
//!   be a staff account's login here.
//! - The assurance level (`acr`) must be one of those configured.
//! - A login under way is one row in `oidc_logins`, deleted as it is read
//!   and dead after ten minutes, bound to the browser by a cookie holding the
//!   same `state`: a replayed answer, or one begun in another browser, logs
//!   nobody in.
//! - When the provider rotates its signing keys, a token signed with a key we
//!   have not seen makes us fetch its published keys again, once.
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::Role;
use crate::time::now_ms;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreIdToken};
use openidconnect::{
    AuthenticationContextClass, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret,
    CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl,
    ProviderMetadataWithLogout, RedirectUrl, Scope,
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio::sync::RwLock;

/// How long a login may stay at the provider.
pub const LOGIN_TTL_MS: i64 = 10 * 60 * 1000;
/// How long the provider's published configuration and keys are trusted
/// before they are fetched again (sooner when a token names an unknown key).
const METADATA_TTL_MS: i64 = 60 * 60 * 1000;
/// Linking MitID from "Mig" needs a login this recent.
pub const LINK_WITHIN_MS: i64 = 15 * 60 * 1000;
/// Where the provider sends the browser back.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";
/// The cookie that binds a login under way to this browser.
pub const STATE_COOKIE: &str = "mitforlob_oidc";
pub const SECURE_STATE_COOKIE: &str = "__Host-mitforlob_oidc";

/// Which of the two configured providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderKind {
    /// MitID through a broker: citizens.
    Citizen,
    /// The municipality's identity provider: caseworkers, coordinators, administrators.
    Staff,
}

impl ProviderKind {
    pub fn code(self) -> &'static str {
        match self {
            ProviderKind::Citizen => "citizen",
            ProviderKind::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<ProviderKind> {
        match s {
            "citizen" => Some(ProviderKind::Citizen),
            "staff" => Some(ProviderKind::Staff),
            _ => None,
        }
    }

    /// Whether this provider may log in someone with `role`.
    pub fn admits(self, role: Role) -> bool {
        (role == Role::Citizen) == (self == ProviderKind::Citizen)
    }
}

/// One configured provider (see the README's configuration table).
#[derive(Clone)]
pub struct Provider {
    pub kind: ProviderKind,
    pub issuer: String,
    pub client_id: String,
    /// `client_secret_basic`, unless a signing key is given.
    pub client_secret: Option<SecretString>,
    /// `private_key_jwt`: the client's P-256 key (base64url scalar) and its key id.
    pub signing_key: Option<(SecretString, String)>,
    /// The accepted assurance levels; empty means any (or none).
    pub acr_values: Vec<String>,
    metadata: Arc<RwLock<Option<(ProviderMetadataWithLogout, i64)>>>,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("kind", &self.kind)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("acr_values", &self.acr_values)
            .finish_non_exhaustive()
    }
}

impl Provider {
    pub fn new(
        kind: ProviderKind,
        issuer: String,
        client_id: String,
        client_secret: Option<SecretString>,
        signing_key: Option<(SecretString, String)>,
        acr_values: Vec<String>,
    ) -> Provider {
        Provider {
            kind,
            issuer: issuer.trim_end_matches('/').to_string(),
            client_id,
            client_secret,
            signing_key,
            acr_values,
            metadata: Arc::default(),
        }
    }

    /// The provider's origin, for the pages' `form-action` (a form posts to
    /// us, and we answer with a redirect there).
    pub fn origin(&self) -> Option<String> {
        let url = url::Url::parse(&self.issuer).ok()?;
        Some(url.origin().ascii_serialization())
    }
}

/// Which roles may log in with a password (`MITFORLOB_PASSWORD_LOGIN`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PasswordLogin {
    pub citizens: bool,
    pub staff: bool,
}

impl Default for PasswordLogin {
    fn default() -> Self {
        PasswordLogin {
            citizens: true,
            staff: true,
        }
    }
}

impl PasswordLogin {
    /// `all`, `staff`, `citizens` or `none`.
    pub fn parse(s: &str) -> Option<PasswordLogin> {
        let (citizens, staff) = match s.trim() {
            "all" => (true, true),
            "staff" => (false, true),
            "citizens" => (true, false),
            "none" => (false, false),
            _ => return None,
        };
        Some(PasswordLogin { citizens, staff })
    }

    pub fn allows(self, role: Role) -> bool {
        if role == Role::Citizen {
            self.citizens
        } else {
            self.staff
        }
    }
}

/// Both providers, where to come back to, and who may use a password.
#[derive(Clone, Debug, Default)]
pub struct OidcConfig {
    /// This service's address as browsers reach it (`MITFORLOB_PUBLIC_URL`),
    /// for the redirect addresses registered with the providers.
    pub public_url: String,
    pub citizen: Option<Provider>,
    pub staff: Option<Provider>,
    pub password_login: PasswordLogin,
}

impl OidcConfig {
    pub fn provider(&self, kind: ProviderKind) -> Option<&Provider> {
        match kind {
            ProviderKind::Citizen => self.citizen.as_ref(),
            ProviderKind::Staff => self.staff.as_ref(),
        }
    }

    /// The providers' origins, space-separated, for `form-action`.
    pub fn form_action_origins(&self) -> String {
        [&self.citizen, &self.staff]
            .into_iter()
            .flatten()
            .filter_map(Provider::origin)
            .map(|o| format!(" {o}"))
            .collect()
    }

    fn redirect_url(&self) -> Result<RedirectUrl, AppError> {
        RedirectUrl::new(format!(
            "{}{CALLBACK_PATH}",
            self.public_url.trim_end_matches('/')
        ))
        .map_err(|_| internal("the public address is not a URL"))
    }
}

fn internal(what: &str) -> AppError {
    tracing::error!(what, "OpenID Connect is misconfigured");
    AppError::Internal
}

/// A login that failed for a reason only a log reader needs: the person is
/// told plainly to try again.
fn failed(reason: &'static str) -> AppError {
    tracing::warn!(reason, "OpenID Connect login refused");
    AppError::Refused(Msg::AuthOidcFailed)
}

fn http_client() -> reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                // Following redirects would let a provider's answer point us anywhere.
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .expect("a plain HTTP client builds")
        })
        .clone()
}

/// The provider's configuration and keys: cached, or fetched when stale or `fresh` is asked.
async fn metadata(provider: &Provider, fresh: bool) -> Result<ProviderMetadataWithLogout, AppError> {
    let now = now_ms();
    if !fresh {
        if let Some((meta, at)) = provider.metadata.read().await.as_ref() {
            if now - at < METADATA_TTL_MS {
                return Ok(meta.clone());
            }
        }
    }
    let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|_| internal("the issuer is not a URL"))?;
    let meta = ProviderMetadataWithLogout::discover_async(issuer, &http_client())
        .await
        .map_err(|e| {
            tracing::error!(error = %e, issuer = %provider.issuer, "the identity provider cannot be reached");
            AppError::Refused(Msg::AuthOidcUnavailable)
        })?;
    *provider.metadata.write().await = Some((meta.clone(), now));
    Ok(meta)
}

type Client = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    openidconnect::core::CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    openidconnect::core::CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

fn client(
    config: &OidcConfig,
    provider: &Provider,
    meta: ProviderMetadataWithLogout,
) -> Result<Client, AppError> {
    // With a signing key the client proves itself with a signed assertion
    // in the body instead of a secret.
    let secret = match provider.signing_key {
        Some(_) => None,
        None => provider
            .client_secret
            .as_ref()
            .map(|s| ClientSecret::new(s.expose_secret().to_string())),
    };
    let client: Client =
        CoreClient::from_provider_metadata(meta, ClientId::new(provider.client_id.clone()), secret)
            .set_redirect_uri(config.redirect_url()?);
    Ok(match provider.signing_key {
        Some(_) => client.set_auth_type(openidconnect::AuthType::RequestBody),
        None => client,
    })
}

fn state_hash(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

/// Where to send the browser, and the `state` for its cookie.
pub struct Begun {
    pub url: String,
    pub state: String,
}

/// Who a login through the provider is for, beyond logging in.
#[derive(Clone, Copy, Debug, Default)]
pub enum Purpose<'a> {
    /// Log in someone already linked (or staff, linked on first login).
    #[default]
    LogIn,
    /// An invited citizen links MitID with their activation code (checked
    /// when the provider has said who they are).
    Activate(&'a str),
    /// The logged-in citizen links MitID to their account from "Mig".
    Link(&'a crate::model::CurrentUser),
}

/// Starts a login with `kind`'s provider, for `purpose`.
pub async fn begin(
    db: &Db,
    config: &OidcConfig,
    kind: ProviderKind,
    purpose: Purpose<'_>,
) -> Result<Begun, AppError> {
    let (activation_code, link_user) = match purpose {
        Purpose::LogIn => (None, None),
        Purpose::Activate(code) => (Some(code), None),
        Purpose::Link(user) => {
            if kind != ProviderKind::Citizen || user.role != Role::Citizen {
                return Err(AppError::NotFound);
            }
            let started: Option<i64> =
                sqlx::query_scalar("SELECT created_at FROM sessions WHERE key_hash = $1")
                    .bind(&user.session_key)
                    .fetch_optional(db.pool())
                    .await?;
            if started.is_none_or(|at| now_ms() - at > LINK_WITHIN_MS) {
                return Err(AppError::Refused(Msg::AuthMitidLinkRelogin));
            }
            (None, Some(user.id.as_str()))
        }
    };
    let provider = config.provider(kind).ok_or(AppError::NotFound)?;
    let meta = metadata(provider, false).await?;
    let client = client(config, provider, meta)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    match kind {
        // Staff are linked by their work address on first login.
        ProviderKind::Staff => request = request.add_scope(Scope::new("email".into())),
        // MitID asks every time: on a shared phone or library computer, the
        // broker's session of whoever logged in before must not log the next
        // person into that account.
        ProviderKind::Citizen => request = request.add_prompt(openidconnect::core::CoreAuthPrompt::Login),
    }
    for acr in &provider.acr_values {
        request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
    }
    let (url, state, nonce) = request.url();
    let now = now_ms();
    // Logins abandoned at the provider go with the next one.
    sqlx::query("DELETE FROM oidc_logins WHERE expires_at <= $1")
        .bind(now)
        .execute(db.pool())
        .await?;
    sqlx::query(
        "INSERT INTO oidc_logins (state_hash, provider, pkce_verifier, nonce, activation_code_hash, link_user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(state_hash(state.secret()))
    .bind(kind.code())
    .bind(verifier.secret())
    .bind(nonce.secret())
    .bind(activation_code.map(super::activation::code_hash))
    .bind(link_user)
    .bind(now)
    .bind(now + LOGIN_TTL_MS)
    .execute(db.pool())
    .await?;
    Ok(Begun {
        url: url.to_string(),
        state: state.secret().clone(),
    })
}

/// Ends a login under way that the provider answered with an error (or the
/// person cancelled): its state can never be used afterwards.
pub async fn abandon(db: &Db, state: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM oidc_logins WHERE state_hash = $1")
        .bind(state_hash(state))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// What the provider sent back to [`CALLBACK_PATH`], and the state cookie.
pub struct Callback<'a> {
    pub code: &'a str,
    pub state: &'a str,
    pub cookie_state: Option<&'a str>,
}

/// Who logged in, and what logging out at the provider needs.
#[derive(Debug)]
pub struct Completed {
    pub user_id: String,
    pub role: Role,
    pub kind: ProviderKind,
    pub id_token: String,
    /// True when this login linked the identity (a citizen's activation).
    pub linked: bool,
    /// True when the citizen linked MitID from "Mig".
    pub linked_from_me: bool,
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    provider: String,
    pkce_verifier: String,
    nonce: String,
    activation_code_hash: Option<String>,
    expires_at: i64,
    link_user_id: Option<String>,
}

/// Finishes a login: the provider's answer is checked, the person found
/// (or linked), and only then is anyone logged in. `ip` throttles linking.
pub async fn complete(
    db: &Db,
    config: &OidcConfig,
    answer: Callback<'_>,
    ip: &str,
) -> Result<Completed, AppError> {
    // Bound to this browser: the state must be the one its cookie holds.
    if answer.cookie_state != Some(answer.state) || answer.state.is_empty() {
        return Err(failed("state does not match the browser's"));
    }
    // Used once: whoever reads the row first deletes it.
    let row = sqlx::query_as::<_, LoginRow>(
        "DELETE FROM oidc_logins WHERE state_hash = $1 \
         RETURNING provider, pkce_verifier, nonce, activation_code_hash, expires_at, link_user_id",
    )
    .bind(state_hash(answer.state))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Err(failed("unknown or used state"));
    };
    if row.expires_at <= now_ms() {
        return Err(failed("the login took too long"));
    }
    let kind = ProviderKind::parse(&row.provider).ok_or_else(|| failed("unknown provider"))?;
    let provider = config
        .provider(kind)
        .ok_or_else(|| failed("provider no longer configured"))?;
    let verifier = PkceCodeVerifier::new(row.pkce_verifier);
    let nonce = Nonce::new(row.nonce);
    let activation = row.activation_code_hash;
    let link_user = row.link_user_id;

    let client = client(config, provider, metadata(provider, false).await?)?;
    let mut exchange = client
        .exchange_code(AuthorizationCode::new(answer.code.to_string()))
        .map_err(|_| internal("the provider has no token endpoint"))?
        .set_pkce_verifier(verifier);
    if let Some((key, kid)) = &provider.signing_key {
        let token_url = client
            .token_uri()
            .ok_or_else(|| internal("the provider has no token endpoint"))?
            .to_string();
        let assertion = client_assertion(key, kid, &provider.client_id, &token_url)?;
        // `AuthType::RequestBody` already sends the client id in the body.
        exchange = exchange
            .add_extra_param(
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            )
            .add_extra_param("client_assertion", assertion);
    }
    let response = exchange.request_async(&http_client()).await.map_err(|e| {
        tracing::warn!(error = %e, "the provider refused the code");
        failed("code refused (replayed, expired or not ours)")
    })?;
    let id_token = openidconnect::TokenResponse::id_token(&response)
        .ok_or_else(|| failed("no ID token"))?
        .clone();
    let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
        Ok(claims) => claims.clone(),
        // A key we have not seen: the provider may have rotated its keys.
        Err(ClaimsVerificationError::SignatureVerification(_)) => {
            let fresh = client_with_fresh_keys(config, provider).await?;
            let verifier = fresh.id_token_verifier();
            let claims = id_token.claims(&verifier, &nonce).map_err(|e| {
                tracing::warn!(error = %e, "ID token refused");
                failed("ID token signature")
            })?;
            claims.clone()
        }
        Err(e) => {
            tracing::warn!(error = %e, "ID token refused");
            return Err(failed("ID token claims"));
        }
    };
    if !provider.acr_values.is_empty() {
        let level = claims.auth_context_ref().map(|a| a.as_str().to_string());
        if !level.is_some_and(|l| provider.acr_values.contains(&l)) {
            tracing::warn!(reason = "assurance level", "OpenID Connect login refused");
            return Err(AppError::Refused(Msg::AuthOidcLevel));
        }
    }
    let subject = claims.subject().as_str();
    let email = claims
        .email()
        .filter(|_| claims.email_verified() == Some(true))
        .map(|e| e.as_str().trim().to_lowercase());
    let (user_id, role, linked) = match find(db, &provider.issuer, subject).await? {
        // Linking a MitID that is someone else's (or this person's already).
        Some((id, _)) if link_user.as_ref().is_some_and(|u| *u != id) => {
            return Err(AppError::Refused(Msg::AuthOidcAlreadyLinked));
        }
        Some((id, role)) => (id, role, false),
        None => match (kind, activation) {
            (ProviderKind::Citizen, _) if link_user.is_some() => {
                let id = link_user.clone().unwrap_or_default();
                link_logged_in(db, &provider.issuer, subject, &id).await?;
                (id, Role::Citizen, true)
            }
            (ProviderKind::Citizen, Some(code_hash)) => {
                let id = link_citizen(db, &provider.issuer, subject, &code_hash, ip).await?;
                (id, Role::Citizen, true)
            }
            (ProviderKind::Staff, _) => {
                let (id, role) = link_staff(db, &provider.issuer, subject, email.as_deref()).await?;
                (id, role, true)
            }
            (ProviderKind::Citizen, None) => return Err(AppError::Refused(Msg::AuthOidcNotLinked)),
        },
    };
    if !kind.admits(role) {
        return Err(failed("role does not belong with this provider"));
    }
    Ok(Completed {
        user_id,
        role,
        kind,
        id_token: id_token.to_string(),
        linked,
        linked_from_me: linked && link_user.is_some(),
    })
}

async fn client_with_fresh_keys(config: &OidcConfig, provider: &Provider) -> Result<Client, AppError> {
    client(config, provider, metadata(provider, true).await?)
}

/// An account's id and role.
#[derive(sqlx::FromRow)]
struct UserRoleRow {
    id: String,
    role: String,
}

/// The local account linked to `subject` at `issuer`: active and not anonymised.
async fn find(db: &Db, issuer: &str, subject: &str) -> Result<Option<(String, Role)>, AppError> {
    let row = sqlx::query_as::<_, UserRoleRow>(
        "SELECT u.id, u.role FROM user_identities i JOIN users u ON u.id = i.user_id \
         WHERE i.provider = $1 AND i.subject = $2 AND u.disabled_at IS NULL AND u.anonymised_at IS NULL",
    )
    .bind(issuer)
    .bind(subject)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let role = Role::parse(&row.role).ok_or(AppError::Internal)?;
    Ok(Some((row.id, role)))
}

/// Links a citizen's MitID with their activation code, once: the code is
/// used up in the same transaction, and an account that already has a
/// password or a MitID is not linked again. Throttled like typing a code.
async fn link_citizen(
    db: &Db,
    issuer: &str,
    subject: &str,
    code_hash: &str,
    ip: &str,
) -> Result<String, AppError> {
    let attempt = super::rate_limit::reserve(db, &format!("activation:{ip}"), ip).await?;
    let now = now_ms();
    let mut tx = db.begin().await?;
    let row = sqlx::query_as::<_, super::activation::CodeRow>(
        "SELECT c.id, c.user_id FROM activation_codes c JOIN users u ON u.id = c.user_id \
         WHERE c.code_hash = $1 AND c.used_at IS NULL AND c.expires_at > $2 \
         AND u.role = 'citizen' AND u.password_hash IS NULL AND u.disabled_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = u.id)",
    )
    .bind(code_hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(AppError::ActivationInvalid);
    };
    let user_id = row.user_id;
    super::activation::use_code(&mut tx, &row.id, now).await?;
    insert_identity(&mut tx, issuer, subject, &user_id).await?;
    tx.commit().await?;
    super::rate_limit::succeeded(db, attempt).await?;
    super::security_log::account_event("mitid_linked", "account", &user_id, &user_id);
    Ok(user_id)
}

/// Records that `subject` at `issuer` is `user_id`. The primary key
/// (provider, subject) refuses a MitID already linked to someone else.
async fn insert_identity(
    conn: &mut sqlx::AnyConnection,
    issuer: &str,
    subject: &str,
    user_id: &str,
) -> Result<(), AppError> {
    let inserted = sqlx::query(
        "INSERT INTO user_identities (provider, subject, user_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(issuer)
    .bind(subject)
    .bind(user_id)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() != 1 {
        return Err(AppError::Refused(Msg::AuthOidcAlreadyLinked));
    }
    Ok(())
}

/// Links the citizen who asked from "Mig" (checked in [`begin`]): once per
/// provider, and never a MitID linked to someone else.
async fn link_logged_in(db: &Db, issuer: &str, subject: &str, user_id: &str) -> Result<(), AppError> {
    let inserted = sqlx::query(
        "INSERT INTO user_identities (provider, subject, user_id, created_at) \
         SELECT $1, $2, u.id, $3 FROM users u WHERE u.id = $4 AND u.role = 'citizen' AND u.disabled_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = u.id AND i.provider = $1) \
         ON CONFLICT DO NOTHING",
    )
    .bind(issuer)
    .bind(subject)
    .bind(now_ms())
    .bind(user_id)
    .execute(db.pool())
    .await?;
    if inserted.rows_affected() != 1 {
        return Err(AppError::Refused(Msg::AuthOidcAlreadyLinked));
    }
    super::security_log::account_event("mitid_linked", "account", user_id, user_id);
    Ok(())
}

/// Whether the citizen has MitID linked (for "Mig").
pub async fn has_identity(db: &Db, user_id: &str) -> Result<bool, AppError> {
    let found = sqlx::query("SELECT 1 FROM user_identities WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(found.is_some())
}

/// Links a staff member on first login by the provider's verified e-mail
/// address; the role is the local account's.
async fn link_staff(
    db: &Db,
    issuer: &str,
    subject: &str,
    email: Option<&str>,
) -> Result<(String, Role), AppError> {
    let Some(email) = email else {
        return Err(AppError::Refused(Msg::AuthOidcNotLinked));
    };
    let row = sqlx::query_as::<_, UserRoleRow>(
        "SELECT u.id, u.role FROM users u WHERE u.email = $1 AND u.role <> 'citizen' AND u.disabled_at IS NULL \
         AND NOT EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = u.id AND i.provider = $2)",
    )
    .bind(email)
    .bind(issuer)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Err(AppError::Refused(Msg::AuthOidcNotLinked));
    };
    let user_id = row.id;
    let role = Role::parse(&row.role).ok_or(AppError::Internal)?;
    insert_identity(&mut *db.pool().acquire().await?, issuer, subject, &user_id).await?;
    super::security_log::account_event("staff_identity_linked", "account", &user_id, &user_id);
    Ok((user_id, role))
}

/// Remembers on the new session which provider started it and its ID token,
/// for logging out there too.
pub async fn remember_on_session(db: &Db, session_token: &str, done: &Completed) -> Result<(), AppError> {
    sqlx::query("UPDATE sessions SET oidc_provider = $1, id_token = $2 WHERE key_hash = $3")
        .bind(done.kind.code())
        .bind(&done.id_token)
        .bind(super::session::token_hash(session_token))
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The provider's and ID token of a session, read before it ends.
pub async fn session_login(db: &Db, key_hash: &str) -> Result<Option<(ProviderKind, String)>, AppError> {
    #[derive(sqlx::FromRow)]
    struct SessionLoginRow {
        oidc_provider: Option<String>,
        id_token: Option<String>,
    }
    let row = sqlx::query_as::<_, SessionLoginRow>(
        "SELECT oidc_provider, id_token FROM sessions WHERE key_hash = $1",
    )
    .bind(key_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(row
        .oidc_provider
        .as_deref()
        .and_then(ProviderKind::parse)
        .zip(row.id_token))
}

/// Where to send the browser to end the provider's session too (RP-initiated
/// logout), coming back to `back_path`; `None` when the provider offers none.
pub async fn logout_url(
    config: &OidcConfig,
    kind: ProviderKind,
    id_token: &str,
    back_path: &str,
) -> Option<String> {
    let provider = config.provider(kind)?;
    let meta = metadata(provider, false).await.ok()?;
    let end = meta.additional_metadata().end_session_endpoint.clone()?;
    let token: CoreIdToken = id_token.parse().ok()?;
    let back =
        PostLogoutRedirectUrl::new(format!("{}{back_path}", config.public_url.trim_end_matches('/'))).ok()?;
    Some(
        openidconnect::LogoutRequest::from(end)
            .set_id_token_hint(&token)
            .set_client_id(ClientId::new(provider.client_id.clone()))
            .set_post_logout_redirect_uri(back)
            .http_get_url()
            .to_string(),
    )
}

/// A `private_key_jwt` client assertion (RFC 7523), signed ES256 with the
/// client's P-256 key; short-lived and single-use by its `jti`.
fn client_assertion(
    key: &SecretString,
    kid: &str,
    client_id: &str,
    token_url: &str,
) -> Result<String, AppError> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::{Signature, SigningKey};
    let bytes = B64
        .decode(key.expose_secret().trim())
        .map_err(|_| internal("the client signing key is not base64url"))?;
    if bytes.len() != 32 {
        return Err(internal("the client signing key is not a P-256 scalar"));
    }
    let key =
        SigningKey::from_slice(&bytes).map_err(|_| internal("the client signing key is not on P-256"))?;
    let now = now_ms() / 1000;
    let header = serde_json::json!({ "alg": "ES256", "typ": "JWT", "kid": kid });
    let claims = serde_json::json!({
        "iss": client_id,
        "sub": client_id,
        "aud": token_url,
        "jti": hex::encode(rand::random::<[u8; 16]>()),
        "iat": now,
        "exp": now + 60,
    });
    let input = format!(
        "{}.{}",
        B64.encode(header.to_string()),
        B64.encode(claims.to_string())
    );
    let signature: Signature = key.sign(input.as_bytes());
    Ok(format!("{input}.{}", B64.encode(signature.to_bytes())))
}

/// The public half of a client signing key as a JWK, to register with the provider.
pub fn public_jwk(key: &SecretString, kid: &str) -> Result<serde_json::Value, AppError> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let bytes = B64
        .decode(key.expose_secret().trim())
        .map_err(|_| internal("the client signing key is not base64url"))?;
    let key = p256::ecdsa::SigningKey::from_slice(&bytes)
        .map_err(|_| internal("the client signing key is not on P-256"))?;
    let point = key.verifying_key().to_encoded_point(false);
    Ok(serde_json::json!({
        "kty": "EC",
        "crv": "P-256",
        "kid": kid,
        "use": "sig",
        "alg": "ES256",
        "x": B64.encode(point.x().ok_or(AppError::Internal)?),
        "y": B64.encode(point.y().ok_or(AppError::Internal)?),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_admits_only_its_own_people() {
        assert!(ProviderKind::Citizen.admits(Role::Citizen));
        assert!(!ProviderKind::Citizen.admits(Role::Caseworker));
        assert!(ProviderKind::Staff.admits(Role::Administrator));
        assert!(ProviderKind::Staff.admits(Role::HealthCoordinator));
        assert!(!ProviderKind::Staff.admits(Role::Citizen));
    }

    #[test]
    fn password_login_is_switched_off_per_role() {
        let staff_only = PasswordLogin::parse("staff").unwrap();
        assert!(!staff_only.allows(Role::Citizen));
        assert!(staff_only.allows(Role::Caseworker));
        assert!(!PasswordLogin::parse("none").unwrap().allows(Role::Administrator));
        assert!(PasswordLogin::parse("all").unwrap().allows(Role::Citizen));
        assert_eq!(PasswordLogin::parse("nogle"), None);
    }

    #[test]
    fn a_client_assertion_is_an_es256_jwt_its_public_key_verifies() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
        use base64::Engine;
        use p256::ecdsa::signature::Verifier;
        let secret = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
        let key = SecretString::from(B64.encode(secret.to_bytes()));
        let jwt = client_assertion(&key, "k1", "mitforlob", "https://idp.example/token").unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["iss"], "mitforlob");
        assert_eq!(claims["aud"], "https://idp.example/token");
        let jwk = public_jwk(&key, "k1").unwrap();
        let mut point = vec![4u8];
        point.extend(B64.decode(jwk["x"].as_str().unwrap()).unwrap());
        point.extend(B64.decode(jwk["y"].as_str().unwrap()).unwrap());
        let public = p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).unwrap();
        let sig = p256::ecdsa::Signature::from_slice(&B64.decode(parts[2]).unwrap()).unwrap();
        assert!(public
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
            .is_ok());
    }
}
