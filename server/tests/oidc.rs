//! Login through OpenID Connect against a real provider (issue 18): the
//! certified `oidc-provider` from npm, started by `end2end/oidc/provider.mjs`
//! on a free loopback port, and the server's real router in front of a fresh
//! database on each engine. The browser's part is played by hand: the
//! provider over HTTP with its cookies, our router through `oneshot`.
//!
//! What a real provider never does on its own (a wrong signature, an expired
//! token, a wrong audience, issuer or nonce) comes from the same script's
//! "rogue" issuer, which misbehaves on command.
mod support;

use app::auth::oidc::{OidcConfig, PasswordLogin, Provider, ProviderKind};
use axum::http::{header, HeaderMap, StatusCode};
use secrecy::SecretString;
use std::collections::HashMap;
use std::process::Stdio;
use support::*;
use tokio::io::{AsyncBufReadExt, BufReader};

const APP: &str = "http://127.0.0.1:3000";
const SUBSTANTIAL: &str = "https://data.gov.dk/concept/core/nsis/substantial";

/// Why a login was refused shows in the test's output (`RUST_LOG` filters).
fn show_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_test_writer()
        .try_init();
}

/// A provider process; killed when dropped.
struct Idp {
    issuer: String,
    _child: tokio::process::Child,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn client_json(id: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut c = serde_json::json!({
        "client_id": id,
        "client_secret": format!("{id}-secret"),
        "redirect_uris": [format!("{APP}/auth/oidc/callback")],
        "post_logout_redirect_uris": [format!("{APP}/login?notice=auth.logged_out")],
    });
    if let (Some(c), Some(extra)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            c.insert(k.clone(), v.clone());
        }
    }
    c
}

async fn start_idp(mode: &str, clients: serde_json::Value) -> Idp {
    show_logs();
    let script = repo().join("end2end/oidc/provider.mjs");
    assert!(
        repo().join("end2end/node_modules/oidc-provider").exists(),
        "the test provider needs `make tools` (npm ci in end2end/) first"
    );
    let dir = std::env::temp_dir().join(format!("mitforlob-idp-{}", app::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let mut child = tokio::process::Command::new("node")
        .arg(script)
        .env("OIDC_MODE", mode)
        .env("OIDC_PORT", port.to_string())
        .env("OIDC_CLIENTS", clients.to_string())
        .env("OIDC_KEYS_FILE", dir.join("keys.json"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs the test provider");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let issuer = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(issuer) = line.strip_prefix("ready ") {
                return issuer.trim().to_string();
            }
        }
        panic!("the provider stopped before it was ready");
    })
    .await
    .expect("the provider starts within 30 s");
    // Keep reading its output so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Idp {
        issuer,
        _child: child,
        _dir: TempDir(dir),
    }
}

fn provider(kind: ProviderKind, idp: &Idp, client_id: &str, acr: &[&str]) -> Provider {
    Provider::new(
        kind,
        idp.issuer.clone(),
        client_id.into(),
        Some(SecretString::from(format!("{client_id}-secret"))),
        None,
        acr.iter().map(|a| a.to_string()).collect(),
    )
}

/// The app with both providers at `idp` and passwords for staff only.
async fn app_with(postgres: bool, oidc: OidcConfig) -> TestApp {
    TestApp::spawn_with(postgres, move |s| s.oidc = oidc, &Default::default()).await
}

fn config(citizen: Provider, staff: Option<Provider>, password_login: PasswordLogin) -> OidcConfig {
    OidcConfig {
        public_url: APP.into(),
        citizen: Some(citizen),
        staff,
        password_login,
    }
}

/// The browser at the provider: its cookies, kept by name.
#[derive(Default)]
struct Browser {
    jar: HashMap<String, String>,
}

impl Browser {
    fn keep(&mut self, headers: &reqwest::header::HeaderMap) {
        for c in headers.get_all(reqwest::header::SET_COOKIE) {
            let pair = c.to_str().unwrap().split(';').next().unwrap();
            if let Some((k, v)) = pair.split_once('=') {
                self.jar.insert(k.trim().into(), v.trim().into());
            }
        }
    }

    fn cookie(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Follows the provider from `url` until it sends the browser back to
    /// us (the returned path and query), answering its login form as
    /// `subject` at `acr` ("" for none) on the way.
    async fn at_provider(&mut self, url: &str, subject: &str, acr: &str) -> String {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut next = url.to_string();
        let mut form: Option<Vec<(String, String)>> = None;
        for _ in 0..20 {
            let req = match form.take() {
                Some(fields) => http.post(&next).form(&fields),
                None => http.get(&next),
            };
            let res = req.header("cookie", self.cookie()).send().await.unwrap();
            self.keep(res.headers());
            let status = res.status();
            let base = res.url().clone();
            if status.is_redirection() {
                let location = res.headers()["location"].to_str().unwrap();
                let target = base.join(location).unwrap().to_string();
                if let Some(ours) = target.strip_prefix(APP) {
                    return ours.to_string();
                }
                next = target;
                continue;
            }
            let body = res.text().await.unwrap();
            assert!(status.is_success(), "the provider answered {status}: {body}");
            // A form, submitted as a browser would: its hidden fields, and
            // the login fields where it asks who is there. (Logging in as
            // someone else than the provider's session ends that session first,
            // on a page that submits itself.)
            let action = body
                .split("action=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("no form at the provider: {body}"))
                .replace("&amp;", "&");
            next = base.join(&action).unwrap().to_string();
            let mut fields: Vec<(String, String)> = body
                .split("<input")
                .skip(1)
                .filter(|tag| tag.contains("type=\"hidden\""))
                .filter_map(|tag| {
                    let attr = |name: &str| {
                        tag.split(&format!("{name}=\""))
                            .nth(1)?
                            .split('"')
                            .next()
                            .map(str::to_string)
                    };
                    Some((attr("name")?, attr("value").unwrap_or_default()))
                })
                .collect();
            if body.contains("name=\"login\"") {
                fields.push(("login".into(), subject.into()));
                fields.push(("acr".into(), acr.into()));
            }
            form = Some(fields);
        }
        panic!("the provider never sent the browser back");
    }
}

fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect()
}

fn location(headers: &HeaderMap) -> String {
    headers[header::LOCATION].to_str().unwrap().to_string()
}

/// What came back from a login: the session cookie, or where the browser was sent.
#[derive(Debug)]
enum Outcome {
    LoggedIn { session: String, next: String },
    SentTo(String),
}

/// The state cookie our `begin` set, and the provider's address.
async fn begin(app: &TestApp, kind: &str, from: &str, body: &str) -> (String, String) {
    begin_as(app, kind, from, body, None).await
}

/// [`begin`] by someone logged in (`session`).
async fn begin_as(
    app: &TestApp,
    kind: &str,
    from: &str,
    body: &str,
    session: Option<&str>,
) -> (String, String) {
    let (status, headers, _) = app
        .post_form_from(&format!("/auth/oidc/{kind}"), from, body, session)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    let state_cookie = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("mitforlob_oidc="))
        .expect("a state cookie");
    (state_cookie, location(&headers))
}

async fn callback(app: &TestApp, path: &str, state_cookie: &str) -> Outcome {
    let (status, headers, body) = app.get(path, Some(state_cookie)).await;
    if status == StatusCode::OK {
        let session = set_cookies(&headers)
            .into_iter()
            .find(|c| c.starts_with("mitforlob_session="))
            .expect("a session cookie");
        let next = body
            .split("url=")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_string();
        Outcome::LoggedIn { session, next }
    } else {
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        // A refused login leaves no session cookie behind.
        assert!(!set_cookies(&headers)
            .iter()
            .any(|c| c.starts_with("mitforlob_session=")));
        Outcome::SentTo(location(&headers))
    }
}

/// A whole login: our form, the provider, our callback.
async fn login_via(app: &TestApp, kind: &str, from: &str, body: &str, subject: &str, acr: &str) -> Outcome {
    let (state_cookie, url) = begin(app, kind, from, body).await;
    let back = Browser::default().at_provider(&url, subject, acr).await;
    callback(app, &back, &state_cookie).await
}

async fn invite(app: &TestApp) -> (String, String) {
    let mette = app.login("mette@demo.mitforlob.dk").await;
    let email = format!("{}@eksempel.dk", app::db::new_id());
    let (_, h, _) = app
        .post_form(
            "/api/invite-citizen",
            &format!("name=Mia+MitID&email={}", email.replace('@', "%40")),
            Some(&mette),
        )
        .await;
    let citizen = location(&h).trim_start_matches("/caseload/citizens/").to_string();
    let mette_id = app.user_id("mette@demo.mitforlob.dk").await;
    let (code, _) = app::auth::activation::issue(&app.db, &citizen, &mette_id, 3_600_000)
        .await
        .unwrap();
    (citizen, code)
}

async fn identities(app: &TestApp, user: &str) -> i64 {
    app.count("SELECT COUNT(*) FROM user_identities WHERE user_id = $1", user)
        .await
}

mod real {
    use super::*;

    async fn run_citizen(postgres: bool) {
        let idp = start_idp(
            "real",
            serde_json::json!([
                client_json("citizen", serde_json::json!({})),
                client_json("staff", serde_json::json!({}))
            ]),
        )
        .await;
        let app = app_with(
            postgres,
            config(
                provider(ProviderKind::Citizen, &idp, "citizen", &[SUBSTANTIAL]),
                Some(provider(ProviderKind::Staff, &idp, "staff", &[])),
                PasswordLogin::parse("staff").unwrap(),
            ),
        )
        .await;
        let (citizen, code) = invite(&app).await;
        let subject = format!("mitid-{}", app::db::new_id());

        // Linked once with the code, and logged in.
        let body = format!("code={}", code.to_lowercase());
        let Outcome::LoggedIn { session, next } =
            login_via(&app, "citizen", "/activate", &body, &subject, SUBSTANTIAL).await
        else {
            panic!("the first MitID login with the code logs in");
        };
        assert_eq!(next, "/?notice=auth.activated_mitid");
        let (_, _, page) = app.get("/", Some(&session)).await;
        assert!(page.contains("Hej Mia"), "the citizen's own overview");
        assert_eq!(identities(&app, &citizen).await, 1);
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM activation_codes WHERE user_id = $1 AND used_at IS NULL",
                &citizen
            )
            .await,
            0,
            "the code is used up"
        );

        // The code is dead: with another MitID, and with a password.
        let other = login_via(
            &app,
            "citizen",
            "/activate",
            &body,
            &format!("{subject}-x"),
            SUBSTANTIAL,
        )
        .await;
        assert!(
            matches!(other, Outcome::SentTo(ref to) if to == "/activate?error=auth.activation_invalid"),
            "{other:?}"
        );
        let r = app::auth::activation::redeem(
            &app.db,
            &code,
            "en lang sætning her".into(),
            "en lang sætning her".into(),
        )
        .await;
        assert_eq!(r, Err(app::error::AppError::ActivationInvalid));
        // Nobody can issue a new code for an account with MitID (it would take it over).
        let mette_id = app.user_id("mette@demo.mitforlob.dk").await;
        assert!(app::auth::activation::issue(&app.db, &citizen, &mette_id, 60_000)
            .await
            .is_err());

        // MitID alone, from now on.
        let again = login_via(&app, "citizen", "/login", "", &subject, SUBSTANTIAL).await;
        assert!(
            matches!(again, Outcome::LoggedIn { ref next, .. } if next == "/"),
            "{again:?}"
        );

        // Logging out ends the provider's session too.
        let Outcome::LoggedIn { session, .. } = again else {
            unreachable!()
        };
        let (status, headers, _) = app.post_form_from("/api/logout", "/", "", Some(&session)).await;
        assert!(status.is_redirection());
        let to = location(&headers);
        assert!(to.starts_with(&idp.issuer), "to the provider: {to}");
        assert!(
            to.contains("id_token_hint=") && to.contains("post_logout_redirect_uri="),
            "{to}"
        );
        let (_, _, page) = app.get("/", Some(&session)).await;
        assert!(!page.contains("Hej Mia"), "the local session ended");

        // Refusals, each leaving nobody logged in.
        let low = login_via(
            &app,
            "citizen",
            "/login",
            "",
            &subject,
            "https://data.gov.dk/concept/core/nsis/low",
        )
        .await;
        assert!(
            matches!(low, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_level"),
            "{low:?}"
        );
        let none = login_via(&app, "citizen", "/login", "", &subject, "").await;
        assert!(
            matches!(none, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_level"),
            "{none:?}"
        );
        let stranger = login_via(&app, "citizen", "/login", "", "nobody-here", SUBSTANTIAL).await;
        assert!(
            matches!(stranger, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_not_linked"),
            "{stranger:?}"
        );
        // One browser, two people (a shared computer): MitID asks again, so
        // the second is never logged in as the first.
        let mut shared = Browser::default();
        let (first_cookie, url) = begin(&app, "citizen", "/login", "").await;
        let back = shared.at_provider(&url, &subject, SUBSTANTIAL).await;
        let first = callback(&app, &back, &first_cookie).await;
        assert!(matches!(first, Outcome::LoggedIn { .. }), "{first:?}");
        let (second_cookie, url) = begin(&app, "citizen", "/login", "").await;
        let back = shared.at_provider(&url, "nobody-here", SUBSTANTIAL).await;
        let second = callback(&app, &back, &second_cookie).await;
        assert!(
            matches!(second, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_not_linked"),
            "{second:?}"
        );

        // Wrong state: the answer to another browser's login.
        let (mine, url) = begin(&app, "citizen", "/login", "").await;
        let back = Browser::default().at_provider(&url, &subject, SUBSTANTIAL).await;
        let (theirs, _) = begin(&app, "citizen", "/login", "").await;
        let wrong = callback(&app, &back, &theirs).await;
        assert!(
            matches!(wrong, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_failed"),
            "{wrong:?}"
        );
        // In its own browser the answer works, once; replayed, it does not.
        let first = callback(&app, &back, &mine).await;
        assert!(matches!(first, Outcome::LoggedIn { .. }), "{first:?}");
        let replay = callback(&app, &back, &mine).await;
        assert!(
            matches!(replay, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_failed"),
            "{replay:?}"
        );
        // A replayed code under a fresh login of this browser: the provider refuses it.
        let (fresh, _) = begin(&app, "citizen", "/login", "").await;
        let fresh_state = fresh.split_once('=').unwrap().1;
        let code_only = back.split("state=").next().unwrap();
        let spliced = format!("{code_only}state={fresh_state}");
        let spliced = callback(&app, spliced.trim_end_matches('&'), &fresh).await;
        assert!(
            matches!(spliced, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_failed"),
            "{spliced:?}"
        );
        // Cancelled at the provider.
        let (cookie, _) = begin(&app, "citizen", "/login", "").await;
        let state = cookie.split_once('=').unwrap().1.to_string();
        let cancelled = callback(
            &app,
            &format!("/auth/oidc/callback?error=access_denied&state={state}"),
            &cookie,
        )
        .await;
        assert!(
            matches!(cancelled, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_cancelled"),
            "{cancelled:?}"
        );

        // Staff: linked by their verified address, role from the local account.
        let Outcome::LoggedIn { session, .. } =
            login_via(&app, "staff", "/login", "", "mette@demo.mitforlob.dk", "").await
        else {
            panic!("a caseworker logs in with the staff provider");
        };
        let (status, headers, _) = app.get("/", Some(&session)).await;
        assert!(
            status.is_redirection() && location(&headers).starts_with("/caseload"),
            "{headers:?}"
        );
        // A citizen's address at the staff provider is nobody; nor is an unknown one.
        let citizen_as_staff = login_via(&app, "staff", "/login", "", "sofie@demo.mitforlob.dk", "").await;
        assert!(
            matches!(citizen_as_staff, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_not_linked"),
            "{citizen_as_staff:?}"
        );
        // The citizen's MitID at the staff provider does not make them staff.
        let crossed = login_via(&app, "staff", "/login", "", &subject, "").await;
        assert!(matches!(crossed, Outcome::SentTo(_)), "{crossed:?}");

        // Passwords are off for citizens here, on for staff.
        let (_, headers, _) = app
            .post_form(
                "/api/login",
                &format!(
                    "email=sofie%40demo.mitforlob.dk&password={}",
                    app::seed::DEMO_PASSWORD
                ),
                None,
            )
            .await;
        assert_eq!(location(&headers), "/login?error=auth.password_login_off");
        assert!(!set_cookies(&headers)
            .iter()
            .any(|c| c.starts_with("mitforlob_session=")));
        app.login("mette@demo.mitforlob.dk").await;

        // The provider rotates its keys: the next token names a key we have
        // not seen, and we fetch its keys again.
        reqwest::Client::new()
            .post(format!("{}/test/rotate", idp.issuer))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
        let rotated = login_via(&app, "citizen", "/login", "", &subject, SUBSTANTIAL).await;
        assert!(matches!(rotated, Outcome::LoggedIn { .. }), "{rotated:?}");
        app.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run_citizen(false).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run_citizen(true).await;
    }
}

/// The client proves itself with a signed assertion instead of a secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_key_jwt_client_authentication() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use base64::Engine;
    let key = p256::ecdsa::SigningKey::random(&mut rand_core::OsRng);
    let secret = SecretString::from(B64.encode(key.to_bytes()));
    let jwk = app::auth::oidc::public_jwk(&secret, "k1").unwrap();
    let idp = start_idp(
        "real",
        serde_json::json!([client_json(
            "signed",
            serde_json::json!({ "token_endpoint_auth_method": "private_key_jwt", "jwks": { "keys": [jwk] } })
        )]),
    )
    .await;
    let citizen = Provider::new(
        ProviderKind::Citizen,
        idp.issuer.clone(),
        "signed".into(),
        None,
        Some((secret, "k1".into())),
        vec![SUBSTANTIAL.into()],
    );
    let app = app_with(false, config(citizen, None, PasswordLogin::default())).await;
    let (_, code) = invite(&app).await;
    let outcome = login_via(
        &app,
        "citizen",
        "/activate",
        &format!("code={code}"),
        "signed-user",
        SUBSTANTIAL,
    )
    .await;
    assert!(matches!(outcome, Outcome::LoggedIn { .. }), "{outcome:?}");
    app.close().await;
}

/// A citizen who has a password links MitID from "Mig", soon after logging in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_with_a_password_links_mitid_from_me() {
    let idp = start_idp(
        "real",
        serde_json::json!([client_json("citizen", serde_json::json!({}))]),
    )
    .await;
    let app = app_with(
        false,
        config(
            provider(ProviderKind::Citizen, &idp, "citizen", &[SUBSTANTIAL]),
            None,
            PasswordLogin::default(),
        ),
    )
    .await;
    let sofie = app.user_id("sofie@demo.mitforlob.dk").await;
    let session = app.login("sofie@demo.mitforlob.dk").await;
    let (_, _, page) = app.get("/me", Some(&session)).await;
    assert!(page.contains("Knyt mit MitID til kontoen"), "offered on Mig");

    // A session opened long ago (a shared computer) cannot link a MitID.
    sqlx::query("UPDATE sessions SET created_at = created_at - 3600000 WHERE user_id = $1")
        .bind(&sofie)
        .execute(app.db.pool())
        .await
        .unwrap();
    let (status, headers, _) = app
        .post_form_from("/auth/oidc/citizen", "/me", "link=1", Some(&session))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), "/me?error=auth.mitid_link_relogin");

    // Just logged in: linked, and told so on Mig.
    let session = app.login("sofie@demo.mitforlob.dk").await;
    let (state_cookie, url) = begin_as(&app, "citizen", "/me", "link=1", Some(&session)).await;
    let back = Browser::default()
        .at_provider(&url, "sofie-mitid", SUBSTANTIAL)
        .await;
    let linked = callback(&app, &back, &state_cookie).await;
    assert!(
        matches!(linked, Outcome::LoggedIn { ref next, .. } if next == "/me?notice=auth.mitid_linked"),
        "{linked:?}"
    );
    assert_eq!(identities(&app, &sofie).await, 1);
    let Outcome::LoggedIn { session, .. } = linked else {
        unreachable!()
    };
    let (_, _, page) = app.get("/me", Some(&session)).await;
    assert!(
        page.contains("Dit MitID er knyttet til din konto."),
        "told on Mig"
    );

    // MitID alone logs her in now; a second MitID is not linked to her too.
    let again = login_via(&app, "citizen", "/login", "", "sofie-mitid", SUBSTANTIAL).await;
    assert!(matches!(again, Outcome::LoggedIn { .. }), "{again:?}");
    let session = app.login("sofie@demo.mitforlob.dk").await;
    let (state_cookie, url) = begin_as(&app, "citizen", "/me", "link=1", Some(&session)).await;
    let back = Browser::default()
        .at_provider(&url, "someone-elses-mitid", SUBSTANTIAL)
        .await;
    let second = callback(&app, &back, &state_cookie).await;
    assert!(
        matches!(second, Outcome::SentTo(ref to) if to == "/login?error=auth.oidc_already_linked"),
        "{second:?}"
    );
    assert_eq!(identities(&app, &sofie).await, 1);
    // Staff have nothing to link here.
    let mette = app.login("mette@demo.mitforlob.dk").await;
    let (status, _, _) = app
        .post_form_from("/auth/oidc/citizen", "/me", "link=1", Some(&mette))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mette_id = app.user_id("mette@demo.mitforlob.dk").await;
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM oidc_logins WHERE link_user_id = $1",
            &mette_id
        )
        .await,
        0
    );
    app.close().await;
}

/// Tokens a real provider never sends, from the rogue issuer: each refused,
/// and the same issuer's correct token accepted (so the refusals are the
/// faults', not the setup's).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_id_tokens_are_refused() {
    let idp = start_idp(
        "rogue",
        serde_json::json!([client_json("rogue-client", serde_json::json!({}))]),
    )
    .await;
    let app = app_with(
        false,
        config(
            provider(ProviderKind::Citizen, &idp, "rogue-client", &[SUBSTANTIAL]),
            None,
            PasswordLogin::default(),
        ),
    )
    .await;
    let sofie = app.user_id("sofie@demo.mitforlob.dk").await;
    sqlx::query("INSERT INTO user_identities (provider, subject, user_id, created_at) VALUES ($1, 'rogue-user', $2, 1)")
        .bind(&idp.issuer)
        .bind(&sofie)
        .execute(app.db.pool())
        .await
        .unwrap();
    let fault = |name: &'static str| {
        let issuer = idp.issuer.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{issuer}/test/fault"))
                .header("content-type", "application/json")
                .body(serde_json::json!({ "fault": name }).to_string())
                .send()
                .await
                .unwrap()
                .error_for_status()
                .unwrap();
        }
    };
    for (name, told) in [
        ("wrong-signature", "auth.oidc_failed"),
        // Signed by a key the provider never published: fetched again, still unknown.
        ("unknown-kid", "auth.oidc_failed"),
        ("expired", "auth.oidc_failed"),
        ("wrong-audience", "auth.oidc_failed"),
        ("wrong-issuer", "auth.oidc_failed"),
        ("wrong-nonce", "auth.oidc_failed"),
        ("no-acr", "auth.oidc_level"),
        ("low-acr", "auth.oidc_level"),
    ] {
        fault(name).await;
        let outcome = login_via(&app, "citizen", "/login", "", "rogue-user", SUBSTANTIAL).await;
        let expected = format!("/login?error={told}");
        assert!(
            matches!(outcome, Outcome::SentTo(ref to) if *to == expected),
            "{name}: {outcome:?}"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM sessions WHERE user_id = $1", &sofie)
            .await,
        0
    );
    fault("none").await;
    let outcome = login_via(&app, "citizen", "/login", "", "rogue-user", SUBSTANTIAL).await;
    assert!(matches!(outcome, Outcome::LoggedIn { .. }), "{outcome:?}");
    app.close().await;
}
